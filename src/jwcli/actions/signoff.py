"""Signed-off figures of a closed quarter and what changed them since (lifecycle.md).

The signed-off figures are the quarter's scores computed from the close commit's files as of
its `Jw-Today`. They are rebuilt by overlaying one diff on the snapshot already loaded: the
files added since the close are taken out and the close's versions of the files changed or
deleted since are read back (one `git diff`, one `cat-file` batch), so a closed quarter costs
one extra scoring, not a second load of the repository. An open quarter costs nothing here.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jwcli.actions.snapshot import Snapshot, materialise
from jwcli.history.closes import Close, TreeChanges, changes_since, late_reasons, record_id
from jwcli.history.closes import Late as LateRecord
from jwcli.model.records import AnyRecord
from jwcli.model.relationship import (
    ASSESSMENTS_DIR,
    BASELINES_FILE,
    CHARTER_FILE,
    RECORDS_DIR,
    Relationship,
)
from jwcli.model.scores import Scorecard
from jwcli.model.signoff import ChangedFigure, ChangeItem, Figure, SignedOff
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class _Item:
    what: str
    path: str
    id: str | None
    reason: str
    parties: frozenset[str] | None  # None: it can change every party's figures


@dataclass(frozen=True, slots=True)
class QuarterSignOff:
    """A closed quarter seen from a snapshot: the sign-off, what changed it, and how."""

    close: Close
    signed_off: SignedOff
    items: tuple[ChangeItem, ...]


def changes_for(snap: Snapshot, close: Close) -> TreeChanges:
    """What differs between the close commit and the snapshot (one `git diff`)."""
    return changes_since(snap.root, close.commit, snap.commit if snap.from_revision else None)


def quarter_sign_off(
    snap: Snapshot,
    quarter: Quarter,
    now: Scorecard | None = None,
    changes: TreeChanges | None = None,
    reported: frozenset[str] = frozenset(),
) -> QuarterSignOff | None:
    """The sign-off of `quarter` as the snapshot sees it, or None when the quarter is open.

    `now` is the quarter's current scorecard when the caller already has it. When every change
    concerns a path in `reported` (already shown in an earlier pack), the figures are not
    rescored and `changed` is left empty."""
    key = ("sign-off", quarter, reported)
    known = snap.memo.get(key)
    if isinstance(known, QuarterSignOff):
        return known
    found = _quarter_sign_off(snap, quarter, now, changes, reported)
    if found is not None:
        snap.memo[key] = found
    return found


def _quarter_sign_off(
    snap: Snapshot,
    quarter: Quarter,
    now: Scorecard | None,
    changes: TreeChanges | None,
    reported: frozenset[str],
) -> QuarterSignOff | None:
    from jwcli.analysis.scoring import score_quarter

    close = snap.closes().closed.get(quarter)
    if close is None:
        return None
    if changes is None:
        changes = changes_for(snap, close)
    rel = snap.rel
    items: list[_Item] = []
    figures: list[tuple[str | None, str, Figure, Figure]] = []
    if changes.touched:
        then_rel = _state_at_close(snap, changes)
        items = _items(rel, then_rel, quarter, changes)
        if any(item.path not in reported for item in items):
            if now is None:
                now = score_quarter(rel, quarter, snap.today, snap.close_days())
            # at the close, only the closes made by then (this one included) had ended a grace
            then_closes = {
                c.quarter: c.as_of for c in snap.closes().closed.values() if c.order <= close.order
            }
            then = _figures_at_close(snap, close, then_rel, then_closes)
            figures = differences(then, now)
    changed = _with_causes(figures, items)
    signed = SignedOff(
        str(quarter),
        close.commit,
        close.tag if close.tag_status == "ok" else None,
        close.committed,
        close.as_of,
        changed,
    )
    views = tuple(
        ChangeItem(
            str(quarter),
            item.what,
            item.path,
            item.id,
            item.reason,
            tuple(f for f in changed if _cause_of(item) in f.causes),
        )
        for item in items
    )
    return QuarterSignOff(close, signed, views)


def signed_off(snap: Snapshot, quarter: Quarter, now: Scorecard | None = None) -> SignedOff | None:
    found = quarter_sign_off(snap, quarter, now)
    return found.signed_off if found is not None else None


def changed_after(snap: Snapshot, until: Quarter | None = None) -> list[ChangeItem]:
    """What was committed since the latest close commit of the snapshot's history that changes
    a closed quarter (up to `until`), each with the figures it changed: the pack's "Changed
    after sign-off". What was already there at that close was listed by its pack."""
    closes = snap.closes()
    latest = closes.latest()
    if latest is None:
        return []
    found: list[ChangeItem] = []
    for close in closes.ordered():
        if until is not None and close.quarter > until:
            continue
        changes = changes_for(snap, close)
        if not changes.touched:
            continue
        reported: frozenset[str] = frozenset()
        if close is not latest:
            # touched between this close and the latest one: in the latest close's pack
            reported = frozenset(changes_since(snap.root, close.commit, latest.commit).touched)
        result = quarter_sign_off(snap, close.quarter, changes=changes, reported=reported)
        if result is not None:
            found.extend(item for item in result.items if item.path not in reported)
    return found


def _figures_at_close(
    snap: Snapshot, close: Close, then_rel: Relationship, then_closes: dict[Quarter, dt.date]
) -> Scorecard:
    """The closed quarter's scorecard as signed off: the close commit's data as of its
    `Jw-Today`, with the closes made by then. Nothing after the close changes it, so it is
    remembered by (close commit, jw's code) when the snapshot may use the cache (lifecycle.md,
    "Keeping it fast"): a later change costs one scoring, not two."""
    from jwcli.analysis.scoring import score_quarter
    from jwcli.load import results

    quarter = close.quarter
    options = (close.commit, str(quarter))
    key = (
        close.as_of.isoformat(),
        tuple(sorted((str(q), d.isoformat()) for q, d in then_closes.items())),
    )
    root = str(snap.root)
    if snap.cache:
        found = results.find(root, "signed-off", options, key)
        card = results.unpack_objects(found.get("card")) if found is not None else None
        if type(card) is Scorecard:
            return card
    card = score_quarter(then_rel, quarter, close.as_of, then_closes)
    if snap.cache:
        results.keep(root, "signed-off", options, key, {"card": results.pack_objects(card)})
    return card


# --- the state at the close --------------------------------------------------------------------


def _state_at_close(snap: Snapshot, changes: TreeChanges) -> Relationship:
    """The snapshot's models with the diff undone: the close commit's data."""
    from jwcli.history import git
    from jwcli.load.repo import load_repo

    rel = snap.rel
    drop = set(changes.added) | set(changes.modified)
    then = Relationship(
        root=rel.root,
        charter=rel.charter,
        baselines=None if BASELINES_FILE in changes.added else rel.baselines,
        records={k: e for k, e in rel.records.items() if e.path not in drop},
        assessments=[a for a in rel.assessments if a.path not in drop],
    )
    if not changes.before:
        return then
    blobs = git.read_blobs(snap.root, (oid for _, oid in changes.before))
    with tempfile.TemporaryDirectory(prefix="jw-close-") as tmp:
        materialise(Path(tmp), {path: blobs[oid] or b"" for path, oid in changes.before})
        old = load_repo(Path(tmp))
    paths = {path for path, _ in changes.before}
    if CHARTER_FILE in paths and old.charter is not None:
        then.charter = old.charter
    if BASELINES_FILE in paths:
        then.baselines = old.baselines
    for rid, entry in old.records.items():
        then.records[rid] = entry
    then.assessments.extend(old.assessments)
    return then


# --- what concerns the quarter, and whom -------------------------------------------------------


def _items(now: Relationship, then: Relationship, quarter: Quarter, ch: TreeChanges) -> list[_Item]:
    fsm = now.fiscal_year_start
    now_by_path = {e.path: e for e in now.records.values()}
    then_by_path = {e.path: e for e in then.records.values()}
    now_ids = {rid: e.record for rid, e in now.records.items()}
    then_ids = {rid: e.record for rid, e in then.records.items()}
    folder = f"{ASSESSMENTS_DIR}/{quarter}/"
    items: list[_Item] = []
    before_paths = {record_id(p): p for p, _ in ch.before}

    def concerns(record: AnyRecord, ids: dict[str, AnyRecord]) -> str | None:
        reasons = late_reasons(record, quarter, ids, fsm)
        return reasons[0] if reasons else None

    for path in ch.added:
        if path.startswith(f"{RECORDS_DIR}/") and path in now_by_path:
            entry = now_by_path[path]
            reason = concerns(entry.record, now_ids)
            if reason:
                items.append(
                    _Item("late record", path, entry.id, reason, _parties(entry.record, now))
                )
        elif path.startswith(folder):
            items.append(_Item("assessment added", path, None, f"assessment of {quarter}", None))
    for path in ch.modified:
        if path.startswith(f"{RECORDS_DIR}/"):
            rid = record_id(path)
            old_path = before_paths.get(rid, path)
            new = now_by_path.get(path)
            old = then_by_path.get(old_path)
            reason = (concerns(old.record, then_ids) if old else None) or (
                concerns(new.record, now_ids) if new else None
            )
            if reason:
                parties = _union(
                    _parties(old.record, then) if old else frozenset(),
                    _parties(new.record, now) if new else frozenset(),
                )
                items.append(_Item("record modified", path, rid, reason, parties))
        elif path.startswith(folder):
            items.append(_Item("assessment modified", path, None, f"assessment of {quarter}", None))
        elif path == CHARTER_FILE:
            was = then.charter.version if then.charter else None
            is_ = now.charter.version if now.charter else None
            reason = f"charter version {was} → {is_}" if was != is_ else "charter edited"
            items.append(_Item("charter changed", path, None, reason, None))
        elif path == BASELINES_FILE:
            items.append(_Item("baselines changed", path, None, "baselines edited", None))
    for path in ch.deleted:
        if path.startswith(f"{RECORDS_DIR}/"):
            old = then_by_path.get(path)
            reason = concerns(old.record, then_ids) if old else None
            if old is not None and reason:
                items.append(
                    _Item("record deleted", path, old.id, reason, _parties(old.record, then))
                )
        elif path.startswith(folder):
            items.append(_Item("assessment deleted", path, None, f"assessment of {quarter}", None))
        elif path in (CHARTER_FILE, BASELINES_FILE):
            items.append(_Item(f"{path} deleted", path, None, "deleted", None))
    return items


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b


def _parties(record: AnyRecord, rel: Relationship) -> frozenset[str] | None:
    """The parties whose figures a record can move; None when it can move anyone's."""
    found: set[str] = set()
    for name in ("party", "by"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            found.add(value)
    for name in ("parties", "to", "agreed_by"):
        value = getattr(record, name, None)
        if isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    if record.kind == "measurement" and rel.charter is not None:
        kpi = getattr(record, "kpi", None)
        owner = next((k.owner for k in rel.charter.kpis if k.id == kpi), None)
        if owner is None:
            return None
        found.add(owner)
    if record.kind == "update":
        # an update moves the figures of the commitment's party (and those it was promised to)
        target = rel.records.get(getattr(record, "commitment", ""))
        return _parties(target.record, rel) if target is not None else None
    if record.kind in ("meeting", "amendment"):
        return None  # cadence and governance reach beyond the named parties
    return frozenset(found) if found else None


def _cause_of(item: _Item | ChangeItem) -> str:
    return item.id or item.path


# --- comparing figures -------------------------------------------------------------------------


def differences(then: Scorecard, now: Scorecard) -> list[tuple[str | None, str, Figure, Figure]]:
    out: list[tuple[str | None, str, Figure, Figure]] = []
    if then.reported_health != now.reported_health:
        out.append((None, "health", then.reported_health, now.reported_health))
    then_parties = {p.party: p for p in then.parties}
    now_parties = {p.party: p for p in now.parties}
    for party in [*now_parties, *(p for p in then_parties if p not in now_parties)]:
        a, b = then_parties.get(party), now_parties.get(party)
        a_scores = {x.id: x.reported for x in a.behaviours} if a else {}
        b_scores = {x.id: x.reported for x in b.behaviours} if b else {}
        for behaviour in dict.fromkeys([*a_scores, *b_scores]):
            was, is_ = a_scores.get(behaviour), b_scores.get(behaviour)
            if was != is_:
                out.append((party, behaviour, was, is_))
        was_o = a.reported if a else None
        now_o = b.reported if b else None
        if was_o != now_o:
            out.append((party, "overall", was_o, now_o))
    fired_then = _fired(then)
    fired_now = _fired(now)
    for party, trigger in sorted(fired_then ^ fired_now):
        key = (party, trigger)
        out.append((party, f"trigger:{trigger}", key in fired_then, key in fired_now))
    return out


def _fired(card: Scorecard) -> set[tuple[str, str]]:
    return {(t.party, t.trigger) for t in card.triggers if not getattr(t, "provisional", False)}


def _with_causes(
    figures: list[tuple[str | None, str, Figure, Figure]], items: list[_Item]
) -> tuple[ChangedFigure, ...]:
    out: list[ChangedFigure] = []
    for party, figure, was, now in figures:
        causes = [
            _cause_of(i) for i in items if party is None or i.parties is None or party in i.parties
        ]
        if not causes:
            causes = [_cause_of(i) for i in items]
        out.append(ChangedFigure(party, figure, was, now, tuple(dict.fromkeys(causes))))
    return tuple(out)


def late_since_last_close(snap: Snapshot) -> tuple[Close | None, list[LateRecord]]:
    """The records committed or written since the latest close commit that are late for some
    closed quarter (what `jw status` lists: commands.md), with that close; one `git diff`."""
    from jwcli.history.closes import late_records

    closes = snap.closes()
    latest = closes.latest()
    if latest is None:
        return None, []
    changes = changes_for(snap, latest)
    found: list[LateRecord] = []
    for quarter in sorted(closes.closed):
        found.extend(late_records(snap.rel, quarter, changes))
    return latest, found
