"""Is new data late for a closed quarter, and which of its figures would it change?

The library function behind `jw add --late`, `jw assess --late` and `jw import --late`
(lifecycle.md, "Late records"): given records (and assessment files) about to be added,
`late_check` returns, for each closed quarter they are late for, the close, why each is late,
and every figure of that quarter that adding them changes (was -> now). It writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jwcli.history.closes import Close, Closes, late_reasons
from jwcli.model.relationship import AssessmentEntry, RecordEntry, Relationship
from jwcli.model.signoff import ChangedFigure
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class LateQuarter:
    quarter: Quarter
    close: Close
    reasons: tuple[str, ...]  # "<id>: belongs to 2026-Q2", one per late record or file
    changed: tuple[ChangedFigure, ...]  # the quarter's figures before and after the addition


def late_check(
    root: Path,
    rel: Relationship,
    today: dt.date,
    records: Sequence[RecordEntry] = (),
    assessments: Sequence[AssessmentEntry] = (),
    closes: Closes | None = None,
) -> list[LateQuarter]:
    """The closed quarters the new `records`/`assessments` are late for (none outside git).

    `rel` is the repository before the addition; it is not changed. `closes` defaults to the
    closed quarters of HEAD's history."""
    from jwcli.history import git
    from jwcli.history.closes import find_closes

    if closes is None:
        if git.toplevel(root) is None or git.head_commit(root) is None:
            return []
        closes = find_closes(root)
    if not closes.closed:
        return []
    fsm = rel.fiscal_year_start
    known = {rid: e.record for rid, e in rel.records.items()}
    known.update({e.id: e.record for e in records})
    found: list[LateQuarter] = []
    for close in closes.ordered():
        quarter = close.quarter
        reasons: list[str] = []
        for entry in records:
            if entry.id in rel.records:
                continue  # already in the repository: not new, judged by audit instead
            why = late_reasons(entry.record, quarter, known, fsm)
            if why:
                reasons.append(f"{entry.id}: {why[0]}")
        for a in assessments:
            if a.folder == str(quarter):
                reasons.append(f"{a.path}: an assessment of {quarter}")
        if reasons:
            changed = _changes(rel, today, quarter, records, assessments)
            found.append(LateQuarter(quarter, close, tuple(reasons), changed))
    return found


def _changes(
    rel: Relationship,
    today: dt.date,
    quarter: Quarter,
    records: Sequence[RecordEntry],
    assessments: Sequence[AssessmentEntry],
) -> tuple[ChangedFigure, ...]:
    from jwcli.actions.signoff import differences
    from jwcli.analysis.scoring import score_quarter

    after = Relationship(
        root=rel.root,
        charter=rel.charter,
        baselines=rel.baselines,
        records={**rel.records, **{e.id: e for e in records}},
        assessments=[*rel.assessments, *assessments],
    )
    causes = tuple(e.id for e in records) + tuple(a.path for a in assessments)
    try:
        was = score_quarter(rel, quarter, today)
        now = score_quarter(after, quarter, today)
    except Exception:  # the figures are a courtesy: data with errors may not score
        return ()
    return tuple(
        ChangedFigure(party, figure, a, b, causes) for party, figure, a, b in differences(was, now)
    )
