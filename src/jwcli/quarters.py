"""Quarters and the fiscal calendar: `2026-Q1` starts in the charter's `fiscal_year_start` month.

Kept free of heavy imports: the CLI parses quarter arguments before loading anything else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_LABEL_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_ARG_RES = (
    re.compile(r"^(?P<y>\d{4})\s*-?\s*Q(?P<q>[1-4])$", re.IGNORECASE),
    re.compile(r"^Q(?P<q>[1-4])\s*[- ]?\s*(?P<y>\d{4})$", re.IGNORECASE),
)


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """A fiscal quarter label; dates come from `start(fiscal_year_start)`."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def from_label(cls, text: str) -> Quarter | None:
        """The strict form used inside files: `YYYY-Qn`."""
        match = _LABEL_RE.fullmatch(text)
        return cls(int(match[1]), int(match[2])) if match else None

    @classmethod
    def from_argument(cls, text: str) -> Quarter | None:
        """The forms accepted on the command line: YYYY-Qn, YYYYQn, YYYY Qn, Qn-YYYY, Qn YYYY."""
        for pattern in _ARG_RES:
            match = pattern.fullmatch(text.strip())
            if match:
                return cls(int(match["y"]), int(match["q"]))
        return None

    def start(self, fiscal_year_start: int = 1) -> dt.date:
        month0 = fiscal_year_start - 1 + 3 * (self.number - 1)
        return dt.date(self.year + month0 // 12, month0 % 12 + 1, 1)

    def end(self, fiscal_year_start: int = 1) -> dt.date:
        return self.next().start(fiscal_year_start) - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def contains(self, day: dt.date, fiscal_year_start: int = 1) -> bool:
        return self.start(fiscal_year_start) <= day <= self.end(fiscal_year_start)

    @classmethod
    def of(cls, day: dt.date, fiscal_year_start: int = 1) -> Quarter:
        months = day.year * 12 + day.month - 1 - (fiscal_year_start - 1)
        year, month0 = divmod(months, 12)
        return cls(year, month0 // 3 + 1)


QUARTER_SPELLINGS = "YYYY-Qn, YYYYQn, YYYY Qn, Qn-YYYY, Qn YYYY, last or current"


def check_quarter_argument(text: str) -> None:
    """Refuse a quarter argument that is none of the accepted spellings (commands.md), before
    anything is loaded; `last` and `current` are resolved later, against the charter."""
    if text.strip().lower() in ("last", "current") or Quarter.from_argument(text) is not None:
        return
    from jwcli.errors import UsageError

    raise UsageError(f"`{text}` is not a quarter: write {QUARTER_SPELLINGS} (e.g. 2026-Q2)")
