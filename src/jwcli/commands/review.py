"""`jw review`: render the quarterly review pack (Markdown, HTML, JSON, optionally PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jwcli.cli import app, options, repo_root
from jwcli.completion import complete_quarters
from jwcli.errors import ExitCode


@app.command()
def review(
    ctx: typer.Context,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            "-q",
            help="The quarter to review: YYYY-Qn, Qn-YYYY, `last` or `current` "
            "(default: the last completed quarter).",
            autocompletion=complete_quarters,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="Comma-separated formats: md, html, json, and pdf (needs Chromium).",
        ),
    ] = "md,html,json",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write the pack to (default: reviews/<quarter>/ in the repository).",
            file_okay=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Render from the repository as it was at this git revision (needs --out; "
            "the working tree is not touched). --today defaults to the commit's date.",
        ),
    ] = None,
    close: Annotated[
        bool,
        typer.Option(
            "--close",
            help="Sign off the quarter: needs a clean tree and valid data; writes the pack, "
            "commits it and tags review/<quarter>.",
        ),
    ] = False,
) -> None:
    """Render the quarterly review pack into reviews/<quarter>/ (or --out)."""
    from jwcli import output
    from jwcli.actions.review import ReviewRequest, parse_formats
    from jwcli.actions.review import review as run_review
    from jwcli.errors import DataInvalid

    opts = options(ctx)
    request = ReviewRequest(
        root=repo_root(opts),
        quarter=quarter,
        formats=parse_formats(fmt),
        out=out,
        as_of=as_of,
        close=close,
        today=opts.today,
        cache=not opts.no_cache,
    )
    try:
        result = run_review(request)
    except DataInvalid as invalid:
        output.review_refused(invalid)
        raise typer.Exit(int(ExitCode.FINDINGS)) from None
    output.review_written(result)
