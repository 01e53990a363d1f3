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
from collections.abc import Sequence
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


# The options every command takes, before or after the command name: name -> takes a value.
GLOBAL_OPTIONS = {
    "-C": True,
    "--repo": True,
    "--today": True,
    "--no-cache": False,
    "--debug": False,
}


def lift_global_options(args: list[str]) -> list[str]:
    """Move the global options to the front, where the group's parser reads them.

    Most people type `jw score --today 2026-11-29`; lifting them here (rather than adding them to
    every command) also covers the `jw add` subcommands that are built on demand. Nothing after
    `--` moves, and a value that is itself an option name can be written `--summary=--debug`.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name, eq, _ = arg.partition("=")
        joined = arg.startswith("-C") and len(arg) > 2 and not arg.startswith("--")
        if arg in GLOBAL_OPTIONS or (eq and name in GLOBAL_OPTIONS) or joined:
            front.append(arg)
            if GLOBAL_OPTIONS.get(arg, False):
                if i + 1 >= len(args):
                    raise UsageError(f"{arg} needs a value", hint=_GLOBAL_HINTS[arg])
                front.append(args[i + 1])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


_GLOBAL_HINTS = {
    "-C": "write -C FOLDER, the relationship repository",
    "--repo": "write --repo FOLDER, the relationship repository",
    "--today": "write --today YYYY-MM-DD",
}


def _usage_message(exc: Any) -> str:
    """A click usage error in jw's words: what is wrong, then how to find the right spelling."""
    from difflib import get_close_matches

    from typer._click.exceptions import NoSuchOption

    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "jw"
    if isinstance(exc, NoSuchOption):
        known = set(GLOBAL_OPTIONS) | {"--help"}
        if ctx is not None:
            for param in ctx.command.params:
                known.update(o for o in (*param.opts, *param.secondary_opts) if o[:1] == "-")
        longs = sorted(o for o in known if o.startswith("--"))
        nearest = get_close_matches(exc.option_name, longs, n=1)
        message = f"no such option `{exc.option_name}`"
        if nearest:
            message += f": did you mean `{nearest[0]}`?"
    else:
        message = exc.format_message()
    return f"{message}\n  fix: see `{path} --help`"


class JwGroup(TyperGroup):
    """The one safety net: a JwError becomes its message and exit code, never a traceback."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, lift_global_options(args))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **kwargs: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **kwargs)
        from typer._click.exceptions import ClickException, NoArgsIsHelpError
        from typer._click.exceptions import UsageError as ClickUsageError

        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **kwargs
            )
        except NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(int(ExitCode.USAGE))
        except ClickUsageError as exc:
            _error(_usage_message(exc))
            sys.exit(int(ExitCode.USAGE))
        except ClickException as exc:
            _error(exc.format_message())
            sys.exit(exc.exit_code)
        except JwError as exc:  # raised while parsing, before a command runs
            _error(str(exc))
            sys.exit(int(exc.exit_code))
        except typer.Abort:
            _error("aborted")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

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
    from jwcli.output import escaped_lines

    # messages name files and folders from the clone: no line may carry a terminal escape
    print(f"jw: error: {escaped_lines(message)}", file=sys.stderr)


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
    done = check_valid(opts, models=True)
    # The loaded models live until the command ends; sparing the collector full passes over
    # them made `jw score` on 100k records 4.4 -> 3.9 s. JwGroup unfreezes when the command
    # returns, so in-process callers (tests) free them as usual.
    gc.freeze()
    return done.rel


def check_valid(opts: Options, *, models: bool = False) -> Any:
    """Validate the repository for an analysing command; print the findings and exit 1 on
    errors. Returns the `checks.run.Outcome`: its models are loaded only when the tree changed
    since the last run, or with `models` (`actions.snapshot.models_of` loads them later)."""
    from jwcli import output
    from jwcli.checks.run import check_repo

    with output.progress("Reading files") as tick:
        done = check_repo(
            repo_root(opts),
            today_of(opts),
            cache=not opts.no_cache,
            models=models,
            on_progress=tick,
        )
    findings = done.findings
    if any(f.is_error for f in findings):
        output.findings([f for f in findings if f.is_error], "text", files=done.files_read)
        raise typer.Exit(int(ExitCode.FINDINGS))
    return done


def models_of(done: Any) -> Any:
    """The `Relationship` of a tree `check_valid` validated (loaded now if it was not)."""
    from jwcli import output
    from jwcli.actions.snapshot import models_of as load

    with output.progress("Reading files") as tick:
        rel = load(done, tick)
    gc.freeze()  # as in load_valid
    return rel


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
    late: frozenset[str] = frozenset()
    hideable: dict[str, set[str]] = {}  # quarter -> the files with warnings that may be hidden
    for f in findings:
        if may_hide(f) and f.quarter is not None:
            hideable.setdefault(f.quarter, set()).add(f.path)
    if hideable:  # git is asked only when the answer matters
        from jwcli.history.closed import closed_quarters

        closed, late = closed_quarters(root, hideable, remember=not opts.no_cache)
    view = partition(findings, closed, show_all, late)
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
    no_git: Annotated[
        bool,
        typer.Option("--no-git", help="Write the files without creating a git repository."),
    ] = False,
) -> None:
    """Create a relationship repository from a charter template."""
    from jwcli import output
    from jwcli.write import scaffold

    if list_templates:
        output.templates(scaffold.list_templates())
        return
    result = scaffold.init_repository(directory, template, use_git=not no_git)
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
    from jwcli.errors import NotARepository
    from jwcli.write.schemas import write_schemas

    try:
        root: Path | None = repo_root(options(ctx))
    except NotARepository:
        root = None
    if out is None:
        out = root / "schemas" if root is not None else Path("schemas")
    output.written(write_schemas(out, root))


def main() -> None:
    app(prog_name="jw")


# The other commands live in jwcli/commands/; importing a module registers its commands.
from jwcli.commands import add, audit, export, importing, review, score  # noqa: E402, F401
