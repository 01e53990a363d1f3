"""Load and validate a repository in one call, through the cache when asked.

`jw validate` on a tree where nothing changed since the last run takes the stored findings
without importing the models or parsing a file (load/cache.py says when that is safe); the
commands that need the models load them (from the cache where unchanged) and still skip the
checks when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwcli.model.findings import Finding

if TYPE_CHECKING:
    from collections.abc import Callable

    from jwcli.model.relationship import Relationship


@dataclass
class Outcome:
    findings: list[Finding]
    files_read: int
    rel: Relationship | None  # None when the findings came from the unchanged-tree short-cut


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
    cached = tree is not None and len(tree.records) + len(tree.assessments) >= store.MIN_FILES
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
                    return Outcome(findings, files_read, None)
                from jwcli.load.repo import load_repo

                rel = load_repo(root, on_progress, cache=True, tree=tree)
                return Outcome(findings, rel.files_read, rel)

    from jwcli.checks.paths import attachment_problem
    from jwcli.checks.validate import validate
    from jwcli.load.repo import load_repo

    rel = load_repo(root, on_progress, cache=cache, tree=tree)
    if tree is not None:  # only its fingerprint is needed from here on: free 100,000 stat keys
        tree.records = []
        tree.keys = {}
    findings = validate(rel, today)
    if tree is not None and cached:
        texts = sorted({text for e in rel.records.values() for text in e.record.attachments})
        checked = [(text, attachment_problem(root, text)) for text in texts]
        rows = [_as_tuple(f) for f in findings]
        store.store_findings(tree, today.isoformat(), rows, rel.files_read, checked)
    return Outcome(findings, rel.files_read, rel)
