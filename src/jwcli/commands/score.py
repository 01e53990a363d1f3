"""`jw score`: the scorecard of one quarter, as a table, JSON or CSV (commands.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from jwcli.cli import app, check_valid, models_of, options, repo_root, today_of
from jwcli.completion import complete_parties, complete_quarters
from jwcli.errors import UsageError
from jwcli.quarters import QUARTER_SPELLINGS, check_quarter_argument

_FORMATS = ("table", "json", "csv")


@app.command()
def score(
    ctx: typer.Context,
    quarter: Annotated[
        str,
        typer.Option(
            "--quarter",
            help=f"The quarter to score: {QUARTER_SPELLINGS}.",
            autocompletion=complete_quarters,
        ),
    ] = "current",
    party: Annotated[
        str | None,
        typer.Option(
            "--party", help="Show only this party (its id).", autocompletion=complete_parties
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    explain: Annotated[
        bool,
        typer.Option("--explain", help="List every component with its inputs and record ids."),
    ] = False,
) -> None:
    """Score the ten behaviours per party for a quarter: RAG, trends, alignment and triggers."""
    if fmt not in _FORMATS:
        raise UsageError(f"--format must be table, json or csv, not `{fmt}`")

    check_quarter_argument(quarter)
    opts = options(ctx)
    today = today_of(opts)
    done = check_valid(opts)

    from jwcli import output
    from jwcli.actions.score import narrowed, score_command

    result, parties = score_command(
        repo_root(opts),
        done,
        quarter,
        today,
        cache=not opts.no_cache,
        load=lambda: models_of(done),
    )
    if party is not None and party not in parties:
        from jwcli.suggest import did_you_mean

        raise UsageError(
            f"unknown party `{party}`{did_you_mean(party, parties)}; "
            f"choose one of: {', '.join(parties)}"
        )
    shown = narrowed(result, party)
    card, signed_off = shown.card, shown.signed_off
    if fmt == "json":
        output.scorecard_json(card, signed_off)
    elif fmt == "csv":
        output.scorecard_csv(card)
    else:
        output.scorecard_table(card, explain=explain, signed_off=signed_off)
