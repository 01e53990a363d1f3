"""Checks on records: references, commitment/update consistency, attachments, amendments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from jwcli.analysis.charter_state import active_amendments, agree_command, charter_state
from jwcli.checks.charter import unknown
from jwcli.checks.membership import removed_party_hint
from jwcli.checks.paths import attachment_problem
from jwcli.checks.registry import check, record_check, scope
from jwcli.model.findings import Finding, Loc, shorten
from jwcli.model.records import Amendment, Claim, Commitment, Innovation, Measurement, Update
from jwcli.model.relationship import CHARTER_FILE, RECORDS_DIR, Relationship

# A record field named here holds ids of the vocabulary it maps to. Field names mean the same on
# every kind, so one table serves all twelve.
VOCABULARY_FIELDS = {
    "party": "party",
    "by": "party",
    "to": "party",
    "parties": "party",
    "agreed_by": "party",
    "invited": "party",
    "service": "service",
    "services": "service",
    "kpi": "KPI",
    "objective": "objective",
    "project": "project",
    "trigger": "trigger",
}
# Fields naming another record, and the kind it must be (None: any kind; "same": this record's).
RECORD_FIELDS = {
    "commitment": "commitment",
    "innovation": "innovation",
    "saving": "saving",
    "supersedes": "same",
    "evidence": None,
}


def vocabularies(rel: Relationship) -> dict[str, set[str]]:
    c, b = rel.charter, rel.baselines
    return {
        "party": set(c.party_ids()) if c else set(),
        "service": {s.id for s in c.services} if c else set(),
        "KPI": {k.id for k in c.kpis} if c else set(),
        "objective": {o.id for o in c.objectives} if c else set(),
        "project": {p.project for p in b.budgets} if b else set(),
        "trigger": {t.id for t in c.escalation.triggers} if c else set(),
    }


def _values(value: object) -> Iterable[tuple[tuple[int, ...], str]]:
    if isinstance(value, str):
        yield (), value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield (i,), item


# Per model class, the reference fields it has, in table order. Asking a model for a field it
# lacks costs pydantic an AttributeError (~2 us); twelve kinds times seventeen names is cheap.
_FIELDS_OF: dict[type, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str | None], ...]]] = {}


def _reference_fields(
    cls: type,
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str | None], ...]]:
    found = _FIELDS_OF.get(cls)
    if found is None:
        has = getattr(cls, "model_fields", {})
        found = (
            tuple((f, what) for f, what in VOCABULARY_FIELDS.items() if f in has),
            tuple((f, kind) for f, kind in RECORD_FIELDS.items() if f in has),
        )
        _FIELDS_OF[cls] = found
    return found


def unloaded_record_ids(rel: Relationship) -> set[str]:
    """Ids of record files that are there but did not load (their own findings say why)."""
    found: set[str] = set()
    for f in rel.load_findings:
        if f.path.startswith(f"{RECORDS_DIR}/") and f.path.endswith(".yaml"):
            record_id = f.path.rsplit("/", 1)[-1][: -len(".yaml")]
            if record_id not in rel.records:
                found.add(record_id)
    return found


def missing_record(path: str, loc: Loc, value: str, unloaded: set[str]) -> Finding:
    if value in unloaded:
        return Finding(
            path,
            f"`{value}` names a record that has errors (see above): fix that record",
            "reference",
            loc=loc,
        )
    return Finding(path, f"`{value}` names no record in records/", "reference", loc=loc)


def record_links(record: object) -> tuple[str, ...]:
    """The ids of the records `record` names (RECORD_FIELDS): what its per-record findings may
    depend on besides itself, the charter and the baselines."""
    _, record_fields = _reference_fields(type(record))
    return tuple(
        value for field, _ in record_fields for _, value in _values(getattr(record, field))
    )


@record_check
def record_references(
    rel: Relationship, today: dt.date, only: Collection[str] | None = None
) -> Iterable[Finding]:
    if rel.charter is None:
        return  # the charter's own findings say why; every reference would be noise
    vocab = vocabularies(rel)
    unloaded = unloaded_record_ids(rel)
    for entry in scope(rel, only):
        record = entry.record
        vocabulary_fields, record_fields = _reference_fields(type(record))
        for field, what in vocabulary_fields:
            for index, value in _values(getattr(record, field)):
                if what == "project" and rel.baselines is None:
                    yield Finding(
                        entry.path,
                        f"project `{value}` has no budget: add it to baselines.yaml",
                        "reference",
                        loc=(field, *index),
                    )
                elif value not in vocab[what]:
                    found = unknown(entry.path, (field, *index), what, value, vocab[what])
                    if what == "party":
                        found.message += removed_party_hint(value)
                    yield found
        for field, kind in record_fields:
            for index, value in _values(getattr(record, field)):
                target = rel.records.get(value)
                if target is None:
                    yield missing_record(entry.path, (field, *index), value, unloaded)
                    continue
                wanted = record.kind if kind == "same" else kind
                if wanted is not None and target.record.kind != wanted:
                    yield Finding(
                        entry.path,
                        f"`{value}` is a {target.record.kind} record, "
                        f"but `{field}` must name a {wanted}",
                        "reference",
                        loc=(field, *index),
                    )
        if record.kind == "meeting":
            for party in record.attendees:
                if party not in vocab["party"]:
                    yield Finding(
                        entry.path,
                        f"unknown party `{party}` in attendees; known: "
                        + ", ".join(sorted(vocab["party"]))
                        + removed_party_hint(party),
                        "reference",
                        loc=("attendees", party),
                        at_key=True,
                    )
        if record.kind == "escalation" and rel.charter.level(record.level) is None:
            levels = ", ".join(str(lv.level) for lv in rel.charter.escalation.levels)
            yield Finding(
                entry.path,
                f"level {record.level} is not on the charter's escalation "
                f"ladder (levels: {levels or 'none'})",
                "reference",
                loc=("level",),
            )


@record_check
def record_consistency(
    rel: Relationship, today: dt.date, only: Collection[str] | None = None
) -> Iterable[Finding]:
    for entry in scope(rel, only):
        record = entry.record
        if record.date > today:
            yield Finding(
                entry.path,
                f"dated {record.date}, which is in the future",
                "future-date",
                severity="warning",
                loc=("date",),
            )
        if isinstance(record, Update):
            target = rel.records.get(record.commitment)
            made = target.record.date if target and isinstance(target.record, Commitment) else None
            if made is not None and record.date < made:
                yield Finding(
                    entry.path,
                    f"update dated {record.date}, before its commitment "
                    f"`{record.commitment}` was made ({made})",
                    "update-date",
                    loc=("date",),
                )
            if record.status == "renegotiated" and record.new_due is None:
                yield Finding(
                    entry.path, "a renegotiated commitment needs `new_due`", "update", loc=()
                )
            if record.status != "renegotiated" and record.new_due is not None:
                yield Finding(
                    entry.path,
                    f"`new_due` only applies to status renegotiated, not {record.status}",
                    "update",
                    loc=("new_due",),
                    at_key=True,
                )
        elif isinstance(record, Innovation):
            if record.status == "abandoned" and not (record.lessons or "").strip():
                yield Finding(
                    entry.path,
                    "an abandoned innovation needs `lessons`: what was learned",
                    "innovation",
                    loc=(),
                )
        elif isinstance(record, Claim) and not record.evidence and not record.attachments:
            yield Finding(
                entry.path,
                "claim cites no evidence: add `evidence` (record ids) or `attachments`",
                "unevidenced",
                severity="warning",
                loc=("summary",),
                at_key=True,
            )


@record_check
def overdue_commitments(
    rel: Relationship, today: dt.date, only: Collection[str] | None = None
) -> Iterable[Finding]:
    """Per record: a commitment depends on the updates naming it (checks/groups.py)."""
    due = [(e, e.record) for e in scope(rel, only) if isinstance(e.record, Commitment)]
    due = [(e, record) for e, record in due if record.due < today]
    if not due:  # one change: usually no commitment to judge, and no pass over the updates
        return
    updated = {
        e.record.commitment
        for e in rel.records.values()
        if isinstance(e.record, Update) and e.record.date <= today
    }
    for entry, record in due:
        if entry.id not in updated:
            yield Finding(
                entry.path,
                f"commitment was due {record.due} and has no update: record "
                "whether it was delivered, missed, renegotiated or withdrawn",
                "overdue",
                severity="warning",
                loc=("due",),
            )


@check
def amendments(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    """The charter is a draft until its first agreement, then every version must be agreed
    (lifecycle.md, "The charter: draft, agreed, amended")."""
    c = rel.charter
    if c is None:
        return
    found = [(e.id, e.record) for e in rel.records.values() if isinstance(e.record, Amendment)]
    superseded = {t for e in rel.records.values() for t in e.record.superseded_ids}
    state = charter_state(c.version, c.parties, active_amendments(found, superseded))
    if state.draft:
        yield Finding(
            CHARTER_FILE,
            f"the charter is a draft: version {c.version} is not yet agreed by every party. "
            "When the parties agree it, record that (it commits the charter with the record): "
            f"`{agree_command(c.version, c.parties)}`",
            "charter-draft",
            severity="warning",
            loc=("version",),
        )
    elif not state.agreed:
        who = (
            "no `amendment` record agrees it"
            if state.missing is None
            else f"not agreed by {', '.join(state.missing)}"
        )
        yield Finding(
            CHARTER_FILE,
            f"charter version {c.version} is {who}; the charter was agreed before, so every "
            f"new version needs the parties' amendment: `{agree_command(c.version, c.parties)}`",
            "amendment",
            loc=("version",),
        )
    for rid, record in found:
        if record.version > c.version:
            yield Finding(
                rel.records[rid].path,
                f"amendment agrees version {record.version}, but "
                f"charter.yaml is version {c.version}; raise `version` in the charter",
                "amendment",
                loc=("version",),
            )


@check
def attachments(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    for entry in rel.records.values():
        for i, text in enumerate(entry.record.attachments):
            problem = attachment_problem(rel.root, text)
            if problem:
                yield Finding(
                    entry.path,
                    f"attachment `{shorten(text)}` {problem}",
                    "attachment",
                    loc=("attachments", i),
                )


@record_check
def duplicate_measurements(
    rel: Relationship, today: dt.date, only: Collection[str] | None = None
) -> Iterable[Finding]:
    """A second reading of a KPI for a period must supersede the first (lifecycle.md): two
    live readings would let the later one change a figure with nobody noticing. Depends on the
    other readings of the KPI and period and whether they are superseded (checks/groups.py)."""
    wanted = None if only is None else set(only)
    if only is not None and not any(isinstance(e.record, Measurement) for e in scope(rel, only)):
        return  # no reading to judge: spare the pass over every record
    superseded = {sid for e in rel.records.values() for sid in e.record.superseded_ids}
    live: dict[tuple[str, str], list[tuple[dt.date, str, str]]] = {}
    for entry in rel.records.values():
        record = entry.record
        if isinstance(record, Measurement) and entry.id not in superseded:
            key = (record.kpi, str(record.period))
            live.setdefault(key, []).append((record.date, entry.id, entry.path))
    for (kpi, period), readings in live.items():
        if len(readings) < 2:
            continue
        readings.sort()
        first = readings[0][1]
        for _, record_id, path in readings[1:]:
            if wanted is not None and record_id not in wanted:
                continue
            yield Finding(
                path,
                f"a second measurement of `{kpi}` for {period} (the first is `{first}`): "
                f"to correct it, add `supersedes: {first}`",
                "duplicate-measurement",
                loc=("kpi",),
            )
