"""Checks on records: references, commitment/update consistency, attachments, amendments."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from jwcli.checks.charter import unknown
from jwcli.checks.registry import check
from jwcli.model.findings import Finding
from jwcli.model.records import Amendment, Claim, Commitment, Innovation, Update
from jwcli.model.relationship import CHARTER_FILE, Relationship

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


@check
def record_references(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    if rel.charter is None:
        return  # the charter's own findings say why; every reference would be noise
    vocab = vocabularies(rel)
    for entry in rel.records.values():
        record = entry.record
        for field, what in VOCABULARY_FIELDS.items():
            for index, value in _values(getattr(record, field, None)):
                if what == "project" and rel.baselines is None:
                    yield Finding(
                        entry.path,
                        f"project `{value}` has no budget: add it to baselines.yaml",
                        "reference",
                        loc=(field, *index),
                    )
                elif value not in vocab[what]:
                    yield unknown(entry.path, (field, *index), what, value, vocab[what])
        for field, kind in RECORD_FIELDS.items():
            for index, value in _values(getattr(record, field, None)):
                target = rel.records.get(value)
                if target is None:
                    yield Finding(
                        entry.path,
                        f"`{value}` names no record in records/",
                        "reference",
                        loc=(field, *index),
                    )
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
                        + ", ".join(sorted(vocab["party"])),
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


@check
def record_consistency(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    for entry in rel.records.values():
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


@check
def overdue_commitments(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    updated = {
        e.record.commitment
        for e in rel.records.values()
        if isinstance(e.record, Update) and e.record.date <= today
    }
    for entry in rel.records.values():
        record = entry.record
        if isinstance(record, Commitment) and record.due < today and entry.id not in updated:
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
    c = rel.charter
    if c is None:
        return
    found = [e for e in rel.records.values() if isinstance(e.record, Amendment)]
    versions = {e.record.version for e in found if isinstance(e.record, Amendment)}
    highest = max(versions, default=1)
    if c.version > highest:
        yield Finding(
            CHARTER_FILE,
            f"charter is version {c.version} but no `amendment` record "
            f"agrees it (highest amendment: {highest if versions else 'none'}); add one",
            "amendment",
            loc=("version",),
        )
    parties = set(c.party_ids())
    for entry in found:
        record = entry.record
        assert isinstance(record, Amendment)
        if record.version > c.version:
            yield Finding(
                entry.path,
                f"amendment agrees version {record.version}, but "
                f"charter.yaml is version {c.version}; raise `version` in the charter",
                "amendment",
                loc=("version",),
            )
        missing = sorted(parties - set(record.agreed_by))
        if missing:
            yield Finding(
                entry.path,
                f"amendment not agreed by {', '.join(missing)}",
                "amendment",
                severity="warning",
                loc=("agreed_by",),
            )


_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def attachment_problem(root: Path, text: str) -> str | None:
    """Why an attachment is refused, or None. Only `lstat` is used: attachments are never read."""
    if text.startswith("https://"):
        return None
    if "://" in text:
        return "links must start with https://"
    if text.startswith(("/", "~")) or _DRIVE_RE.match(text):
        return "must be a path inside the repository, not an absolute or home path"
    if "\\" in text:
        return "uses `\\`: write `/` between folders"
    parts = text.split("/")
    if ".." in parts:
        return "must not leave the repository (`..`)"
    current = root
    for part in parts:
        if part in ("", "."):
            continue
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            return "does not exist"
        if stat.S_ISLNK(info.st_mode):
            return "goes through a symbolic link; attach the file itself"
    if not stat.S_ISREG(os.lstat(current).st_mode):
        return "is not a regular file"
    return None


@check
def attachments(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    for entry in rel.records.values():
        for i, text in enumerate(entry.record.attachments):
            problem = attachment_problem(rel.root, text)
            if problem:
                yield Finding(
                    entry.path,
                    f"attachment `{text}` {problem}",
                    "attachment",
                    loc=("attachments", i),
                )
