"""The add workflow shared by `jw add` and `jw assess`: check the draft (the errors it would
add, the closed quarters it is late for), then write it create-only and commit it, with the
`Jw-Late` trailer when it is late and, for an amendment, the charter and baselines it agrees.

The command asks the questions (`--late` at a terminal); this module decides and writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jwcli.actions.late import LateQuarter, late_check
from jwcli.model.findings import Finding
from jwcli.model.relationship import (
    BASELINES_FILE,
    CHARTER_FILE,
    AssessmentEntry,
    RecordEntry,
    Relationship,
)
from jwcli.write.records import Addition, Draft


@dataclass(slots=True)
class AddPlan:
    addition: Addition
    late: list[LateQuarter] = field(default_factory=list)
    also_commit: list[str] = field(default_factory=list)  # files committed with the draft

    @property
    def late_quarters(self) -> str:
        return ",".join(str(q.quarter) for q in self.late)


def plan(
    root: Path,
    rel: Relationship,
    today: dt.date,
    draft: Draft,
    entry: Callable[[Relationship], None],
    *,
    records: Sequence[RecordEntry] = (),
    assessments: Sequence[AssessmentEntry] = (),
) -> AddPlan:
    """What adding the draft would do: the findings it adds and the closed quarters it is
    late for. `records`/`assessments` are the draft's entries (for the late check); `entry`
    puts it into `rel`, which it changes."""
    from jwcli.write import records as w

    late = late_check(root, rel, today, records, assessments)
    also = uncommitted_charter(root) if draft.kind == "amendment" else []
    addition = w.check_addition(rel, today, draft, entry)
    if draft.kind == "amendment":
        addition = _without_resolved(addition, rel, today)
    return AddPlan(addition, late, also)


def uncommitted_charter(root: Path) -> list[str]:
    """charter.yaml and baselines.yaml when they differ from HEAD: an amendment agrees that
    text, so it is committed with the record (lifecycle.md)."""
    from jwcli.history import git

    if git.toplevel(root) is None or git.head_commit(root) is None:
        return []
    changed = git.diff_trees(root, "HEAD", None, [CHARTER_FILE, BASELINES_FILE])
    new = git.untracked(root, [CHARTER_FILE, BASELINES_FILE])
    return sorted({c.path for c in changed} | set(new))


def _without_resolved(addition: Addition, rel: Relationship, today: dt.date) -> Addition:
    """Leave out the errors the new record itself resolves (`rel` has it now): an amendment
    that agrees a charter version must not report "no amendment for this version"."""
    from jwcli.write import records as w

    def key(f: Finding) -> tuple[object, ...]:
        return w._key(f)[:-2]  # not line and column: the shown errors were located since

    remaining = {key(f) for f in w._raw_findings(rel, today)}
    kept = [f for f in addition.existing_errors if key(f) in remaining]
    return Addition(addition.new, kept, addition.existing_warnings)


def write(
    root: Path,
    draft: Draft,
    plan_: AddPlan,
    message: str | None,
    trailers: Mapping[str, str],
) -> str | None:
    """Create the draft's file and commit it (with the charter files of an amendment);
    the commit id, or None with `message` None (--no-commit)."""
    from jwcli.write import records as w

    w.write_draft(root, draft)
    if message is None:
        return None
    all_trailers = dict(trailers)
    if plan_.late:
        all_trailers["Jw-Late"] = plan_.late_quarters
    return w.commit_draft(root, draft, message, all_trailers, plan_.also_commit)


def live_measurements(rel: Relationship, kpi: str, period: str) -> list[tuple[str, str]]:
    """(id, a line describing it) of the readings of `kpi` for `period` not yet superseded:
    what a new reading for them must supersede."""
    from jwcli.model.records import Measurement

    superseded = {sid for e in rel.records.values() for sid in e.record.superseded_ids}
    found = sorted(
        (e.record.date, e.id, e.record.value)
        for e in rel.records.values()
        if isinstance(e.record, Measurement)
        and e.record.kpi == kpi
        and str(e.record.period) == period
        and e.id not in superseded
    )
    return [(rid, f"{rid}: {value} (dated {day})") for day, rid, value in found]
