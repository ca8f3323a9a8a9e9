"""Red-flag triage: find messages that describe something for a clinician, not exercises.

Phrases come from the knowledge base's safety tiers, most urgent tier first. Recall matters
more than precision here: a needless safety note costs little, a missed locked knee a lot.
"""

from __future__ import annotations

from bot.engine.analysis import Analyser
from bot.engine.model import SafetyTier
from bot.engine.phrase_syntax import WordGroups
from bot.engine.phrases import Found, PhraseIndex

RedFlag = Found[SafetyTier]


class Triage:
    """Finds the most urgent red-flag tier a message describes."""

    def __init__(
        self, tiers: tuple[SafetyTier, ...], analyser: Analyser, word_groups: WordGroups
    ) -> None:
        """Index every tier's phrases, ``{name}`` standing for any word of that word group."""
        self._index = PhraseIndex(((tier, tier.phrases) for tier in tiers), analyser, word_groups)

    def check(self, cleaned: str) -> RedFlag | None:
        """The most urgent tier whose phrase appears in ``cleaned`` text, if any."""
        return self._index.find(cleaned)
