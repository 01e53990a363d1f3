"""Everything jw shows a person or a program: findings, tables, JSON. Nothing else prints."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jwcli.behaviours import BEHAVIOUR_SHORT
from jwcli.model.findings import Finding, visible


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_prop(text: str) -> str:
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def one_line(text: str) -> str:
    """Keep a finding on its own line: data must never forge another `path:line:col` line, nor
    send the terminal an escape sequence (see `visible`)."""
    return visible(text)


def escaped_lines(message: str) -> str:
    """A multi-line message (a fix on its own line) with every line escaped as `visible`."""
    return "\n".join(visible(line) for line in message.split("\n"))


def shown(path: object) -> str:
    """A path as printed for people: control characters and newlines escaped."""
    return visible(str(path))


def findings(found: Sequence[Finding], fmt: str, *, files: int, view: Any = None) -> None:
    """Print `found`; `view` (checks.shown.Shown), when given, holds the warnings of closed
    quarters that text and github formats count in one line and JSON lists with the rest."""
    errors = sum(1 for f in found if f.is_error)
    warnings = len(found) - errors
    hidden = list(view.hidden) if view is not None else []
    if fmt == "json":
        closed = view.closed if view is not None else frozenset()
        every = sorted([*found, *hidden], key=Finding.sort_key)
        payload = {
            "files": files,
            "errors": errors,
            "warnings": warnings + len(hidden),
            "not_shown": len(hidden),
            "findings": [{**f.as_dict(), "closed": f.quarter in closed} for f in every],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    lines = []
    for f in found:
        if fmt == "github":
            level = "error" if f.is_error else "warning"
            lines.append(
                f"::{level} file={_github_prop(visible(f.path))},line={f.line or 1},"
                f"col={f.col or 1},title={_github_prop('jw ' + f.rule)}::"
                f"{_github_escape(visible(f.message))}"
            )
        else:
            lines.append(f"{f.location()}: {f.severity}: {one_line(f.message)}")
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    summary = (
        f"{files} files checked: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    print(summary, file=sys.stderr)
    if hidden:
        n = len(hidden)
        quarters = ", ".join(view.hidden_quarters)
        print(
            f"{n} warning{'s' * (n != 1)} in closed quarter{'s' * (len(view.hidden_quarters) != 1)}"
            f" {quarters} not shown: jw validate --all",
            file=sys.stderr,
        )


def templates(items: Iterable[tuple[str, str]]) -> None:
    for name, description in items:
        print(f"{name:<24} {description}")


def initialised(result: Any) -> None:
    print(f"Created a relationship repository in {shown(result.root)}")
    for path in result.created:
        print(f"  {shown(path)}")
    if result.committed:
        print("  and a git repository with a first commit")
    elif not result.git:
        print("  without a git repository (--no-git): run `git init -b main` and commit the")
        print("  files before recording anything, since git history is the audit trail")
    print("Next: fill in charter.yaml and baselines.yaml, then run `jw validate`.")
    print(
        "The charter is a draft until every party agrees it. When they do, record it (this\n"
        "commits the charter with the agreement): "
        "jw add amendment --version 1 --agreed-by <every party id, comma-separated>"
    )


def written(paths: Iterable[Path]) -> None:
    for path in paths:
        print(f"wrote {shown(path)}")


# -- jw score ---------------------------------------------------------------------------------

_RAG_STYLE = {"green": "bold green", "amber": "bold yellow", "red": "bold red"}
_RAG_LETTER = {"green": "G", "amber": "A", "red": "R"}
_ARROWS = {"up": "↑", "down": "↓", "level": "→"}
_ASCII_ARROWS = {"up": "^", "down": "v", "level": "="}
CSV_COLUMNS = (
    "quarter",
    "party",
    "party_name",
    "behaviour",
    "title",
    "score",
    "rag",
    "trend",
    "indicator",
    "observations",
    "peer_rating",
    "indicator_x",
    "savings_progress",
    "budget_adherence",
    "confidence",
    "overall",
    "overall_rag",
    "records",
)


def scorecard_json(card: Any, signed_off: Any = None) -> None:
    """The scorecard as the JSON document of commands.md, on stdout, never coloured;
    `signed_off` is null while the quarter is open (lifecycle.md)."""
    data = card.to_json()
    data["signed_off"] = signed_off.to_json() if signed_off is not None else None
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def scorecard_csv(card: Any) -> None:
    """One row per party and behaviour, in the stable columns of CSV_COLUMNS.

    Figures are written as reported (scores to 2 decimals, rates to 4), empty where absent.
    """
    import csv

    from jwcli.model.scores import rate4

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for party in card.parties:
        for b in party.behaviours:
            comps = [b.components.get(n) for n in ("indicator", "observations", "peer_rating")]
            writer.writerow(
                _csv_cell(v)
                for v in (
                    card.quarter,
                    party.party,
                    party.name,
                    b.id,
                    b.title,
                    b.reported,
                    b.rag,
                    b.trend,
                    *(c.reported if c is not None else None for c in comps),
                    rate4(b.indicator_x),
                    rate4(b.parts.get("savings_progress")),
                    rate4(b.parts.get("budget_adherence")),
                    b.confidence,
                    party.reported,
                    party.overall_rag,
                    " ".join(b.records),
                )
            )


def _csv_cell(value: Any) -> str:
    from jwcli.export.writers import csv_safe

    # names and titles come from the charter: never a formula in the reader's spreadsheet
    return "" if value is None else csv_safe(str(value))


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, emoji=False)


def _fancy(console: Any) -> bool:
    return str(console.encoding).lower().replace("_", "-").startswith("utf")


def _score_text(score: Any, rag: str | None, trend: str | None, fancy: bool) -> Any:
    """A score cell: the figure, its RAG as a letter (colour is not the only signal), a trend."""
    from rich.text import Text

    if score is None:
        return Text("–" if fancy else "-", style="dim")
    arrows = _ARROWS if fancy else _ASCII_ARROWS
    style = _RAG_STYLE.get(rag or "", "")
    text = Text(f"{score:.2f} {_RAG_LETTER.get(rag or '', '?')}", style=style)
    if trend is not None:
        text.append(" " + arrows[trend])
    return text


def _indented(console: Any, text: Any, indent: int) -> None:
    """Print a Text wrapped to the console's width, every line indented, no trailing spaces."""
    from rich.text import Text

    for line in text.wrap(console, max(console.width - indent, 20)):
        line.rstrip()
        console.print(Text.assemble(" " * indent, line), soft_wrap=True)


# width of the behaviour column (its longest short name, padded and bordered), and the width a
# score cell needs ("0.00 A ↑")
_LABEL_WIDTH = 1 + 1 + max(len(v) for v in BEHAVIOUR_SHORT.values()) + 1
_CELL_WIDTH = len("0.00 A ↑")


def _party_chunks(parties: list[Any], width: int) -> list[list[Any]]:
    """Parties packed in order into tables that fit `width`; a long id folds in its header."""
    room = max(width - _LABEL_WIDTH - 1, _CELL_WIDTH + 3)
    chunks: list[list[Any]] = [[]]
    used = 0
    for party in parties:
        need = min(max(_CELL_WIDTH, len(party.party)), room - 3) + 3
        if chunks[-1] and used + need > room:
            chunks.append([])
            used = 0
        chunks[-1].append(party)
        used += need
    return chunks


def _score_tables(console: Any, card: Any, fancy: bool) -> None:
    """Behaviours down, parties across; as many tables as it takes to stay within the width."""
    from rich.table import Table
    from rich.text import Text

    room = max(console.width - _LABEL_WIDTH - 1, _CELL_WIDTH + 3)
    for chunk in _party_chunks(list(card.parties), console.width):
        table = Table(header_style="bold")
        table.add_column(Text("Behaviour"), no_wrap=True)
        for party in chunk:
            table.add_column(
                Text(party.party),
                overflow="fold",
                min_width=_CELL_WIDTH,
                max_width=max(_CELL_WIDTH, room - 3),
            )
        for behaviour_id, short in BEHAVIOUR_SHORT.items():
            cells = [
                _score_text(b.reported, b.rag, b.trend, fancy)
                for b in (party.behaviour(behaviour_id) for party in chunk)
            ]
            table.add_row(Text(short), *cells)
        table.add_section()
        table.add_row(
            Text("Overall", style="bold"),
            *(_score_text(p.reported, p.overall_rag, None, fancy) for p in chunk),
        )
        console.print(table)


def scorecard_table(card: Any, *, explain: bool = False, signed_off: Any = None) -> None:
    """The scorecard for a person: behaviours down, parties across, then alignment and triggers.

    Every piece of data is a rich Text (never markup), so `[/bold]` in a name prints as written.
    """
    from rich.text import Text

    console = _console()
    fancy = _fancy(console)
    dash = "–" if fancy else "-"
    console.print(
        Text.assemble(
            (card.relationship, "bold"),
            f" {card.quarter} ({card.start} to {card.end}), as of {card.as_of}",
            (" (provisional: the quarter is not finished)" if card.provisional else "", "bold"),
        )
    )
    if signed_off is not None:
        _signed_off_lines(console, signed_off)
    if not card.scored:
        console.print(
            Text(f"{card.quarter} ends before the charter's effective date: it is not scored.")
        )
        return
    health = Text("Health ", style="bold")
    if card.health_rag:
        health.append(f"{card.reported_health:.2f} {card.health_rag}", _RAG_STYLE[card.health_rag])
    else:
        health.append(f"{dash} no data")
    console.print(health)

    _score_tables(console, card, fancy)
    legend = "G green, A amber, R red; "
    legend += "↑ up, ↓ down, → level" if fancy else "^ up, v down, = level"
    legend += f" against last quarter; {dash} no data"
    _indented(console, Text(legend, style="dim"), 0)
    for party in card.parties:
        _indented(console, Text.assemble((party.party, "bold"), f" = {party.name}"), 0)

    console.print(Text("\nAlignment", style="bold"))
    if not card.alignment:
        console.print(Text("  no flags: spreads under 2, self gaps under 1.5"))
    for flag in card.alignment:
        parts = []
        if flag.misaligned:
            ratings = ", ".join(str(r) for r in flag.peer_ratings)
            parts.append(f"spread {flag.spread} (peer ratings {ratings}): misaligned")
        if flag.gap_flagged:
            gap = flag.to_json()["self_gap"]
            view = "better" if gap > 0 else "worse"
            parts.append(f"self gap {gap:+.2f}: sees itself {view} than its partners do")
        line = Text(f"{flag.party} · {BEHAVIOUR_SHORT[flag.behaviour]}: " + "; ".join(parts))
        _indented(console, line, 2)

    console.print(Text("\nTriggers", style="bold"))
    if not card.triggers:
        console.print(Text("  none fired"))
    for t in card.triggers:
        sign = "<" if t.comparison == "below" else ">"
        run = f" for {t.for_quarters} quarters" if t.for_quarters > 1 else ""
        line = Text()
        if t.provisional:
            line.append("? at risk ", style="bold yellow")
        elif t.answered_by:
            line.append("✓ " if fancy else "+ ", style="bold green")
        else:
            line.append("! ", style="bold red")
        line.append(t.trigger, style="bold")
        line.append(f" · {t.party}: {t.metric} {t.value} {sign} {t.threshold}{run}")
        if t.behaviours:
            line.append(" (" + ", ".join(BEHAVIOUR_SHORT[b] for b in t.behaviours) + ")")
        _indented(console, line, 2)
        _indented(console, Text(f"level {t.level}, {t.name}: {t.action}"), 4)
        if t.provisional:
            answer = "would fire if the quarter ended now; not counted as fired"
        elif t.answered_by:
            answer = f"answered by {t.answered_by}"
        elif t.acknowledged_by:
            answer = f"missed; acknowledged late by {t.acknowledged_by}"
        elif card.today is not None and t.missed(card.today):
            answer = "missed: not answered by then"
        else:
            answer = "not yet answered"
        _indented(console, Text(f"respond by {t.respond_by}; {answer}"), 4)

    if explain:
        _explain(console, card, fancy)


def figure_text(value: Any) -> str:
    """A signed-off or current figure: a score to 2 decimals, or whether a trigger fired."""
    if isinstance(value, bool):
        return "fired" if value else "not fired"
    return "-" if value is None else f"{value:.2f}"


def _signed_off_lines(console: Any, so: Any) -> None:
    from rich.text import Text

    tag = f", tag {so.tag}" if so.tag else ", its review/ tag is missing or moved"
    console.print(
        Text(f"signed off on {so.date} (commit {so.commit[:12]}{tag}; figures as of {so.as_of})")
    )
    if not so.changed:
        _indented(console, Text("no figure differs from the signed-off figures"), 2)
        return
    _indented(console, Text("changed since sign-off (was -> now):", style="bold"), 2)
    for c in so.changed:
        figure = c.figure if c.party is None else f"{c.party} {c.figure}"
        causes = ", ".join(_plain(x) for x in c.causes)
        line = f"{figure}: {figure_text(c.was)} -> {figure_text(c.now)}; because of {causes}"
        _indented(console, Text(line), 4)


def _explain(console: Any, card: Any, fancy: bool) -> None:
    """Every behaviour of every party: each component, its formula, inputs and records."""
    from rich.text import Text

    dash = "–" if fancy else "-"
    names = {"indicator": "indicator", "observations": "observations", "peer_rating": "peer rating"}
    for party in card.parties:
        console.print(Text.assemble("\n", (f"{party.party} ({party.name})", "bold")))
        for b in party.behaviours:
            head = Text(f"{b.title}: ")
            head.append_text(_score_text(b.reported, b.rag, b.trend, fancy))
            if b.score is not None:
                head.append(f", confidence {b.confidence}")
            _indented(console, head, 2)
            for key, label in names.items():
                c = b.components.get(key)
                if c is None:
                    why = f" ({b.note})" if key == "indicator" and b.note else ""
                    _indented(console, Text(f"{label} {dash}{why}", style="dim"), 4)
                    continue
                _indented(console, Text(f"{label} {c.reported}: {c.formula}"), 4)
                for name, value in c.inputs:
                    _indented(console, Text(f"{name}: {value}"), 6)
                if c.records:
                    _indented(console, Text("records: " + ", ".join(c.records)), 6)
        for rid, why in party.left_out:
            _indented(console, Text(f"left out: {rid}: {why}", style="dim"), 2)


# --- jw review ---------------------------------------------------------------------------------


def review_refused(invalid: Any) -> None:
    """The findings that stop `jw review` (as `jw validate` prints them), then why it stopped."""
    found = [f for f in invalid.findings if isinstance(f, Finding)]
    if found:
        sys.stdout.write(
            "".join(f"{f.location()}: {f.severity}: {one_line(f.message)}\n" for f in found)
        )
        sys.stdout.flush()
    print(f"jw: error: {escaped_lines(invalid.message)}", file=sys.stderr)


def review_written(result: Any) -> None:
    """Where the pack went, and the commit and tag when the review was closed."""
    if result.retagged:
        print(f"{result.quarter} was already closed by {result.commit[:12]}; put back its tag")
        print(f"tagged {result.tag}")
        return
    if result.unmeasured:
        print(
            f"closing {result.quarter} ends its measurement grace: these KPIs have no "
            f"measurement and count 0: {', '.join(result.unmeasured)}"
        )
    if result.draft_charter:
        print("note: the charter is still a draft; the pack and the commit say so", file=sys.stderr)
    for path in result.written:
        print(f"wrote {shown(path)}")
    source = result.source
    if source is not None and source.dirty:
        print(
            "note: the working tree has uncommitted changes; the pack's cover says so",
            file=sys.stderr,
        )
    if result.commit:
        print(f"committed {result.commit[:12]} and tagged {result.tag}")


# -- jw audit and jw status -------------------------------------------------------------------


def _plain(text: str) -> str:
    """Text from git or the data, safe to print: no control characters reach the terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _records_line(c: Any) -> str:
    """The records a commit touched, by id: at most ten, then how many more."""

    def name(path: str) -> str:  # a record by its id, an assessment by quarter/assessor
        parts = path.removesuffix(".yaml").split("/")
        return "/".join(parts[-2:]) if parts[0] == "assessments" else parts[-1]

    names = [
        f"{sign}{name(path)}"
        for sign, paths in (("+", c.added), ("~", c.modified), ("-", c.deleted))
        for path in paths
    ]
    more = f" and {len(names) - 10} more" if len(names) > 10 else ""
    return _plain(", ".join(names[:10])) + more


def audit_report(report: Any, fmt: str) -> None:
    """Commits one line each (histories are long) with the records each touched, then errors
    and notices one a line; JSON on request."""
    if fmt == "json":
        # no indent: a long history is megabytes, and indenting costs four times the encoding
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
        return
    lines = []
    for c in report.commits:
        parts = ["charter"] if c.charter else []
        parts += ["baselines"] if c.baselines else []
        signed = f" {c.signature}" if report.signatures_checked else ""
        lines.append(
            f"{c.commit[:10]} {c.date[:10]}{signed} {_plain(c.author)[:24]:<24} "
            f"{' '.join(parts):<18} {_plain(c.subject)}"
        )
        if c.added or c.modified or c.deleted:
            lines.append(f"    {_records_line(c)}")
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    # one flag a line, like `jw validate`'s findings: greppable in CI, and a long list does
    # not pay for a table layout
    errors = [f for f in report.flags if f.severity == "error"]
    notices = [f for f in report.flags if f.severity != "error"]

    def line(f: Any) -> str:
        return f"{f.commit[:10]} {_plain(f.path) or '-'}: {f.rule}: {_plain(f.message)}"

    if errors:
        sys.stdout.write("\nErrors:\n" + "\n".join(line(f) for f in errors) + "\n")
    if notices:
        out = ["", "Notices:"]
        late: dict[str, list[Any]] = {}
        for f in notices:
            if f.rule == "late" and f.quarter:
                late.setdefault(f.quarter, []).append(f)
        for quarter, found in sorted(late.items()):
            out.append(f"  late for {quarter}:")
            for f in found:
                # under its quarter's heading the rule and "late for Q: " would only repeat it
                said = _plain(f.message).removeprefix(f"late for {quarter}: ")
                seen = " (acknowledged)" if f.acknowledged else ""
                out.append(f"    {f.commit[:10]} {_plain(f.path) or '-'}: {said}{seen}")
        others = [f for f in notices if not (f.rule == "late" and f.quarter)]
        out += [f"  {line(f)}{' (acknowledged)' if f.acknowledged else ''}" for f in others]
        sys.stdout.write("\n".join(out) + "\n")
    checked = ", signatures checked" if report.signatures_checked else ""
    fsck = ", git fsck clean" if report.fsck == [] else ""
    n, k, m = len(report.commits), len(errors), len(notices)
    open_ = sum(1 for f in notices if not f.acknowledged)
    acknowledged = f" ({m - open_} acknowledged)" if m and open_ != m else ""
    print(
        f"{n} commit{'s' * (n != 1)} touching the data{checked}{fsck}: "
        f"{k} error{'s' * (k != 1)}, {m} notice{'s' * (m != 1)}{acknowledged}",
        file=sys.stderr,
    )


def audit_refused(message: str) -> None:
    print(f"jw audit: {message}", file=sys.stderr)


def _days(n: int) -> str:
    if n == 0:
        return "today"
    unit = "day" if abs(n) == 1 else "days"
    return f"in {n} {unit}" if n > 0 else f"{-n} {unit} ago"


def status_report(st: Any, fmt: str) -> None:
    """`jw status` as a short list a person reads in ten seconds, or JSON."""
    if fmt == "json":
        sys.stdout.write(json.dumps(st.to_json(), indent=2, ensure_ascii=False) + "\n")
        return
    out = [f"{_plain(st.relationship)}: status on {st.today}"]
    r = st.review
    if r is not None:
        late = " (LATE)" if r.days_left < 0 else ""
        meet = "meet today" if r.days_left == 0 else f"meet by {r.meet_by} ({_days(r.days_left)})"
        out.append(f"Next quarterly review: {r.quarter}, {meet}{late}")
        pack = "written" if r.pack_written else ("DUE" if r.pack_is_due else "not yet due")
        pack_days = (r.pack_due - st.today).days
        due = "due today" if pack_days == 0 else f"due {r.pack_due} ({_days(pack_days)})"
        out.append(f"  review pack: {due}, {pack}")
    c = st.check_ins
    last = f"last {c.last} ({_days(-c.days_since)})" if c.last else "none held yet"
    gap = (c.next_due - st.today).days
    # a due date in the past is overdue, not "next"; missed counts this quarter's only
    due = "next due today" if gap == 0 else f"next due {c.next_due} ({_days(gap)})"
    if gap < 0:
        due = f"OVERDUE since {c.next_due} ({_days(gap)})"
    out.append(
        f"Check-ins every {c.every_days} days: {last}; missed this quarter {c.missed}; {due}"
    )
    for title, states in (
        ("Commitments overdue", st.overdue),
        ("Commitments due within 14 days", st.due_soon),
    ):
        out.append(f"{title}: {len(states) or 'none'}")
        for s in states:
            days = (s.effective_due - st.today).days
            due = "due today" if days == 0 else f"due {s.effective_due} ({_days(days)})"
            out.append(f"  {s.id}  {s.party}  {due}, {s.status}: {_plain(s.summary)}")
    unmeasured = ", ".join(st.unmeasured_kpis) or "none"
    if st.measure_by is not None:  # no KPI line for a quarter before the charter's effective date
        out.append(f"KPIs without a measurement for {st.kpi_quarter}: {unmeasured}")
    if st.awaiting_kpis:
        out.append(
            f"  awaiting measurement (grace until {st.measure_by}): {', '.join(st.awaiting_kpis)}"
        )
    out.append(f"Triggers not yet answered: {len(st.unanswered_triggers) or 'none'}")
    for t in st.unanswered_triggers:
        days = (t.respond_by - st.today).days
        by = "respond by today" if days == 0 else f"respond by {t.respond_by}"
        late = " (LATE: missed)" if t.missed(st.today) else ""
        out.append(
            f"  {t.quarter}  {t.trigger}  {t.party}: level {t.level} {_plain(t.name)}, {by}{late}"
        )
    if st.last_close is not None:
        late = st.late_since_close
        out.append(f"Late records since the last sign-off ({st.last_close}): {len(late) or 'none'}")
        out += [f"  {q}  {visible(path)}: {_plain(why)}" for q, _, path, why in late]
    for w in st.escalation_warnings:
        out.append(f"warning: {_plain(w.message)}")
    sys.stdout.write("\n".join(out) + "\n")


def status_overdue(items: list[str]) -> None:
    """Why `jw status --check` fails: each overdue item, on stderr."""
    for item in items:
        print(f"jw status: overdue: {_plain(item)}", file=sys.stderr)


# -- jw add, jw assess --------------------------------------------------------------------------
# The conversation (questions, choices, problems) goes to stderr with the prompts; stdout gets
# only the path of the file written, for scripts.


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def add_intro(kind: str, meaning: str) -> None:
    _say(f"New {kind}: {meaning}")


def add_question(name: str, help_text: str, choices: Sequence[Any]) -> None:
    _say(f"\n{name}: {help_text}")
    for number, choice in enumerate(choices, 1):
        label = f"  {choice.label}" if choice.label else ""
        _say(f"  [{number}] {choice.value}{label}")
    if choices:
        _say("  (answer a number or an id)")


def add_trigger_offers(offers: Sequence[Any], today: Any) -> None:
    """The fired triggers no escalation has answered yet, numbered for guided `jw add`."""
    _say("\nTriggers fired and not yet answered:")
    for number, t in enumerate(offers, 1):
        late = ", LATE" if t.missed(today) else ""
        _say(
            f"  [{number}] {t.quarter} {t.trigger} for {t.party}: level {t.level} "
            f"{_plain(t.name)}, respond by {t.respond_by}{late}"
        )


def add_problem(message: str) -> None:
    _say(f"  not accepted: {message}")


def add_findings(addition: Any, path: str) -> None:
    """What a new file would change: errors already there (not blocking) and the findings it
    adds. Warnings already there are not repeated: they are `jw validate`'s to report."""
    if addition.existing_errors:
        _say(f"Already in the repository, not blocking {shown(path)}:")
        for f in addition.existing_errors:
            _say(f"  {f.location()}: {f.severity}: {one_line(f.message)}")
    for f in addition.new:
        _say(f"{f.location()}: {f.severity}: {one_line(f.message)}")
    if addition.blocked:
        n = len(addition.new_errors)
        _say(f"{shown(path)} would add {n} error{'s' * (n != 1)}: nothing written")


def late_data(late: Sequence[Any], path: str, *, asking: bool) -> None:
    """Each closed quarter a new file would change: when it was signed off, why the file is
    late for it, and the figures it moves (was -> now)."""
    for q in late:
        close = q.close
        _say(
            f"{path} is late for {q.quarter}, signed off on {close.committed} "
            f"(commit {close.commit[:12]}):"
        )
        for reason in q.reasons:
            _say(f"  {one_line(reason)}")
        if q.changed:
            _say("  it changes these figures of the signed-off quarter (was -> now):")
            for c in q.changed:
                figure = c.figure if c.party is None else f"{c.party} {c.figure}"
                _say(f"    {figure}: {figure_text(c.was)} -> {figure_text(c.now)}")
        else:
            _say("  it changes none of the quarter's scores")


def earlier_measurements(earlier: Sequence[tuple[str, str]]) -> None:
    _say("This KPI already has a measurement for that period:")
    for _, line in earlier:
        _say(f"  {one_line(line)}")


def supersedes_hint(ids: Sequence[str]) -> None:
    _say(f"hint: a correction names what it replaces: rerun with --supersedes {','.join(ids)}")


def late_refused(path: str) -> None:
    _say(f"nothing written: {path} changes a signed-off quarter; rerun with --late to add it")


def late_ignored(path: str) -> None:
    _say(f"note: --late ignored: {path} is not late for any closed quarter")


def also_committing(paths: Sequence[str]) -> None:
    _say(f"committing {', '.join(paths)} with it: the amendment agrees that text")


def add_done(what: str, path: str, commit: str | None) -> None:
    print(shown(path))
    state = f"committed as {commit[:12]}" if commit else "not committed (--no-commit)"
    _say(f"jw: added {what} in {shown(path)}, {state}")


def assess_nothing() -> None:
    _say("No ratings given: nothing written.")


def assess_party(party: str, name: str, itself: bool, quarter: str) -> None:
    who = f"{party} ({name})" + (", yourself: a self-rating" if itself else "")
    _say(f"\n=== {quarter}: rating {who} ===")


def assess_behaviour(
    number: int, behaviour: str, title: str, good: str, evidence: Sequence[Any], shown: int = 8
) -> None:
    _say(f"\n[{number}/10] {behaviour}: {title}")
    _say(f"  Good looks like: {good}")
    if not evidence:
        _say("  No records about it this quarter.")
        return
    _say("  This quarter's records:")
    for i, item in enumerate(evidence[:shown], 1):
        _say(f"    [{i}] {item.id}: {item.line}")
    if len(evidence) > shown:
        _say(f"    ... and {len(evidence) - shown} more")


# -- progress (long loads and exports) and jw export --------------------------------------------


class _LazyProgress:
    """A Rich progress bar on stderr that appears only once the work has taken `after` seconds
    and is not nearly done, so quick runs never flash a bar; it vanishes when done."""

    def __init__(self, description: str, after: float) -> None:
        import time

        self._clock = time.monotonic
        self._description = description
        self._after = after
        self._started_at: float | None = None
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if self._started_at is None:
            self._started_at = now
        if self._bar is None:
            if now - self._started_at < self._after or done >= total:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._bar = Progress(
                "{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._description, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _stderr_is_terminal() -> bool:
    import os

    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


@contextmanager
def progress(description: str, *, after: float = 0.5) -> Iterator[Any]:
    """A callback `(done, total)` drawing a progress bar on stderr, or None when stderr is not
    a terminal (CI logs, pipes, tests): library functions skip their reports then."""
    if not _stderr_is_terminal():
        yield None
        return
    bar = _LazyProgress(description, after)
    try:
        yield bar
    finally:
        bar.close()


def raw(data: bytes) -> None:
    """Machine output (`jw export --format json --out -`) to stdout, as it is."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
