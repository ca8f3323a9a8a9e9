"""The bars the engine decides on: answering, suggesting, and the red-flag verdict."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Bars (0-100) on the decision layer's calibrated confidence.

    Answer at or above ``answer`` with a lead of ``margin`` over the runner-up; offer "did you
    mean" at or above ``suggest``; ``passive`` is the stricter bar for messages nobody
    addressed to the bot. A learned red-flag confidence at or above ``red_flag`` gets the
    safety reply, at or above ``screen`` the screening question. A red-flag phrase gets the
    safety reply unless the learned confidence is below ``doubt``: then the screening question.
    An English message read in one window is judged whole instead, against ``whole_doubt``, so
    its context counts ("Swelling? Nope."), or by a clause in which the member says it of
    themselves that reads at or above ``own_clause`` on its own ("my foot is cold and pale").
    A single clause read on its own at or above ``clause`` gets the screening question too;
    a clause that, read in its message, reaches ``recheck`` is read on its own. The
    whole message's confidence counts only where the clause that carries it is not denied:
    "no swelling, no fever" reads like a red flag and affirms none. An English message whose
    red-flag phrase the second look reads below ``second_look`` gets the screening question,
    not the firm reply ("Knee swelling? nope.").
    """

    answer: float = 40.0
    suggest: float = 20.0
    passive: float = 75.0
    margin: float = 5.0
    red_flag: float = 90.0
    screen: float = 40.0
    doubt: float = 10.0
    whole_doubt: float = 25.0
    own_clause: float = 95.0
    clause: float = 97.0
    recheck: float = 10.0
    second_look: float = 50.0


LEXICAL_THRESHOLDS = Thresholds(answer=58.0, suggest=55.0, passive=75.0, margin=1.0)
"""Bars on the lexical score, used when the semantic layer is off."""
