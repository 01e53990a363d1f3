"""What each record's per-record findings depend on besides itself: the incremental validation's
index (checks/run.py), in one place so that a check and its dependencies are read together.

A per-record finding may depend on other records in two ways:

- **the records it names** (`records.record_links`): a record naming a commitment, a saving,
  an innovation, a superseded record or evidence is re-checked when that record changes;
- **its siblings in a group**, records that need not name each other: the updates of a
  commitment (the commitment is overdue unless one names it, records.py; an update is late
  when renegotiated after the due date the others left in force, lifecycle.py, and so is a
  correction after the due, corrections.py), the other readings of a KPI for a period
  (duplicate_measurements), the other records superseding the same record (a record is
  corrected once, corrections.py), and whether a sibling is itself superseded (a superseded
  update moves no due date and a superseded reading is no duplicate).

A record *touches* the groups it is a member of: when it changes, appears or vanishes, every
record depending on one of those groups (under the last state or now) is re-checked. A record
*depends on* the ids it names, the groups it is in, the "superseded" key of itself and of every
sibling in its groups, and (a commitment) the group of its own updates. Over-approximating
costs a few extra re-checks; missing a key would make an incremental run differ from
`--no-cache`, so when in doubt a key is added here.
"""

from __future__ import annotations

from collections.abc import Iterable

from jwcli.checks.records import record_links
from jwcli.model.records import AnyRecord, Commitment, Measurement, Update
from jwcli.model.relationship import Relationship

# Group keys start with a character no record id has (ids are lowercase letters, digits, `-`).
UPDATES = "U:"  # + commitment id: the updates of that commitment
READINGS = "M:"  # + kpi + "|" + period: the readings of a KPI for a period
SUPERSEDED = "S:"  # + record id: the records superseding it (its "superseded" status)


def touches(record: AnyRecord) -> tuple[str, ...]:
    """The groups `record` is a member of; computed from the record alone, so the groups a
    changed record left are those the last state stored for it."""
    found = [SUPERSEDED + target for target in record.superseded_ids]
    cls = type(record)
    if cls is Update:
        assert isinstance(record, Update)
        found.append(UPDATES + record.commitment)
    elif cls is Measurement:
        assert isinstance(record, Measurement)
        found.append(f"{READINGS}{record.kpi}|{record.period}")
    elif cls is Commitment and record.supersedes is not None:
        # a correction of a commitment is judged against the updates of the one it corrects
        found.extend(UPDATES + target for target in record.superseded_ids)
    return tuple(found)


def dependents(
    rel: Relationship,
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(key (a record id or a group) -> the ids of the records whose per-record findings depend
    on it, record id -> the groups it touches, for the records in any)."""
    members: dict[str, list[str]] = {}
    touched: dict[str, tuple[str, ...]] = {}
    for record_id, entry in rel.records.items():
        groups = touches(entry.record)
        if groups:
            touched[record_id] = groups
            for group in groups:
                members.setdefault(group, []).append(record_id)
    found: dict[str, list[str]] = {}
    for record_id, entry in rel.records.items():
        keys: set[str] = set(record_links(entry.record))
        groups = touched.get(record_id, ())
        keys.update(groups)
        if groups:  # an update's or a reading's findings depend on whether it is superseded
            keys.add(SUPERSEDED + record_id)
        if type(entry.record) is Commitment:  # overdue unless an update names it
            keys.add(UPDATES + record_id)
        for group in groups:
            if not group.startswith(SUPERSEDED):
                keys.update(SUPERSEDED + sibling for sibling in members[group])
        for key in keys:
            found.setdefault(key, []).append(record_id)
    return {key: tuple(ids) for key, ids in found.items()}, touched


def touched_by(rel: Relationship, ids: Iterable[str]) -> set[str]:
    """The groups the records `ids` are members of now (those that still loaded)."""
    found: set[str] = set()
    for record_id in ids:
        entry = rel.records.get(record_id)
        if entry is not None:
            found.update(touches(entry.record))
    return found
