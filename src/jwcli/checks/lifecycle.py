"""Record checks of lifecycle.md and the smaller rules around it, in one pass over the records
(each pass over 100,000 pydantic models costs tens of milliseconds, so they share one):

- warnings that scoring would otherwise pass over in silence ("Warnings belong to quarters"): a
  run cost without baseline or borne by a party outside the service, a period after the current
  quarter, a renegotiation after the due date, an escalation below its trigger's level, an
  observation of a party by itself;
- where a record sits and how it is named agree with what it says (its id's date, its quarter
  folder); a saving or innovation chain stays with one party (an error).

Every finding is on one record and depends on it, the records it names and, for a late
renegotiation, the other updates of its commitment (checks/groups.py): a `@record_check`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from jwcli.analysis.quarters import record_quarter
from jwcli.checks.corrections import (
    UpdatesOf,
    effective_due,
    superseded_by_others,
    updates_index,
)
from jwcli.checks.registry import record_check, scope
from jwcli.model.findings import Finding
from jwcli.model.records import (
    Cost,
    Escalation,
    Innovation,
    Measurement,
    Observation,
    Saving,
    Update,
)
from jwcli.model.relationship import RecordEntry, Relationship
from jwcli.quarters import Quarter

_DIGITS = frozenset("0123456789")


def _key(q: Quarter) -> int:
    """Quarters as plain ints for the hot loop: a dataclass comparison is a Python call."""
    return q.year * 4 + q.number


class _Context:
    """What the pass looks up again and again, computed once per value."""

    def __init__(self, rel: Relationship, today: dt.date) -> None:
        c = rel.charter
        self.fy = rel.fiscal_year_start
        self.current = Quarter.of(today, self.fy)
        self.services = {s.id: s for s in c.services} if c else {}
        self.triggers = {t.id: t for t in c.escalation.triggers} if c else {}
        b = rel.baselines
        self.baselined = {(x.service, x.party) for x in b.costs} if b else set()
        self.folders: dict[str, int] = {}  # a record's folder -> its quarter's key, or -1
        self.days: dict[dt.date, tuple[str, int]] = {}  # a date -> (ISO text, quarter key)

    def folder_key(self, head: str) -> int:
        """The key of the quarter a record's folder (`records/.../<folder>`) is named after,
        or -1 when it is not named after one."""
        found = self.folders.get(head)
        if found is None:
            quarter = Quarter.from_label(head.rpartition("/")[2]) if "/" in head else None
            found = self.folders[head] = _key(quarter) if quarter is not None else -1
        return found

    def day(self, day: dt.date) -> tuple[str, int]:
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = (day.isoformat(), _key(Quarter.of(day, self.fy)))
        return found


@record_check
def record_lifecycle(
    rel: Relationship, today: dt.date, only: Collection[str] | None = None
) -> Iterable[Finding]:
    ctx = _Context(rel, today)
    current = _key(ctx.current)
    renegotiations: list[RecordEntry] = []
    days = ctx.days
    folders = ctx.folders
    for entry in scope(rel, only):
        record = entry.record
        cls = type(record)
        known = days.get(record.date)
        iso, belongs = known if known is not None else ctx.day(record.date)
        if cls is Cost or cls is Measurement:
            period = record.period  # type: ignore[union-attr]
            belongs = period.year * 4 + period.number
            if belongs > current:
                yield Finding(
                    entry.path,
                    f"period {period} is after the current quarter ({ctx.current}): "
                    "check the period",
                    "future-period",
                    severity="warning",
                    loc=("period",),
                )
            if cls is Cost:
                assert isinstance(record, Cost)
                yield from _cost(ctx, entry, record)
        elif cls is Update:
            assert isinstance(record, Update)
            if record.status == "renegotiated":
                renegotiations.append(entry)
        elif cls is Escalation:
            assert isinstance(record, Escalation)
            yield from _escalation(ctx, entry, record)
        elif cls is Observation:
            assert isinstance(record, Observation)
            if record.by is not None and record.by == record.party:
                yield Finding(
                    entry.path,
                    f"`{record.party}` observes itself: kept, but left out of its observations "
                    "score, as self-ratings are left out of peer ratings",
                    "self-observation",
                    severity="warning",
                    loc=("by",),
                )
        elif cls is Saving or cls is Innovation:
            yield from _chain(rel, entry)
        head = entry.path.rpartition("/")[0]
        filed = folders.get(head)
        if filed is None:
            filed = ctx.folder_key(head)
        # without a loaded charter the fiscal year is unknown: a folder cannot be judged
        if ((filed >= 0 and filed != belongs) or not entry.id.startswith(iso)) and rel.charter:
            yield from _placement(ctx, entry, iso)
    if renegotiations:  # whether one is late depends on every update of its commitment
        updates_of = updates_index(rel)
        yield from _late_renegotiations(rel, renegotiations, updates_of, superseded_by_others(rel))


def _placement(ctx: _Context, entry: RecordEntry, iso: str) -> Iterable[Finding]:
    record = entry.record
    record_id = entry.id
    if (
        len(record_id) >= 10
        and record_id[4] == "-"
        and record_id[7] == "-"
        and (len(record_id) == 10 or record_id[10] == "-")
        and record_id[:10] != iso
        and _DIGITS.issuperset(record_id[:4] + record_id[5:7] + record_id[8:10])
    ):
        yield Finding(
            entry.path,
            f"dated {iso}, but its id starts with {record_id[:10]}: check the date "
            "(the file name is kept: ids never change)",
            "id-date",
            severity="warning",
            loc=("date",),
        )
    head = entry.path.rpartition("/")[0]
    folder = head.rpartition("/")[2]
    belongs = record_quarter(record, ctx.fy)
    if ctx.folder_key(head) not in (-1, _key(belongs)):
        field = "period" if type(record) in (Cost, Measurement) else "date"
        yield Finding(
            entry.path,
            f"filed under {folder}/ but it belongs to {belongs} (its `{field}`): "
            "check it, and move the file if the folder is wrong",
            "folder-quarter",
            severity="warning",
            loc=(field,),
        )


def _cost(ctx: _Context, entry: RecordEntry, record: Cost) -> Iterable[Finding]:
    service = ctx.services.get(record.service)
    if service is None:
        return  # record_references says why
    if record.project is None and (record.service, record.party) not in ctx.baselined:
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


def _escalation(ctx: _Context, entry: RecordEntry, record: Escalation) -> Iterable[Finding]:
    for trigger_id in record.trigger_ids:
        trigger = ctx.triggers.get(trigger_id)
        if trigger is not None and record.level < trigger.level:
            yield Finding(
                entry.path,
                f"level {record.level} is below the level of trigger `{trigger_id}` "
                f"({trigger.level}): escalate at level {trigger.level}",
                "escalation-level",
                severity="warning",
                loc=("level",),
            )


def _chain(rel: Relationship, entry: RecordEntry) -> Iterable[Finding]:
    record = entry.record
    if isinstance(record, Saving):
        field, earlier_id = "saving", record.saving
    elif isinstance(record, Innovation):
        field, earlier_id = "innovation", record.innovation
    else:
        return
    earlier = rel.records.get(earlier_id) if earlier_id else None
    if earlier is None or earlier.record.kind != record.kind:
        return  # record_references says why
    party = getattr(earlier.record, "party", None)
    if party != record.party:
        yield Finding(
            entry.path,
            f"`{earlier_id}` is `{party}`'s {record.kind}, this record `{record.party}`'s: "
            f"a {record.kind} moves on with the same party; start a new chain (no "
            f"`{field}:`) for another party",
            "chain-party",
            loc=("party",),
        )


def _late_renegotiations(
    rel: Relationship,
    renegotiations: list[RecordEntry],
    updates_of: UpdatesOf,
    superseded: set[str],
) -> Iterable[Finding]:
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
