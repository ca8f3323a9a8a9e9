"""Red-flag triage: find messages that describe something for a clinician, not exercises.

Phrases come from the knowledge base's safety tiers, most urgent tier first. Recall matters
more than precision here: a needless safety note costs little, a missed locked knee a lot.
"""

from __future__ import annotations

from bot.engine.analysis import Analyser
from bot.engine.model import SafetyTier
from bot.engine.phrase_syntax import WordGroups
from bot.engine.phrases import Found, Masker, PhraseIndex

RedFlag = Found[SafetyTier]


class Triage:
    """Finds the most urgent red-flag tier a message describes."""

    def __init__(
        self,
        tiers: tuple[SafetyTier, ...],
        analyser: Analyser,
        word_groups: WordGroups,
        exercise_cues: tuple[str, ...],
    ) -> None:
        """Index every tier's phrases, ``{name}`` standing for any word of that word group.

        ``exercise_cues`` are wordings of exercise instructions that read like red flags
        ("lock your knee out at the top"); the words they cover are not read for red flags.
        """
        self._index = PhraseIndex(((tier, tier.phrases) for tier in tiers), analyser, word_groups)
        self._cues = Masker(exercise_cues, analyser, word_groups)

    def check(self, cleaned: str) -> RedFlag | None:
        """The most urgent tier whose phrase appears in ``cleaned`` text, outside exercise cues."""
        return self._index.find_in_terms(self._cues.masked(cleaned))
