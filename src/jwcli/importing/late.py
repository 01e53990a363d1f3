"""Which imported records belong to a closed quarter (lifecycle.md, "Late records").

One seam: `late_quarters` answers, per new record id, the closed quarters it is late for. Until
the repository's close commits are read here it answers "none"; the import workflow needs no
other change when it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jwcli.model.relationship import Relationship
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class LateFor:
    quarter: str
    signed_off: str  # the date the quarter was signed off, YYYY-MM-DD


def late_quarters(
    root: Path, rel: Relationship, new: Sequence[tuple[str, Any]]
) -> dict[str, list[LateFor]]:
    """For each (id, record) about to be added, the closed quarters it would be late for."""
    return {}


def assessment_late(root: Path, rel: Relationship, quarter: Quarter) -> LateFor | None:
    """The close of `quarter` when it is closed: an assessment added after it is late."""
    return None
