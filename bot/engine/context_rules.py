"""The context rules of each language, analysed once into runs of terms found in messages.

The word lists of ``context:`` in ``knowledge/safety.yaml`` (see
:class:`~bot.engine.model.ContextRules`): triggers, with the context they give and which way
their scope runs, and plain wordings (pseudo-triggers, scope ends, people, body parts...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.engine.analysis import Analyser
from bot.engine.model import ContextRules
from bot.engine.normalise import clean
from bot.engine.phrase_syntax import WordGroups, alternatives
from bot.engine.scopes import Context

Terms = tuple[str, ...]

TRIGGERS = {
    "negated": (Context.NEGATED, True),
    "negated_after": (Context.NEGATED, False),
    "past": (Context.PAST, True),
    "past_after": (Context.PAST, False),
    "hypothetical": (Context.HYPOTHETICAL, True),
    "other": (Context.OTHER, True),
    "uncertain": (Context.UNCERTAIN, True),
    "uncertain_after": (Context.UNCERTAIN, False),
    "resolved_after": (Context.PAST, False, True),
}
"""Rule list -> the context its triggers give, whether their scope runs forward, and whether
it reaches back through the whole sentence."""


WORDINGS = (
    "pseudo", "terminate", "figurative", "clause_start", "first_person", "carer", "body",
    "sense", "change", "affirming", "answers", "asking", "experiencer", "kin", "third_party",
    "possessive", "contact", "reassuring", "dated", "ended", "now_contrast", "now_asking",
    "present", "recent", "joining", "speaker",
)  # fmt: skip
"""The rule lists that are plain wordings, found where they occur (not triggers with scopes)."""


@dataclass(frozen=True)
class Trigger:
    """What a trigger wording does: the context it gives, and which way its scope runs.

    ``sentence``: it reaches back through its whole sentence (a resolution).
    """

    context: Context
    forward: bool
    sentence: bool = False


class Runs:
    """Term runs indexed by their first term, each with a payload."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[Terms, object]]] = {}

    def add(self, run: Terms, payload: object) -> None:
        """Index ``run`` (nothing for an empty one) with ``payload``."""
        if run:
            self._by_first.setdefault(run[0], []).append((run, payload))

    def occurrences(self, terms: Terms) -> list[tuple[int, int, object]]:
        """Every ``(start, end, payload)`` where a run occurs in ``terms``."""
        found = []
        for start, term in enumerate(terms):
            for run, payload in self._by_first.get(term, ()):
                end = start + len(run)
                if terms[start:end] == run:
                    found.append((start, end, payload))
        return found


@dataclass
class Rules:
    """One language's trigger wordings, analysed."""

    triggers: Runs = field(default_factory=Runs)
    pseudo: Runs = field(default_factory=Runs)
    terminate: Runs = field(default_factory=Runs)
    figurative: Runs = field(default_factory=Runs)
    clause_start: Runs = field(default_factory=Runs)
    first_person: Runs = field(default_factory=Runs)
    carer: Runs = field(default_factory=Runs)
    affirming: Runs = field(default_factory=Runs)
    answers: Runs = field(default_factory=Runs)
    asking: Runs = field(default_factory=Runs)
    experiencer: Runs = field(default_factory=Runs)
    kin: Runs = field(default_factory=Runs)
    third_party: Runs = field(default_factory=Runs)
    possessive: Runs = field(default_factory=Runs)
    contact: Runs = field(default_factory=Runs)
    reassuring: Runs = field(default_factory=Runs)
    dated: Runs = field(default_factory=Runs)
    ended: Runs = field(default_factory=Runs)
    now_contrast: Runs = field(default_factory=Runs)
    now_asking: Runs = field(default_factory=Runs)
    present: Runs = field(default_factory=Runs)
    recent: Runs = field(default_factory=Runs)
    joining: Runs = field(default_factory=Runs)
    speaker: Runs = field(default_factory=Runs)
    sense: Runs = field(default_factory=Runs)
    change: Runs = field(default_factory=Runs)
    body: Runs = field(default_factory=Runs)
    functions: set[str] = field(default_factory=set)


def compile_rules(
    rules: Iterable[ContextRules], analyser: Analyser, groups: WordGroups
) -> dict[str, Rules]:
    """Every language's rules, each wording analysed as messages are.

    A wording may use ``{group}`` words, as red-flag phrases do ("{young-age}yo").
    """

    def terms_of(wording: str) -> list[Terms]:
        return [analyser.analyse(clean(text)).terms for text in alternatives(wording, groups)]

    compiled: dict[str, Rules] = {}
    for rule in rules:
        language = compiled.setdefault(rule.language, Rules())
        for name, trigger in TRIGGERS.items():
            for wording in getattr(rule, name):
                for terms in terms_of(wording):
                    language.triggers.add(terms, Trigger(*trigger))
        for name in WORDINGS:
            for wording in getattr(rule, name):
                for terms in terms_of(wording):
                    getattr(language, name).add(terms, None)
        language.functions.update(
            term for word in rule.function for terms in terms_of(word) for term in terms
        )
    return compiled
