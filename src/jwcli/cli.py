"""The `jw` command line: options in, one library call, output, exit code.

Heavy modules (pydantic, yaml, jinja2, rich) are imported inside the commands that need them, so
`jw --help` and `jw --version` start in a few tens of milliseconds (shared/spec/quality.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from jwcli import __version__
from jwcli.errors import ExitCode, JwError, UsageError


@dataclass
class Options:
    repo: Path | None = None
    today: dt.date | None = None
    debug: bool = False
    no_cache: bool = False


class JwGroup(TyperGroup):
    """The one safety net: a JwError becomes its message and exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return self._invoke_safely(ctx)
        finally:
            gc.unfreeze()  # undo load_valid's freeze: in-process callers free the models again

    def _invoke_safely(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except JwError as exc:
            if _debugging(ctx):
                raise
            _error(str(exc))
            raise typer.Exit(int(exc.exit_code)) from None
        except BrokenPipeError:
            # The reader went away (`jw audit | head`): nothing to report, and nothing more to
            # write; stdout is pointed at devnull so the interpreter's final flush stays quiet.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            _error("interrupted; nothing was left half-written")
            raise typer.Exit(130) from None
        except Exception as exc:
            if _debugging(ctx):
                raise
            _error(
                f"internal error: {type(exc).__name__}: {exc}\n  run again with --debug for "
                "the traceback, and please report it"
            )
            raise typer.Exit(int(ExitCode.ENVIRONMENT)) from None


def _debugging(ctx: Any) -> bool:
    obj = ctx.obj
    return bool(getattr(obj, "debug", False)) or os.environ.get("JW_DEBUG") == "1"


def _error(message: str) -> None:
    print(f"jw: error: {message}", file=sys.stderr)


app = typer.Typer(
    cls=JwGroup,
    name="jw",
    help="Governance-as-code for joint working relationships: validate the charter and "
    "evidence, score the ten behaviours, render the quarterly review pack.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        print(f"jw {__version__}")
        raise typer.Exit()


def _parse_today(text: str | None) -> dt.date | None:
    if text is None or text == "":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today/JW_TODAY `{text}` is not a date: write YYYY-MM-DD") from None


@app.callback()
def main_options(
    ctx: typer.Context,
    repo: Annotated[
        Path | None,
        typer.Option(
            "-C",
            "--repo",
            help="The relationship repository (default: found upwards "
            "from the current folder, like git).",
            file_okay=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            envvar="JW_TODAY",
            help="Evaluate the data as of this date (YYYY-MM-DD), for reproducible output.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Read and check every file afresh; neither read nor write .jw/cache/.",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = Options(repo=repo, debug=debug, no_cache=no_cache)
    ctx.obj.today = _parse_today(today)


def options(ctx: typer.Context) -> Options:
    obj = ctx.obj
    return obj if isinstance(obj, Options) else Options()


def today_of(opts: Options) -> dt.date:
    return opts.today or dt.date.today()


def repo_root(opts: Options) -> Path:
    from jwcli.load.tree import find_root

    return find_root(opts.repo or Path.cwd())


def load_valid(opts: Options) -> Any:
    """Load the repository for an analysing command; print the findings and exit 1 on errors.

    Returns the `Relationship`. Warnings never block (commands.md).
    """
    from jwcli import output
    from jwcli.checks.run import check_repo

    with output.progress("Reading files") as tick:
        done = check_repo(
            repo_root(opts), today_of(opts), cache=not opts.no_cache, models=True, on_progress=tick
        )
    findings = done.findings
    if any(f.is_error for f in findings):
        output.findings([f for f in findings if f.is_error], "text", files=done.files_read)
        raise typer.Exit(int(ExitCode.FINDINGS))
    # The loaded models live until the command ends; sparing the collector full passes over
    # them made `jw score` on 100k records 4.4 -> 3.9 s. JwGroup unfreezes when the command
    # returns, so in-process callers (tests) free them as usual.
    gc.freeze()
    return done.rel


@app.command()
def validate(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help="text, json or github (Actions annotations).")
    ] = "text",
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings printed fail too (exit 1).")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Print the warnings of closed quarters too.")
    ] = False,
) -> None:
    """Check every file: types, references, dates, money, SMART KPIs and evidence."""
    from jwcli import output
    from jwcli.checks.run import check_repo
    from jwcli.checks.shown import may_hide, partition

    if fmt not in ("text", "json", "github"):
        raise UsageError(f"--format must be text, json or github, not `{fmt}`")
    opts = options(ctx)
    root = repo_root(opts)
    with output.progress("Reading files") as tick:
        done = check_repo(root, today_of(opts), cache=not opts.no_cache, on_progress=tick)
    findings = done.findings
    closed: frozenset[str] = frozenset()
    if any(may_hide(f) for f in findings):  # git is asked only when the answer matters
        from jwcli.history.closed import closed_quarters

        closed = closed_quarters(root)
    view = partition(findings, closed, show_all)
    output.findings(view.shown, fmt, files=done.files_read, view=view)
    if any(f.is_error or strict for f in view.shown):
        raise typer.Exit(int(ExitCode.FINDINGS))


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the repository.")] = Path("."),
    template: Annotated[
        str, typer.Option("--template", "-t", help="Charter template (see --list-templates).")
    ] = "shared-supplier",
    list_templates: Annotated[
        bool, typer.Option("--list-templates", help="List the charter templates and stop.")
    ] = False,
) -> None:
    """Create a relationship repository from a charter template."""
    from jwcli import output
    from jwcli.write import scaffold

    if list_templates:
        output.templates(scaffold.list_templates())
        return
    result = scaffold.init_repository(directory, template)
    output.initialised(result)


@app.command()
def schema(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the schema files (default: the repository's "
            "schemas/, or ./schemas outside one).",
        ),
    ] = None,
) -> None:
    """Write JSON Schemas of every file type, for editors (yaml-language-server)."""
    from jwcli import output
    from jwcli.write.schemas import write_schemas

    if out is None:
        from jwcli.errors import NotARepository

        try:
            out = repo_root(options(ctx)) / "schemas"
        except NotARepository:
            out = Path("schemas")
    output.written(write_schemas(out))


def main() -> None:
    app(prog_name="jw")


# The other commands live in jwcli/commands/; importing a module registers its commands.
from jwcli.commands import add, audit, export, review, score  # noqa: E402, F401
