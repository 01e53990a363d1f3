"""`jw add KIND` and `jw assess`: new records and assessments, asked for or given as options.

`jw add` has one subcommand per record kind, built from the record models when `jw add` itself is
invoked (the `AddGroup` below), so the options, help and choices never drift from the format and
`jw --help` still imports no pydantic.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from jwcli.cli import app, options, repo_root, today_of
from jwcli.completion import (
    complete_commitments,
    complete_kpis,
    complete_parties,
    complete_quarter_labels,
    complete_quarters,
    complete_services,
)
from jwcli.errors import DataInvalid, EnvironmentProblem, ExitCode, UsageError

if TYPE_CHECKING:
    from jwcli.write.records import FieldSpec


def interactive() -> bool:
    """Whether to ask for what is missing: stdin is a terminal, or JW_INTERACTIVE says so.

    JW_INTERACTIVE=1 forces prompts (tests, `script`), JW_INTERACTIVE=0 forbids them (CI jobs
    that run with a pseudo-terminal).
    """
    forced = os.environ.get("JW_INTERACTIVE", "")
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stdin.isatty()


class AddGroup(TyperGroup):
    """`jw add`: its subcommands are made from the record models on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        from jwcli.model.records import RECORD_KINDS

        return list(RECORD_KINDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from jwcli.model.records import RECORD_KINDS

        if cmd_name not in RECORD_KINDS:
            return None
        return _kind_command(cmd_name)


add_app = typer.Typer(
    cls=AddGroup,
    name="add",
    help="Create one record (one subcommand per kind); missing fields are asked for in a "
    "terminal. The file is records/<quarter>/<date>-<slug>.yaml, created, never overwritten, "
    "and committed alone unless --no-commit.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(add_app, name="add")

_METAVARS = {
    "date": "DATE",
    "due": "DATE",
    "new_due": "DATE",
    "period": "QUARTER",
}


def _option_help(spec: FieldSpec) -> str:
    text = spec.help
    if spec.shape == "list":
        text += (
            " Repeat the option, or separate ids with commas."
            if spec.split_commas
            else " Repeat the option for each."
        )
    if spec.shape == "list" and spec.choices:
        text += " One or more of: " + ", ".join(spec.choices) + "."
    if spec.refers_to and spec.refers_to != "record":
        where = "baselines.yaml" if spec.refers_to == "project" else "the charter"
        article = "an" if spec.refers_to[0] in "aeiou" else "a"
        text += f" Must be {article} {spec.refers_to} id from {where}."
    if spec.required and spec.name != "date":
        text += " [required]"
    return text


# Completion of option values from the charter, by what the field refers to (or its name).
_COMPLETERS: dict[str, Any] = {
    "party": complete_parties,
    "KPI": complete_kpis,
    "service": complete_services,
    "period": complete_quarter_labels,
    "commitment": complete_commitments,
}


def _parameter(spec: FieldSpec) -> inspect.Parameter:
    metavar = _METAVARS.get(spec.name)
    complete = _COMPLETERS.get(spec.refers_to or spec.name) or _COMPLETERS.get(spec.name)
    if spec.shape == "flag":
        annotation: Any = Annotated[bool, typer.Option(spec.option, help=_option_help(spec))]
        return inspect.Parameter(
            spec.name, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=annotation
        )
    if spec.shape == "scalar" and spec.choices:
        choice: Any = Literal.__getitem__(spec.choices)
        annotation = Annotated[choice | None, typer.Option(spec.option, help=_option_help(spec))]
    elif spec.shape == "scalar":
        if metavar is None:
            metavar = "NUMBER" if spec.numeric else ("ID" if spec.refers_to else "TEXT")
        annotation = Annotated[
            str | None,
            typer.Option(
                spec.option, help=_option_help(spec), metavar=metavar, autocompletion=complete
            ),
        ]
    else:
        if spec.shape == "mapping":
            metavar = "PARTY=NAMES"
        else:
            metavar = "ID[,ID...]" if spec.split_commas else "TEXT"
        annotation = Annotated[
            list[str] | None,
            typer.Option(
                spec.option, help=_option_help(spec), metavar=metavar, autocompletion=complete
            ),
        ]
    return inspect.Parameter(
        spec.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


_LATE = Annotated[
    bool,
    typer.Option(
        "--late",
        help="Add it even though it changes a quarter already signed off (closed); the "
        "commit says which (Jw-Late).",
    ),
]


def _kind_command(kind: str) -> Any:
    from jwcli.write.records import KIND_HELP, field_specs

    specs = field_specs(kind)
    params = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        *(_parameter(spec) for spec in specs),
        inspect.Parameter(
            "record_id",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None,
                typer.Option(
                    "--id",
                    metavar="SLUG",
                    help="Name the file <date>-<SLUG>.yaml instead of using the summary's first "
                    "words (an id that already starts with the date is used whole).",
                ),
            ],
        ),
        inspect.Parameter(
            "no_commit",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[
                bool, typer.Option("--no-commit", help="Write the file but do not commit it.")
            ],
        ),
        inspect.Parameter(
            "edit",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[
                bool,
                typer.Option("--edit", help="Open $EDITOR on a filled-in template instead."),
            ],
        ),
        inspect.Parameter("late", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=_LATE),
    ]

    def command(ctx: typer.Context, **values: Any) -> None:
        _add(ctx, kind, values)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    required = [s.option for s in specs if s.required and s.name != "date"]
    one = typer.Typer(add_completion=False, rich_markup_mode=None)
    one.command(
        name=kind,
        help=f"{KIND_HELP[kind]}\n\nRequired: {', '.join(required)}. "
        "In a terminal, what is missing is asked for.",
        short_help=KIND_HELP[kind],
    )(command)
    return typer.main.get_command(one)


# --- jw add ---------------------------------------------------------------------------------------


def _add(ctx: typer.Context, kind: str, values: dict[str, Any]) -> None:
    from jwcli import output
    from jwcli.load.repo import load_repo
    from jwcli.write import records as w

    opts = options(ctx)
    root = repo_root(opts)
    today = today_of(opts)
    slug = values.pop("record_id", None)
    no_commit = bool(values.pop("no_commit", False))
    edit = bool(values.pop("edit", False))
    late = bool(values.pop("late", False))
    rel = load_repo(root)

    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for spec in w.field_specs(kind):
        try:
            value = w.convert(spec, values.get(spec.name))
        except w.FieldProblem as exc:
            problems[spec.name] = str(exc)
            continue
        value = w.quarter_value(spec, value, today, rel.fiscal_year_start)
        if value is not None:
            data[spec.name] = value
    data.setdefault("date", today.isoformat())
    for name, message in w.model_problems(kind, data).items():
        problems.setdefault(name, message)
    for name, message in w.reference_problems(kind, data, rel).items():
        problems.setdefault(name, message)
    if "summary" not in data and not problems:
        summary = w.default_summary(kind, data, rel)
        if summary is not None:
            data["summary"] = summary

    if edit:
        if problems:
            raise UsageError("\n  ".join(w.problems_as_text(problems, kind)))
        data = _edit(kind, data, rel, today)
    else:
        missing = w.missing_fields(kind, data)
        if problems or (missing and not interactive()):
            lines = w.problems_as_text(problems, kind)
            if missing:
                lines.append(
                    f"missing {w.field_names(missing, kind)}: give "
                    f"{'it as an option' if len(missing) == 1 else 'them as options'}, or run "
                    f"`jw add {kind}` in a terminal to be asked"
                )
            raise UsageError("\n  ".join(lines))
        if kind == "escalation" and "trigger" not in data and interactive():
            data = _offer_triggers(data, rel, today)
            missing = w.missing_fields(kind, data)
        if missing:
            output.add_intro(kind, w.KIND_HELP[kind])
            data = _ask_missing(kind, data, rel, today)
    if kind == "escalation":
        data = _with_quarter(data, rel)

    from jwcli.model.relationship import RecordEntry

    if kind == "measurement" and not data.get("supersedes"):
        data = _offer_supersedes(data, rel)
    draft = w.draft_record(rel, kind, data, slug)
    _check_write_commit(
        root,
        rel,
        today,
        draft,
        w.add_record_entry(draft),
        None if no_commit else f"jw: add {kind} {draft.id}",
        {"Jw-Kind": kind, "Jw-Record": draft.id},
        f"{kind} {draft.id}",
        late=late,
        records=[RecordEntry(draft.id, draft.path, draft.model)],
    )


def _offer_triggers(data: dict[str, Any], rel: Any, today: Any) -> dict[str, Any]:
    """Guided escalation: offer the fired, unanswered triggers; the one picked fills in the
    trigger, its quarter, the party and the level (what was given already stays)."""
    from jwcli import output
    from jwcli.analysis.status import unanswered_triggers
    from jwcli.checks.validate import validate
    from jwcli.write import records as w

    if rel.charter is None or any(f.is_error for f in validate(rel, today)):
        return data  # scoring needs valid data: ask field by field instead
    offers = list(unanswered_triggers(rel, today))
    if not offers:
        return data
    output.add_trigger_offers(offers, today)
    answer = typer.prompt("answer which (blank: none)", default="", err=True).strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(offers):
        return data
    picked = offers[int(answer) - 1]
    raw = {
        "trigger": picked.trigger,
        "quarter": picked.quarter,
        "parties": [picked.party],
        "level": str(picked.level),
    }
    filled = {name: w.convert(w.spec_of("escalation", name), v) for name, v in raw.items()}
    return {**filled, **data}


def _with_quarter(data: dict[str, Any], rel: Any) -> dict[str, Any]:
    """`jw add escalation` always writes the quarter it is about (its default made explicit)."""
    import datetime as dt

    from jwcli.analysis.triggers import default_quarter

    if data.get("quarter") or rel.charter is None:
        return data
    try:
        day = dt.date.fromisoformat(str(data.get("date")))
    except ValueError:
        return data  # the date's own problem is reported when the record is checked
    named = data.get("trigger") or []
    names = [named] if isinstance(named, str) else list(named)
    return {**data, "quarter": str(default_quarter(rel.charter, day, names))}


def _check_write_commit(
    root: Any,
    rel: Any,
    today: Any,
    draft: Any,
    entry: Any,
    message: str | None,
    trailers: dict[str, str],
    described: str,
    *,
    late: bool = False,
    records: list[Any] | None = None,
    assessments: list[Any] | None = None,
) -> None:
    """What `jw add` and `jw assess` share: refuse a draft that adds an error or that is late
    for a closed quarter without `--late` (asked at a terminal), write it create-only, then
    commit it (`message` None: --no-commit)."""
    from jwcli import output
    from jwcli.actions import add as act

    plan = act.plan(
        root, rel, today, draft, entry, records=records or [], assessments=assessments or []
    )
    output.add_findings(plan.addition, draft.path)
    if plan.addition.blocked:
        raise typer.Exit(int(ExitCode.FINDINGS))
    if plan.late and not late:
        output.late_data(plan.late, draft.path, asking=interactive())
        if not interactive() or not typer.confirm("Add it anyway?", default=False, err=True):
            output.late_refused(draft.path)
            raise typer.Exit(int(ExitCode.FINDINGS))
    elif late and not plan.late:
        output.late_ignored(draft.path)
    if plan.also_commit and message is not None:
        output.also_committing(plan.also_commit)
    commit = act.write(root, draft, plan, message, trailers)
    output.add_done(described, draft.path, commit)


def _offer_supersedes(data: dict[str, Any], rel: Any) -> dict[str, Any]:
    """A second reading of a KPI for a period corrects the first (lifecycle.md): offer the
    `supersedes` at a terminal, else say how to give it (validation refuses the record)."""
    from jwcli import output
    from jwcli.actions.add import live_measurements

    earlier = live_measurements(rel, str(data.get("kpi", "")), str(data.get("period", "")))
    if not earlier:
        return data
    output.earlier_measurements(earlier)
    ids = [rid for rid, _ in earlier]
    if interactive() and typer.confirm(
        f"Does this one correct {', '.join(ids)} (supersedes)?", default=True, err=True
    ):
        return {**data, "supersedes": ids[0] if len(ids) == 1 else ids}
    output.supersedes_hint(ids)
    return data


def _ask_missing(kind: str, data: dict[str, Any], rel: Any, today: Any) -> dict[str, Any]:
    from jwcli.write import records as w

    while True:
        missing = w.missing_fields(kind, data)
        if not missing:
            break
        spec = w.spec_of(kind, missing[0])
        if spec.shape == "mapping":
            data[spec.name] = _ask_mapping(spec, rel)
        else:
            data[spec.name] = _ask_field(kind, spec, data, rel, today)
    for name in w.ASKED_WHEN_PROMPTING.get(kind, ()):
        if data.get(name) is None:
            value = _ask_field(kind, w.spec_of(kind, name), data, rel, today, optional=True)
            if value is not None:
                data[name] = value
    return data


def _from_numbers(answer: str, choices: list[Any], spec: FieldSpec) -> str:
    """`2` (or `1,3` for a list) picks from the numbered choices shown; ids pass through."""
    if not choices or spec.numeric:
        return answer
    picked = []
    for part in answer.split(",") if spec.shape == "list" else [answer]:
        item = part.strip()
        if item.isdigit() and 1 <= int(item) <= len(choices):
            item = choices[int(item) - 1].value
        picked.append(item)
    return ",".join(picked)


def _ask_field(
    kind: str,
    spec: FieldSpec,
    data: dict[str, Any],
    rel: Any,
    today: Any,
    *,
    optional: bool = False,
) -> Any:
    from jwcli import output
    from jwcli.write import records as w

    choices = w.choices_for(spec, rel, today)
    output.add_question(spec.name, spec.help, choices)
    default = "" if optional else w.prompt_default(kind, spec.name, data, rel, today)
    while True:
        answer = typer.prompt(
            w.prompt_for(kind, spec.name), default=default, show_default=bool(default), err=True
        )
        try:
            value = w.convert(spec, _from_numbers(answer, choices, spec))
        except w.FieldProblem as exc:
            output.add_problem(str(exc))
            continue
        value = w.quarter_value(spec, value, today, rel.fiscal_year_start)
        if value is None and optional:
            return None
        if value is None:
            output.add_problem(f"{spec.name} is required")
            continue
        trial = {**data, spec.name: value}
        problem = w.model_problems(kind, trial).get(spec.name) or w.reference_problems(
            kind, trial, rel, only=spec.name
        ).get(spec.name)
        if problem:
            output.add_problem(problem)
            continue
        return value


def _ask_mapping(spec: FieldSpec, rel: Any) -> dict[str, list[str]]:
    from jwcli import output
    from jwcli.write import records as w

    parties = rel.charter.party_ids() if rel.charter else []
    output.add_question(spec.name, "Who attended, per party: names separated by commas.", [])
    while True:
        found: dict[str, list[str]] = {}
        for party in parties:
            answer = typer.prompt(
                f"{spec.name} for {party} (blank: nobody)", default="", show_default=False, err=True
            )
            try:
                names = w.convert(
                    w.FieldSpec("names", "list", False, "", split_commas=True), answer
                )
            except w.FieldProblem as exc:
                output.add_problem(str(exc))
                names = None
            if names:
                found[party] = names
        if found:
            return found
        output.add_problem("name at least one attendee")


# --- --edit ---------------------------------------------------------------------------------------


def _run_editor(path: Path) -> None:
    """Open the person's editor on `path` and wait for it to close.

    The editor is the person's own program, run in their terminal with nothing captured; the
    layering test lists this module as one of the three that may launch a program.
    """
    import shlex
    import shutil
    import subprocess

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    editor = editor or ("notepad" if os.name == "nt" else "vi")
    argv = shlex.split(editor)
    found = shutil.which(argv[0]) if argv else None
    if found is None:
        raise EnvironmentProblem(
            f"the editor `{editor}` was not found",
            hint="set EDITOR to your editor, e.g. `export EDITOR=nano`, or give the fields as "
            "options without --edit",
        )
    status = subprocess.run([found, *argv[1:], str(path)], check=False).returncode
    if status != 0:
        raise EnvironmentProblem(
            f"the editor `{editor}` exited with status {status}; your text is kept in {path}",
            hint="fix the editor setting (EDITOR) and run the command again",
        )


def _edit(kind: str, data: dict[str, Any], rel: Any, today: Any) -> dict[str, Any]:
    import tempfile

    from jwcli import output
    from jwcli.write import records as w

    text = w.edit_template(kind, data, rel, today)
    fd, name = tempfile.mkstemp(prefix=f"jw-add-{kind}-", suffix=".yaml")
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    while True:
        _run_editor(path)
        edited = path.read_text(encoding="utf-8")
        try:
            result = w.parse_edited(kind, edited, rel)
        except UsageError as exc:
            output.add_problem(str(exc))
            if interactive() and typer.confirm("Edit it again?", default=True, err=True):
                continue
            raise UsageError(
                f"the record was not written; your text is kept in {path}",
                hint=f"fix it and run `jw add {kind} --edit` again, or copy it by hand",
            ) from None
        path.unlink(missing_ok=True)
        return result


# --- jw assess ------------------------------------------------------------------------------------


@app.command()
def assess(
    ctx: typer.Context,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            "-q",
            metavar="QUARTER",
            help="The quarter rated: 2026-Q1 (also 2026Q1, Q1 2026), `last` or `current`.",
            autocompletion=complete_quarters,
        ),
    ] = None,
    assessor: Annotated[
        str | None,
        typer.Option(
            "--assessor",
            metavar="PARTY",
            help="The party giving the ratings.",
            autocompletion=complete_parties,
        ),
    ] = None,
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party",
            "-p",
            metavar="PARTY",
            help="A party to rate (repeat; default: every party, the assessor included, "
            "which is its self-rating).",
            autocompletion=complete_parties,
        ),
    ] = None,
    rating: Annotated[
        list[str] | None,
        typer.Option(
            "--rating",
            "-r",
            metavar="PARTY:BEHAVIOUR=N[:ID+ID]",
            help="For scripts, instead of questions: one rating 1-5, with the ids of the "
            "records that back it joined by `+`, e.g. "
            "acme:objectives-met=4:2026-06-12-patching-delivered. Repeat for each rating.",
        ),
    ] = None,
    note: Annotated[
        list[str] | None,
        typer.Option(
            "--note",
            metavar="PARTY:BEHAVIOUR=TEXT",
            help="A note on one of the --rating ratings, e.g. "
            'acme:commercial-trust="Two deadlines moved without notice."',
        ),
    ] = None,
    no_commit: Annotated[
        bool, typer.Option("--no-commit", help="Write the file but do not commit it.")
    ] = False,
    late: _LATE = False,
    form: Annotated[
        bool,
        typer.Option(
            "--form",
            help="Write an xlsx form to fill in offline instead of asking; read it back with "
            "`jw import assessment FILE.xlsx`.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE.xlsx",
            help="With --form: where to write it (default: assessment-<quarter>-<assessor>.xlsx "
            "here).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Rate the ten behaviours of each party (yourself too) for a quarter, with evidence.

    In a terminal it asks, behaviour by behaviour, showing what good looks like and the quarter's
    records about it; a blank rating skips. Writes assessments/<quarter>/<assessor>.yaml (never
    over an existing one) and commits it.
    """
    from jwcli import output
    from jwcli.load.repo import load_repo
    from jwcli.write import assess as a

    opts = options(ctx)
    root = repo_root(opts)
    today = today_of(opts)
    rel = load_repo(root)
    if rel.charter is None:
        raise DataInvalid("charter.yaml does not load; run `jw validate` and fix it first")
    parties = rel.charter.party_ids()
    fsm = rel.fiscal_year_start
    if form and (rating or note):
        raise UsageError("--form writes a form to fill in: leave out --rating and --note")
    if out is not None and not form:
        raise UsageError("--out is for --form: add --form to write a form")
    ask = interactive() and not rating

    missing = [o for o, v in (("--quarter", quarter), ("--assessor", assessor)) if v is None]
    if missing and not ask:
        raise UsageError(
            f"missing {', '.join(missing)}: give them as options, or run `jw assess` in a "
            "terminal to be asked"
        )
    if quarter is None:
        default = str(a.resolve_quarter("last", today, fsm))
        quarter = typer.prompt("Quarter", default=default, err=True)
    the_quarter = a.resolve_quarter(quarter, today, fsm)
    if assessor is None:
        output.add_question("assessor", "The party giving the ratings (you).", _party_choices(rel))
        assessor = _ask_party(parties)
    if assessor not in parties:
        raise UsageError(f"unknown party `{assessor}`; known: {', '.join(parties)}")
    targets = list(dict.fromkeys(party or parties))
    unknown = [p for p in targets if p not in parties]
    if unknown:
        raise UsageError(f"unknown party `{unknown[0]}`; known: {', '.join(parties)}")
    a.refuse_existing(root, the_quarter, assessor)
    if form:
        from jwcli.commands.importing import write_assessment_form

        write_assessment_form(rel, the_quarter, assessor, targets, today, out)
        return

    if rating:
        given = _given_ratings(rel, rating, note or [], targets)
    elif ask:
        given = _ask_ratings(rel, the_quarter, assessor, targets)
    else:
        raise UsageError(
            "nothing to rate: give --rating PARTY:BEHAVIOUR=N (see `jw assess --help`), or run "
            "`jw assess` in a terminal to be asked"
        )
    ratings = a.ratings_data(given)
    if not ratings:
        output.assess_nothing()
        return
    from jwcli.model.relationship import AssessmentEntry

    draft = a.draft_assessment(root, the_quarter, assessor, today, ratings)
    _check_write_commit(
        root,
        rel,
        today,
        draft,
        a.add_assessment_entry(draft, the_quarter),
        None if no_commit else f"jw: assess {the_quarter} {assessor}",
        {"Jw-Kind": "assessment", "Jw-Quarter": str(the_quarter), "Jw-Assessor": assessor},
        f"assessment {the_quarter} by {assessor}",
        late=late,
        assessments=[AssessmentEntry(draft.path, str(the_quarter), assessor, draft.model)],
    )


Ratings = dict[str, dict[str, tuple[int, list[str], str | None]]]


def _party_choices(rel: Any) -> list[Any]:
    from jwcli.write.records import Choice

    return [Choice(p.id, p.name) for p in rel.charter.parties]


def _ask_party(parties: list[str]) -> str:
    from jwcli import output

    while True:
        answer = str(typer.prompt("assessor", err=True)).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(parties):
            return parties[int(answer) - 1]
        if answer in parties:
            return answer
        output.add_problem(f"unknown party `{answer}`; known: {', '.join(parties)}")


def _given_ratings(rel: Any, texts: list[str], notes: list[str], targets: list[str]) -> Ratings:
    from jwcli.write import assess as a

    given: Ratings = {}
    for text in texts:
        item = a.parse_rating_option(text)
        if item.party not in targets:
            raise UsageError(
                f"--rating `{text}`: `{item.party}` is not a party being rated "
                f"({', '.join(targets)})"
            )
        unknown = a.unknown_evidence(rel, item.evidence)
        if unknown:
            raise UsageError(f"--rating `{text}`: `{unknown[0]}` names no record in records/")
        if item.behaviour in given.get(item.party, {}):
            raise UsageError(f"--rating: {item.party}:{item.behaviour} is rated twice")
        given.setdefault(item.party, {})[item.behaviour] = (item.rating, list(item.evidence), None)
    for text in notes:
        who, behaviour, body = a.parse_note_option(text)
        if behaviour not in given.get(who, {}):
            raise UsageError(f"--note `{text}`: no --rating for {who}:{behaviour}")
        value, evidence, _ = given[who][behaviour]
        given[who][behaviour] = (value, evidence, _clean(body) or None)
    return given


def _clean(text: str) -> str:
    from jwcli.write.records import FieldProblem, clean_text

    try:
        return clean_text(text)
    except FieldProblem as exc:
        raise UsageError(str(exc)) from None


def _ask_ratings(rel: Any, quarter: Any, assessor: str, targets: list[str]) -> Ratings:
    from jwcli import output
    from jwcli.model.common import BEHAVIOURS
    from jwcli.write import assess as a
    from jwcli.write.records import FieldProblem, clean_text

    names = {p.id: p.name for p in rel.charter.parties}
    given: Ratings = {}
    for party in targets:
        output.assess_party(party, names.get(party, party), party == assessor, str(quarter))
        for number, (behaviour, title) in enumerate(BEHAVIOURS.items(), 1):
            evidence = a.evidence_for(rel, party, behaviour, quarter)
            output.assess_behaviour(
                number, behaviour, title, a.GOOD_LOOKS_LIKE[behaviour], evidence
            )
            value = _ask_rating()
            if value is None:
                continue
            ids = _ask_evidence(rel, evidence)
            while True:
                text = typer.prompt("Note (blank: none)", default="", show_default=False, err=True)
                try:
                    body = clean_text(text)
                    break
                except FieldProblem as exc:
                    output.add_problem(str(exc))
            given.setdefault(party, {})[behaviour] = (value, ids, body or None)
    return given


def _ask_rating() -> int | None:
    from jwcli import output
    from jwcli.write.assess import parse_rating

    while True:
        answer = typer.prompt(
            "Rating 1-5 (blank: skip)", default="", show_default=False, err=True
        ).strip()
        if not answer:
            return None
        value = parse_rating(answer)
        if value is not None:
            return value
        output.add_problem(
            f"`{answer}` is not a rating: answer a whole number from 1 to 5, or blank"
        )


def _ask_evidence(rel: Any, shown: list[Any]) -> list[str]:
    from jwcli import output
    from jwcli.write.assess import unknown_evidence

    while True:
        answer = typer.prompt(
            "Evidence: record ids or numbers above, comma-separated (blank: none)",
            default="",
            show_default=False,
            err=True,
        )
        ids = []
        for part in answer.split(","):
            item = part.strip()
            if item.isdigit() and 1 <= int(item) <= len(shown):
                item = shown[int(item) - 1].id
            if item and item not in ids:
                ids.append(item)
        unknown = unknown_evidence(rel, ids)
        if not unknown:
            return ids
        output.add_problem(f"`{unknown[0]}` names no record in records/; give existing record ids")
