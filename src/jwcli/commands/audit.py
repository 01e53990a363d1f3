"""`jw audit` (the audit trail from git) and `jw status` (what needs attention today)."""

from __future__ import annotations

from typing import Annotated

import typer

from jwcli.cli import app, check_valid, models_of, options, repo_root, today_of
from jwcli.errors import ExitCode, UsageError


@app.command()
def audit(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only commits after this revision (tag, branch, commit) "
            "or made on or after this date (YYYY-MM-DD).",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also fail (exit 1) on notices not yet acknowledged by a later close commit.",
        ),
    ] = False,
    fsck: Annotated[
        bool,
        typer.Option(
            "--fsck",
            help="Also run `git fsck` and report a damaged object store "
            "(exit 3); costs several times the log itself.",
        ),
    ] = False,
) -> None:
    """The audit trail from git: who changed what, and what breaks the relationship's rules.

    Errors (exit 1): records changed or deleted after their first commit, a closed quarter's
    data changed after its close commit, an assessment changed by someone other than its
    assessor, a missing or moved review/ tag, charter and baselines changes the parties did not
    agree (once the charter was first agreed), unsigned commits where signing is required.
    Notices (exit 0, or 1 with --strict until a later close acknowledges them): late records
    and agreed changes that loosen the charter.
    """
    if fmt not in ("table", "json"):
        raise UsageError(f"--format must be table or json, not `{fmt}`")
    from jwcli import output
    from jwcli.errors import DataInvalid
    from jwcli.history.audit import audit as run_audit
    from jwcli.model.findings import Finding

    opts = options(ctx)
    root = repo_root(opts)
    try:
        report = run_audit(root, since=since, fsck=fsck, remember=not opts.no_cache)
    except DataInvalid as exc:
        found: list[Finding] = [f for f in exc.findings if isinstance(f, Finding)]
        output.findings(found, "text", files=len({f.path for f in found}))
        output.audit_refused(exc.message)
        raise typer.Exit(int(ExitCode.FINDINGS)) from None
    output.audit_report(report, fmt)
    unacknowledged = [f for f in report.notices if not f.acknowledged]
    if report.errors or (strict and unacknowledged):
        raise typer.Exit(int(ExitCode.FINDINGS))


@app.command()
def status(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Exit 1 when anything is overdue (pack, review, commitment, measurement, "
            "a trigger's answer), for CI.",
        ),
    ] = False,
) -> None:
    """What needs attention today: the next review and its pack, missed check-ins, commitments
    overdue or due soon, unmeasured KPIs, triggers not yet answered. Information: exit 0
    (with --check, exit 1 when anything is overdue)."""
    if fmt not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not `{fmt}`")
    opts = options(ctx)
    done = check_valid(opts)

    from jwcli import output
    from jwcli.actions.status import status_command

    found = status_command(
        repo_root(opts),
        done,
        today_of(opts),
        cache=not opts.no_cache,
        load=lambda: models_of(done),
    )
    output.status_report(found, fmt)
    if check and found.overdue_items:
        output.status_overdue(found.overdue_items)
        raise typer.Exit(int(ExitCode.FINDINGS))
