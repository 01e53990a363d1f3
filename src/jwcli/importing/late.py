"""Which imported records belong to a closed quarter (lifecycle.md, "Late records").

A quarter is closed from its close commit on (history/closes.py); a new record is late for it
when it belongs to it, supersedes (through any chain) a record of it, or is a commitment due in
it, and an assessment of a closed quarter added now is late too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jwcli.errors import EnvironmentProblem
from jwcli.model.relationship import Relationship


@dataclass(frozen=True, slots=True)
class LateFor:
    quarter: str
    signed_off: str  # the day the quarter was closed, YYYY-MM-DD


def _closes(root: Path) -> Any:
    from jwcli.history.closes import NO_CLOSES, find_closes

    try:
        return find_closes(root)
    except EnvironmentProblem:
        return NO_CLOSES  # no git, no history: nothing has been signed off


def late_quarters(
    root: Path, rel: Relationship, new: Sequence[tuple[str, Any]]
) -> dict[str, list[LateFor]]:
    """For each (id, record) about to be added, the closed quarters it would be late for.

    `rel` must already hold the new records, so a chain of supersedes inside the batch is
    followed too."""
    from jwcli.history.closes import late_reasons

    closes = _closes(root)
    if not closes.closed:
        return {}
    fsm = rel.fiscal_year_start
    by_id = {rid: entry.record for rid, entry in rel.records.items()}
    found: dict[str, list[LateFor]] = {}
    for record_id, record in new:
        for close in closes.ordered():
            if late_reasons(record, close.quarter, by_id, fsm):
                found.setdefault(record_id, []).append(
                    LateFor(str(close.quarter), close.committed.isoformat())
                )
    return found
