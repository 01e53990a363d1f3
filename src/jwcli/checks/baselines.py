"""Checks on baselines.yaml: references, one baseline per service and party, sums and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from jwcli.checks.charter import unknown
from jwcli.checks.registry import check
from jwcli.model.findings import Finding
from jwcli.model.relationship import BASELINES_FILE, Relationship

F = BASELINES_FILE


@check
def baselines_consistent(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    b, c = rel.baselines, rel.charter
    if b is None:
        return
    parties = set(c.party_ids()) if c else None
    services = {s.id for s in c.services} if c else None
    seen: dict[tuple[str, str], int] = {}
    for i, cost in enumerate(b.costs):
        key = (cost.service, cost.party)
        if key in seen:
            yield Finding(
                F,
                f"a second baseline for service `{cost.service}` and party "
                f"`{cost.party}` (first is item {seen[key] + 1}); keep one",
                "duplicate-baseline",
                loc=("costs", i),
            )
        seen.setdefault(key, i)
        if cost.breakdown is not None:
            total = sum(cost.breakdown.values())
            if total != cost.annual:
                yield Finding(
                    F,
                    f"breakdown sums to {total}, not the annual {cost.annual}",
                    "breakdown",
                    loc=("costs", i, "breakdown"),
                )
    if services is not None:
        sections: dict[str, list[str]] = {
            "costs": [x.service for x in b.costs],
            "market": [x.service for x in b.market],
            "savings_targets": [x.service for x in b.savings_targets],
            "budgets": [x.service for x in b.budgets],
        }
        for section, named in sections.items():
            for i, service in enumerate(named):
                if service not in services:
                    yield unknown(F, (section, i, "service"), "service", service, services)
    if parties is not None:
        for i, cost in enumerate(b.costs):
            if cost.party not in parties:
                yield unknown(F, ("costs", i, "party"), "party", cost.party, parties)
        for i, budget in enumerate(b.budgets):
            if budget.owner not in parties:
                yield unknown(F, ("budgets", i, "owner"), "party", budget.owner, parties)
    projects: set[str] = set()
    for i, budget in enumerate(b.budgets):
        if budget.project in projects:
            yield Finding(
                F,
                f"project `{budget.project}` has two budgets; keep one",
                "duplicate-id",
                loc=("budgets", i, "project"),
            )
        projects.add(budget.project)
        if budget.end < budget.start:
            yield Finding(
                F,
                f"project `{budget.project}` ends before it starts",
                "dates",
                loc=("budgets", i, "end"),
            )
