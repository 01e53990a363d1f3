"""Milestones: targets that move toward the goal (lifecycle.md, "Milestones").

A glide path only means something when it goes one way: each `by` later than the last, each
target between the previous milestone and the final target, and all of it before the final
target is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from jwcli.checks.registry import check
from jwcli.model.findings import Finding
from jwcli.model.relationship import BASELINES_FILE, CHARTER_FILE, Relationship
from jwcli.quarters import Quarter


def _glide_path(
    path: str,
    loc: tuple[str | int, ...],
    what: str,
    steps: Sequence[tuple[Quarter, Decimal]],
    field: str,
    final: Decimal,
    higher: bool,
    due: Quarter | None,
) -> Iterable[Finding]:
    word = "rises" if higher else "falls"
    previous: tuple[Quarter, Decimal] | None = None
    for j, (by, value) in enumerate(steps):
        at = (*loc, "milestones", j)
        good = True
        if previous is not None and by <= previous[0]:
            good = False
            yield Finding(
                path,
                f"{what}: milestone `by: {by}` is not after the one before it ({previous[0]}); "
                "list milestones in quarter order, each in a later quarter",
                "milestone",
                loc=(*at, "by"),
            )
        low = previous[1] if previous is not None else None
        bounds = (low, final) if higher else (final, low)
        lo, hi = bounds
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            good = False
            since = f"the previous milestone ({low})" if low is not None else "the start"
            yield Finding(
                path,
                f"{what}: milestone {field} {value} is not between {since} and the final "
                f"{field} {final}; a glide path {word} step by step toward the final {field}",
                "milestone",
                loc=(*at, field),
            )
        if good:  # a wrong milestone is reported once, not again against the next one
            previous = (by, value)
    if steps and due is not None and steps[-1][0] >= due:
        last = steps[-1][0]
        yield Finding(
            path,
            f"{what}: the last milestone (`by: {last}`) must come before {due}, the quarter the "
            f"final {field} is due; drop it or move it earlier",
            "milestone",
            loc=(*loc, "milestones", len(steps) - 1, "by"),
        )


@check
def milestones(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    fy = rel.fiscal_year_start
    if c is not None:
        for i, kpi in enumerate(c.kpis):
            if not kpi.milestones:
                continue
            yield from _glide_path(
                CHARTER_FILE,
                ("kpis", i),
                f"KPI `{kpi.id}`",
                [(m.by, Decimal(m.target)) for m in kpi.milestones],
                "target",
                Decimal(kpi.target),
                kpi.direction == "higher",
                Quarter.of(kpi.due, fy) if kpi.due is not None else None,
            )
    b = rel.baselines
    if b is not None:
        for i, target in enumerate(b.savings_targets):
            if not target.milestones:
                continue
            yield from _glide_path(
                BASELINES_FILE,
                ("savings_targets", i),
                f"savings target for `{target.service}`",
                [(m.by, Decimal(m.rate)) for m in target.milestones],
                "rate",
                Decimal(target.rate),
                True,
                Quarter.of(target.by, fy),
            )
