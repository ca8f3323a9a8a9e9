"""Red-flag phrases: find the symptoms a message names, and how it holds each.

Phrases come from the knowledge base's safety tiers, most urgent tier first. A phrase is found
first among the words the message affirms, then among those it is unsure of, then anywhere: so
"no fever, but it swelled up right after the twist" finds the swelling, affirmed, and "I don't
have a fever" finds the fever, negated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.engine.analysis import Analyser
from bot.engine.context import DISMISSED, Context, Finding
from bot.engine.model import SafetyTier
from bot.engine.phrase_syntax import WordGroups
from bot.engine.phrases import MASK, Masker, PhraseIndex

Terms = tuple[str, ...]
_READINGS = (
    (frozenset({Context.AFFIRMED}), Context.AFFIRMED),
    (frozenset({Context.AFFIRMED, Context.UNCERTAIN}), Context.UNCERTAIN),
)
"""The words a phrase is looked for among, in turn, and the context a phrase found there has."""


class Triage:
    """Finds the most urgent red-flag tier a message names, and its context."""

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
        self._asking = PhraseIndex(
            ((tier, tier.ask_phrases) for tier in tiers), analyser, word_groups
        )
        self._cues = Masker(exercise_cues, analyser, word_groups)

    def covered(self, terms: Terms) -> frozenset[int]:
        """Positions of ``terms`` inside a red-flag wording.

        Not one to ask about: the hedge in "my knee feels like static" still hedges.
        """
        return self._index.covered(terms)

    def embedding(self, terms: Terms) -> frozenset[int]:
        """Positions of ``terms`` inside a red-flag wording of two or more words.

        A context trigger there is the phrase's own word ("no" in "no weight on it"): it
        reads around the phrase, not into it. A single-word wording inside a trigger is the
        trigger's ("kid" in "when i was a kid").
        """
        return self._index.covered(terms, least=2)

    def names_any(self, terms: Terms) -> bool:
        """Whether ``terms`` name a red-flag phrase (or one to ask about), in any context."""
        masked = self._cues.masked(terms)
        return any(index.find_in_terms(masked) is not None for index in (self._index, self._asking))

    def find(self, terms: Terms, contexts: Sequence[Context]) -> Finding | None:
        """The gravest phrase the message affirms, else is unsure of, else names at all.

        A phrase to ask about (``ask_phrases``), affirmed or not, is one the message is unsure
        of: it comes after the tiers' own phrases, and gets the screening question.
        """
        terms = self._cues.masked(terms)
        for allowed, context in _READINGS:
            held = tuple(
                term if contexts[position] in allowed else MASK
                for position, term in enumerate(terms)
            )
            found = self._index.find_in_terms(held)
            if found is not None:
                return Finding(found.payload, context, "phrase", found.phrase)
        asked = self._asking.find_in_terms(held)
        if asked is not None:
            return Finding(asked.payload, Context.UNCERTAIN, "phrase", asked.phrase)
        found = self._index.find_in_terms(terms)
        if found is None:
            return None
        dismissals = Counter(context for context in contexts if context in DISMISSED)
        context = dismissals.most_common(1)[0][0] if dismissals else Context.NEGATED
        return Finding(found.payload, context, "phrase", found.phrase)
