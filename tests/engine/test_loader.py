"""The strict loader: every bad input is an error with file and line, and nothing is swapped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine, KnowledgeError, load_knowledge
from tests.conftest import KNOWLEDGE, TINY_EXERCISES, TINY_TOPICS, write_files


def _errors(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(issue) for issue in caught.value.issues]


def test_tiny_knowledge_base_loads(tiny_dir: Path) -> None:
    """A valid directory gives every entry, tier and file."""
    knowledge = load_knowledge(tiny_dir)
    assert list(knowledge.entries) == ["leg-curl", "it-band"]
    assert [tier.id for tier in knowledge.safety_tiers] == ["same-day"]
    assert knowledge.get("leg-curl").dose.reps == "8 to 10"


def test_syntax_error_names_file_and_line(tiny_dir: Path) -> None:
    """A YAML syntax error is reported at its line."""
    (tiny_dir / "topics.yaml").write_text("entries:\n  - id: x\n    title: [unclosed\n")
    [error] = _errors(tiny_dir)
    assert error.startswith(f"{tiny_dir / 'topics.yaml'}:")
    assert "YAML syntax" in error


def test_missing_field_reports_path_and_line(tiny_dir: Path) -> None:
    """A missing required field names the entry's line and the field's path."""
    broken = TINY_EXERCISES.replace('    dose: {sets: "2", reps: "8 to 10"}\n', "")
    (tiny_dir / "exercises.yaml").write_text(broken)
    errors = _errors(tiny_dir)
    assert errors == [f"{tiny_dir / 'exercises.yaml'}:2: entries[0]: an exercise needs dose"]


def test_unknown_field_is_rejected_at_its_line(tiny_dir: Path) -> None:
    """A misspelt field is an error, not silently ignored."""
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS.replace("    keywords:", "    keywordz:"))
    errors = _errors(tiny_dir)
    assert errors == [
        f"{tiny_dir / 'topics.yaml'}:9: entries[0].keywordz: unknown field; "
        'did you mean "keywords"?'
    ]


def test_yaml_booleans_are_not_strings(tiny_dir: Path) -> None:
    """``title: true`` is a boolean where text is needed: rejected, not coerced."""
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS.replace("title: The IT band", "title: true"))
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'topics.yaml'}:3: entries[0].title: true/false where text belongs; "
        'write text in quotes, e.g. title: "true"'
    ]


def test_no_stays_text_under_yaml_1_2(tiny_dir: Path) -> None:
    """``no`` is the word "no", not YAML 1.1's false."""
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS.replace("title: The IT band", "title: no"))
    assert load_knowledge(tiny_dir).get("it-band").title == "no"


def test_numbers_where_text_is_expected_are_rejected(tiny_dir: Path) -> None:
    """``sets: 2`` must be quoted; the error says where."""
    (tiny_dir / "exercises.yaml").write_text(TINY_EXERCISES.replace('sets: "2"', "sets: 2"))
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'exercises.yaml'}:13: entries[0].dose.sets: a number where text belongs; "
        'write text in quotes, e.g. sets: "2"'
    ]


def test_duplicate_keys_are_rejected(tiny_dir: Path) -> None:
    """The second of two equal keys is reported at its own line."""
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS + "    source: Again\n")
    assert f"{tiny_dir / 'topics.yaml'}:12: entries[0].source: duplicate key" in _errors(tiny_dir)


def test_alias_bomb_fails_fast(tiny_dir: Path) -> None:
    """Anchors and aliases are refused at the first anchor, before any expansion."""
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    bomb += "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    (tiny_dir / "bomb.yaml").write_text(bomb)
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'bomb.yaml'}:1: anchors and aliases (&, *) are not allowed"
    ]


def test_deep_nesting_is_rejected_without_crashing(tiny_dir: Path) -> None:
    """Very deep nesting is an error, not a RecursionError or a crashed process."""
    (tiny_dir / "deep.yaml").write_text("entries: " + "[" * 100_000 + "]" * 100_000 + "\n")
    [error] = _errors(tiny_dir)
    assert "nesting deeper than" in error


def test_oversized_file_is_rejected(tiny_dir: Path) -> None:
    """A file over the size cap is refused without parsing."""
    (tiny_dir / "huge.yaml").write_text("# " + "x" * 600_000 + "\n")
    assert _errors(tiny_dir) == [f"{tiny_dir / 'huge.yaml'}: file is larger than 512 KiB"]


def test_python_tags_are_rejected(tiny_dir: Path) -> None:
    """No YAML tag can build objects."""
    (tiny_dir / "evil.yaml").write_text("entries: !!python/object/apply:os.system ['true']\n")
    assert "tags such as" in _errors(tiny_dir)[0]


def test_duplicate_ids_across_files(tiny_dir: Path) -> None:
    """The same id in two files is reported at the second."""
    write_files(tiny_dir, {"zz-more.yaml": TINY_TOPICS.replace("what is the it band", "another q")})
    errors = _errors(tiny_dir)
    assert any("zz-more.yaml:2: entries[0].id: duplicate id (see " in error for error in errors)


def test_unknown_related_and_routine_references(tiny_dir: Path) -> None:
    """Unknown ids, and a routine step that isn't an exercise, are errors at their line."""
    routine = (
        "entries:\n  - id: routine\n    kind: routine\n    title: Routine\n    summary: All.\n"
        "    body: Do them.\n    questions: [routine please]\n    source: S\n"
        "    routine: [leg-curl, ghost, it-band]\n"
    )
    write_files(tiny_dir, {"routine.yaml": routine})
    (tiny_dir / "topics.yaml").write_text(
        TINY_TOPICS.replace("related: [leg-curl]", "related: [nope]")
    )
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'routine.yaml'}:9: entries[0].routine[1]: unknown entry id 'ghost'",
        f"{tiny_dir / 'routine.yaml'}:9: entries[0].routine[2]: 'it-band' is not an exercise entry",
        f"{tiny_dir / 'topics.yaml'}:10: entries[0].related[0]: unknown entry id 'nope'",
    ]


def test_all_errors_are_reported_not_just_the_first(tiny_dir: Path) -> None:
    """Problems in two files are both listed."""
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS.replace("    source: The IT Band\n", ""))
    (tiny_dir / "exercises.yaml").write_text(TINY_EXERCISES.replace("order: 1", "order: 99"))
    errors = _errors(tiny_dir)
    assert len(errors) == 2
    assert any("entries[0].source: field required" in error for error in errors)
    assert any("entries[0].order: should be at most 20" in error for error in errors)


def test_red_flags_are_required(tiny_dir: Path) -> None:
    """A knowledge base without red-flag tiers would skip triage: refused."""
    (tiny_dir / "safety.yaml").unlink()
    assert any("no safety_tiers" in error for error in _errors(tiny_dir))


def test_invalid_utf8_is_reported(tiny_dir: Path) -> None:
    """Binary junk is a clear error."""
    (tiny_dir / "junk.yaml").write_bytes(b"entries:\n\xff\xfe\x00")
    assert _errors(tiny_dir) == [f"{tiny_dir / 'junk.yaml'}:2: not valid UTF-8 text"]


def test_control_characters_are_reported_at_their_line(tiny_dir: Path) -> None:
    """A stray NUL byte in otherwise good text names its line, on one line."""
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS.replace("title: The IT band", "title: \0"))
    line = TINY_TOPICS.split("title: The IT band")[0].count("\n") + 1
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'topics.yaml'}:{line}: YAML syntax: character U+0000 is not allowed"
    ]


def test_files_that_would_be_skipped_are_reported(tiny_dir: Path) -> None:
    """A ``.yml`` file or a ``.yaml`` name that is not a file is an error, not silently left out."""
    (tiny_dir / "topics.yaml").rename(tiny_dir / "topics.yml")
    (tiny_dir / "extra.yaml").mkdir()
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'extra.yaml'}: not a readable file",
        f"{tiny_dir / 'topics.yml'}: knowledge files end in .yaml: rename it",
    ]


def test_failed_reload_keeps_the_live_knowledge_base(tiny_dir: Path) -> None:
    """Swap only on success: after a broken reload the engine answers from the old base."""
    engine = Engine.from_directory(tiny_dir)
    before = engine.knowledge
    (tiny_dir / "topics.yaml").write_text("entries: [oops")
    with pytest.raises(KnowledgeError):
        engine.reload(tiny_dir)
    assert engine.knowledge is before
    assert engine.answer("what is the it band").entry_id == "it-band"


def test_successful_reload_swaps(tiny_dir: Path) -> None:
    """A valid change is live after reload."""
    engine = Engine.from_directory(tiny_dir)
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS.replace("The IT band", "The iliotibial band"))
    engine.reload(tiny_dir)
    assert engine.knowledge.get("it-band").title == "The iliotibial band"


@pytest.mark.parametrize("path", sorted(KNOWLEDGE.glob("*.yaml")), ids=lambda p: p.name)
def test_libyaml_and_pure_python_parsers_agree(path: Path) -> None:
    """The fast libyaml event parser reads every knowledge file exactly like the pure one."""
    import yaml

    from bot.engine.strict_yaml import read_yaml

    text = path.read_text(encoding="utf-8")
    fast, pure = read_yaml(text), read_yaml(text, yaml.SafeLoader)
    assert fast.data == pure.data
    assert fast.lines == pure.lines
    assert fast.written == pure.written


SAME_DAY_TIER = (
    "safety_tiers:\n"
    "  - id: same-day\n"
    "    title: Get seen today\n"
    "    response: Please see a doctor today.\n"
)
"""The first lines of a small safety.yaml: one tier, its phrases to follow."""


def test_word_group_problems_are_reported_at_their_lines(tiny_dir: Path) -> None:
    """An unknown group, a duplicate group name and a nested reference are errors with lines."""
    safety = SAME_DAY_TIER + (
        "    phrases:\n"
        "      - knee locked\n"
        "      - '{swelling} + {ghost}'\n"
        "word_groups:\n"
        "  - name: swelling\n"
        "    words: [swollen, puffy]\n"
        "  - name: swelling\n"
        "    words: ['{swelling}']\n"
    )
    (tiny_dir / "safety.yaml").write_text(safety)
    path = tiny_dir / "safety.yaml"
    assert _errors(tiny_dir) == [
        f"{path}:11: word_groups[1].name: duplicate group name",
        f"{path}:12: word_groups[1].words[0]: a group word can't contain {{, }} or ' + '",
        f"{path}:7: safety_tiers[0].phrases[1]: unknown word group 'ghost' "
        "(define it under word_groups)",
    ]


def test_a_context_wording_naming_an_unknown_group_is_reported_at_its_line(
    tiny_dir: Path,
) -> None:
    """Context wordings may use word groups ("{young-age}yo"); a group nobody defined is an error."""
    safety = SAME_DAY_TIER + (
        "    phrases: [knee locked]\n"
        "word_groups:\n"
        "  - name: young-age\n"
        "    words: ['11', '12']\n"
        "context:\n"
        "  - language: en\n"
        "    carer: ['{young-age}yo', '{ghost} year old', 'my son + knee']\n"
    )
    (tiny_dir / "safety.yaml").write_text(safety)
    path = tiny_dir / "safety.yaml"
    assert _errors(tiny_dir) == [
        f"{path}:11: context[0].carer[1]: unknown word group 'ghost' (define it under word_groups)",
        f"{path}:11: context[0].carer[2]: a context wording is one run of words: ' + ' doesn't"
        " apply",
    ]


def test_a_phrase_that_expands_too_far_is_rejected(tiny_dir: Path) -> None:
    """Two large groups in one part would multiply into too many wordings: an error, not a hang."""
    words = ", ".join(f"w{number}" for number in range(60))
    safety = (
        "safety_tiers:\n  - id: same-day\n    title: T\n    response: R.\n"
        "    phrases: ['{big} {big}']\n"
        f"word_groups:\n  - name: big\n    words: [{words}]\n"
    )
    (tiny_dir / "safety.yaml").write_text(safety)
    [error] = _errors(tiny_dir)
    assert error.endswith(
        "safety_tiers[0].phrases[0]: expands to more than 2000 wordings: "
        "split it into smaller phrases"
    )


def test_phrases_and_synonyms_too_common_or_without_words_are_rejected(tiny_dir: Path) -> None:
    """Common words alone would flag (or rewrite) almost every message; punctuation matches none."""
    safety = (
        "safety_tiers:\n  - id: same-day\n    title: T\n    response: R.\n"
        "    phrases: ['the', 'knee + ???', 'knee locked', 'worse + the', 'limping + the']\n"
        "synonyms:\n  - canonical: it band\n    variants: [itb, it, '!!']\n"
    )
    (tiny_dir / "safety.yaml").write_text(safety)
    path = tiny_dir / "safety.yaml"
    common = "only common words: it would match almost any message; say more"
    assert _errors(tiny_dir) == [
        f"{path}:8: synonyms[0].variants[1]: only common words: every message saying them "
        "would be read as this synonym",
        f"{path}:8: synonyms[0].variants[2]: no words to match",
        f"{path}:5: safety_tiers[0].phrases[0]: {common}",
        f"{path}:5: safety_tiers[0].phrases[1]: a part has no words to match",
        f"{path}:5: safety_tiers[0].phrases[3]: {common}",
    ]


def _safety_with(tiny_dir: Path, added: str) -> tuple[Path, int]:
    """The tiny safety file with ``added`` appended: its path and the added line's number."""
    path = tiny_dir / "safety.yaml"
    safety = path.read_text()
    path.write_text(safety + added)
    return path, safety.count("\n") + 1


def test_an_exercise_cue_is_one_run_of_words(tiny_dir: Path) -> None:
    """A cue hides the words it covers; a conjunction or a lone common word can't be a cue."""
    path, line = _safety_with(tiny_dir, "exercise_cues: [lock + top, the, should i lock]\n")
    assert _errors(tiny_dir) == [
        f"{path}:{line}: exercise_cues[0]: a cue is one run of words: ' + ' doesn't apply",
        f"{path}:{line}: exercise_cues[1]: only common words: it would match almost any message;"
        " say more",
    ]


def test_a_phrase_to_ask_about_is_checked_like_a_red_flag_phrase(tiny_dir: Path) -> None:
    """An unknown word group or a lone common word in ``ask_phrases`` is refused, by place."""
    path, _ = _safety_with(tiny_dir, '    ask_phrases: ["{tingles} + leg", the, knee fizzy]\n')
    assert _errors(tiny_dir) == [
        f"{path}:6: safety_tiers[0].ask_phrases[0]: unknown word group 'tingles' (define it under"
        " word_groups)",
        f"{path}:6: safety_tiers[0].ask_phrases[1]: only common words: it would match almost any"
        " message; say more",
    ]


def test_an_exercise_cue_that_reads_as_a_red_flag_phrase_is_refused(tiny_dir: Path) -> None:
    """Filler words dropped, "keep my knee locked" is "knee locked": it would hide that red flag."""
    path, line = _safety_with(
        tiny_dir, "exercise_cues: [keep my knee locked, keep it locked, should i lock]\n"
    )
    hides = (
        "reads as the red-flag phrase 'knee locked' once filler words are dropped: it would hide"
        " that red flag in every message; keep the words that make it a question or an"
        " instruction about the movement"
    )
    assert _errors(tiny_dir) == [
        f"{path}:{line}: exercise_cues[0]: {hides}",
        f"{path}:{line}: exercise_cues[1]: {hides}",
    ]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "~\n"])
def test_an_emptied_file_is_refused_not_loaded_as_nothing(tiny_dir: Path, text: str) -> None:
    """A file saved empty by accident must not silently drop its entries or synonyms."""
    (tiny_dir / "topics.yaml").write_text(text)
    errors = _errors(tiny_dir)
    assert errors == [
        f"{tiny_dir / 'topics.yaml'}:1: the file is empty: an emptied file would drop its part"
    ]


def test_a_knowledge_file_linking_outside_the_directory_is_refused_unread(
    tiny_dir: Path, tmp_path: Path
) -> None:
    """A link to a system file is refused by name; not one byte of it is echoed."""
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secretsalt$secrethash:19000:0:99999:7:::\n")
    (tiny_dir / "notes.yaml").symlink_to(secret)
    errors = _errors(tiny_dir)
    assert errors == [f"{tiny_dir / 'notes.yaml'}: links outside the knowledge directory: refused"]
    assert not any("secret" in error for error in errors)


def test_a_linked_examples_folder_outside_the_directory_is_refused(
    tiny_dir: Path, tmp_path: Path
) -> None:
    """The examples folder can't be a door out of the knowledge directory either."""
    outside = write_files(tmp_path / "elsewhere", {"set.yaml": "examples: []\n"})
    (tiny_dir / "examples").symlink_to(outside)
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'examples' / 'set.yaml'}: links outside the knowledge directory: refused"
    ]


def test_an_odd_unknown_key_is_shown_as_a_short_escaped_excerpt(tiny_dir: Path) -> None:
    """A key that is not a field name is cut short and escaped; a plain typo shows in full."""
    (tiny_dir / "notes.yaml").write_text(
        "root:$6$saltsaltsalt$hashhashhash\u202e: 1\nentires: []\n"
    )
    errors = _errors(tiny_dir)
    assert f"{tiny_dir / 'notes.yaml'}:1: ['root:$6$salt'…]: unknown field" in errors
    assert f'{tiny_dir / "notes.yaml"}:2: entires: unknown field; did you mean "entries"?' in errors
    assert not any("hash" in error or "\u202e" in error for error in errors)


def test_a_huge_sparse_file_is_refused_without_being_read(tiny_dir: Path) -> None:
    """The size is checked before reading: a 2 GiB sparse file costs nothing."""
    with (tiny_dir / "huge.yaml").open("wb") as file:
        file.truncate(2 * 1024**3)
    assert _errors(tiny_dir) == [f"{tiny_dir / 'huge.yaml'}: file is larger than 512 KiB"]


def test_word_group_expansion_is_capped_for_the_whole_knowledge_base(tiny_dir: Path) -> None:
    """Many phrases each under the per-phrase cap can't add up to an engine that takes minutes."""
    words = ", ".join(f"w{number}" for number in range(40))
    phrases = "\n".join(f"      - '{{a}} {{b}} thing{n}'" for n in range(14))
    (tiny_dir / "groups.yaml").write_text(
        f"word_groups:\n  - name: a\n    words: [{words}]\n  - name: b\n    words: [{words}]\n"
        f"safety_tiers:\n  - id: soon\n    title: Soon\n    response: See someone.\n"
        f"    phrases:\n{phrases}\n"
    )
    assert _errors(tiny_dir) == [
        f"{tiny_dir / 'groups.yaml'}: the red-flag and scope phrases expand to 22402 wordings "
        "in all, more than 20000 (22400 here): use fewer {group} words"
    ]
