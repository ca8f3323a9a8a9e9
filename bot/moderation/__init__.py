"""The moderators' wing: the desk of use cases both front ends call, and what it works with.

:mod:`~bot.moderation.desk` (review, teach, untaught, label, dismiss, usage), written once for
``/kb`` and the shell; :mod:`~bot.moderation.teaching` and :mod:`~bot.moderation.labels` change
the knowledge files; :mod:`~bot.moderation.review` groups the unanswered list;
:mod:`~bot.moderation.charts` draws the usage chart.
"""

DAYS_BACK = range(1, 366)
"""How many days back moderators' reviews may look (`/kb unanswered`, `stats`): up to a year."""
