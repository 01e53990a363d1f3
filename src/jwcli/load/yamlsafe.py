"""The one safe way jw reads YAML (shared/spec/quality.md, "Loading YAML safely").

In order: refuse files over the size cap before reading them whole; decode strict UTF-8 (a BOM is
accepted); refuse NUL, control characters and tab indentation at their line and column; parse
exactly one document from libyaml's event stream (the pure-Python parser when libyaml is absent);
resolve only YAML 1.2 core scalars; refuse duplicate keys, anchors, aliases, merge keys,
non-scalar keys and tags. Building values from parser events, not from PyYAML's constructor,
is what lets an alias bomb be refused at its first alias, in microseconds.

With `marks=True` the position of every value and key is kept, keyed by its field path, so a
Pydantic error path maps back to `line:col`. Marks are only built for files that need them.
"""

from __future__ import annotations

import os
import re
import stat
from decimal import Decimal
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from jwcli.model.findings import shorten

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64

# libyaml's bare parser: a CSafeLoader would also build constructor and resolver state for
# every file, only to be thrown away (jw builds values from the events itself).
_Parser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
HAVE_LIBYAML = _Parser is not None

# O_NONBLOCK: should a FIFO replace the file between the stat and the open, the open returns
# at once instead of waiting for a writer. It changes nothing for a regular file.
# O_NOFOLLOW: a link swapped in between the lstat and the open is refused too.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)

Loc = tuple[str | int, ...]
# field path -> (value line, value col, key line, key col); 1-based; key is 0,0 for list items/root
Marks = dict[Loc, tuple[int, int, int, int]]

_INT_RE = re.compile(r"^[-+]?[0-9]+$")
_DECIMAL_RE = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
# U+0085, U+2028 and U+2029 are line breaks to libyaml (YAML 1.1) but not to editors or YAML 1.2:
# one in a comment would turn the rest of its line into data, and shift every line number after.
# A byte-order mark past the start is invisible, and libyaml refuses it where PyYAML keeps it.
# Bidirectional embedding, override and isolate controls (U+202A-202E, U+2066-2069) make text
# display in another order than it is stored ("Acme (dlog)" shown as "(gold)"), in the pack, a
# terminal or a code review. The plain marks U+200E, U+200F and U+061C are kept: they only nudge
# the neutral characters beside them, and right-to-left names legitimately need them.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_BIDI_RE = re.compile(f"[{_BIDI}]")
_BAD_CHAR_RE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff{_BIDI}]"
)
_LINE_SEPARATORS = frozenset("\x85\u2028\u2029")
# A double-quoted escape (`"\\e"`, `"\\0"`, `"\\ud800"`) can still put these in a value; they
# would reach the terminal (or os.lstat) from jw's messages, so they are refused there too.
_QUOTED_BAD_RE = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff{_BIDI}]"
)
_NUL_MESSAGE = (
    "a NUL byte (the file may be UTF-16 or binary): remove it or save the file as UTF-8 text"
)
_TAB_INDENT_RE = re.compile(r"^[ ]*\t", re.MULTILINE)
# A tab after `key:` is YAML 1.2 separation space; libyaml takes it, PyYAML's scanner does not.
# Only for the pure-Python fallback, it becomes a space (same length, so columns do not move).
_TAB_AFTER_COLON_RE = re.compile(r"^([ ]*(?:- )?[A-Za-z0-9_-]+:)\t", re.MULTILINE)


class YamlProblem(Exception):
    """A file that cannot be read as jw's YAML; carries a 1-based line and column."""

    def __init__(self, message: str, line: int = 1, col: int = 1, rule: str = "yaml") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.rule = rule


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a file as strict UTF-8 text, refusing it before parsing if it is not plain text."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise YamlProblem(f"cannot read the file: {exc.strerror}", rule="io") from None
    if stat.S_ISLNK(info.st_mode):
        # A link can lead out of the repository (to /etc/passwd, say) and then its content would
        # be quoted back in messages; the data must be the repository's own files.
        raise YamlProblem(
            "a symbolic link: jw reads only files kept in the repository itself; replace the "
            "link with the file",
            rule="io",
        )
    if not stat.S_ISREG(info.st_mode):
        # Opening a FIFO or device would block or never end; only plain files are read.
        raise YamlProblem("not a regular file: replace it with a plain text file", rule="io")
    size = info.st_size
    if size > MAX_BYTES:
        raise YamlProblem(
            f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit; "
            "split it into smaller files",
            rule="size",
        )
    try:
        data = _read_capped(path, size)
    except OSError as exc:
        raise YamlProblem(f"cannot read the file: {exc.strerror}", rule="io") from None
    if len(data) > MAX_BYTES:
        raise YamlProblem(f"file is over the {MAX_BYTES:,}-byte limit", rule="size")
    return decode(data)


def _read_capped(path: str | os.PathLike[str], size: int) -> bytes:
    """The file's bytes, at most MAX_BYTES + 1 of them; `size` is what stat said.

    Asking for `size + 1` bytes, unbuffered, costs a fraction of reading into a 1 MiB buffer for
    every 180-byte file. A read that fills all `size + 1` means the file grew since the stat: go
    on reading until the end or past the cap. A shorter read of a regular file is its end.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return data
        chunks, total = [data], len(data)
        while total <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(
            "file is encoded as UTF-16 (or UTF-32); save it as UTF-8", rule="encoding"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        # Checked before decoding: UTF-16 without a BOM would otherwise be named as Latin-1.
        raise YamlProblem(_NUL_MESSAGE, *_byte_position(data, nul), rule="encoding")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        raise YamlProblem(
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8 (the file may be Latin-1 or "
            "Windows-1252); save it as UTF-8",
            line,
            col,
            rule="encoding",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def check_characters(text: str) -> None:
    """Refuse what libyaml and PyYAML would report by offset or not at all, at line and column."""
    bad = _BAD_CHAR_RE.search(text, 1 if text.startswith("\ufeff") else 0)
    if bad:
        line, col = _text_position(text, bad.start())
        char = bad.group()
        if char == "\x00":
            raise YamlProblem(_NUL_MESSAGE, line, col, rule="encoding")
        if char == "\ufeff":
            raise YamlProblem(
                "a byte-order mark (U+FEFF, invisible) inside the file: remove it",
                line,
                col,
                rule="encoding",
            )
        if _BIDI_RE.fullmatch(char):
            raise YamlProblem(
                f"bidirectional control character U+{ord(char):04X} (invisible; it makes text "
                "display in another order than it is written): remove it",
                line,
                col,
                rule="encoding",
            )
        if char in _LINE_SEPARATORS:
            raise YamlProblem(
                f"line separator U+{ord(char):04X}, which YAML readers disagree about: replace it "
                "with a normal line break or a space",
                line,
                col,
                rule="encoding",
            )
        raise YamlProblem(
            f"control character U+{ord(char):04X}: remove it or save the file as UTF-8 text",
            line,
            col,
            rule="encoding",
        )
    tab = _TAB_INDENT_RE.search(text)
    if tab:
        line, col = _text_position(text, tab.end() - 1)
        raise YamlProblem("tab used for indentation: indent with spaces", line, col, rule="yaml")


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, col


def _text_position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def resolve_plain(text: str) -> Any:
    """YAML 1.2 core schema for plain scalars; anything else (dates included) stays text.

    Exponent and special floats (`1e3`, `.inf`, `.nan`) are kept as text on purpose: jw's files
    hold money and counts, and the models then name them as "not a number" at their position.
    """
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT_RE.fullmatch(text):
            try:
                return int(text)
            except ValueError:  # over Python's 4300-digit limit: no count or amount is that long
                return text
        if _DECIMAL_RE.fullmatch(text):
            return Decimal(text)
    return text


def parse(text: str, *, marks: bool = False, pure_python: bool = False) -> tuple[Any, Marks | None]:
    """Parse one YAML document into plain values (dict, list, str, int, Decimal, bool, None)."""
    check_characters(text)
    parser: Any
    if pure_python or _Parser is None:
        parser = yaml.SafeLoader(_TAB_AFTER_COLON_RE.sub(r"\1 ", text))
    else:
        parser = _Parser(text)
    table: Marks | None = {} if marks else None
    try:
        # Both parsers return None once the stream has ended.
        return _build(iter(parser.get_event, None), table), table
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "").strip()
        if "end of stream" in problem and exc.context_mark is not None:
            mark = exc.context_mark  # an unterminated quote: point where it opened
        message = "YAML syntax: " + "; ".join(
            part for part in ((exc.context or "").strip(), problem) if part
        )
        if "quoted scalar" in message and "end of stream" in problem:
            message += " (a quote is not closed)"
        line = mark.line + 1 if mark is not None else 1
        col = mark.column + 1 if mark is not None else 1
        if "mapping values are not allowed" in problem and mark is not None:
            message, col = _colon_in_text(text, mark.line, mark.column)
        raise YamlProblem(message, line, col) from None
    except yaml.YAMLError as exc:  # reader errors carry an offset only
        raise YamlProblem(f"YAML syntax: {exc}") from None


# `key: ` (or `- key: `) at the start of a line: the plain value begins where this match ends.
_KEY_RE = re.compile(r"^\s*(?:-\s+)*(?:[^\s#'\"][^:#]*?|'[^']*'|\"[^\"]*\"):[ \t]+")


def _colon_in_text(text: str, line0: int, col0: int) -> tuple[str, int]:
    """YAML's "mapping values are not allowed" in words a person can act on, and the column to
    act at: a plain value that holds `: ` must be quoted, from where the value starts."""
    lines = text.splitlines()
    row = lines[line0] if line0 < len(lines) else ""
    key = _KEY_RE.match(row)
    if key is not None and key.end() <= col0:
        value = re.split(r"\s#", row[key.end() :], maxsplit=1)[0].rstrip()
        quoted = "'" + value.replace("'", "''") + "'" if '"' in value else f'"{value}"'
        name = row[: key.end()].strip().lstrip("-").strip().rstrip(":").strip()
        return (
            f"YAML syntax: the value of `{name}` contains `: `, which YAML reads as a new key; "
            f"put the whole text in quotes: {name}: {quoted}",
            key.end() + 1,
        )
    return (
        "YAML syntax: `: ` where a value goes on: if the line is a new key, fix its indentation; "
        "if it is text that holds `: `, put the whole text in quotes",
        col0 + 1,
    )


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _refuse_decorations(event: Any) -> None:
    if getattr(event, "anchor", None) is not None:
        line, col = _mark(event)
        raise YamlProblem(
            f"anchor `&{shorten(event.anchor)}` is not allowed: write each value out in full",
            line,
            col,
            rule="yaml-anchor",
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        line, col = _mark(event)
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem(
            f"tag `{shown}` is not allowed: remove it (quote the value if you mean text)",
            line,
            col,
            rule="yaml-tag",
        )


def _refuse_escaped_controls(event: Any) -> None:
    bad = _QUOTED_BAD_RE.search(event.value)
    if bad:
        raise YamlProblem(
            f"an escape in quotes writes U+{ord(bad.group()):04X}, a control or invalid "
            "character: remove it",
            *_mark(event),
            rule="encoding",
        )


def _build(events: Any, marks: Marks | None) -> Any:
    """Build values from parser events with an explicit stack (no recursion limit to hit)."""
    # A frame: [container, loc, pending key or None, key line, key col, key lines]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    for event in events:
        cls = type(event)
        if cls is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_decorations(event)
            style = event.style
            if style == '"':
                _refuse_escaped_controls(event)
            value: Any = resolve_plain(event.value) if not style else event.value
            if not stack:
                root = value
                if marks is not None:
                    marks[()] = (*_mark(event), 0, 0)
                continue
            frame = stack[-1]
            if frame[5] is not None and frame[2] is None:
                _take_key(frame, event)
                continue
            _attach(stack, value, event, marks)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_decorations(event)
            is_mapping = cls is MappingStartEvent
            container: Any = {} if is_mapping else []
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem("nesting is too deep", *_mark(event))
            if not stack:
                root = container
                loc: Loc = ()
                if marks is not None:
                    marks[()] = (*_mark(event), 0, 0)
            else:
                frame = stack[-1]
                if frame[5] is not None and frame[2] is None:
                    raise YamlProblem(
                        "a key must be plain text, not a list or mapping", *_mark(event)
                    )
                loc = _attach(stack, container, event, marks)
            stack.append([container, loc, None, 0, 0, {} if is_mapping else None])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            stack.pop()
        elif cls is AliasEvent:
            raise YamlProblem(
                f"alias `*{shorten(event.anchor)}` is not allowed: write the value out in full",
                *_mark(event),
                rule="yaml-alias",
            )
        elif cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise YamlProblem(
                    "a second document starts here (`---`): keep one document per file",
                    *_mark(event),
                    rule="yaml-documents",
                )
    if documents == 0:
        raise YamlProblem("file is empty (or holds only comments)", rule="empty")
    return root


def _take_key(frame: list[Any], event: Any) -> None:
    key = event.value
    line, col = _mark(event)
    if key == "<<" and event.style in (None, ""):
        raise YamlProblem(
            "merge key `<<` is not allowed: write the keys out in full",
            line,
            col,
            rule="yaml-merge",
        )
    seen = frame[5]
    if key in seen:
        raise YamlProblem(
            f"duplicate key `{shorten(str(key))}`: first at line {seen[key]}, "
            f"again at line {line}; keep one",
            line,
            col,
            rule="duplicate-key",
        )
    seen[key] = line
    frame[2], frame[3], frame[4] = key, line, col


def _attach(stack: list[list[Any]], value: Any, event: Any, marks: Marks | None) -> Loc:
    frame = stack[-1]
    container = frame[0]
    in_mapping = frame[5] is not None
    if in_mapping:
        key = frame[2]
        container[key] = value
        frame[2] = None
    else:
        key = len(container)
        container.append(value)
    loc: Loc = (*frame[1], key)
    if marks is not None:
        marks[loc] = (*_mark(event), frame[3], frame[4]) if in_mapping else (*_mark(event), 0, 0)
    return loc


def load_file(path: str | os.PathLike[str], *, marks: bool = False) -> tuple[Any, Marks | None]:
    return parse(read_text(path), marks=marks)
