"""Loader messages read for moderators.

Plain words, a hint where a common mistake is likely, and every file checked in one run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine import KnowledgeError, load_knowledge
from bot.engine.strict_yaml import YamlProblem, read_yaml
from tests.conftest import write_files

QUOTE_A_COLON = "put the whole text in quotes when it contains a colon"


def _errors(directory: Path) -> list[str]:
    """The loader's messages for ``directory``, with the directory left out of file names."""
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(issue).removeprefix(f"{directory}/") for issue in caught.value.issues]


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_number_where_text_belongs_is_to_be_quoted_as_written(tiny_dir: Path) -> None:
    """``sets: 2`` and a number in a list say to quote exactly what was written."""
    _edit(tiny_dir, "exercises.yaml", 'sets: "2"', "sets: 2.50")
    _edit(tiny_dir, "exercises.yaml", "keywords: [leg curl]", "keywords: [leg curl, 12]")
    assert _errors(tiny_dir) == [
        "exercises.yaml:9: entries[0].keywords[1]: a number where text belongs; "
        'write text in quotes, e.g. "12"',
        "exercises.yaml:13: entries[0].dose.sets: a number where text belongs; "
        'write text in quotes, e.g. sets: "2.50"',
    ]


def test_an_unquoted_colon_in_a_question_is_to_be_quoted(tiny_dir: Path) -> None:
    """``- what is this: a test`` reads as a field: the hint gives the whole text in quotes."""
    _edit(tiny_dir, "topics.yaml", "      - is my itb tight\n", "      - what is this: a test\n")
    assert _errors(tiny_dir) == [
        "topics.yaml:8: entries[0].questions[1]: a colon makes this read as a field, not text; "
        f'{QUOTE_A_COLON}: "what is this: a test"'
    ]


def test_an_unquoted_colon_after_a_field_is_to_be_quoted(tiny_dir: Path) -> None:
    """``summary: Note: more`` is a YAML syntax error: the hint quotes the field's text."""
    _edit(tiny_dir, "topics.yaml", "summary: A passive", "summary: Note: a passive")
    assert _errors(tiny_dir) == [
        "topics.yaml:4: YAML syntax: this text contains a colon; "
        f'{QUOTE_A_COLON}: summary: "Note: a passive strap of connective tissue."'
    ]


def test_a_line_indented_too_far_is_not_taken_for_a_colon(tiny_dir: Path) -> None:
    """The refused colon is the field's own: the line's indentation is wrong, not its text."""
    _edit(tiny_dir, "topics.yaml", "    summary:", "      summary:")
    assert _errors(tiny_dir) == [
        "topics.yaml:4: YAML syntax: this line is not indented like the lines above it"
    ]


@pytest.mark.parametrize("parser", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "pure"])
@pytest.mark.parametrize("indent", ["\t", "  \t", "  -\t"], ids=["tab", "spaces-tab", "dash-tab"])
def test_a_tab_in_the_indentation_is_named(parser: type, indent: str) -> None:
    """Both parsers' tab errors become one plain message at the tab's line."""
    text = f"entries:\n  - id: x\n{indent}title: y\n"
    with pytest.raises(YamlProblem) as caught:
        read_yaml(text, parser)
    assert (caught.value.line, caught.value.message, caught.value.hint) == (
        3,
        "YAML indents with spaces, not tabs",
        "replace the tab at the start of this line with spaces",
    )


def test_a_tab_is_reported_with_its_file_and_line(tiny_dir: Path) -> None:
    """The loader prints the tab problem as ``file:line: message; hint``."""
    _edit(tiny_dir, "topics.yaml", "    source: The IT Band", "\tsource: The IT Band")
    assert _errors(tiny_dir) == [
        "topics.yaml:11: YAML indents with spaces, not tabs; "
        "replace the tab at the start of this line with spaces"
    ]


def test_a_misspelled_related_id_gets_did_you_mean(tiny_dir: Path) -> None:
    """An unknown id close to a real one names it; one close to nothing gets no guess."""
    _edit(tiny_dir, "topics.yaml", "related: [leg-curl]", "related: [leg-curls, zzz]")
    assert _errors(tiny_dir) == [
        "topics.yaml:10: entries[0].related[0]: unknown entry id 'leg-curls'; "
        'did you mean "leg-curl"?',
        "topics.yaml:10: entries[0].related[1]: unknown entry id 'zzz'",
    ]


def test_misspelled_ids_in_routines_learned_phrasings_and_examples_get_did_you_mean(
    tiny_dir: Path,
) -> None:
    """Every reference to an entry id is checked the same way, at its own line."""
    write_files(
        tiny_dir,
        {
            "learned.yaml": "learned:\n  - {entry: it-bnd, question: the band, taught_by: '1', "
            "taught_at: '2024-01-01'}\n",
            "routine.yaml": "entries:\n  - {id: routine, kind: routine, title: R, summary: S, "
            "body: B, questions: [the routine], source: S, routine: [leg-crul]}\n",
        },
    )
    write_files(
        tiny_dir / "examples",
        {
            "set.yaml": "examples:\n  - {q: a, expect: [legcurl]}\n"
            "  - {q: b, expect: safety, tier: same-dya}\n"
        },
    )
    assert _errors(tiny_dir) == [
        "routine.yaml:2: entries[0].routine[0]: unknown entry id 'leg-crul'; "
        'did you mean "leg-curl"?',
        "learned.yaml:2: learned[0].entry: unknown entry id 'it-bnd'; did you mean \"it-band\"?",
        "examples/set.yaml:2: examples[0].expect[0]: unknown entry id 'legcurl'; "
        'did you mean "leg-curl"?',
        "examples/set.yaml:3: examples[1].tier: unknown red-flag tier 'same-dya'; "
        'did you mean "same-day"?',
    ]


def test_an_unknown_field_gets_did_you_mean(tiny_dir: Path) -> None:
    """A misspelt field names the field it likely is; the field it replaced is missing."""
    _edit(tiny_dir, "topics.yaml", "    summary:", "    sumary:")
    _edit(tiny_dir, "exercises.yaml", "dose: {sets:", "dose: {setz:")
    assert _errors(tiny_dir) == [
        'exercises.yaml:13: entries[0].dose.setz: unknown field; did you mean "sets"?',
        "topics.yaml:2: entries[0].summary: field required",
        'topics.yaml:4: entries[0].sumary: unknown field; did you mean "summary"?',
    ]


def test_a_field_already_written_is_not_offered(tiny_dir: Path) -> None:
    """``titel`` next to ``title`` is an extra field: offering ``title`` would not help."""
    _edit(tiny_dir, "topics.yaml", "    source:", "    titel: Again\n    source:")
    assert _errors(tiny_dir) == ["topics.yaml:11: entries[0].titel: unknown field"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "keywords: [it band]",
            "keywords: it band",
            "topics.yaml:9: entries[0].keywords: one value where a list belongs; "
            'write a list, e.g. keywords: ["it band"]',
        ),
        (
            "title: The IT band",
            "title: [The IT band]",
            "topics.yaml:3: entries[0].title: a list where text belongs; "
            "write one text, without [ ] or a dash (-) in front",
        ),
        (
            "title: The IT band",
            "title: null",
            "topics.yaml:3: entries[0].title: null means nothing in YAML; write text in quotes, "
            'e.g. title: "null"',
        ),
        (
            "title: The IT band",
            "title:",
            "topics.yaml:3: entries[0].title: nothing written here: text is needed",
        ),
        (
            "id: it-band",
            "id: IT Band",
            "topics.yaml:2: entries[0].id: an id is lower-case words joined by hyphens; "
            "e.g. id: it-band",
        ),
        (
            "    title: The IT band",
            "    kind: topik\n    title: The IT band",
            "topics.yaml:3: entries[0].kind: should be 'topic', 'exercise' or 'routine'; "
            'did you mean "topic"?',
        ),
    ],
    ids=["text-for-list", "list-for-text", "null", "empty", "id", "kind"],
)
def test_a_value_of_the_wrong_kind_is_said_in_plain_words(
    tiny_dir: Path, old: str, new: str, expected: str
) -> None:
    """The validator's wording ("input should be a valid string") never reaches moderators."""
    _edit(tiny_dir, "topics.yaml", old, new)
    assert _errors(tiny_dir) == [expected]


def test_a_quoted_order_is_to_be_unquoted(tiny_dir: Path) -> None:
    """``order: "1"`` is text where a whole number belongs."""
    _edit(tiny_dir, "exercises.yaml", "order: 1", 'order: "1"')
    assert _errors(tiny_dir) == [
        "exercises.yaml:14: entries[0].order: a whole number belongs here, not text; "
        "write it without quotes, e.g. order: 1"
    ]


@pytest.mark.parametrize(
    ("expect", "expected"),
    [
        (
            "abstian",
            "examples[0].expect: should be a list or 'abstain' or 'safety'; "
            'did you mean "abstain"?',
        ),
        (
            "[Leg Curl]",
            "examples[0].expect[0]: an id is lower-case words joined by hyphens; e.g. leg-curl",
        ),
        ("[]", "examples[0].expect: needs at least 1 item(s)"),
    ],
    ids=["neither", "list", "empty-list"],
)
def test_an_example_label_is_judged_by_what_was_written(
    tiny_dir: Path, expect: str, expected: str
) -> None:
    """``expect`` is a list of ids or a word: only the alternative that fits is reported."""
    write_files(tiny_dir / "examples", {"set.yaml": f"examples:\n  - {{q: a, expect: {expect}}}\n"})
    assert _errors(tiny_dir) == [f"examples/set.yaml:2: {expected}"]


def test_a_hint_shows_invisible_characters_as_escapes(tiny_dir: Path) -> None:
    """Text echoed in a hint can't hide or reorder what follows it."""
    _edit(tiny_dir, "topics.yaml", "      - is my itb tight\n", "      - what\u202e is: this\n")
    assert _errors(tiny_dir) == [
        "topics.yaml:8: entries[0].questions[1]: a colon makes this read as a field, not text; "
        f'{QUOTE_A_COLON}: "what\\u202e is: this"'
    ]


def test_every_file_is_reported_in_one_run(tiny_dir: Path) -> None:
    """A syntax error, a field error and a bad reference, in three files, in one run.

    The entry with the field error and the file that isn't YAML still declare their ids: a
    reference to them is not reported, and a misspelling of one is offered its id.
    """
    write_files(
        tiny_dir,
        {"notes.yaml": "entries:\n  - id: knee-notes\n    title: [unclosed\n    body: b\n"},
    )
    _edit(tiny_dir, "exercises.yaml", 'sets: "2"', "sets: 2")
    _edit(tiny_dir, "topics.yaml", "related: [leg-curl]", "related: [knee-notes, leg-curls]")
    assert _errors(tiny_dir) == [
        "exercises.yaml:13: entries[0].dose.sets: a number where text belongs; "
        'write text in quotes, e.g. sets: "2"',
        "notes.yaml:4: YAML syntax: did not find expected ',' or ']'",
        "topics.yaml:10: entries[0].related[1]: unknown entry id 'leg-curls'; "
        'did you mean "leg-curl"?',
    ]


def test_records_that_did_not_load_are_not_called_missing(tiny_dir: Path) -> None:
    """A broken red-flag file is one error, not also "no safety_tiers in any file"."""
    (tiny_dir / "safety.yaml").write_text("safety_tiers:\n  - id: same-day\n    title: [oops\n")
    assert _errors(tiny_dir) == ["safety.yaml:4: YAML syntax: did not find expected ',' or ']'"]


def test_a_reference_in_a_later_record_keeps_its_own_line(tiny_dir: Path) -> None:
    """Records after one that didn't load are still reported at their own index and line."""
    write_files(
        tiny_dir / "examples",
        {
            "set.yaml": "examples:\n  - {q: a, expect: nothing}\n"
            "  - {q: b, expect: abstain}\n  - {q: c, expect: [it-bnd]}\n"
        },
    )
    assert _errors(tiny_dir) == [
        "examples/set.yaml:2: examples[0].expect: should be a list or 'abstain' or 'safety'",
        "examples/set.yaml:4: examples[2].expect[0]: unknown entry id 'it-bnd'; "
        'did you mean "it-band"?',
    ]


def test_hints_stay_on_the_line_of_their_problem(tiny_dir: Path) -> None:
    """One problem a line, hint included: the CLI and Discord print them one under another."""
    _edit(tiny_dir, "topics.yaml", "      - is my itb tight\n", "      - what is this: a test\n")
    _edit(tiny_dir, "exercises.yaml", 'sets: "2"', "sets: 2")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tiny_dir)
    assert len(str(caught.value).splitlines()) == len(caught.value.issues) == 2
    assert all(issue.hint for issue in caught.value.issues)


def test_the_knowledge_base_never_loads_with_a_hinted_problem(tiny_dir: Path) -> None:
    """A problem with a hint is still a problem: nothing is coerced into place."""
    _edit(tiny_dir, "exercises.yaml", 'sets: "2"', "sets: 2")
    with pytest.raises(KnowledgeError):
        load_knowledge(tiny_dir)


def test_context_examples_are_kept_apart_and_their_ids_checked_at_their_lines(
    tiny_dir: Path,
) -> None:
    """A file's ``context_examples`` form a context set; a misspelt id names its line."""
    write_files(
        tiny_dir / "examples",
        {
            "denials.yaml": "context_examples:\n  - {q: no swelling at all, expect: [it-band]}\n"
            "  - {q: knee locked now, expect: safety, tier: same-day}\n"
        },
    )
    knowledge = load_knowledge(tiny_dir)
    [(name, examples)] = knowledge.context_sets.items()
    assert name.endswith("denials.yaml")
    assert [example.q for example in examples] == ["no swelling at all", "knee locked now"]
    assert not any(name.endswith("denials.yaml") for name in knowledge.example_sets)
    _edit(tiny_dir / "examples", "denials.yaml", "[it-band]", "[it-bnd]")
    assert _errors(tiny_dir) == [
        "examples/denials.yaml:2: context_examples[0].expect[0]: unknown entry id 'it-bnd'; "
        'did you mean "it-band"?',
    ]
