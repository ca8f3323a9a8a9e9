"""Checks between records and files: references, duplicates, word groups and phrase expansion."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Set

from bot.engine.loader.hints import did_you_mean
from bot.engine.loader.issues import Issue
from bot.engine.loader.parse import ParsedFile
from bot.engine.model import CONTEXT_LISTS, Entry
from bot.engine.normalise import clean, tokens
from bot.engine.phrase_syntax import (
    CONJUNCTION,
    MAX_ALTERNATIVES,
    MAX_TOTAL_ALTERNATIVES,
    alternative_count,
    alternatives,
    references,
    split_parts,
)
from bot.engine.words import FILLER_WORDS, STOP_WORDS

COMMON_WORDS = STOP_WORDS | FILLER_WORDS
"""Words too common to make up a red-flag, scope or cue phrase, or a synonym, on their own."""


def _unknown(target: str, names: Iterable[str], what: str = "entry id") -> tuple[str, str]:
    """The message and hint of a reference to a ``what`` that isn't among ``names``."""
    return f"unknown {what} {target!r}", did_you_mean(target, names)


def cross_check(parsed: list[ParsedFile], unloaded: Set[str], complete: bool) -> list[Issue]:
    """Checks between records, on those that loaded; ``unloaded`` names exist but didn't load.

    Checks of the whole (red-flag tiers exist, total phrase expansion) need ``complete``: every
    file fully loaded.
    """
    issues: list[Issue] = []
    located: dict[str, tuple[ParsedFile, int, Entry]] = {}
    for file in parsed:
        for index, entry in enumerate(file.content.entries):
            if entry.id in located:
                first = located[entry.id][0].name
                issues.append(file.issue(("entries", index, "id"), f"duplicate id (see {first})"))
            else:
                located[entry.id] = (file, index, entry)
    known = located.keys() | unloaded
    for file, index, entry in located.values():
        for position, target in enumerate(entry.related):
            if target not in known:
                where = ("entries", index, "related", position)
                issues.append(file.issue(where, *_unknown(target, known)))
        for position, target in enumerate(entry.routine):
            where = ("entries", index, "routine", position)
            if target not in known:
                issues.append(file.issue(where, *_unknown(target, known)))
            elif target in located and not located[target][2].is_exercise:
                issues.append(file.issue(where, f"{target!r} is not an exercise entry"))
    issues += _check_questions(located)
    issues += _check_entry_names(parsed, located)
    issues += _check_learned(parsed, known)
    issues += _check_examples(parsed, known, unloaded)
    issues += _check_tiers_and_synonyms(parsed, complete)
    issues += _check_word_groups(parsed, unloaded, complete)
    return issues


RESERVED_IDS = frozenset({"abstain"})
"""Labels of the example sets that are no entry: an entry of that name would be read as one."""


def _check_entry_names(
    parsed: list[ParsedFile], located: dict[str, tuple[ParsedFile, int, Entry]]
) -> list[Issue]:
    """Entry ids the decision layer would confuse with a red-flag tier or a label."""
    taken = RESERVED_IDS | {tier.id for file in parsed for tier in file.content.safety_tiers}
    return [
        file.issue(("entries", index, "id"), f"{entry_id!r} is a red-flag tier's or a label's name")
        for entry_id, (file, index, _) in located.items()
        if entry_id in taken
    ]


def _check_questions(located: dict[str, tuple[ParsedFile, int, Entry]]) -> list[Issue]:
    issues = []
    owner: dict[str, str] = {}
    for file, index, entry in located.values():
        for position, question in enumerate(entry.questions):
            key = " ".join(question.casefold().split())
            if owner.setdefault(key, entry.id) != entry.id:
                where = ("entries", index, "questions", position)
                issues.append(file.issue(where, f"question also listed under {owner[key]!r}"))
    return issues


def _check_learned(parsed: list[ParsedFile], known: Set[str]) -> list[Issue]:
    return [
        file.issue(("learned", index, "entry"), *_unknown(item.entry, known))
        for file in parsed
        for index, item in enumerate(file.content.learned)
        if item.entry not in known
    ]


def _check_examples(parsed: list[ParsedFile], known: Set[str], unloaded: Set[str]) -> list[Issue]:
    tiers = {tier.id for file in parsed for tier in file.content.safety_tiers} | unloaded
    issues = []
    for file in parsed:
        for section in ("examples", "context_examples"):
            for index, example in enumerate(getattr(file.content, section)):
                if isinstance(example.expect, list):
                    issues += [
                        file.issue((section, index, "expect", position), *_unknown(target, known))
                        for position, target in enumerate(example.expect)
                        if target not in known
                    ]
                if example.tier is not None and example.tier not in tiers:
                    where = (section, index, "tier")
                    issues.append(
                        file.issue(where, *_unknown(example.tier, tiers, "red-flag tier"))
                    )
    return issues


def _check_tiers_and_synonyms(parsed: list[ParsedFile], complete: bool) -> list[Issue]:
    issues = []
    tier_ids: Counter[str] = Counter()
    variants: dict[str, str] = {}
    for file in parsed:
        for index, tier in enumerate(file.content.safety_tiers):
            tier_ids[tier.id] += 1
            if tier_ids[tier.id] > 1:
                issues.append(file.issue(("safety_tiers", index, "id"), "duplicate tier id"))
        for index, group in enumerate(file.content.synonyms):
            for position, variant in enumerate(group.variants):
                problem = _variant_problem(variant)
                if problem:
                    issues.append(file.issue(("synonyms", index, "variants", position), problem))
                key = variant.casefold()
                if variants.setdefault(key, group.canonical) != group.canonical:
                    where = ("synonyms", index, "variants", position)
                    message = f"{variant!r} is already a variant of {variants[key]!r}"
                    issues.append(file.issue(where, message))
    if complete and parsed and not tier_ids:
        issues.append(Issue(parsed[0].name, None, "no safety_tiers in any file: red flags needed"))
    return issues


def _check_word_groups(parsed: list[ParsedFile], unloaded: Set[str], complete: bool) -> list[Issue]:
    issues = []
    groups: dict[str, list[str]] = {}
    for file in parsed:
        for index, group in enumerate(file.content.word_groups):
            if group.name in groups:
                issues.append(file.issue(("word_groups", index, "name"), "duplicate group name"))
            groups.setdefault(group.name, group.words)
            for position, word in enumerate(group.words):
                if "{" in word or "}" in word or CONJUNCTION in word:
                    where = ("word_groups", index, "words", position)
                    issues.append(file.issue(where, "a group word can't contain {, } or ' + '"))
    for file in parsed:
        phrase_lists = [
            (("safety_tiers", index, name), getattr(tier, name), True)
            for index, tier in enumerate(file.content.safety_tiers)
            for name in ("phrases", "ask_phrases")
        ] + [
            (("not_covered", index, "phrases"), item.phrases, True)
            for index, item in enumerate(file.content.not_covered)
        ]
        phrase_lists.append((("exercise_cues",), file.content.exercise_cues, False))
        for place, phrases, parts_allowed in phrase_lists:
            for position, phrase in enumerate(phrases):
                message = _phrase_problem(phrase, groups, parts_allowed, unloaded)
                if message:
                    issues.append(file.issue((*place, position), message))
        issues += _context_group_problems(file, groups, unloaded)
    if complete and not issues:
        issues += _expansion_problem(parsed, groups) + _hiding_cues(parsed, groups)
    return issues


def _compact(text: str) -> tuple[str, ...]:
    """The words of ``text`` a phrase lookup reads: filler words dropped."""
    return tuple(word for word in tokens(clean(text)) if word not in FILLER_WORDS)


def _hiding_cues(parsed: list[ParsedFile], groups: Mapping[str, list[str]]) -> list[Issue]:
    """Exercise cues that, filler words dropped, read as all or part of a red-flag phrase.

    Triage skips the words a cue covers, filler words skipped as phrase lookups skip them, so
    such a cue would hide the red flag in every message: "keep my knee locked" reads as the
    phrase "knee locked", "keep it locked" as part of it.
    """
    flags: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for file in parsed:
        for tier in file.content.safety_tiers:
            for phrase in (*tier.phrases, *tier.ask_phrases):
                for part in split_parts(phrase):
                    for text in alternatives(part, groups):
                        run = _compact(text)
                        for word in set(run):
                            flags.setdefault(word, []).append((run, phrase))
    issues = []
    for file in parsed:
        for position, cue in enumerate(file.content.exercise_cues):
            hidden = next(
                (
                    phrase
                    for text in alternatives(cue, groups)
                    if (run := _compact(text))
                    for words, phrase in flags.get(run[0], ())
                    if any(
                        words[start : start + len(run)] == run
                        for start in range(len(words) - len(run) + 1)
                    )
                ),
                None,
            )
            if hidden is not None:
                message = (
                    f"reads as the red-flag phrase {hidden!r} once filler words are dropped: it"
                    " would hide that red flag in every message; keep the words that make it"
                    " a question or an instruction about the movement"
                )
                issues.append(file.issue(("exercise_cues", position), message))
    return issues


def _context_group_problems(
    file: ParsedFile, groups: Mapping[str, list[str]], unloaded: Set[str]
) -> list[Issue]:
    """Context wordings that name a word group nobody defined, or join parts with ' + '."""
    issues = []
    for index, rules in enumerate(file.content.context):
        for name in CONTEXT_LISTS:
            for position, wording in enumerate(getattr(rules, name)):
                unknown = [group for group in references(wording) if group not in groups]
                if CONJUNCTION in wording:
                    message = "a context wording is one run of words: ' + ' doesn't apply"
                elif unknown and unknown[0] not in unloaded:
                    message = f"unknown word group {unknown[0]!r} (define it under word_groups)"
                else:
                    continue
                issues.append(file.issue(("context", index, name, position), message))
    return issues


def _expansion_problem(parsed: list[ParsedFile], groups: Mapping[str, list[str]]) -> list[Issue]:
    """All phrases together, expanded, must stay within :data:`MAX_TOTAL_ALTERNATIVES`."""
    by_file = {
        file.name: sum(
            alternative_count(part, groups)
            for phrases in (
                *(tier.phrases for tier in file.content.safety_tiers),
                *(tier.ask_phrases for tier in file.content.safety_tiers),
                *(item.phrases for item in file.content.not_covered),
            )
            for phrase in phrases
            for part in split_parts(phrase)
        )
        for file in parsed
    }
    total = sum(by_file.values())
    if total <= MAX_TOTAL_ALTERNATIVES:
        return []
    largest = max(by_file, key=by_file.__getitem__)
    message = (
        f"the red-flag and scope phrases expand to {total} wordings in all, more than "
        f"{MAX_TOTAL_ALTERNATIVES} ({by_file[largest]} here): use fewer {{group}} words"
    )
    return [Issue(largest, None, message)]


def _phrase_problem(
    phrase: str, groups: Mapping[str, list[str]], parts_allowed: bool, unloaded: Set[str]
) -> str | None:
    if not parts_allowed and CONJUNCTION in phrase:
        return "a cue is one run of words: ' + ' doesn't apply"
    unknown = [name for name in references(phrase) if name not in groups]
    if any(name in unloaded for name in unknown):
        return None  # a group that didn't load: the phrase is checked once it does
    if unknown:
        return f"unknown word group {unknown[0]!r} (define it under word_groups)"
    parts = split_parts(phrase)
    if any(alternative_count(part, groups) > MAX_ALTERNATIVES for part in parts):
        return f"expands to more than {MAX_ALTERNATIVES} wordings: split it into smaller phrases"
    wordings = [tokens(clean(text)) for part in parts for text in alternatives(part, groups)]
    if not all(wordings):
        return "a part has no words to match"
    if all(len(words) == 1 and words[0] in COMMON_WORDS for words in wordings):
        return "only common words: it would match almost any message; say more"
    return None


def _variant_problem(variant: str) -> str | None:
    words = tokens(clean(variant))
    if not words:
        return "no words to match"
    if all(word in COMMON_WORDS for word in words):
        return "only common words: every message saying them would be read as this synonym"
    return None
