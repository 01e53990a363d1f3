"""The rows of one sheet as new records: read, checked with the repository, written, committed.

All or nothing (commands.md, "jw import"): every problem of every row is found in one pass and
located at its cell, and nothing is written unless there is none. The batch is then checked like
`jw add` checks one record: it must add no error to the repository (errors already there are shown
but do not block). Ids come from an `id` column, else from the row's content, so importing the
same rows again finds them already there (same content: skipped) instead of adding them twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jwcli.analysis.quarters import record_quarter
from jwcli.errors import RefusedToOverwrite
from jwcli.importing.columns import Columns, match_columns
from jwcli.importing.late import LateFor, late_quarters
from jwcli.importing.sheets import Cell, Sheet
from jwcli.importing.values import CellProblem, FieldType, field_types, is_blank, read_value
from jwcli.load.pydantic_errors import findings_from_errors
from jwcli.model.findings import Finding
from jwcli.model.records import RECORD_KINDS, AnyRecord
from jwcli.model.relationship import RECORDS_DIR, RecordEntry, Relationship
from jwcli.write.files import make_folder, sweep_temp_files, sync_dir, umask
from jwcli.write.records import (
    ID_RE,
    MAX_ID,
    Draft,
    _key,
    _raw_findings,
    missing_fields,
    ordered,
    record_path,
    reference_problems,
    schema_modeline,
    slugify,
    to_yaml,
)

_HASH_CHARS = 8


@dataclass(frozen=True, slots=True)
class Located:
    """A problem at a place in the imported file (`where`) or in the repository."""

    where: str
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True, slots=True)
class Planned:
    row: int
    draft: Draft


@dataclass(frozen=True, slots=True)
class Skipped:
    row: int
    id: str
    path: str


@dataclass
class Plan:
    """What importing the sheet would do, and every problem that stops it."""

    kind: str
    sheet: Sheet
    new: list[Planned] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Located] = field(default_factory=list)  # in the file: errors and warnings
    elsewhere: list[Finding] = field(default_factory=list)  # what the batch adds in other files
    existing_errors: list[Finding] = field(default_factory=list)
    existing_warnings: int = 0
    late: dict[str, list[LateFor]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Located]:
        return [p for p in self.problems if p.is_error]

    @property
    def blocked(self) -> bool:
        return bool(self.errors) or any(f.is_error for f in self.elsewhere)

    @property
    def late_quarters(self) -> list[str]:
        return sorted({q.quarter for found in self.late.values() for q in found})


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- reading rows ---------------------------------------------------------------------------


def derived_id(record: AnyRecord, kind: str, text: str) -> str:
    """`<date>-<first words of the summary>-<8 hex of the content's SHA-256>`: the same row
    always gets the same id, and two rows differing anywhere get different ones."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    prefix = f"{record.date.isoformat()}-"
    words = slugify(record.summary) or kind
    room = MAX_ID - len(prefix) - _HASH_CHARS - 1
    while len(words) > room and "-" in words:
        words = words.rsplit("-", 1)[0]
    words = words[:room].rstrip("-") or kind
    return f"{prefix}{words}-{digest}"


def same_record(a: AnyRecord, b: AnyRecord) -> bool:
    """The same record: every field equal, exact numbers compared as numbers (`1200` and
    `1200.00` are one amount), one id the same as a list of that one id."""
    if type(a) is not type(b):
        return False
    for name in type(a).model_fields:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, list) and len(x) == 1 and isinstance(y, str):
            x = x[0]
        if isinstance(y, list) and len(y) == 1 and isinstance(x, str):
            y = y[0]
        if x != y:
            return False
    return True


@dataclass
class _Row:
    number: int
    data: dict[str, Any]
    id_cell: str | None


class _Reader:
    """Turns each row into field values, collecting every problem at its cell."""

    def __init__(
        self,
        sheet: Sheet,
        kind: str,
        fields: Mapping[str, FieldType],
        cols: Columns,
        rel: Relationship,
    ):
        self.rel = rel
        self.sheet = sheet
        self.kind = kind
        self.fields = fields
        self.cols = cols
        self.problems: list[Located] = []

    def at(self, row: int, column: int | None, message: str) -> None:
        self.problems.append(Located(self.sheet.where(row, column), message))

    def column_of(self, name: str) -> int | None:
        return self.cols.fields.get(name)

    def row(self, number: int, cells: Sequence[Cell]) -> _Row | None:
        before = len(self.problems)
        width = len(self.sheet.header)
        for index in range(width, len(cells)):
            if not is_blank(cells[index]):
                self.at(number, index, "a value in a column without a name: name the column")

        def cell(index: int) -> Cell:
            return cells[index] if index < len(cells) else Cell(None)

        kind_column = self.cols.kind
        if kind_column is not None:
            given = cell(kind_column).value
            if not is_blank(cell(kind_column)) and str(given).strip() != self.kind:
                self.at(
                    number,
                    kind_column,
                    f"this row is a `{str(given).strip()}`, not a {self.kind}: import it with "
                    f"`jw import {str(given).strip()}`, or leave it out of this file",
                )
        data: dict[str, Any] = {}
        for name, index in self.cols.fields.items():
            try:
                value = read_value(self.fields[name], cell(index))
            except CellProblem as exc:
                self.at(number, index, f"{name}: {exc}")
                continue
            if value is not None:
                data[name] = value
        bad = {p.where for p in self.problems[before:]}
        for name in missing_fields(self.kind, data):
            at = self.column_of(name)
            if at is not None and self.sheet.where(number, at) in bad:
                continue
            if at is None:
                self.at(number, None, f"{name} is required: add a `{name}` column")
            else:
                self.at(number, at, f"{name} is required; this cell is empty")
        try:
            RECORD_KINDS[self.kind].model_validate({"kind": self.kind, **data})
        except ValidationError as exc:
            errors = [e for e in exc.errors(include_url=False) if e["type"] != "missing"]
            for finding in findings_from_errors("", errors):
                name = str(finding.loc[0]) if finding.loc else ""
                at = self.column_of(name)
                if at is not None and self.sheet.where(number, at) in bad:
                    continue
                self.at(number, at, f"{name}: {finding.message}" if name else finding.message)
        if len(self.problems) > before:
            # This row will not reach the repository's checks: name its unknown parties,
            # services and KPIs now, so that one run shows every bad cell.
            self._references(number, data, {p.where for p in self.problems[before:]})
        id_cell = None
        id_column = self.cols.id
        if id_column is not None and not is_blank(cell(id_column)):
            id_cell = str(cell(id_column).value).strip()
            if not ID_RE.match(id_cell):
                self.at(
                    number,
                    id_column,
                    f"id: `{id_cell}` is not a record id: use 3 to 80 lowercase letters, "
                    "digits and `-`, e.g. 2026-05-12-patching-sla (or leave it empty)",
                )
        if len(self.problems) > before:
            return None
        return _Row(number, data, id_cell)

    def _references(self, number: int, data: Mapping[str, Any], bad: set[str]) -> None:
        for name, message in reference_problems(self.kind, data, self.rel).items():
            index = self.column_of(name)
            if self.fields[name].spec.refers_to == "record":
                continue  # it may name another row of this file
            if index is not None and self.sheet.where(number, index) not in bad:
                self.at(number, index, f"{name}: {message}")


def _existing_names(root: Path) -> dict[str, str]:
    """Every `<id>.yaml` under records/, loaded or not: a file that fails to load still owns
    its id. One walk for the whole batch."""
    import os

    top = root / RECORDS_DIR
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".yaml"):
                found.setdefault(name[:-5], (Path(folder) / name).relative_to(root).as_posix())
    return found


def plan_import(
    root: Path,
    rel: Relationship,
    kind: str,
    sheet: Sheet,
    maps: Mapping[str, str],
    today: dt.date,
    *,
    allow_late: bool = False,
) -> Plan:
    """Everything importing `sheet` as records of `kind` would add, or every reason it cannot."""
    plan = Plan(kind, sheet)
    fields = field_types(kind)
    cols = match_columns(sheet.header, fields, maps, kind)
    for problem in cols.problems:
        plan.problems.append(
            Located(sheet.where(sheet.header_row, problem.column), problem.message)
        )
    if plan.problems:
        return plan  # the rows cannot be read while the header is wrong
    if not sheet.rows:
        plan.problems.append(Located(sheet.where(sheet.header_row), "no rows below the header"))
        return plan
    reader = _Reader(sheet, kind, fields, cols, rel)
    rows = [r for r in (reader.row(row.number, row.cells) for row in sheet.rows) if r is not None]
    plan.problems.extend(reader.problems)
    _name_rows(root, rel, kind, sheet, cols, rows, plan)
    if plan.new:
        _check_with_repository(rel, today, plan, cols)
        plan.late = late_quarters(root, rel, [(p.draft.id, p.draft.model) for p in plan.new])
        if not allow_late:
            by_id = {p.draft.id: p.row for p in plan.new}
            for record_id, found in plan.late.items():
                for late in found:
                    plan.problems.append(
                        Located(
                            sheet.where(by_id[record_id]),
                            f"belongs to {late.quarter}, which was signed off on "
                            f"{late.signed_off}: a late record; rerun with --late to add it",
                        )
                    )
    plan.problems.sort(key=lambda p: _order(sheet, p.where))
    return plan


def _order(sheet: Sheet, where: str) -> tuple[int, str]:
    """Problems in row order, then as located."""
    tail = where[len(sheet.file) + 1 :]
    digits = "".join(c if c.isdigit() else " " for c in tail.split("!")[-1]).split()
    first = int(digits[0]) if digits else 0
    if sheet.sheet is not None:
        return (first, tail)
    return (first, tail.zfill(20))


def _name_rows(
    root: Path,
    rel: Relationship,
    kind: str,
    sheet: Sheet,
    cols: Columns,
    rows: Sequence[_Row],
    plan: Plan,
) -> None:
    """Give each row its id and file; skip rows already in the repository with the same
    content, refuse ids taken by other content or used twice in the file."""
    fsm = rel.fiscal_year_start
    names = _existing_names(root)
    seen: dict[str, int] = {}
    for row in rows:
        fields = ordered(kind, row.data)
        record: AnyRecord = RECORD_KINDS[kind].model_validate(fields)  # type: ignore[assignment]
        body = to_yaml(fields)  # the same text the file gets, below its schema line
        record_id = row.id_cell or derived_id(record, kind, body)
        where = sheet.where(row.number, cols.id if row.id_cell else None)
        if record_id in seen:
            what = "the same id as" if row.id_cell else "the same content as"
            plan.problems.append(
                Located(
                    where,
                    f"{what} row {seen[record_id]} (`{record_id}`): "
                    + (
                        "give each row its own id"
                        if row.id_cell
                        else "the row is there twice; delete one, or tell them apart "
                        "(e.g. in the summary, or with an id column)"
                    ),
                )
            )
            continue
        seen[record_id] = row.number
        existing = rel.records.get(record_id)
        if existing is not None and same_record(existing.record, record):
            plan.skipped.append(Skipped(row.number, record_id, existing.path))
            continue
        taken = existing.path if existing is not None else names.get(record_id)
        if taken is not None:
            plan.problems.append(
                Located(
                    where,
                    f"record id `{record_id}` already exists with other content: {taken}; "
                    "jw never overwrites a record: give this row another id, or make it a new "
                    "record that supersedes that one",
                )
            )
            continue
        path = record_path(record_id, record_quarter(record, fsm))
        text = schema_modeline(path, "record.schema.json") + body
        plan.new.append(Planned(row.number, Draft(record_id, path, text, record, kind)))


def _check_with_repository(rel: Relationship, today: dt.date, plan: Plan, cols: Columns) -> None:
    """What the batch adds to the repository's findings: located at its cells when they are
    about an imported row; in other files, as `jw validate` would show them."""
    from jwcli.load.positions import locate

    before = _raw_findings(rel, today)
    for planned in plan.new:
        draft = planned.draft
        rel.records[draft.id] = RecordEntry(draft.id, draft.path, draft.model)
    after = _raw_findings(rel, today)
    remaining = Counter(_key(f) for f in before)
    rows = {p.draft.path: p.row for p in plan.new}
    sheet = plan.sheet
    elsewhere: list[Finding] = []
    for f in after:
        key = _key(f)
        if remaining[key]:
            remaining[key] -= 1
            continue
        row = rows.get(f.path)
        if row is None:
            elsewhere.append(f)
            continue
        name = str(f.loc[0]) if f.loc else ""
        column = cols.fields.get(name)
        plan.problems.append(
            Located(
                sheet.where(row, column), f"{name}: {f.message}" if name else f.message, f.severity
            )
        )
    existing = [f for f in before if f.is_error]
    locate(rel.root, elsewhere + existing)
    elsewhere.sort(key=Finding.sort_key)
    existing.sort(key=Finding.sort_key)
    plan.elsewhere = elsewhere
    plan.existing_errors = existing
    plan.existing_warnings = sum(1 for f in before if not f.is_error)


# -- writing --------------------------------------------------------------------------------


def write_plan(root: Path, plan: Plan) -> list[str]:
    """Create every new file, create-only and atomically, all or nothing.

    As `write.files.create_new` does for one file, but with one flush to disk for the batch
    instead of two per file (10,000 rows took 100 s of disk waits the other way): every file is
    first written beside its place under a temporary name, then everything is flushed once, and
    only then is each hard-linked to its name, which fails if the name exists. A crash leaves at
    most temporary files, never a partial record; should a name be taken in the meantime, the
    files this call linked are removed again.
    """
    staged: list[tuple[Path, Path]] = []
    linked: list[Path] = []
    folders: set[Path] = set()
    mask = umask()
    try:
        for planned in plan.new:
            path = root / planned.draft.path
            if path.parent not in folders:
                make_folder(path.parent, root)  # never through a linked folder of the repository
                sweep_temp_files(path.parent)
                folders.add(path.parent)
            if path.exists():
                raise RefusedToOverwrite(
                    f"{planned.draft.path} already exists; jw never overwrites a file"
                )
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.jw-", suffix=".tmp", dir=path.parent)
            staged.append((Path(name), path))
            os.fchmod(fd, 0o666 & ~mask)
            with os.fdopen(fd, "wb") as handle:
                handle.write(planned.draft.text.encode("utf-8"))
        _flush([temp for temp, _ in staged])
        for temp, path in staged:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise RefusedToOverwrite(
                    f"{path.relative_to(root).as_posix()} appeared while importing; jw never "
                    "overwrites a file",
                    hint="run the import again",
                ) from None
            linked.append(path)
        for folder in folders:
            sync_dir(folder)
    except BaseException:
        for path in linked:
            path.unlink(missing_ok=True)
        raise
    finally:
        for temp, _ in staged:
            with contextlib.suppress(OSError):
                temp.unlink()
    return [p.draft.path for p in plan.new]


def _flush(paths: Sequence[Path]) -> None:
    """Put the files' contents on disk: one sync of everything where the system has it."""
    if hasattr(os, "sync") and len(paths) > 8:
        os.sync()
        return
    for path in paths:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def commit_message(plan: Plan, file_name: str, sha256: str) -> tuple[str, dict[str, str]]:
    n = len(plan.new)
    name = " ".join(file_name.split())  # one line, whatever the file is called
    message = (
        f"jw: import {n} {plan.kind} record{'s' * (n != 1)} from {name}\n\n"
        f"Imported from {name} (SHA-256 {sha256})."
    )
    trailers = {"Jw-Kind": plan.kind, "Jw-Import": name, "Jw-Import-SHA256": sha256}
    if plan.late:
        trailers["Jw-Late"] = ", ".join(plan.late_quarters)
    return message, trailers


def commit_plan(root: Path, paths: Sequence[str], message: str, trailers: Mapping[str, str]) -> str:
    from jwcli.history import git

    return git.commit_new_files(root, list(paths), message, trailers)
