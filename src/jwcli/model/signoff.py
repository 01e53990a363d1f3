"""Result models of sign-off: a closed quarter's signed-off state and what changed since.

`to_json()` gives the `signed_off` object of `jw score --format json` (lifecycle.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jwcli.model.scores import json_number

Figure = Decimal | bool | None  # a score (2 decimals), or whether a trigger fired


@dataclass(frozen=True, slots=True)
class ChangedFigure:
    party: str | None  # None for the relationship's health
    figure: str  # a behaviour id, "overall", "health" or "trigger:<id>"
    was: Figure
    now: Figure
    causes: tuple[str, ...]  # record ids or paths (charter.yaml, an assessment file)

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "figure": self.figure,
            "was": _value(self.was),
            "now": _value(self.now),
            "causes": list(self.causes),
        }


def _value(value: Figure) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    return json_number(value)


@dataclass(frozen=True, slots=True)
class SignedOff:
    """A closed quarter: its close commit, the tag that marks it (None when the `review/`
    tag is missing or points elsewhere), the day it was closed, the date its figures were
    evaluated as of, and every figure that differs now."""

    quarter: str
    commit: str
    tag: str | None
    date: dt.date
    as_of: dt.date
    changed: tuple[ChangedFigure, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "tag": self.tag,
            "date": self.date.isoformat(),
            "as_of": self.as_of.isoformat(),
            "changed": [c.to_json() for c in self.changed],
        }


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One thing committed since a close that changes the closed quarter, and the figures of
    that quarter it changed."""

    quarter: str
    what: str  # "late record", "record modified", "record deleted", "assessment added", ...
    path: str
    id: str | None  # the record id, when it is a record
    reason: str  # why it concerns the quarter ("belongs to 2026-Q2", "charter version 3")
    figures: tuple[ChangedFigure, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "what": self.what,
            "path": self.path,
            "id": self.id,
            "reason": self.reason,
            "figures": [f.to_json() for f in self.figures],
        }
