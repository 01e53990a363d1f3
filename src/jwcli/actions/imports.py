"""The `jw import` workflows: a spreadsheet of records, and a filled-in assessment form.

Each reads the file and the repository once, checks everything, and either returns every
problem (nothing written) or writes and commits; the command prints what comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jwcli.importing import batch
from jwcli.importing.sheets import read_sheet
from jwcli.load.repo import load_repo
from jwcli.model.relationship import Relationship
from jwcli.quarters import Quarter
from jwcli.write.records import Draft


@dataclass
class RecordsImport:
    plan: batch.Plan
    written: list[str] = field(default_factory=list)
    commit: str | None = None


def import_records(
    root: Path,
    kind: str,
    file: Path,
    shown: str,
    sheet: str | None,
    maps: Mapping[str, str],
    today: dt.date,
    *,
    allow_late: bool,
    dry_run: bool,
    commit: bool,
) -> RecordsImport:
    """Plan the import; unless it is blocked, a dry run or adds nothing, write and commit it."""
    table = read_sheet(file, shown, sheet)
    sha = batch.sha256_of(file)
    rel = load_repo(root)
    plan = batch.plan_import(root, rel, kind, table, maps, today, allow_late=allow_late)
    if plan.blocked or dry_run or not plan.new:
        return RecordsImport(plan)
    message, trailers = batch.commit_message(plan, file.name, sha)
    if commit:
        from jwcli.history import git

        git.preflight(root, for_write=True)  # refuse before writing, not after
    written = batch.write_plan(root, plan)
    commit_id = batch.commit_plan(root, written, message, trailers) if commit else None
    return RecordsImport(plan, written, commit_id)


@dataclass
class FormImport:
    """A filled-in form read back: its problems (cell, message), or the assessment to add."""

    problems: list[tuple[str, str]]
    rel: Relationship | None = None
    quarter: Quarter | None = None
    assessor: str | None = None
    draft: Draft | None = None


def read_form(root: Path, file: Path, shown: str, today: dt.date) -> FormImport:
    """The form's ratings as the draft `jw assess` would write, or every cell that stops it."""
    from jwcli.importing import forms
    from jwcli.write import assess as a

    rel = load_repo(root)
    filled, _ = forms.read_form_file(file, shown, rel)
    if filled.problems:
        return FormImport(filled.problems)
    assert filled.quarter is not None and filled.assessor is not None
    quarter, assessor = filled.quarter, filled.assessor
    a.refuse_existing(root, quarter, assessor)
    ratings = a.ratings_data(filled.ratings)
    if not ratings:
        return FormImport([(shown, "every behaviour is marked n/a: there is nothing to add")])
    draft = a.draft_assessment(root, quarter, assessor, today, ratings)
    return FormImport([], rel, quarter, assessor, draft)
