"""Checks on charter.yaml: unique ids, resolving references, SMART KPIs, a usable ladder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from jwcli.checks.registry import check
from jwcli.model.findings import Finding
from jwcli.model.relationship import CHARTER_FILE, Relationship

F = CHARTER_FILE


def unique_ids(path: str, section: str, items: Sequence[Any], what: str) -> Iterable[Finding]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            yield Finding(
                path,
                f"{what} id `{item.id}` is used twice (also item {seen[item.id] + 1}); "
                "ids must be unique",
                "duplicate-id",
                loc=(section, index, "id"),
            )
        else:
            seen[item.id] = index


def unknown(
    path: str, loc: tuple[Any, ...], what: str, value: str, known: Iterable[str]
) -> Finding:
    from jwcli.suggest import did_you_mean

    known = sorted(known)
    choices = ", ".join(known) or "none are defined"
    hint = did_you_mean(value, known)
    return Finding(path, f"unknown {what} `{value}`{hint}; known: {choices}", "reference", loc=loc)


@check
def charter_ids(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    if c is None:
        return
    yield from unique_ids(F, "parties", c.parties, "party")
    yield from unique_ids(F, "services", c.services, "service")
    yield from unique_ids(F, "objectives", c.objectives, "objective")
    yield from unique_ids(F, "kpis", c.kpis, "KPI")
    for found in unique_ids(F, "escalation", c.escalation.triggers, "trigger"):
        found.loc = ("escalation", "triggers", *found.loc[1:])  # at the duplicate's own line
        yield found


@check
def charter_references(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    if c is None:
        return
    parties = set(c.party_ids())
    objectives = {o.id for o in c.objectives}
    for i, service in enumerate(c.services):
        if service.provider not in parties:
            yield unknown(F, ("services", i, "provider"), "party", service.provider, parties)
        for j, client in enumerate(service.clients):
            if client not in parties:
                yield unknown(F, ("services", i, "clients", j), "party", client, parties)
    for i, objective in enumerate(c.objectives):
        if objective.owner not in parties:
            yield unknown(F, ("objectives", i, "owner"), "party", objective.owner, parties)
    for i, kpi in enumerate(c.kpis):
        if kpi.owner not in parties:
            yield unknown(F, ("kpis", i, "owner"), "party", kpi.owner, parties)
        if kpi.objective is not None and kpi.objective not in objectives:
            yield unknown(F, ("kpis", i, "objective"), "objective", kpi.objective, objectives)


@check
def charter_smart_kpis(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    if c is None:
        return
    gaps = {
        "objective": "relevant: name the objective it serves",
        "baseline": "measurable: record the value before the relationship",
        "due": "time-bound: give the date the target is due",
    }
    for i, kpi in enumerate(c.kpis):
        for field, why in gaps.items():
            if getattr(kpi, field) is None:
                yield Finding(
                    F,
                    f"KPI `{kpi.id}` has no `{field}` (SMART, {why})",
                    "smart",
                    severity="warning",
                    loc=("kpis", i),
                )


@check
def charter_ladder(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    if c is None:
        return
    levels: dict[int, int] = {}
    for i, level in enumerate(c.escalation.levels):
        if level.level in levels:
            yield Finding(
                F,
                f"escalation level {level.level} is defined twice",
                "duplicate-id",
                loc=("escalation", "levels", i, "level"),
            )
        levels[level.level] = i
    for i, trigger in enumerate(c.escalation.triggers):
        loc = ("escalation", "triggers", i)
        if (trigger.below is None) == (trigger.above is None):
            yield Finding(
                F,
                f"trigger `{trigger.id}` needs exactly one of `below` or `above`",
                "trigger",
                loc=loc,
            )
        if trigger.level not in levels:
            known = ", ".join(str(n) for n in sorted(levels)) or "none are defined"
            yield Finding(
                F,
                f"trigger `{trigger.id}` names level {trigger.level}, which is not "
                f"in escalation.levels (defined: {known})",
                "reference",
                loc=(*loc, "level"),
            )
    if c.scoring.amber_at > c.scoring.green_at:
        yield Finding(
            F,
            "scoring.amber_at must not be above scoring.green_at",
            "scoring",
            loc=("scoring", "amber_at"),
        )
