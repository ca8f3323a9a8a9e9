"""The one way through: message -> clean -> triage -> lexical + semantic signals -> Reply.

The CLI, the console chat, ``eval`` and every Discord feature call :meth:`Engine.answer` (or
:meth:`Engine.reply_for` when the member already chose an entry), so they all agree.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from bot.engine.analysis import Analyser
from bot.engine.context import DISMISSED, Clause, Context, ContextReader, Finding
from bot.engine.focus import Candidates, candidate_parts, focus
from bot.engine.knowledge import KnowledgeBase
from bot.engine.loader import load_knowledge
from bot.engine.matcher import Candidate, Matcher, entry_texts, reference_texts
from bot.engine.model import NotCovered, SafetyTier
from bot.engine.normalise import (
    MAX_RAW_CHARS,
    clean,
    is_question,
    question_sentences,
    tokens,
)
from bot.engine.phrases import PhraseIndex
from bot.engine.reading import Reader, Reading
from bot.engine.reply import Outcome, Part, Reply, Topic
from bot.engine.semantic.decision import DecisionLayer, Judgement
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.engine.semantic.fusion_cache import (
    drop_other_fits,
    fit_digest,
    read_fusion,
    write_fusion,
)
from bot.engine.semantic.setup import semantic_status
from bot.engine.semantic.training import training_rows
from bot.engine.triage import Triage

MAX_MATCH_CHARS = 300
"""Matching reads at most this much of a (question) sentence."""
CONTEXT_CHARS = 200
"""When a message has question sentences, the whole of it is context, read this far: the
questions themselves are matched in full."""
MAX_SEGMENTS = 4
"""A message is matched as a whole and by its first question sentences, this many in all."""
MIN_SENTENCE_TERMS = 2
"""A question sentence counts on its own only with this many topic words: in "how does that
help the knee?" the one word "knee" says nothing about which part of a longer message is meant."""
MAX_CLAUSES = 256
"""Up to this many clauses (a whole 4,000-character message), a message is also read for red
flags clause by clause."""
SIGNS_SHOWN = 4
"""Warning signs a screening question lists."""
SEMANTIC_OFF = "semantic layer off: no encoder was given"


def _read_poorly(state: _State, reading: Reading) -> Finding | None:
    """A message in a language the bot reads poorly that names the body: maybe a red flag.

    It gets the screening question (the least urgent tier's signs lead), so recall never
    hangs on a list of red-flag phrases in that language being complete.
    """
    if reading.english or not reading.about_body or not state.knowledge.safety_tiers:
        return None
    return Finding(state.knowledge.safety_tiers[-1], Context.UNCERTAIN, "meaning", "")


def _read_clauses(reading: Reading, flags: Sequence[object]) -> list[Clause]:
    """The clauses the learned signal read, one per flag.

    The message's clauses, or the whole message when it is one, and a follow-up's own words
    as one more after them.
    """
    clauses = list(reading.clauses[: len(flags)]) if len(flags) > 1 else [reading.whole]
    return [*clauses, *[reading.whole] * (len(flags) - len(clauses))]


def _marked(reply: Reply, reading: Reading, denied: frozenset[str]) -> Reply:
    """``reply``, marked with what the reading says of the message.

    Its language (when not English), whether it denies a symptom, whether it asks about one.
    """
    language = None if reading.english else reading.language
    phrase = reading.phrase
    wonders = phrase is not None and phrase.context is Context.HYPOTHETICAL
    return replace(reply, language=language, denied=denied, wonders=wonders)


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
    "no swelling, no fever" reads like a red flag and affirms none.
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


LEXICAL_THRESHOLDS = Thresholds(answer=58.0, suggest=55.0, passive=75.0, margin=1.0)
"""Bars on the lexical score, used when the semantic layer is off."""


@dataclass(frozen=True)
class _State:
    knowledge: KnowledgeBase
    analyser: Analyser
    triage: Triage
    reader: Reader
    scope: PhraseIndex[NotCovered]
    matcher: Matcher
    decision: DecisionLayer | None = None
    signs: tuple[tuple[str, SafetyTier], ...] = ()
    """Every tier's warning signs, each with its tier, most urgent tier first."""
    sign_vectors: np.ndarray | None = None
    parts: dict[str, Candidates] | None = None
    """Entry id -> the steps or paragraphs that can lead a short answer."""
    example_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    """Training text -> its lexical scores: they depend on the knowledge only, so engines
    sharing this state (each held-out engine of a cross-validation) score each text once."""

    def content(self, text: str) -> set[str]:
        """The topic words of a text, as matching reads them."""
        return set(self.analyser.analyse(clean(text)).content)


_CONTEXT_LISTS = (
    "negated", "negated_after", "past", "past_after", "resolved_after", "hypothetical",
    "other", "first_person", "carer", "uncertain", "uncertain_after", "figurative", "pseudo",
    "terminate", "clause_start", "function", "body",
)  # fmt: skip
"""The word lists of context rules: their words are known words, not typos to correct."""


def _lexical_state(knowledge: KnowledgeBase) -> _State:
    vocabulary: list[str] = []
    for entry in knowledge.entries.values():
        vocabulary += entry_texts(entry, knowledge.taught(entry.id))
        vocabulary += reference_texts(entry)
    english = {word for text in vocabulary for word in tokens(text.casefold())}
    vocabulary += [phrase for tier in knowledge.safety_tiers for phrase in tier.phrases]
    vocabulary += [phrase for item in knowledge.not_covered for phrase in item.phrases]
    vocabulary += list(knowledge.exercise_cues)
    vocabulary += [word for words in knowledge.word_groups.values() for word in words]
    vocabulary += [
        wording
        for rules in knowledge.context
        for name in _CONTEXT_LISTS
        for wording in getattr(rules, name)
    ]
    analyser = Analyser(vocabulary, knowledge.synonyms)
    triage = Triage(
        knowledge.safety_tiers, analyser, knowledge.word_groups, knowledge.exercise_cues
    )
    languages = [rules.language for rules in knowledge.context]
    contexts = ContextReader(knowledge.context, analyser)
    reader = Reader(analyser, triage, contexts, languages, english)
    scope_phrases = ((item, item.phrases) for item in knowledge.not_covered)
    parts = {entry.id: Candidates(candidate_parts(entry)) for entry in knowledge.entries.values()}
    return _State(
        knowledge=knowledge,
        parts=parts,
        analyser=analyser,
        triage=triage,
        reader=reader,
        scope=PhraseIndex(scope_phrases, analyser, knowledge.word_groups),
        matcher=Matcher(knowledge, analyser),
    )


def _build_state(
    knowledge: KnowledgeBase,
    embeddings: EmbeddingCache | None,
    held_out: Collection[str],
    previous: DecisionLayer | None = None,
    *,
    prune: bool = False,
    lexical: _State | None = None,
) -> _State:
    """The state answering from ``knowledge``; with ``prune``, the cache keeps only its needs.

    ``lexical``, a state built on this same knowledge, lends its lexical indexes.
    """
    state = lexical if lexical is not None and lexical.knowledge is knowledge else None
    state = state or _lexical_state(knowledge)
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
    needed = [*row_texts, *sign_texts, *(text for texts in part_texts.values() for text in texts)]
    embeddings.vectors(needed)  # every new text in one encoding, whose progress is told once
    vectors = embeddings.vectors(row_texts)
    digest = fit_digest(knowledge, rows, embeddings.encoder.fingerprint)
    kept = read_fusion(embeddings.directory, digest)
    reuse = kept or (previous.fusion if previous else None)

    def lexical_scores_of(text: str) -> dict[str, float]:
        scores = state.example_scores.get(text)
        if scores is None:
            scores = _lexical_scores(Engine._rank(state, clean(text))[0])
            state.example_scores[text] = scores
        return scores

    decision = DecisionLayer.train(
        rows,
        vectors,
        lexical_scores_of,
        entries=list(knowledge.entries),
        tiers=[tier.id for tier in knowledge.safety_tiers],
        reuse=reuse,
    )
    if decision.fusion is not reuse:  # freshly fitted on exactly these inputs
        write_fusion(embeddings.directory, digest, decision.fusion)
    sign_vectors = embeddings.vectors(sign_texts) if signs else None
    parts = {
        entry_id: Candidates(found.parts, embeddings.vectors(part_texts[entry_id]))
        if found.parts
        else found
        for entry_id, found in (state.parts or {}).items()
    }
    if prune:
        embeddings.prune(needed)
        drop_other_fits(embeddings.directory, digest)
    return _State(
        knowledge=knowledge,
        parts=parts,
        analyser=state.analyser,
        triage=state.triage,
        reader=state.reader,
        scope=state.scope,
        matcher=state.matcher,
        example_scores=state.example_scores,
        decision=decision,
        signs=signs,
        sign_vectors=sign_vectors,
    )


def _asked(reading: Reading, clauses: Sequence[Clause], parts: np.ndarray) -> np.ndarray | None:
    """What a message asks: its questions, without its story or the symptoms it sets aside.

    "No fall, no swelling, what's the routine?" is about the routine, and so is "I've lifted
    for six years and coach juniors. Which exercise first?": clauses that are dismissed
    (negated, past, someone else's, figurative) are set aside, then, where some of the rest
    ask, those that don't. The kept clauses' vectors, pooled from the message's one forward
    pass, are averaged by length. None when nothing is set aside, or everything is.
    """
    kept = [
        index for index, clause in enumerate(clauses) if reading.context_of(clause) not in DISMISSED
    ]
    kept = [index for index in kept if is_question(clauses[index].text)] or kept
    if not clauses or len(kept) in (0, len(clauses)):
        return None
    weights = np.array([len(clauses[index].text) for index in kept], dtype=np.float32)
    mean = weights @ parts[kept]
    return (mean / np.linalg.norm(mean)).astype(np.float32)


def _ranking(ranked: Sequence[tuple[str, float]]) -> tuple[tuple[str, int], ...]:
    """Entries ranked for a message, best first, with their scores as replies give them."""
    return tuple((entry_id, round(score)) for entry_id, score in ranked)


def _lexical_scores(candidates: list[Candidate]) -> dict[str, float]:
    """Entry id -> lexical score, best first."""
    return {candidate.entry.id: candidate.score for candidate in candidates}


class Engine:
    """Answers messages from one knowledge base, which can be swapped for a newer one.

    With ``embeddings`` (a sentence encoder and its cache) the lexical signals are fused with
    the encoder's by a decision layer trained on the knowledge base's labelled texts; without
    it the engine answers on the lexical signals alone, and :attr:`semantic_status` says why.
    Texts in ``held_out`` (compared after normalisation) are never trained on.

    ``prune_cache`` is for the running bot's engine, whose cache directory serves it alone:
    after each build (its start, and every reload, teach or label it swaps in) the cache keeps
    only what that knowledge needs, the vectors of its texts and its fusion fit, so a bot
    running for months keeps one fit and no vector of an untaught phrasing or a rewritten
    entry. Other builds (commands, evaluations, :meth:`with_held_out`) only add to the cache:
    several knowledge bases and held-out sets can share one, as the tests' does, and nothing
    is encoded or fitted twice.
    """

    def __init__(
        self,
        knowledge: KnowledgeBase,
        thresholds: Thresholds | None = None,
        *,
        embeddings: EmbeddingCache | None = None,
        semantic_off: str = SEMANTIC_OFF,
        held_out: Collection[str] = (),
        prune_cache: bool = False,
        indexes_of: Engine | None = None,
    ) -> None:
        """Index ``knowledge`` for matching and train the decision layer on it.

        ``indexes_of``, an engine on the same knowledge, lends its lexical indexes and the
        lexical scores it gave the examples instead of building them again.
        """
        self._thresholds = thresholds or Thresholds()
        self.generation = 0
        """A number for the knowledge in use: one more at every :meth:`swap`."""
        self._embeddings = embeddings
        self._semantic_off = semantic_off
        self._prune_cache = prune_cache
        self._state = _build_state(
            knowledge,
            embeddings,
            frozenset(held_out),
            prune=prune_cache,
            lexical=indexes_of._state if indexes_of else None,
        )
        self.swapping = threading.RLock()
        """Held by every swap; a caller holds it from reading the knowledge directory to its
        swap (a teach does), so an older knowledge base never replaces a newer one."""

    @classmethod
    def from_directory(
        cls,
        directory: Path | str,
        thresholds: Thresholds | None = None,
        *,
        embeddings: EmbeddingCache | None = None,
        semantic_off: str = SEMANTIC_OFF,
        prune_cache: bool = False,
    ) -> Engine:
        """Load and validate a knowledge directory (raises ``KnowledgeError``)."""
        knowledge = load_knowledge(directory)
        return cls(
            knowledge,
            thresholds,
            embeddings=embeddings,
            semantic_off=semantic_off,
            prune_cache=prune_cache,
        )

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base currently answering."""
        return self._state.knowledge

    @property
    def thresholds(self) -> Thresholds:
        """The bars in use: the lexical ones while the semantic layer is off."""
        return self._thresholds if self._state.decision else LEXICAL_THRESHOLDS

    @property
    def semantic_status(self) -> str:
        """``semantic layer on: <model>``, or ``semantic layer off: <why>``."""
        return semantic_status(self._embeddings, self._semantic_off)

    def with_held_out(self, held_out: Collection[str]) -> Engine:
        """An engine on the same knowledge and encoder that never trained on ``held_out``."""
        return Engine(
            self.knowledge,
            self._thresholds,
            embeddings=self._embeddings,
            semantic_off=self._semantic_off,
            held_out=held_out,
            indexes_of=self,
        )

    def swap(self, knowledge: KnowledgeBase) -> None:
        """Answer from ``knowledge`` from now on; indexes and training happen before the swap.

        For the live engine (reload, teach): texts held out by :meth:`with_held_out` are not.
        """
        with self.swapping:
            decision = self._state.decision
            self._state = _build_state(
                knowledge, self._embeddings, frozenset(), decision, prune=self._prune_cache
            )
            self.generation += 1

    def reload(self, directory: Path | str) -> KnowledgeBase:
        """Load ``directory`` and swap to it; on ``KnowledgeError`` nothing changes.

        Reading and swapping happen under :attr:`swapping`: a reload that read the directory
        before a teach wrote it can't swap in after the teach and drop the taught phrasing.
        """
        with self.swapping:
            knowledge = load_knowledge(directory)
            self.swap(knowledge)
        return knowledge

    def read(self, text: str) -> Reading:
        """Read a message once: its clauses, words and their contexts, language, red flags."""
        return self._state.reader.read(text)

    def red_flag(self, text: str) -> Finding | None:
        """The red-flag phrase ``text`` affirms or is unsure of, if any (no encoder needed)."""
        found = self.read(text).phrase
        return found if found is not None and not found.dismissed else None

    def not_covered(self, text: str) -> str | None:
        """The subject the article doesn't cover that ``text`` asks about, if any."""
        found = self._state.scope.find(clean(text))
        return found.payload.topic if found else None

    def answer(
        self,
        text: str,
        *,
        passive: bool = False,
        screened: bool = False,
        context: str | None = None,
    ) -> Reply:
        """Answer a member's message.

        ``passive`` applies the stricter bar; ``screened`` means the member has already said
        that none of the screening question's warning signs applies. ``context`` is the id of
        the entry the conversation is about: the message is matched as if it named that
        entry ("and how many sets for that one?"). Red-flag phrases are read in its own words;
        the learned signal reads it with the topic, and its own words as strictly as a clause.
        """
        return self._readings(text, passive, screened, context, alone_too=False)[0]

    def answer_in_context(
        self, text: str, context: str, *, passive: bool = False
    ) -> tuple[Reply, Reply]:
        """The answer read with the conversation's entry, and the answer to the words alone.

        The same as ``answer(text, context=context)`` and ``answer(text)``, from one reading of
        the message and one short pass over it with its topic's title.
        """
        within, *alone = self._readings(text, passive, False, context, alone_too=True)
        return within, alone[0] if alone else within

    def _readings(
        self, text: str, passive: bool, screened: bool, context: str | None, *, alone_too: bool
    ) -> list[Reply]:
        """The answer to ``text`` read with ``context``, then (``alone_too``) without it."""
        state = self._state
        reading = state.reader.read(text)
        cleaned = reading.text
        topic = state.knowledge.get(context) if context else None
        matched = f"{cleaned} {clean(topic.title)}" if topic else cleaned
        texts = [matched, cleaned] if topic and alone_too else [matched]
        if state.decision is None or self._embeddings is None:
            caution = self._lexical_caution(state, reading, screened)
            replies = []
            for read in texts:
                candidates, not_covered = self._rank(state, read)
                ranked = list(_lexical_scores(candidates).items())
                if caution is not None:
                    replies.append(replace(caution, ranking=_ranking(ranked)))
                    continue
                reply = self._decide(state, ranked, not_covered, passive, (cleaned, None))
                denied = frozenset().union(*(reading.denied_in(c) for c in reading.clauses))
                replies.append(_marked(reply, reading, denied))
            return replies
        # One forward pass over the message: its first window is what entries are judged on;
        # every window and clause is read for red flags. A follow-up is also read with its
        # topic ("why does losing it matter" is about hip rotation; a second, short pass),
        # its own words then read as strictly as a clause.
        clauses = reading.clauses[:MAX_CLAUSES] if len(reading.clauses) > 1 else ()
        windows, parts = self._embeddings.read_in_parts(cleaned, [c.chars for c in clauses])
        self._recheck(state.decision, parts, clauses)
        alone = np.vstack([windows, parts])
        readings = [alone]
        if topic:
            with_topic = self._embeddings.vectors([matched], keep=False)
            readings = [np.vstack([with_topic, windows[1:], parts, windows[:1]])]
            readings += [alone] if alone_too else []
        clauses_from = len(windows)
        asked = _asked(reading, clauses, parts)
        own = windows[0] if asked is None else asked
        return [
            self._conclude(
                state,
                state.decision,
                read,
                vectors_read,
                reading=reading,
                clauses_from=clauses_from,
                question=(cleaned, own),
                passive=passive,
                screened=screened,
                asked=asked if vectors_read is alone else None,
            )
            for read, vectors_read in zip(texts, readings, strict=True)
        ]

    def _recheck(
        self, decision: DecisionLayer, parts: np.ndarray, clauses: Sequence[Clause]
    ) -> None:
        """Re-read on its own each clause that, read in its message, may be a red flag.

        A clause's vector pooled from the message's forward pass is blurred by the words
        around it: "my leg went dead after that tackle" at the end of a long ramble reads at
        24% in its message and 98% alone. The few clauses above the recheck bar are encoded
        alone (in place in ``parts``); most messages have none.
        """
        chances = decision.red_flag_chances(parts[: len(clauses)]) if clauses else []
        doubtful = [
            i for i, chance in enumerate(chances) if 100.0 * chance >= self._thresholds.recheck
        ]
        if doubtful and self._embeddings is not None:
            alone = self._embeddings.vectors([clauses[i].text for i in doubtful], keep=False)
            parts[doubtful] = alone

    def _conclude(
        self,
        state: _State,
        decision: DecisionLayer,
        text: str,
        vectors: np.ndarray,
        *,
        reading: Reading,
        clauses_from: int,
        question: tuple[str, np.ndarray],
        passive: bool,
        screened: bool,
        asked: np.ndarray | None = None,
    ) -> Reply:
        """The reply to one reading of a message: its matched text and its pieces' vectors.

        ``asked``, where given, is what entries are judged on (see :func:`_asked`).
        """
        candidates, not_covered = self._rank(state, text)
        judgement = decision.judge(vectors, _lexical_scores(candidates), clauses_from, asked)
        ranked = [(entry, 100.0 * chance) for entry, chance in judgement.entries]
        one_window = clauses_from == 1
        caution = self._caution(
            state, reading, judgement, vectors[0], screened, one_window=one_window
        )
        if caution is not None:
            return replace(caution, ranking=_ranking(ranked))
        if not_covered is not None and not candidates:
            reply = Reply(outcome=Outcome.ABSTAIN, score=0, not_covered=not_covered.topic)
        else:
            # The part that answers is read from the member's own words, without the context.
            reply = self._decide(state, ranked, not_covered, passive, question)
        return _marked(reply, reading, self._denied(reading, judgement))

    def _denied(self, reading: Reading, judgement: Judgement) -> frozenset[str]:
        """The words of the symptoms a message denies.

        In clauses that name a red-flag word, or that read like a red flag.
        """
        flags = judgement.clauses or ((judgement.red_flag, judgement.tier),)
        return frozenset().union(
            *(
                reading.denied_in(clause)
                for (chance, _), clause in zip(flags, _read_clauses(reading, flags), strict=True)
                if 100.0 * chance >= self._thresholds.screen or reading.names_symptom(clause)
            )
        )

    def _caution(
        self,
        state: _State,
        reading: Reading,
        judgement: Judgement,
        vector: np.ndarray,
        screened: bool,
        *,
        one_window: bool,
    ) -> Reply | None:
        """The verdict: safety with a tier, a screen, or nothing (None).

        A red-flag phrase the message affirms is firm, unless the learned signal doubts it
        ("numb to the jokes", "Swelling? Nope."): then it asks. For a message read in
        ``one_window`` that signal is the whole message's; a longer one's worst piece counts.
        A phrase it is unsure of asks. The learned signal counts where the clause that carries
        it is not denied, dated, imagined or someone else's: firm above the red-flag bar on
        English it reads well, a screen above the screening bar, or for one clause alone above
        the clause bar. A message in another
        language that names the body gets the screen: the bot can't be sure it read it.
        """
        bars = self._thresholds
        phrase = reading.phrase if reading.phrase and not reading.phrase.dismissed else None
        learned = self._learned_finding(state, reading, judgement)
        flag = max([judgement.red_flag, *(chance for chance, _ in judgement.clauses)])
        learned_firm = learned is not None and (
            100.0 * learned[1] >= bars.red_flag
            and learned[0].context is Context.AFFIRMED
            and reading.english
        )
        if phrase is not None and phrase.context is Context.AFFIRMED:
            finding: Finding = phrase
            firm = self._phrase_is_firm(reading, judgement, one_window=one_window)
        elif learned is not None and (learned_firm or phrase is None):
            finding, firm = learned[0], learned_firm  # a firm reading beats a hedged phrase
        elif phrase is not None:
            finding, firm = phrase, False
        elif (unread := _read_poorly(state, reading)) is not None:
            finding, firm = unread, False
        else:
            return None
        tier = finding.tier
        if tier is None:
            return None
        if firm:
            score = 100 if finding.source == "phrase" else round(100 * flag)
            return Reply(outcome=Outcome.SAFETY, score=score, tier=tier, finding=finding)
        if screened:
            return None
        named = self._phrase_vector(finding) if finding.source == "phrase" else None
        signs, tier = self._fitting_signs(state, vector, tier, named)
        return Reply(
            outcome=Outcome.SCREEN,
            score=round(100 * flag),
            tier=tier,
            signs=signs,
            finding=finding,
            language=None if reading.english else reading.language,
        )

    def _phrase_is_firm(self, reading: Reading, judgement: Judgement, *, one_window: bool) -> bool:
        """Whether a red-flag phrase the message affirms gets the firm reply, not a screen.

        A longer message, or one in a language the learned signal reads poorly, is judged by
        its most worrying piece. An English one read in one window is judged whole, where
        what surrounds the phrase counts ("Swelling? Nope.", "my colleague's knee is hot"), or
        by a clause in which the member affirms it of themselves, on its own a red flag ("Love
        the article! My foot is cold and pale. Two questions: ...").
        """
        bars = self._thresholds
        flags = judgement.clauses or ((judgement.red_flag, judgement.tier),)
        worst = max([judgement.red_flag, *(chance for chance, _ in flags)])
        if not (one_window and reading.english):
            return 100.0 * worst >= bars.doubt
        if 100.0 * judgement.red_flag >= bars.whole_doubt:
            return True
        return any(
            100.0 * chance >= bars.own_clause
            and reading.of_self(clause)
            and not is_question(clause.text)
            and reading.context_of(clause) not in DISMISSED
            for (chance, _), clause in zip(flags, _read_clauses(reading, flags), strict=True)
        )

    def _learned_finding(
        self, state: _State, reading: Reading, judgement: Judgement
    ) -> tuple[Finding, float] | None:
        """The learned signal's red flag and its probability, in the context of its clause.

        The whole message counts when the clause that reads most like a red flag is not
        denied, dated, imagined or someone else's; otherwise a clause that is not, read alone
        above the clause bar, gets the screening question.
        """
        bars = self._thresholds
        flags = judgement.clauses or ((judgement.red_flag, judgement.tier),)
        held = [
            (chance, tier, clause, reading.context_of(clause))
            for (chance, tier), clause in zip(flags, _read_clauses(reading, flags), strict=True)
        ]
        if not held:
            return None
        chance, tier, clause, context = max(held, key=lambda item: item[0])
        if 100.0 * judgement.red_flag >= bars.screen and context not in DISMISSED:
            found = state.knowledge.tier(judgement.tier or tier or "")
            words = reading.topic_words(clause)
            return Finding(found, context, "meaning", clause.text, words), judgement.red_flag
        standing = [item for item in held if item[3] not in DISMISSED]
        if not standing:
            return None
        chance, tier, clause, _ = max(standing, key=lambda item: item[0])
        if 100.0 * chance < bars.clause:
            return None
        found = state.knowledge.tier(tier or "")
        words = reading.topic_words(clause)
        return Finding(found, Context.UNCERTAIN, "meaning", clause.text, words), chance

    def _lexical_caution(self, state: _State, reading: Reading, screened: bool) -> Reply | None:
        """The verdict on phrases alone, when the semantic layer is off."""
        phrase = reading.phrase if reading.phrase and not reading.phrase.dismissed else None
        finding = phrase or _read_poorly(state, reading)
        if finding is None or finding.tier is None:
            return None
        if finding.context is Context.AFFIRMED:
            return Reply(outcome=Outcome.SAFETY, score=100, tier=finding.tier, finding=finding)
        if screened:
            return None
        return Reply(
            outcome=Outcome.SCREEN,
            score=100,
            tier=finding.tier,
            signs=tuple(finding.tier.signs[:SIGNS_SHOWN]),
            finding=finding,
            language=None if reading.english else reading.language,
        )

    def screen(self, text: str, tier: SafetyTier) -> Reply:
        """The screening question for ``text``, which may describe a red flag of ``tier``.

        For a message whose own words read as a red flag while, read in its conversation,
        it doesn't: ask before any answer. Without an encoder, the tier's first signs.
        """
        state = self._state
        if self._embeddings is None or state.sign_vectors is None:
            return Reply(
                outcome=Outcome.SCREEN, score=100, tier=tier, signs=tuple(tier.signs[:SIGNS_SHOWN])
            )
        vector = self._embeddings.vectors([clean(text)], keep=False)[0]
        signs, gravest = self._fitting_signs(state, vector, tier)
        return Reply(outcome=Outcome.SCREEN, score=100, tier=gravest, signs=signs)

    def _phrase_vector(self, finding: Finding) -> np.ndarray | None:
        """The meaning of a red-flag phrase's words ("{injury} + {deformity}": injury deformity)."""
        if self._embeddings is None:
            return None
        words = " ".join(
            finding.wording.replace("+", " ").replace("{", " ").replace("}", " ").split()
        )
        return self._embeddings.vectors([words])[0]

    @staticmethod
    def _fitting_signs(
        state: _State, vector: np.ndarray, tier: SafetyTier, named: np.ndarray | None = None
    ) -> tuple[tuple[str, ...], SafetyTier]:
        """The warning signs closest in meaning to the message, one of ``tier``'s among them.

        That one is the tier's sign closest to the red-flag phrase the message ``named``, if
        any, so that "no, none of these" can't deny a sign that was never asked about; else the
        tier's first. The tier returned is the most urgent one any listed sign belongs to:
        "yes, one of these" must get the reply that fits the gravest sign it may be confirming.
        """
        if state.sign_vectors is None:  # a knowledge base whose tiers list no signs
            return (), tier
        order = np.argsort(-(state.sign_vectors @ vector), kind="stable")
        closest = [state.signs[index] for index in order[:SIGNS_SHOWN]]
        own = [(sign, tier) for sign in tier.signs[:1]]
        if named is not None:
            its = [
                index for index, (_, sign_tier) in enumerate(state.signs) if sign_tier.id == tier.id
            ]
            if its:
                nearest = max(its, key=lambda index: float(state.sign_vectors[index] @ named))
                own = [state.signs[nearest]]
        # A dict keeps each sign once, where it first comes: the closest, the tier's own, more.
        picked = dict([*closest[: SIGNS_SHOWN - len(own)], *own, *closest])
        listed = list(picked.items())[:SIGNS_SHOWN]
        urgency = {known.id: rank for rank, known in enumerate(state.knowledge.safety_tiers)}
        gravest = min(
            (sign_tier for _, sign_tier in listed), key=lambda t: urgency[t.id], default=tier
        )
        return tuple(sign for sign, _ in listed), gravest

    def _decide(
        self,
        state: _State,
        ranked: list[tuple[str, float]],
        not_covered: NotCovered | None,
        passive: bool,
        question: tuple[str, np.ndarray | None],
    ) -> Reply:
        """Answer, "did you mean", or "I don't know", from entries ranked by confidence.

        ``question`` is the cleaned text matched and its embedding: an answer leads with the
        part of the entry that answers it.
        """
        bars = self.thresholds
        bar = bars.passive if passive else bars.answer
        ranking = _ranking(ranked)
        if ranked and ranked[0][1] >= bar and self._clear_winner(ranked):
            entry_id, score = ranking[0]
            reply = self._entry_reply(state.knowledge, entry_id, score)
            return replace(reply, part=self._focus(state, entry_id, *question), ranking=ranking)
        suggestions = tuple(
            Topic(entry_id, state.knowledge.entries[entry_id].title)
            for entry_id, score in ranked[:3]
            if score >= bars.suggest
        )
        return Reply(
            outcome=Outcome.ABSTAIN,
            score=ranking[0][1] if ranking else 0,
            suggestions=suggestions,
            not_covered=not_covered.topic if not_covered else None,
            ranking=ranking,
        )

    @staticmethod
    def _focus(state: _State, entry_id: str, cleaned: str, vector: np.ndarray | None) -> Part:
        entry = state.knowledge.entries[entry_id]
        candidates = (state.parts or {}).get(entry_id, Candidates(()))
        return focus(entry, cleaned, candidates, state.content, vector)

    def _clear_winner(self, ranked: list[tuple[str, float]]) -> bool:
        return len(ranked) < 2 or ranked[0][1] - ranked[1][1] >= self.thresholds.margin

    def search(self, text: str, limit: int = 5) -> list[Candidate]:
        """Entries ranked for ``text`` by the lexical matcher alone, with no bar applied.

        For autocomplete and for finding an entry a member names; the scores an answer is
        decided on are its :attr:`Reply.ranking`.
        """
        return self._rank(self._state, clean(text))[0][:limit]

    def reply_for(self, entry_id: str) -> Reply | None:
        """The full reply for an entry a member picked (button, menu, command)."""
        if self._state.knowledge.get(entry_id) is None:
            return None
        return self._entry_reply(self._state.knowledge, entry_id, 100)

    @staticmethod
    def looks_like_question(text: str) -> bool:
        """Whether a message reads as a question (for passive answering)."""
        cleaned = clean(text[:MAX_RAW_CHARS])
        return "?" in cleaned or any(is_question(line) for line in cleaned.splitlines())

    @staticmethod
    def _rank(state: _State, cleaned: str) -> tuple[list[Candidate], NotCovered | None]:
        """Candidates over the whole message and its question sentences.

        A segment that asks about something the article doesn't cover yields no candidates,
        so "should I ice my IT band?" is not answered with the IT band entry, and when every
        question asked is such a one, neither is the rest of the message. The first subject not
        covered that a question asks about is returned too: an abstaining reply with nothing to
        suggest names it.
        """
        questions = question_sentences(cleaned)[: MAX_SEGMENTS - 1]
        context = cleaned[: CONTEXT_CHARS if questions else MAX_MATCH_CHARS]
        # Each segment is matched on its text, and checked for subjects not covered on what it
        # asks: "my chiropractor says my pelvis is rotated. could that be why..." asks about the
        # pelvis, not about chiropractors.
        texts = [question.text[:MAX_MATCH_CHARS] for question in questions]
        asks = {context: context} | {
            text: question.asked for text, question in zip(texts, questions, strict=True)
        }
        segments = list(asks)
        asked = texts or [context]
        outside: dict[str, NotCovered] = {}
        # A phrase in a part of the message is in the whole of it: most messages are checked once.
        if state.scope.find(cleaned) is not None:
            found = {segment: state.scope.find(asks[segment]) for segment in segments}
            outside = {segment: item.payload for segment, item in found.items() if item}
        not_covered = next((outside[segment] for segment in asked if segment in outside), None)
        if all(segment in outside for segment in asked):
            return [], not_covered  # the context alone must not answer a question the article skips
        best: dict[str, Candidate] = {}
        for position, segment in enumerate(segments):
            if segment in outside:
                continue
            analysis = state.analyser.analyse(segment)
            if position and len(set(analysis.content)) < MIN_SENTENCE_TERMS:
                continue
            for candidate in state.matcher.rank(analysis):
                known = best.get(candidate.entry.id)
                if known is None or candidate.score > known.score:
                    best[candidate.entry.id] = candidate
        ranked = sorted(best.values(), key=lambda candidate: -candidate.score)
        return ranked, not_covered

    @staticmethod
    def _entry_reply(knowledge: KnowledgeBase, entry_id: str, score: int) -> Reply:
        entry = knowledge.entries[entry_id]
        related = tuple(
            Topic(other.id, other.title)
            for other in (knowledge.get(related_id) for related_id in entry.related)
            if other is not None
        )
        routine = tuple(
            exercise
            for exercise in (knowledge.get(exercise_id) for exercise_id in entry.routine)
            if exercise is not None
        )
        return Reply(
            outcome=Outcome.ANSWER, score=score, entry=entry, related=related, routine=routine
        )
