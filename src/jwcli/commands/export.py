"""`jw export`: the tables behind the scorecard and the pack, as CSV, JSON or xlsx (commands.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jwcli.cli import app, load_valid, options, today_of
from jwcli.completion import complete_quarters
from jwcli.errors import UsageError
from jwcli.quarters import QUARTER_SPELLINGS, check_quarter_argument

_FORMATS = ("csv", "json", "xlsx")


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="csv (one file per table), json (one file) or xlsx (one workbook, a sheet "
            "per table).",
        ),
    ] = "xlsx",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write to (default: exports/ in the repository, exports/<quarter>/ "
            "with --quarter). `--out -` prints the JSON on stdout.",
            file_okay=False,
        ),
    ] = None,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            "-q",
            help=f"Only this quarter: {QUARTER_SPELLINGS} (default: every scored quarter).",
            autocompletion=complete_quarters,
        ),
    ] = None,
) -> None:
    """Export the tables behind the scorecard and the pack for spreadsheets and BI tools.

    Records (a table per kind, a column per field), commitments with their state, KPI
    measurements with RAG, run costs against baseline, project spend against budget, savings
    and the savings funnel by stage, the scorecard (quarter x party x behaviour), the
    triggers fired, the assessors' ratings, the alignment flags, the cost baselines and the
    market prices. Figures are exact: amounts as written, scores and rates as `jw score`
    reports them.
    """
    if fmt not in _FORMATS:
        raise UsageError(f"--format must be csv, json or xlsx, not `{fmt}`")
    to_stdout = out is not None and str(out) == "-"
    if to_stdout and fmt != "json":
        raise UsageError("`--out -` prints JSON only: add --format json, or give a folder")
    if quarter is not None:
        check_quarter_argument(quarter)
    opts = options(ctx)
    today = today_of(opts)
    rel = load_valid(opts)

    from jwcli import output
    from jwcli.analysis.quarters import parse_quarter_argument, require_started
    from jwcli.export.tables import build_export
    from jwcli.export.writers import render_json, write_export

    chosen = None
    if quarter is not None:
        chosen = parse_quarter_argument(quarter, today, rel.fiscal_year_start)
        if chosen is not None:
            require_started(chosen, today, rel.fiscal_year_start)
    with output.progress("Building the tables") as tick:
        tables = build_export(rel, today, chosen, on_progress=tick)
    if to_stdout:
        output.raw(render_json(tables))
        return
    if out is None:
        out = rel.root / "exports"
        if chosen is not None:
            out = out / str(chosen)
    with output.progress(f"Writing {fmt}") as tick:
        written = write_export(tables, fmt, out, on_progress=tick, root=rel.root)
    output.written(_shown(p) for p in written)


def _shown(path: Path) -> Path:
    """A path under the current folder as a relative one, as the person would type it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
