"""Episodes a member dates and says ended, before telling of now: past, not a red flag.

"Two winters ago my knee was swollen and hot after I fell, the doctor gave antibiotics and it
was finished. Now only pain on the outside of the knee."
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.message_wordings import MessageWordings
from bot.engine.scopes import Context, sentences


def ended_episode(message: MessageWordings, labels: Sequence[Context]) -> list[int]:
    """Positions of an episode the member dates and says ended, before telling of now.

    From the start of a clause with a ``dated`` wording up to an ``ended`` one the message
    affirms ("never fixed" ends nothing) in that sentence or the next, when no ``terminate`` or
    ``present`` word lies between ("it gives way, physio sorted it": the symptom is now), and a
    later sentence opens with a ``now_contrast`` wording and asks nothing ("Now what?", "Now
    what exercises" ask). All three, or nothing.
    """
    clauses = message.clauses
    spans = sentences(clauses)
    opened, asking = message.starts("now_contrast"), message.starts("now_asking")
    now = [
        sentence.start
        for sentence in spans
        if sentence.start in opened - asking
        and not clauses[message.clause_of[sentence.stop - 1]].text.rstrip().endswith("?")
    ]
    stops = message.starts("terminate") | message.starts("present")
    dated = message.starts("dated")
    ended = sorted(start for start in message.starts("ended") if labels[start] is Context.AFFIRMED)
    positions: list[int] = []
    for clause in clauses:
        later = [start for start in now if start > clause.start]
        if not later or not dated & set(range(clause.start, clause.end)):
            continue
        sentence = next(index for index, span in enumerate(spans) if clause.start in span)
        reach = min(later[0], spans[min(sentence + 1, len(spans) - 1)].stop)
        end = next((start for start in ended if clause.start < start < reach), None)
        if end is not None and not stops & set(range(clause.start, end)):
            positions += range(clause.start, end)
    return positions
