"""The red-flag verdict: the safety reply (with its tier), a screening question, or none.

Read once into a :class:`~bot.engine.reading.Reading` and judged by the decision layer, a
message gets the firm reply for a symptom it affirms, a screen where the bot is unsure (a
hedged phrase, a learned signal between the bars, a language it reads poorly), and nothing
where its symptoms are denied, dated, imagined, someone else's or figurative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.engine.context import DISMISSED, Clause, Context, Finding
from bot.engine.model import SafetyTier
from bot.engine.normalise import clean, is_question
from bot.engine.reading import Reading
from bot.engine.reply import Outcome, Reply
from bot.engine.semantic.decision import Judgement
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.engine.state import State
from bot.engine.thresholds import Thresholds

SIGNS_SHOWN = 4
"""Warning signs a screening question lists."""


def _unplaced(state: State, reading: Reading) -> Finding | None:
    """A message that may hold a red flag the bot can't place: a screen, least urgent tier first.

    A checklist that answers a red-flag word "yes" ("swelling ✓"), or a message in a language
    the bot reads poorly that names the body: recall never hangs on a list of red-flag phrases
    in that language being complete.
    """
    if not state.knowledge.safety_tiers:
        return None
    if reading.answered_yes or (not reading.english and reading.about_body):
        return Finding(state.knowledge.safety_tiers[-1], Context.UNCERTAIN, "meaning", "")
    return None


def read_clauses(reading: Reading, flags: Sequence[object]) -> list[Clause]:
    """The clauses the learned signal read, one per flag.

    The message's clauses, or the whole message when it is one, and a follow-up's own words
    as one more after them.
    """
    clauses = list(reading.clauses[: len(flags)]) if len(flags) > 1 else [reading.whole]
    return [*clauses, *[reading.whole] * (len(flags) - len(clauses))]


class Verdict:
    """The red-flag verdict on one reading of a message: safety with a tier, a screen, or none.

    Phrases the message affirms, the learned signal where the clause carrying it isn't
    dismissed, and a language the bot reads poorly; see :meth:`caution`.
    """

    def __init__(self, thresholds: Thresholds, embeddings: EmbeddingCache | None) -> None:
        """Decide on ``thresholds``; ``embeddings`` reads a phrase's or a message's meaning."""
        self._thresholds = thresholds
        self._embeddings = embeddings

    def caution(
        self,
        state: State,
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
        A phrase it is unsure of asks. The learned signal counts as :meth:`_learned_finding`
        says: firm above the red-flag bar on English it reads well, else a screen. A message
        in another language that names the body gets the screen: the bot can't be sure it
        read it.
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
            agrees = self._second_look_agrees(state, vector)
            firm = self._phrase_is_firm(reading, judgement, agrees, one_window=one_window)
        elif learned is not None and (learned_firm or phrase is None):
            finding, firm = learned[0], learned_firm  # a firm reading beats a hedged phrase
        elif phrase is not None:
            finding, firm = phrase, False
        elif (unplaced := _unplaced(state, reading)) is not None:
            finding, firm = unplaced, False
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
        return self._screening(state, reading, finding, vector, flag)

    def _screening(
        self, state: State, reading: Reading, finding: Finding, vector: np.ndarray, flag: float
    ) -> Reply:
        """The screening question for a finding, listing the signs that fit it and the message."""
        assert finding.tier is not None  # the caller checked it
        named = self._phrase_vector(finding) if finding.source == "phrase" else None
        signs, tier = self.fitting_signs(state, vector, finding.tier, named)
        return Reply(
            outcome=Outcome.SCREEN,
            score=round(100 * flag),
            tier=tier,
            signs=signs,
            finding=finding,
            language=None if reading.english else reading.language,
        )

    def _phrase_is_firm(
        self, reading: Reading, judgement: Judgement, agrees: bool, *, one_window: bool
    ) -> bool:
        """Whether a red-flag phrase the message affirms gets the firm reply, not a screen.

        A longer message, or one in a language the learned signal reads poorly, is judged by
        its most worrying piece. An English one read in one window is judged whole, where
        what surrounds the phrase counts ("Swelling? Nope.", "my colleague's knee is hot") and
        the second look must agree, or by a clause in which the member affirms it of
        themselves, on its own a red flag ("Love the article! My foot is cold and pale. Two
        questions: ...").
        """
        bars = self._thresholds
        flags = judgement.clauses or ((judgement.red_flag, judgement.tier),)
        worst = max([judgement.red_flag, *(chance for chance, _ in flags)])
        if not (one_window and reading.english):
            return 100.0 * worst >= bars.doubt
        if 100.0 * judgement.red_flag >= bars.whole_doubt and agrees:
            return True
        return any(
            100.0 * chance >= bars.own_clause
            and reading.of_self(clause)
            and not is_question(clause.text)
            and reading.context_of(clause) not in DISMISSED
            for (chance, _), clause in zip(flags, read_clauses(reading, flags), strict=True)
        )

    def _second_look_agrees(self, state: State, vector: np.ndarray) -> bool:
        """Whether the second look reads a message's red-flag phrase as affirmed.

        It may only turn a firm reply into a screen: a message it doubts is still asked about.
        """
        look = state.second_look
        if look is None:
            return True
        return 100.0 * look.chance(vector) >= self._thresholds.second_look

    def _learned_finding(
        self, state: State, reading: Reading, judgement: Judgement
    ) -> tuple[Finding, float] | None:
        """The learned signal's red flag and its probability, in the context of its clause.

        The whole message counts when the clause that reads most like a red flag is not
        denied, dated, imagined or someone else's; otherwise a clause that is not, read alone
        above the clause bar, gets the screening question, or above the screening bar when
        the whole message reads as a red flag at the red-flag bar and the member says the
        clause of themselves (or of the child or parent they ask for), denying nothing in it
        ("today no accident. but 3 week before, car door hit my knee very hard"), or when the
        surest clause only says a function is as it should be ("toes were warm and pink this
        morning, now they're white").
        """
        bars = self._thresholds
        flags = judgement.clauses or ((judgement.red_flag, judgement.tier),)
        held = [
            (chance, tier, clause, reading.context_of(clause))
            for (chance, tier), clause in zip(flags, read_clauses(reading, flags), strict=True)
        ]
        if not held:
            return None
        chance, tier, surest, context = max(held, key=lambda item: item[0])
        worried = 100.0 * judgement.red_flag >= bars.screen
        if worried and context not in DISMISSED:
            found = state.knowledge.tier(judgement.tier or tier or "")
            words = reading.topic_words(surest)
            return Finding(found, context, "meaning", surest.text, words), judgement.red_flag
        standing = [item for item in held if item[3] not in DISMISSED]
        if not standing:
            return None
        chance, tier, clause, _ = max(standing, key=lambda item: item[0])
        sure = (
            100.0 * judgement.red_flag >= bars.red_flag
            and reading.of_member(clause)
            and not reading.denied_in(clause)
        )
        reassured = worried and (surest.start, surest.end) in reading.reassured
        if 100.0 * chance < (bars.screen if sure or reassured else bars.clause):
            return None
        found = state.knowledge.tier(tier or "")
        words = reading.topic_words(clause)
        return Finding(found, Context.UNCERTAIN, "meaning", clause.text, words), chance

    def lexical_caution(self, state: State, reading: Reading, screened: bool) -> Reply | None:
        """The verdict on phrases alone, when the semantic layer is off."""
        phrase = reading.phrase if reading.phrase and not reading.phrase.dismissed else None
        finding = phrase or _unplaced(state, reading)
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

    def screen(self, state: State, text: str, tier: SafetyTier) -> Reply:
        """The screening question for ``text``, which may describe a red flag of ``tier``.

        For a message whose own words read as a red flag while, read in its conversation,
        it doesn't: ask before any answer. Without an encoder, the tier's first signs.
        """
        if self._embeddings is None or state.sign_vectors is None:
            return Reply(
                outcome=Outcome.SCREEN, score=100, tier=tier, signs=tuple(tier.signs[:SIGNS_SHOWN])
            )
        vector = self._embeddings.vectors([clean(text)], keep=False)[0]
        signs, gravest = self.fitting_signs(state, vector, tier)
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
    def fitting_signs(
        state: State, vector: np.ndarray, tier: SafetyTier, named: np.ndarray | None = None
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

    def denied(self, reading: Reading, judgement: Judgement) -> frozenset[str]:
        """The words of the symptoms a message denies.

        In clauses that name a red-flag word, or that read like a red flag.
        """
        flags = judgement.clauses or ((judgement.red_flag, judgement.tier),)
        return frozenset().union(
            *(
                reading.denied_in(clause)
                for (chance, _), clause in zip(flags, read_clauses(reading, flags), strict=True)
                if 100.0 * chance >= self._thresholds.screen or reading.names_symptom(clause)
            )
        )
