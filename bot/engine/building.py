"""Building the engine's state: the lexical indexes, then the decision layer trained on them.

Every build encodes the texts the knowledge needs in one pass, reuses a fusion fit made on
the same inputs, and (for the running bot) keeps only what the knowledge needs in the cache.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from functools import partial

from bot.engine.focus import Candidates
from bot.engine.knowledge import KnowledgeBase
from bot.engine.model import RED_FLAG, Example
from bot.engine.normalise import clean, comparable
from bot.engine.ranking import lexical_scores, rank
from bot.engine.semantic.decision import DecisionLayer, TrainingRow
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.engine.semantic.fit_cache import (
    FUSION,
    LOOK,
    drop_other_fits,
    fit_digest,
    look_digest,
    read_fusion,
    read_second_look,
    write_fusion,
    write_second_look,
)
from bot.engine.semantic.second_look import SecondLook
from bot.engine.semantic.training import training_rows
from bot.engine.state import State, lexical_state


def build_state(
    knowledge: KnowledgeBase,
    embeddings: EmbeddingCache | None,
    held_out: Collection[str],
    previous: DecisionLayer | None = None,
    *,
    prune: bool = False,
    lexical: State | None = None,
) -> State:
    """The state answering from ``knowledge``; with ``prune``, the cache keeps only its needs.

    ``lexical``, a state built on this same knowledge, lends its lexical indexes.
    """
    state = lexical if lexical is not None and lexical.knowledge is knowledge else None
    state = state or lexical_state(knowledge)
    if embeddings is None:
        return state
    rows = training_rows(knowledge, held_out)
    signs = tuple((sign, tier) for tier in knowledge.safety_tiers for sign in tier.signs)
    part_texts = {
        entry_id: [clean(part.text) for part in found.parts]
        for entry_id, found in (state.parts or {}).items()
    }
    row_texts = [clean(row.text) for row in rows]
    sign_texts = [clean(sign) for sign, _ in signs]
    digest = fit_digest(knowledge, rows, embeddings.encoder.fingerprint)
    labelled = _labelled(knowledge, held_out)
    looks = look_digest(digest, labelled)
    kept_look = read_second_look(embeddings.directory, looks)
    looked_at = [] if kept_look is not None else _naming_red_flags(state, labelled)
    needed = [
        *row_texts,
        *sign_texts,
        *(clean(example.q) for example in looked_at),
        *(text for texts in part_texts.values() for text in texts),
    ]
    embeddings.vectors(needed)  # every new text in one encoding, whose progress is told once
    decision = _trained(state, rows, embeddings, digest, previous)
    second_look = kept_look or _fitted_look(embeddings, looks, looked_at)
    if prune:
        embeddings.prune(needed)
        drop_other_fits(embeddings.directory, {FUSION: digest, LOOK: looks})
    return replace(
        state,
        parts=_encoded_parts(state, embeddings, part_texts),
        decision=decision,
        second_look=second_look,
        signs=signs,
        sign_vectors=embeddings.vectors(sign_texts) if signs else None,
    )


def _trained(
    state: State,
    rows: list[TrainingRow],
    embeddings: EmbeddingCache,
    digest: str,
    previous: DecisionLayer | None,
) -> DecisionLayer:
    """The decision layer trained on ``rows``, reusing a fusion fit kept for ``digest``."""
    kept = read_fusion(embeddings.directory, digest)
    reuse = kept or (previous.fusion if previous else None)
    decision = DecisionLayer.train(
        rows,
        embeddings.vectors([clean(row.text) for row in rows]),
        partial(_example_scores, state),
        entries=list(state.knowledge.entries),
        tiers=[tier.id for tier in state.knowledge.safety_tiers],
        reuse=reuse,
    )
    if decision.fusion is not reuse:  # freshly fitted on exactly these inputs
        write_fusion(embeddings.directory, digest, decision.fusion)
    return decision


def _fitted_look(
    embeddings: EmbeddingCache, digest: str, looked_at: list[Example]
) -> SecondLook | None:
    """The second look fitted on the messages naming a red-flag phrase, and kept on disk."""
    vectors = embeddings.vectors([clean(example.q) for example in looked_at])
    look = SecondLook.fit(vectors, [example.expect == RED_FLAG for example in looked_at])
    if look is not None:
        write_second_look(embeddings.directory, digest, look)
    return look


def _labelled(knowledge: KnowledgeBase, held_out: Collection[str]) -> list[Example]:
    """The labelled messages, context examples too, but those in ``held_out``."""
    return [
        example
        for sets in (knowledge.example_sets, knowledge.context_sets)
        for examples in sets.values()
        for example in examples
        if comparable(example.q) not in held_out
    ]


def _naming_red_flags(state: State, labelled: list[Example]) -> list[Example]:
    """The labelled messages that name a red-flag phrase: what the second look learns from."""
    named = state.names_red_flag
    for example in labelled:
        if example.q not in named:
            named[example.q] = state.triage.names_any(
                state.analyser.analyse(clean(example.q)).terms
            )
    return [example for example in labelled if named[example.q]]


def _example_scores(state: State, text: str) -> dict[str, float]:
    """A training text's lexical scores, computed once per knowledge base (kept in ``state``)."""
    scores = state.example_scores.get(text)
    if scores is None:
        scores = lexical_scores(rank(state, clean(text))[0])
        state.example_scores[text] = scores
    return scores


def _encoded_parts(
    state: State, embeddings: EmbeddingCache, part_texts: dict[str, list[str]]
) -> dict[str, Candidates]:
    """Each entry's leading parts with their vectors (entries without parts as they are)."""
    return {
        entry_id: Candidates(found.parts, embeddings.vectors(part_texts[entry_id]))
        if found.parts
        else found
        for entry_id, found in (state.parts or {}).items()
    }
