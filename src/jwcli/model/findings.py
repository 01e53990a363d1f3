"""A Finding is one problem in the user's data, located at `path:line:col`.

Checks return findings as data so that one run reports every problem. A finding may be created
with only a field path (`loc`) inside its file; `load.positions` fills in line and column later by
re-reading just the files that have findings, which keeps big repositories cheap to hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every character a terminal would act on or hide shown as an escape (`\\n`,
    `\\x1b`, `\\u202e`): a file or folder name can neither forge a line of output, nor erase
    or recolour the lines before it, nor reorder what a reader sees."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def shorten(text: str, limit: int = 40) -> str:
    """A value quoted in a message, cut to `limit` characters: a 100,000-digit number or a
    pasted essay must not bury the message that quotes it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(slots=True)
class Finding:
    path: str  # relative to the repository root, with forward slashes
    message: str
    rule: str
    severity: Severity = "error"
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    loc: Loc = field(default=())  # field path inside the file; where `line` is unknown yet
    at_key: bool = False  # point at the key of `loc` rather than its value
    # The quarter the finding belongs to (lifecycle.md, "Warnings belong to quarters"): its
    # record's or assessment's quarter; None for the charter and baselines.
    quarter: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        # the one place a finding's path is formatted for people: escaped here
        if self.line is None:
            return visible(self.path)
        return f"{visible(self.path)}:{self.line}:{self.col or 1}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.col or 0, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
            "quarter": self.quarter,
        }
