"""The warnings lifecycle.md adds ("Warnings belong to quarters"): things that are allowed but
that scoring would otherwise pass over in silence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from jwcli.checks.corrections import effective_due, updates_index
from jwcli.checks.registry import check
from jwcli.model.findings import Finding
from jwcli.model.records import Cost, Escalation, Measurement, Update
from jwcli.model.relationship import Relationship
from jwcli.quarters import Quarter


@check
def cost_warnings(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    if c is None:
        return
    services = {s.id: s for s in c.services}
    baselined = {(b.service, b.party) for b in rel.baselines.costs} if rel.baselines else set()
    for entry in rel.records.values():
        record = entry.record
        if not isinstance(record, Cost):
            continue
        service = services.get(record.service)
        if service is None:
            continue  # record_references says why
        if record.project is None and (record.service, record.party) not in baselined:
            yield Finding(
                entry.path,
                f"a run cost of `{record.service}` for `{record.party}`, which has no baseline "
                "in baselines.yaml: it counts toward no saving; add one with an agreed amendment",
                "cost-baseline",
                severity="warning",
                loc=("party",),
            )
        if record.party != service.provider and record.party not in service.clients:
            yield Finding(
                entry.path,
                f"borne by `{record.party}`, which neither provides nor consumes "
                f"`{record.service}` (provider {service.provider}"
                + (f"; clients {', '.join(service.clients)}" if service.clients else "")
                + "): check the party or the service",
                "cost-party",
                severity="warning",
                loc=("party",),
            )


@check
def future_periods(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    current = Quarter.of(today, rel.fiscal_year_start)
    for entry in rel.records.values():
        record = entry.record
        if isinstance(record, Measurement | Cost) and record.period > current:
            yield Finding(
                entry.path,
                f"period {record.period} is after the current quarter ({current}): "
                "check the period",
                "future-period",
                severity="warning",
                loc=("period",),
            )


@check
def late_renegotiations(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    renegotiations = [
        e
        for e in rel.records.values()
        if isinstance(e.record, Update) and e.record.status == "renegotiated"
    ]
    if not renegotiations:
        return
    superseded = {t for e in rel.records.values() for t in e.record.superseded_ids}
    updates_of = updates_index(rel)
    for entry in renegotiations:
        record = entry.record
        assert isinstance(record, Update)
        if entry.id in superseded:
            continue
        due = effective_due(
            rel, updates_of, record.commitment, (record.date, entry.id), skip=superseded
        )
        if due is not None and record.date > due:
            yield Finding(
                entry.path,
                f"renegotiated on {record.date}, after the commitment was due ({due}): it "
                "counts as late; record a `missed` and a new commitment, or renegotiate "
                "before the due date",
                "late-renegotiation",
                severity="warning",
                loc=("date",),
            )


@check
def escalation_levels(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    if c is None:
        return
    triggers = {t.id: t for t in c.escalation.triggers}
    for entry in rel.records.values():
        record = entry.record
        if not isinstance(record, Escalation):
            continue
        for trigger_id in record.trigger_ids:
            trigger = triggers.get(trigger_id)
            if trigger is not None and record.level < trigger.level:
                yield Finding(
                    entry.path,
                    f"level {record.level} is below the level of trigger `{trigger_id}` "
                    f"({trigger.level}): escalate at level {trigger.level}",
                    "escalation-level",
                    severity="warning",
                    loc=("level",),
                )
