"""`jw import KIND FILE`: the rows of a CSV or xlsx file as records, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from jwcli.cli import app, options, repo_root, today_of
from jwcli.errors import ExitCode, UsageError

_KINDS_HELP = (
    "commitment, update, measurement, cost, observation, innovation, lesson, meeting, claim, "
    "saving, escalation, amendment, or assessment (a filled-in `jw assess --form`)"
)


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


@app.command("import")
def import_(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="KIND", help=f"What each row is: {_KINDS_HELP}.")],
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .csv or .xlsx file.", dir_okay=False)
    ],
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", metavar="NAME", help="The xlsx sheet to read (default: the first)."
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="Read COLUMN as FIELD, e.g. --map 'Net amount=amount'; `COLUMN=` ignores the "
            "column. Repeat for each.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything and list what would be added.")
    ] = False,
    late: Annotated[
        bool,
        typer.Option("--late", help="Allow records that belong to a quarter already signed off."),
    ] = False,
    no_commit: Annotated[
        bool, typer.Option("--no-commit", help="Write the files but do not commit them.")
    ] = False,
) -> None:
    """Turn the rows of a spreadsheet (CSV or xlsx) into records, one per row.

    Columns are matched to the record's fields by name (case and spaces forgiven; the files of
    `jw export` import as they are), values read as in the YAML files. Every problem is shown at
    its cell and nothing is written unless every row is valid. Rows already in the repository
    are skipped, so importing the same file twice adds nothing. One commit for the whole file.
    """
    from jwcli.model.records import RECORD_KINDS

    if kind != "assessment" and kind not in RECORD_KINDS:
        raise UsageError(f"`{kind}` is not a record kind; one of: {_KINDS_HELP}")
    if kind == "assessment":
        if maps or sheet:
            raise UsageError("--map and --sheet do not apply to an assessment form")
        _import_form(ctx, file, dry_run=dry_run, late=late, no_commit=no_commit)
        return
    _import_records(
        ctx, kind, file, sheet, maps or [], dry_run=dry_run, late=late, no_commit=no_commit
    )


def _import_records(
    ctx: typer.Context,
    kind: str,
    file: Path,
    sheet_name: str | None,
    maps: list[str],
    *,
    dry_run: bool,
    late: bool,
    no_commit: bool,
) -> None:
    from jwcli.actions.imports import import_records
    from jwcli.importing.columns import parse_maps

    opts = options(ctx)
    shown = str(file)
    done = import_records(
        repo_root(opts),
        kind,
        file,
        shown,
        sheet_name,
        parse_maps(maps),
        today_of(opts),
        allow_late=late,
        dry_run=dry_run,
        commit=not no_commit,
    )
    plan = done.plan
    _report(plan)
    if plan.blocked:
        n = len(plan.errors) + sum(1 for f in plan.elsewhere if f.is_error)
        _say(f"{shown}: {n} problem{'s' * (n != 1)}: nothing written")
        raise typer.Exit(int(ExitCode.FINDINGS))
    if late and not plan.late:
        _say("note: --late given, but no row belongs to a signed-off quarter")
    if dry_run:
        for planned in plan.new:
            print(planned.draft.path)
        n = len(plan.new)
        _say(
            f"jw: would add {n} {kind} record{'s' * (n != 1)} from {shown}{_skipped(plan)} "
            "(--dry-run: nothing written)"
        )
        return
    if not done.written:
        _say(f"jw: nothing to add from {shown}{_skipped(plan)}")
        return
    for path in done.written:
        print(path)
    state = f"committed as {done.commit[:12]}" if done.commit else "not committed (--no-commit)"
    n = len(done.written)
    _say(f"jw: imported {n} {kind} record{'s' * (n != 1)} from {shown}{_skipped(plan)}, {state}")


def _skipped(plan: Any) -> str:
    n = len(plan.skipped)
    return f" ({n} already in the repository, skipped)" if n else ""


def _report(plan: Any) -> None:
    if plan.existing_errors:
        _say("Already in the repository, not blocking the import:")
        for f in plan.existing_errors:
            _say(f"  {f.location()}: {f.severity}: {_one_line(f.message)}")
    if plan.existing_warnings:
        n = plan.existing_warnings
        _say(f"({n} warning{'s' * (n != 1)} already in the repository: see `jw validate`)")
    for skipped in plan.skipped:
        _say(
            f"{plan.sheet.where(skipped.row)}: already in the repository as {skipped.path}: skipped"
        )
    for problem in plan.problems:
        _say(f"{problem.where}: {problem.severity}: {_one_line(problem.message)}")
    for f in plan.elsewhere:
        _say(f"{f.location()}: {f.severity}: {_one_line(f.message)}")


def write_assessment_form(
    rel: Any, quarter: Any, assessor: str, parties: list[str], today: Any, out: Path | None
) -> None:
    """`jw assess --form`: write the form, never over an existing file (it may be filled in)."""
    from jwcli.importing.forms import form_name, write_form
    from jwcli.write.files import create_new

    path = out if out is not None else Path(form_name(quarter, assessor))
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"--out `{path}`: the form is an xlsx workbook; name it FILE.xlsx")
    create_new(path, write_form(rel, quarter, assessor, parties, today))
    print(path)
    rows = len(parties) * 10
    _say(
        f"jw: wrote the {quarter} assessment form for {assessor} ({rows} ratings to give) in "
        f"{path}; fill in the yellow cells, then run: jw import assessment {path}"
    )


def _import_form(
    ctx: typer.Context, file: Path, *, dry_run: bool, late: bool, no_commit: bool
) -> None:
    """`jw import assessment FILE.xlsx`: the checks of `jw assess`, then its file and commit."""
    from jwcli.actions.imports import read_form
    from jwcli.commands.add import _check_write_commit
    from jwcli.write import assess as a

    opts = options(ctx)
    root = repo_root(opts)
    today = today_of(opts)
    shown = str(file)
    done = read_form(root, file, shown, today)
    for where, message in done.problems:
        _say(f"{where}: error: {_one_line(message)}")
    if done.problems:
        n = len(done.problems)
        _say(f"{shown}: {n} problem{'s' * (n != 1)}: nothing written")
        raise typer.Exit(int(ExitCode.FINDINGS))
    assert done.draft is not None and done.quarter is not None and done.assessor is not None
    quarter, assessor = done.quarter, done.assessor
    if dry_run:
        print(done.draft.path)
        _say(f"jw: would add the {quarter} assessment by {assessor} (--dry-run: nothing written)")
        return
    from jwcli.model.relationship import AssessmentEntry

    # the checks, the late-record question (a signed-off quarter needs --late) and the commit
    # of `jw assess`
    _check_write_commit(
        root,
        done.rel,
        today,
        done.draft,
        a.add_assessment_entry(done.draft, quarter),
        None if no_commit else f"jw: assess {quarter} {assessor} (imported from {file.name})",
        {"Jw-Kind": "assessment", "Jw-Quarter": str(quarter), "Jw-Assessor": assessor},
        f"assessment {quarter} by {assessor}",
        late=late,
        assessments=[AssessmentEntry(done.draft.path, str(quarter), assessor, done.draft.model)],
    )
