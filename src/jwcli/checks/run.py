"""Load and validate a repository in one call, through the cache when asked.

`jw validate` on a tree where nothing changed since the last run takes the stored findings
without importing the models or parsing a file (load/cache.py says when that is safe); the
commands that need the models load them (from the cache where unchanged) and still skip the
checks when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwcli.model.findings import Finding

if TYPE_CHECKING:
    from collections.abc import Callable

    from jwcli.load.tree import Tree
    from jwcli.model.relationship import Relationship


@dataclass
class Outcome:
    findings: list[Finding]
    files_read: int
    rel: Relationship | None  # None when the findings came from the unchanged-tree short-cut
    # the listing the findings are for, when the cache was used; with `rel` None it still holds
    # every stat key, so the models can be loaded later (`load_repo(..., tree=tree)`)
    tree: Tree | None = None


def _as_tuple(f: Finding) -> tuple[Any, ...]:
    return (f.path, f.message, f.rule, f.severity, f.line, f.col, f.loc, f.at_key, f.quarter)


def check_repo(
    root: Path,
    today: dt.date,
    *,
    cache: bool = True,
    models: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Findings (sorted and located, as `validate` gives them) and, when `models` or the tree
    changed, the loaded Relationship. `cache=False` neither reads nor writes `.jw/cache/`."""
    gc_was_enabled = gc.isenabled()
    # As in load_repo: the checks make many small objects and no cycles, and a collection would
    # walk every model loaded.
    gc.disable()
    try:
        return _check_repo(root, today, cache, models, on_progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _check_repo(
    root: Path,
    today: dt.date,
    cache: bool,
    models: bool,
    on_progress: Callable[[int, int], None] | None,
) -> Outcome:
    from jwcli.load import cache as store
    from jwcli.load.tree import scan

    tree = scan(root) if cache else None
    cached = tree is not None and tree.record_count + len(tree.assessments) >= store.MIN_FILES
    if tree is not None and cached:
        state = store.stored_findings(tree, today.isoformat())
        if state is not None:
            try:
                findings = [Finding(*row) for row in state["findings"]]
                files_read = int(state["files_read"])
            except (KeyError, TypeError, ValueError):
                findings, files_read = [], -1
            if files_read >= 0:
                if not models:
                    return Outcome(findings, files_read, None, tree)
                from jwcli.load.repo import load_repo

                rel = load_repo(root, on_progress, cache=True, tree=tree)
                return Outcome(findings, rel.files_read, rel, tree)

    from jwcli.checks.paths import attachment_problem
    from jwcli.checks.validate import validate
    from jwcli.load.repo import load_repo

    rel = load_repo(root, on_progress, cache=cache, tree=tree)
    if tree is not None and cached:
        findings = _validate_incrementally(rel, today, tree)
    else:
        findings = validate(rel, today)
    if tree is not None:  # only its fingerprint is needed from here on: free 100,000 stat keys
        tree.records = []
        tree.keys = {}
    if tree is not None and cached:
        texts = sorted({text for e in rel.records.values() for text in e.record.attachments})
        checked = [(text, attachment_problem(root, text)) for text in texts]
        rows = [_as_tuple(f) for f in findings]
        store.store_findings(tree, today.isoformat(), rows, rel.files_read, checked)
    return Outcome(findings, rel.files_read, rel, tree if cached else None)


# How many records may have changed since the incremental state was written before it is written
# again (see _validate_incrementally).
REWRITE_AFTER = 200


def _validate_incrementally(rel: Relationship, today: dt.date, tree: Tree) -> list[Finding]:
    """`validate(rel, today)`, re-running the per-record checks only on the records that changed
    since the last run, the records that name them and those in a group with them
    (checks/groups.py: the updates of a commitment, the readings of a KPI for a period, the
    records superseding one record); every other record keeps the findings the last run stored
    for it (issue 15: one change must not re-check 100,000 records).

    A record "changed" when its id now comes from another file, or its file's stat key did
    (load/tree.py), or its file is too new to have a key. The state is keyed on `today`, the
    charter's and the baselines' stat keys: any change to either, or a new day, re-checks every
    record. Whole-repository checks (every check not declared `@record_check`) always run in
    full. Without a stored state, or with one that fails its type checks, every record is checked.
    """
    from jwcli.checks.groups import dependents, touched_by
    from jwcli.checks.registry import CHECKS, RECORD_CHECKS
    from jwcli.checks.validate import assign_quarters, validate
    from jwcli.load import cache as store
    from jwcli.load.positions import locate
    from jwcli.load.tree import BASELINES, CHARTER

    root = os.fspath(rel.root)
    charter_key, baselines_key = tree.key(CHARTER), tree.key(BASELINES)
    if (
        baselines_key is None
        and rel.baselines is None
        and not os.path.lexists(f"{root}/{BASELINES}")
    ):
        baselines_key = 0  # no baselines.yaml: a state of its own
    if rel.charter is None or charter_key is None or baselines_key is None:
        return validate(rel, today)
    context = (today.isoformat(), charter_key, baselines_key)
    keys = dict(tree.records)
    signatures: dict[str, int] = {}
    for record_id, entry in rel.records.items():
        key = keys.get(entry.path)
        if key is not None:  # a file too new for a key is re-checked on every run
            signatures[record_id] = key  # another file for this id has another inode: a change
    keys.update(tree.keys)  # charter, baselines and assessments: for the stored positions

    previous = store.stored_checks(root)
    only: set[str] | None = None
    moved: set[str] = set()
    kept_findings: dict[str, list[tuple[Any, ...]]] = {}
    if previous is not None and previous["context"] == context:
        before = dict(zip(previous["ids"], previous["keys"], strict=True))
        # dict views as sets: the comparison of 100,000 signatures runs in C
        changed = {i for i, _ in signatures.items() - before.items()}
        changed.update(rel.records.keys() - signatures.keys())
        moved = changed | (before.keys() - rel.records.keys())
        # a changed record touches its id and the groups it was in (stored) and is in now
        was_in = previous["touches"]
        touched = moved | touched_by(rel, changed)
        touched.update(*(was_in.get(i, ()) for i in moved))
        depending = previous["dependents"]
        naming = set().union(*(depending.get(key, ()) for key in touched))
        only = (changed | naming) & rel.records.keys()
        kept_findings = {
            i: rows
            for i, rows in previous["findings"].items()
            if i not in only and i in rel.records
        }

    findings = list(rel.load_findings)
    per_record: set[object] = set(RECORD_CHECKS)
    for run in CHECKS:
        if run not in per_record:
            findings.extend(run(rel, today))
    fresh: list[Finding] = []
    for scoped in RECORD_CHECKS:
        fresh.extend(scoped(rel, today, only))
    # the same post-pass as validate(): findings stored in the state carry their quarter
    assign_quarters(rel, findings)
    assign_quarters(rel, fresh)
    if previous is not None and previous["context"] == context:
        _located_before(findings, previous["positions"], keys)
    locate(rel.root, findings)
    locate(rel.root, fresh)

    # the findings kept from the last run, as they were printed then (located already)
    result = findings + fresh
    result.extend(Finding(*row) for rows in kept_findings.values() for row in rows)

    checked = rel.records.keys() if only is None else only
    id_of = {rel.records[i].path: i for i in checked}
    by_id = kept_findings
    storable = True
    for finding in fresh:
        owner = id_of.get(finding.path)
        if owner is None:  # a per-record check reported on another file: keep no state
            storable = False
            break
        by_id.setdefault(owner, []).append(_as_tuple(finding))
    # The state says what changed since it was written, not since the last run: while that is
    # a few records, re-checking them costs less than rewriting 100,000 entries each run.
    if storable and (only is None or len(moved) > REWRITE_AFTER):
        depending, touches = dependents(rel)
        state = {
            "context": context,
            "ids": list(signatures),
            "keys": array("q", signatures.values()).tobytes(),
            "dependents": depending,
            "touches": touches,
            "findings": by_id,
            "positions": _positions(findings, keys),
        }
        store.store_checks(root, state)
    result.sort(key=Finding.sort_key)
    return result


Positions = dict[str, tuple[int, tuple[tuple[tuple[str | int, ...], bool, int, int], ...]]]


def _positions(findings: list[Finding], keys: dict[str, int | None]) -> Positions:
    """Where each located finding of the whole-repository checks sits, by file and its stat
    key: those checks run on every change, and re-reading the files of their findings to place
    them (~60 assessments at 100k) cost more than the checks."""
    rows: dict[str, list[tuple[tuple[str | int, ...], bool, int, int]]] = {}
    for f in findings:
        if f.line is not None and f.col is not None and keys.get(f.path) is not None:
            rows.setdefault(f.path, []).append((f.loc, f.at_key, f.line, f.col))
    return {path: (keys[path] or 0, tuple(found)) for path, found in rows.items()}


def _located_before(
    findings: list[Finding], positions: Positions, keys: dict[str, int | None]
) -> None:
    """Place the findings whose file is unchanged since the positions were stored (a position
    depends only on the file's content, the finding's `loc` and `at_key`); `locate` does the
    rest."""
    known: dict[str, dict[tuple[tuple[str | int, ...], bool], tuple[int, int]]] = {}
    for f in findings:
        if f.line is not None:
            continue
        stored = positions.get(f.path)
        if stored is None or stored[0] != keys.get(f.path):
            continue
        where = known.get(f.path)
        if where is None:
            where = known[f.path] = {(loc, at): (line, col) for loc, at, line, col in stored[1]}
        found = where.get((f.loc, f.at_key))
        if found is not None:
            f.line, f.col = found
