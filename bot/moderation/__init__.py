"""The moderators' wing: what ``/kb`` and the moderators' shell commands work with.

:mod:`~bot.moderation.teaching` and :mod:`~bot.moderation.labels` change the knowledge files;
:mod:`~bot.moderation.review` groups the unanswered list; :mod:`~bot.moderation.charts` draws
the usage chart.
"""
