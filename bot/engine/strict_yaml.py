"""Strict YAML reading: plain data only, with the line every value came from.

PyYAML's loaders build Python objects recursively, accept anchors and aliases (an "alias bomb"
expands exponentially) and keep the last of two duplicate keys. This reader walks the parser's
event stream instead, so it can refuse all of that as soon as it is seen, cap the nesting depth
without recursion, and remember the line of every value for error messages.

Plain scalars follow the YAML 1.2 core schema: only ``true``/``false`` are booleans, so
``no``, ``on`` or ``yes`` stay strings and are then rejected by strict typing where a boolean
or number is expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

MAX_DEPTH = 16

_PARSER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
"""libyaml's event parser when available (30x faster); only its events are used, never its
object construction, and it reports too-deep nesting as an error rather than recursing."""

PathKey = str | int
YamlPath = tuple[PathKey, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL)?$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


class YamlProblem(Exception):
    """A file that cannot be read as plain data; ``line`` is 1-based, ``hint`` may be empty."""

    def __init__(self, line: int, message: str, hint: str = "") -> None:
        """Record where, what, and how it is likely fixed."""
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message
        self.hint = hint


@dataclass
class YamlDocument:
    """Parsed data plus the line of each value (mapping values: the line of their key)."""

    data: object
    lines: dict[YamlPath, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[int, YamlPath]] = field(default_factory=list)
    written: dict[YamlPath, str] = field(default_factory=dict)
    """The text of each plain value read as a number, ``true``/``false`` or null, as written:
    a hint can then quote exactly what to put in quotes."""

    def line_of(self, path: YamlPath) -> int:
        """The line of ``path``, or of its nearest ancestor that exists."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


@dataclass
class _Frame:
    path: YamlPath
    container: dict[str, object] | list[object]
    pending_key: str | None = None


def _plain_scalar(value: str) -> object:
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _scalar_value(event: yaml.ScalarEvent) -> object:
    if not event.style and event.implicit[0]:
        return _plain_scalar(event.value)
    return event.value


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


def _refuse_extras(event: yaml.Event) -> None:
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise YamlProblem(_line(event), "anchors and aliases (&, *) are not allowed")
    tag = getattr(event, "tag", None)
    if tag is not None:
        raise YamlProblem(_line(event), f"tags such as {tag!r} are not allowed")


class _Builder:
    """Turns parser events into dicts, lists and scalars, with their lines."""

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.document = YamlDocument(data=None)
        self.documents = 0

    def place(self, value: object, event: yaml.Event) -> YamlPath | None:
        """Put ``value`` where the current container expects it; return its path."""
        line = _line(event)
        if not self.stack:
            self.document.data = value
            self.document.lines[()] = line
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            path = (*frame.path, len(frame.container))
            frame.container.append(value)
            self.document.lines[path] = line
            return path
        if frame.pending_key is None:
            if not isinstance(value, str) or isinstance(event, yaml.CollectionStartEvent):
                raise YamlProblem(line, "mapping keys must be plain text")
            key_path = (*frame.path, value)
            if value in frame.container:
                self.document.duplicate_keys.append((line, key_path))
            frame.pending_key = value
            self.document.lines.setdefault(key_path, line)
            return None
        key = frame.pending_key
        frame.pending_key = None
        path = (*frame.path, key)
        frame.container.setdefault(key, value)
        return path

    def feed(self, event: yaml.Event) -> None:
        """Handle one parser event."""
        _refuse_extras(event)
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlProblem(_line(event), "a file must hold a single YAML document")
        elif isinstance(event, yaml.ScalarEvent):
            value = _scalar_value(event)
            path = self.place(value, event)
            if path is not None and not isinstance(value, str):
                self.document.written[path] = event.value
        elif isinstance(event, yaml.CollectionStartEvent):
            self._open(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            self.stack.pop()

    def _open(self, event: yaml.CollectionStartEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YamlProblem(_line(event), f"nesting deeper than {MAX_DEPTH} levels")
        is_mapping = isinstance(event, yaml.MappingStartEvent)
        container: dict[str, object] | list[object] = {} if is_mapping else []
        parent = self.stack[-1] if self.stack else None
        if parent and isinstance(parent.container, dict) and parent.pending_key is None:
            raise YamlProblem(_line(event), "mapping keys must be plain text")
        path = self.place(container, event)
        self.stack.append(_Frame(path=path or (), container=container))


HINT_EXCERPT = 120
"""A hint quotes at most this many characters of what was written."""

_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""Line breaks as YAML counts them, so a problem's line number finds its text."""
_TAB_INDENT = re.compile(r"^[ -]*\t")
_COLON = re.compile(r":(?=\s|$)")
"""A colon that YAML reads as "field: value" (one followed by a space or the line's end)."""
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ITEM_START = re.compile(r"^[ \t]*(?:-[ \t]+)*")
_COMMENT = re.compile(r"\s+#.*$")


def _escaped(char: str) -> str:
    if char.isprintable():
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted value for a hint: escaped, and cut to an excerpt.

    Invisible and control characters are shown as escapes, so a hint never hides text.
    """
    excerpt = text[:HINT_EXCERPT] + ("…" if len(text) > HINT_EXCERPT else "")
    body = excerpt.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(_escaped(char) for char in body) + '"'


def _colon_problem(line: int, source: str, column: int) -> YamlProblem:
    """The colon YAML refused at ``column`` of ``source``, in words.

    It is inside unquoted text, or it is the line's first: the field is indented further than
    the lines above it.
    """
    first = _COLON.search(source)
    if first is None or first.start() >= column:
        return YamlProblem(line, "YAML syntax: this line is not indented like the lines above it")
    text = _COMMENT.sub("", _ITEM_START.sub("", source))
    key, rest = _COLON.split(text, maxsplit=1)
    example = f"{key}: {quoted(rest.strip())}" if _FIELD_NAME.fullmatch(key) else quoted(text)
    hint = f"put the whole text in quotes when it contains a colon: {example}"
    return YamlProblem(line, "YAML syntax: this text contains a colon", hint)


def _syntax_problem(text: str, error: yaml.MarkedYAMLError) -> YamlProblem:
    """The parser's error in plain words, with a hint for tabs and unquoted colons."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column) if mark else (1, 0)
    problem = str(error.problem or error.context)
    sources = _BREAK.split(text)
    source = sources[line - 1] if line <= len(sources) else ""
    if "nesting depth" in problem:
        return YamlProblem(line, f"nesting deeper than {MAX_DEPTH} levels")
    if _TAB_INDENT.match(source):
        hint = "replace the tab at the start of this line with spaces"
        return YamlProblem(line, "YAML indents with spaces, not tabs", hint)
    if problem.startswith("mapping values are not allowed"):
        return _colon_problem(line, source, column)
    return YamlProblem(line, f"YAML syntax: {problem}")


def read_yaml(text: str, parser: type = _PARSER) -> YamlDocument:
    """Parse ``text`` strictly; raise :class:`YamlProblem` on anything but plain data.

    ``parser`` is the PyYAML loader whose event parser is used (libyaml's by default).
    """
    builder = _Builder()
    try:
        for event in yaml.parse(text, Loader=parser):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(text, error) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        message = f"YAML syntax: character U+{error.character:04X} is not allowed"
        raise YamlProblem(line, message) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"YAML syntax: {error}") from None
    except RecursionError:
        raise YamlProblem(1, "the document is nested too deeply to read") from None
    return builder.document
