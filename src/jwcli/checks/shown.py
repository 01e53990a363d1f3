"""Which findings `jw validate` prints (lifecycle.md, "Warnings belong to quarters").

A closed quarter is append-only: its warnings can no longer be fixed, so printing them on every
run buries the ones that can. Every error is printed; a warning is held back only when it
belongs to a closed quarter and does not depend on today or on lateness.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from jwcli.model.findings import Finding

# Warnings printed wherever they belong: those that depend on today (overdue, future-dated, a
# period after the current quarter) and those about late records and amendments.
ALWAYS_SHOWN_RULES = frozenset(
    {"overdue", "future-date", "future-period", "late", "late-record", "amendment", "draft"}
)


def may_hide(f: Finding) -> bool:
    """Whether the finding is held back when its quarter is closed."""
    return not f.is_error and f.quarter is not None and f.rule not in ALWAYS_SHOWN_RULES


@dataclass
class Shown:
    shown: list[Finding] = field(default_factory=list)
    hidden: list[Finding] = field(default_factory=list)
    closed: frozenset[str] = frozenset()

    @property
    def hidden_quarters(self) -> list[str]:
        return sorted({f.quarter for f in self.hidden if f.quarter is not None})


def partition(
    findings: Sequence[Finding],
    closed: Collection[str],
    show_all: bool,
    late_paths: Collection[str] = (),
) -> Shown:
    """`late_paths`: files added or changed since their quarter closed; their warnings are
    about late records, printed wherever they belong."""
    done = Shown(closed=frozenset(closed))
    late = frozenset(late_paths)
    for f in findings:
        if not show_all and f.quarter in done.closed and may_hide(f) and f.path not in late:
            done.hidden.append(f)
        else:
            done.shown.append(f)
    return done
