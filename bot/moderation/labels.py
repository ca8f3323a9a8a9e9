"""Moderators' labels: a reviewed message marked off-topic or a red flag, learned at once.

A label is a labelled example (``abstain``, or ``safety`` with its tier) written to its own
file, ``knowledge/examples/moderators.yaml``, by the same validated, atomic, locked change as a
teach (:class:`bot.moderation.teaching.ModeratorFiles`); the engine is swapped to the new
knowledge, so the decision layer has learned it when :meth:`Labeller.label` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.engine import Engine, Reply
from bot.engine.loader import KnowledgeSource
from bot.engine.model import ABSTAIN, RED_FLAG, Example, KnowledgeFile
from bot.engine.normalise import comparable, without_surrogates
from bot.moderation.teaching import (
    ModeratorFiles,
    TeachError,
    did_you_mean,
    red_flag_refusal,
    reply_gist,
    section_yaml,
)

MODERATOR_KIND = "moderator"
"""The ``kind`` of every example a moderator labelled."""
Label = Literal["abstain", "safety"]
HEADER = """\
# yaml-language-server: $schema=../schema.json
# Messages moderators labelled from the review loop (`/kb label`, `python -m bot label`):
# abstain (off-topic, or not covered) or safety with its red-flag tier. The decision layer
# learns from them like the other example sets. Reviewed in git; safe to edit by hand.
"""


@dataclass(frozen=True)
class LabelResult:
    """A label as written, how the bot replied to the message before it and after it."""

    example: Example
    before: Reply
    after: Reply
    replaced: Example | None = None
    """The moderators' earlier label of the same message, when this one changed it."""

    def describe(self) -> str:
        """``“message” → abstain: before ..., now ...`` in words, with any label it replaced."""
        was = f" (was {describe(self.replaced)})" if self.replaced else ""
        return (
            f"“{self.example.q}” → {describe(self.example)}{was}: "
            f"before {reply_gist(self.before)}, now {reply_gist(self.after)}"
        )


def describe(example: Example) -> str:
    """``abstain``, ``safety (tier)``, or the entry ids: an example's label in words."""
    if isinstance(example.expect, list):
        return ", ".join(example.expect)
    return f"{RED_FLAG} ({example.tier})" if example.expect == RED_FLAG else example.expect


class Labeller:
    """Labels messages for one engine and knowledge base."""

    def __init__(self, engine: Engine, source: Path | KnowledgeSource) -> None:
        """Write labels into ``source``'s labels file (``examples/moderators.yaml``); swap."""
        self.engine = engine
        self.files = ModeratorFiles(engine, source)

    @property
    def path(self) -> Path:
        """The file moderators' labels are written to."""
        return self.files.source.labels_file

    def label(self, message: str, label: Label, tier: str | None = None) -> LabelResult:
        """Label ``message``; raise :class:`TeachError` saying why when refused."""
        message = without_surrogates(" ".join(message.split()))
        if not comparable(message):
            raise TeachError("that message is empty once markup is removed")
        example = Example(
            q=message, expect=label, tier=self._tier(label, tier), kind=MODERATOR_KIND
        )
        key = comparable(message)
        if label == ABSTAIN:
            self._refuse_red_flag(message)
            self._refuse_a_known_phrasing(key)
        else:
            self._refuse_milder_tier(message, example.tier)
        elsewhere = self._labelled_elsewhere(key)
        if elsewhere is not None:
            raise TeachError(elsewhere)
        before = self.engine.answer(message)
        replaced: list[Example] = []

        def relabel(current: KnowledgeFile) -> str:
            kept = [item for item in current.examples if comparable(item.q) != key]
            replaced.extend(item for item in current.examples if comparable(item.q) == key)
            if replaced and (replaced[-1].expect, replaced[-1].tier) == (label, example.tier):
                raise TeachError(f"that message is already labelled {describe(example)}")
            return section_yaml(HEADER, "examples", [*kept, example])

        with self.engine.swapping:
            self.files.change(self.path, relabel)
            after = self.engine.answer(message)
        return LabelResult(example, before, after, replaced[-1] if replaced else None)

    def _tier(self, label: Label, tier: str | None) -> str | None:
        """The tier a label needs: a known one for ``safety``, none for ``abstain``."""
        if label == ABSTAIN:
            if tier is not None:
                raise TeachError("a tier goes with a red-flag (safety) label only")
            return None
        known = [item.id for item in self.engine.knowledge.safety_tiers]
        if tier is None:
            raise TeachError(f"a red-flag label needs its tier: one of {', '.join(known)}")
        if tier not in known:
            hint = did_you_mean(tier, known) or f" (the tiers: {', '.join(known)})"
            raise TeachError(f"there is no red-flag tier {tier!r}{hint}")
        return tier

    def _refuse_red_flag(self, message: str) -> None:
        """Safety is recall first: an off-topic label must not teach the bot to miss a red flag."""
        refusal = red_flag_refusal(self.engine, message, "labelling it not a red flag")
        if refusal is not None:
            raise TeachError(refusal)

    def _refuse_a_known_phrasing(self, key: str) -> None:
        """An entry's own question or a taught phrasing is answered by it, whatever a label says."""
        knowledge = self.engine.knowledge
        for entry in knowledge.entries.values():
            phrasings = [*entry.questions, *knowledge.taught(entry.id)]
            if any(comparable(phrasing) == key for phrasing in phrasings):
                raise TeachError(
                    f"that message is a phrasing of {entry.id} (one of its questions, or taught): "
                    "untaught it, or take it out of the entry, before labelling it off-topic"
                )

    def _refuse_milder_tier(self, message: str, tier: str | None) -> None:
        """A red-flag label may not be less urgent than the tier its own phrases trigger."""
        flag = self.engine.red_flag(message)
        urgency = [item.id for item in self.engine.knowledge.safety_tiers]
        if flag is None or flag.tier is None or tier not in urgency:
            return
        if urgency.index(tier) > urgency.index(flag.tier.id):
            raise TeachError(
                f"that message triggers the more urgent tier {flag.tier.id} "
                f"(“{flag.wording}”); label it {flag.tier.id}, or leave it to the triage"
            )

    def _labelled_elsewhere(self, key: str) -> str | None:
        """Why the message can't be labelled here, when another example set labels it."""
        own = self.path.resolve()
        for name, examples in self.engine.knowledge.example_sets.items():
            if Path(name).resolve() == own:
                continue
            for item in examples:
                if comparable(item.q) == key:
                    return (
                        f"{Path(name).name} already labels that message {describe(item)}; "
                        "change it there"
                    )
        return None
