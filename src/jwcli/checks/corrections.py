"""Corrections through `supersedes` (lifecycle.md, "Corrections and who may make them").

`supersedes` corrects a mistake; it must not make history go away. So the superseding record
keeps what the record is about, a commitment and its updates stand once the commitment is due,
and a record is corrected by one record, not two.

Every finding is on the correcting record and depends on it, the record it corrects, the other
records correcting that one and the updates of the commitment concerned (checks/groups.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from jwcli.checks.registry import record_check, scope
from jwcli.model.findings import Finding, shorten
from jwcli.model.records import AnyRecord, Commitment, Escalation, Update
from jwcli.model.relationship import RecordEntry, Relationship

# The fields a correction keeps, per kind: what the record is about. `party` of a cost or a
# saving may change (a cost booked to the wrong party is a real mistake), with a warning.
KEPT_FIELDS: dict[str, tuple[str, ...]] = {
    "commitment": ("party",),
    "observation": ("party", "by"),
    "innovation": ("party",),
    "lesson": ("party",),
    "claim": ("party",),
    "cost": ("party",),
    "saving": ("party",),
    "update": ("commitment",),
    "measurement": ("kpi",),
    "escalation": ("trigger", "quarter", "parties"),
    "amendment": ("version",),
}
PARTY_MAY_CHANGE = frozenset({"cost", "saving"})


def _kept_value(record: AnyRecord, field: str) -> object:
    value = getattr(record, field, None)
    if field == "trigger" and isinstance(record, Escalation):
        return frozenset(record.trigger_ids)
    if field == "parties" and isinstance(value, list):
        return frozenset(value)
    return value


def _shown(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]"
    return f"`{shorten(str(value))}`"


def adds_only_outcome(record: AnyRecord, target: AnyRecord) -> bool:
    """An escalation that supersedes another keeping everything but giving its `outcome`: not a
    correction, it belongs to its own date's quarter and is never late (lifecycle.md)."""
    if not isinstance(record, Escalation) or not isinstance(target, Escalation):
        return False
    same = ("level", "parties", "trigger", "quarter")
    return (
        all(_kept_value(record, f) == _kept_value(target, f) for f in same)
        and record.outcome is not None
        and target.outcome is None
    )


UpdatesOf = dict[str, list[tuple[dt.date, str, Update]]]


def updates_index(rel: Relationship) -> UpdatesOf:
    """Each commitment's updates in the order they apply: (date, id)."""
    found: UpdatesOf = {}
    for e in rel.records.values():
        record = e.record
        if type(record) is Update:
            found.setdefault(record.commitment, []).append((record.date, e.id, record))
    for updates in found.values():
        updates.sort(key=lambda u: (u[0], u[1]))
    return found


def effective_due(
    rel: Relationship,
    updates_of: UpdatesOf,
    commitment_id: str,
    before: tuple[dt.date, str],
    skip: Iterable[str] = (),
) -> dt.date | None:
    """The commitment's effective due date as known just before (date, id) `before`: its `due`,
    moved by each `renegotiated` update dated on or before the due in force (data-format.md)."""
    entry = rel.records.get(commitment_id)
    if entry is None or not isinstance(entry.record, Commitment):
        return None
    skipped = set(skip)
    due = entry.record.due
    for date, update_id, update in updates_of.get(commitment_id, ()):
        if (date, update_id) >= before:
            break
        if update_id in skipped:
            continue
        if update.status in ("delivered",) or (update.status == "withdrawn" and date <= due):
            break
        if update.status == "renegotiated" and update.new_due is not None and date <= due:
            due = update.new_due
    return due


def superseded_by_others(rel: Relationship) -> set[str]:
    return {t for e in rel.records.values() for t in e.record.superseded_ids}


@record_check
def corrections(
    rel: Relationship, today: dt.date, only: Collection[str] | None = None
) -> Iterable[Finding]:
    wanted = None if only is None else set(only)
    if only is not None and not any(e.record.supersedes is not None for e in scope(rel, only)):
        return  # no correction to judge: spare the pass over every record
    first_correction: dict[str, RecordEntry] = {}
    updates_of: UpdatesOf | None = None
    superseding = sorted(
        (e for e in rel.records.values() if e.record.supersedes is not None),
        key=lambda e: (e.record.date, e.id),
    )
    for entry in superseding:  # all of them: which one came first decides the findings
        record = entry.record
        ids = record.superseded_ids
        reported = wanted is None or entry.id in wanted
        for index, target_id in enumerate(ids):
            loc: tuple[str | int, ...] = (
                ("supersedes",)
                if len(ids) == 1 and isinstance(record.supersedes, str)
                else ("supersedes", index)
            )
            target = rel.records.get(target_id)
            if target is None or target.record.kind != record.kind:
                continue  # record_references says why
            earlier = first_correction.get(target_id)
            if earlier is not None and reported:
                yield Finding(
                    entry.path,
                    f"`{target_id}` is already superseded by `{earlier.id}`; a record is "
                    f"corrected once: supersede `{earlier.id}` instead",
                    "supersedes",
                    loc=loc,
                )
            elif earlier is None:
                first_correction[target_id] = entry
            if not reported:
                continue
            yield from _kept(entry, target)
            if record.kind in ("commitment", "update"):
                if updates_of is None:
                    updates_of = updates_index(rel)
                yield from _after_due(rel, updates_of, entry, target, loc)


def _kept(entry: RecordEntry, target: RecordEntry) -> Iterable[Finding]:
    record = entry.record
    for field in KEPT_FIELDS.get(record.kind, ()):
        now, was = _kept_value(record, field), _kept_value(target.record, field)
        if now == was:
            continue
        if field in ("trigger", "quarter") and not was:
            # an escalation that named no trigger (or no quarter) may be superseded by one that
            # names them: how a step recorded under the earlier rules comes to answer a trigger
            continue
        if field == "party" and record.kind in PARTY_MAY_CHANGE:
            yield Finding(
                entry.path,
                f"the {record.kind} it supersedes (`{target.id}`) was borne by {_shown(was)}, "
                f"this one by {_shown(now)}: check the party is the one meant",
                "supersedes-party",
                severity="warning",
                loc=(field,),
            )
            continue
        yield Finding(
            entry.path,
            f"a correction keeps `{field}`: `{target.id}` has {_shown(was)}, this record "
            f"{_shown(now)}; set `{field}` as it was, or add a new record (without "
            "`supersedes`) for something else",
            "supersedes",
            loc=(field,) if getattr(record, field, None) is not None else ("supersedes",),
        )


def _after_due(
    rel: Relationship,
    updates_of: UpdatesOf,
    entry: RecordEntry,
    target: RecordEntry,
    loc: tuple[str | int, ...],
) -> Iterable[Finding]:
    record = entry.record
    if isinstance(record, Commitment):
        commitment_id = target.id
    elif isinstance(record, Update):
        commitment_id = record.commitment
    else:
        return
    due = effective_due(rel, updates_of, commitment_id, (record.date, entry.id), skip=(entry.id,))
    if due is not None and record.date > due:
        what = "a commitment" if isinstance(record, Commitment) else "an update of a commitment"
        yield Finding(
            entry.path,
            f"supersedes {what} that was due {due}, dated {record.date}: once due it stands; "
            "record a `missed` update (or renegotiate before the due date) instead",
            "supersedes-due",
            loc=loc,
        )
