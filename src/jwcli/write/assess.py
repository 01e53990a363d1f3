"""New assessments for `jw assess`: the quarter's evidence per behaviour, rating options for
scripts, and the file `assessments/<quarter>/<assessor>.yaml`, checked like a new record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jwcli.analysis.quarters import record_quarter
from jwcli.errors import RefusedToOverwrite, UsageError
from jwcli.load.pydantic_errors import findings_from_errors
from jwcli.model.assessments import Assessment
from jwcli.model.common import BEHAVIOURS
from jwcli.model.records import (
    Amendment,
    Claim,
    Commitment,
    Cost,
    Escalation,
    Innovation,
    Lesson,
    Measurement,
    Meeting,
    Observation,
    RecordBase,
    Saving,
    Update,
)
from jwcli.model.relationship import ASSESSMENTS_DIR, AssessmentEntry, Relationship
from jwcli.quarters import Quarter
from jwcli.write.records import Draft, schema_modeline, to_yaml

# One line each of what good looks like (scoring.md), shown beside each rating question.
GOOD_LOOKS_LIKE: dict[str, str] = {
    "objectives-met": "Delivers what it committed to, when it said; slips are raised early, "
    "one-to-one.",
    "cost-optimisation": "Knows its costs against the baseline and the market; seeks savings "
    "and keeps to budgets.",
    "objectives-aligned": "Its objectives serve named business objectives; KPIs are measured "
    "each period, misses examined.",
    "commercial-trust": "A steady record, quarter after quarter, of doing what was promised; "
    "open about problems.",
    "flexible-charter": "Uses the charter: answers triggers at the right step and amends it "
    "when reality changes.",
    "critical-friend": "Raises uncomfortable truths constructively, and listens when others do.",
    "innovation": "Proposes and tries ideas; failures become shared lessons, not blame.",
    "evidence-based": "Cites records for its claims and ratings; never asks to be believed "
    "without showing.",
    "peer-reputation": "The other partners think well of it and would say so.",
    "internal-alignment": "Turns up to the cadence of meetings and speaks with one voice.",
}

_RATING_RE = re.compile(
    r"^(?P<party>[a-z0-9][a-z0-9-]*):(?P<behaviour>[a-z-]+)=(?P<rating>[^:]*)(?::(?P<evidence>.*))?$"
)
_NOTE_RE = re.compile(r"^(?P<party>[a-z0-9][a-z0-9-]*):(?P<behaviour>[a-z-]+)=(?P<note>.*)$", re.S)


def resolve_quarter(text: str, today: dt.date, fiscal_year_start: int) -> Quarter:
    """A quarter argument: YYYY-Qn and the other spellings of commands.md, `current` or `last`."""
    word = text.strip().lower()
    current = Quarter.of(today, fiscal_year_start)
    if word == "current":
        return current
    if word == "last":
        return current.previous()
    quarter = Quarter.from_argument(text)
    if quarter is None:
        raise UsageError(
            f"`{text}` is not a quarter: write e.g. 2026-Q1 (also 2026Q1, Q1 2026, last, current)"
        )
    return quarter


@dataclass(frozen=True)
class Given:
    """One rating from the command line: `PARTY:BEHAVIOUR=N[:ID+ID]`."""

    party: str
    behaviour: str
    rating: int
    evidence: tuple[str, ...] = ()


def parse_rating_option(text: str) -> Given:
    match = _RATING_RE.match(text.strip())
    if match is None:
        raise UsageError(
            f"--rating `{text}` is not PARTY:BEHAVIOUR=N[:EVIDENCE+EVIDENCE], "
            "e.g. acme:objectives-met=4:2026-06-12-patching-delivered"
        )
    behaviour = match["behaviour"]
    if behaviour not in BEHAVIOURS:
        raise UsageError(
            f"--rating `{text}`: `{behaviour}` is not a behaviour; one of: " + ", ".join(BEHAVIOURS)
        )
    rating = parse_rating(match["rating"])
    if rating is None:
        raise UsageError(f"--rating `{text}`: the rating must be a whole number from 1 to 5")
    evidence = tuple(e.strip() for e in (match["evidence"] or "").split("+") if e.strip())
    return Given(match["party"], behaviour, rating, evidence)


def parse_note_option(text: str) -> tuple[str, str, str]:
    match = _NOTE_RE.match(text)
    if match is None or match["behaviour"] not in BEHAVIOURS:
        raise UsageError(
            f'--note `{text}` is not PARTY:BEHAVIOUR=TEXT, e.g. acme:commercial-trust="Two '
            'deadlines moved without notice."'
        )
    return match["party"], match["behaviour"], match["note"]


def parse_rating(text: str) -> int | None:
    text = text.strip()
    return int(text) if text in ("1", "2", "3", "4", "5") else None


def unknown_evidence(rel: Relationship, ids: Iterable[str]) -> list[str]:
    return [i for i in ids if i not in rel.records]


# --- the quarter's evidence about one behaviour of one party -------------------------------------


@dataclass(frozen=True)
class Evidence:
    id: str
    line: str


def _one_line(text: str, width: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def evidence_for(rel: Relationship, party: str, behaviour: str, quarter: Quarter) -> list[Evidence]:
    """Records of the quarter that bear on `behaviour` for `party`, newest first, then the
    quarter's other records about the party, newest first (every rating can cite evidence).

    Observations naming the behaviour always count; each behaviour adds the kinds its indicator
    is computed from (scoring.md), so the assessor sees what the score will see.
    """
    fsm = rel.fiscal_year_start
    start, end = quarter.start(fsm), quarter.end(fsm)
    label = str(quarter)
    gone = {t for e in rel.records.values() for t in e.record.superseded_ids}
    commitments = {
        e.id: e.record
        for e in rel.records.values()
        if isinstance(e.record, Commitment) and e.record.party == party
    }
    owned_kpis = {k.id for k in rel.charter.kpis if k.owner == party} if rel.charter else set()
    found: list[tuple[dt.date, Evidence]] = []
    others: list[tuple[dt.date, Evidence]] = []
    for entry in rel.records.values():
        r = entry.record
        if entry.id in gone:
            continue
        in_quarter = start <= r.date <= end
        line: str | None = None
        if isinstance(r, Observation):
            if r.party == party and behaviour in r.behaviours and in_quarter:
                line = f"observation ({r.effect}): {_one_line(r.summary)}"
        elif behaviour in ("objectives-met", "commercial-trust"):
            if isinstance(r, Commitment) and r.party == party and start <= r.due <= end:
                line = f"commitment due {r.due}: {_one_line(r.summary)}"
            elif isinstance(r, Update) and r.commitment in commitments and in_quarter:
                line = f"update {r.status} of {r.commitment}: {_one_line(r.summary)}"
        elif behaviour == "evidence-based":
            if isinstance(r, Claim) and r.party == party and in_quarter:
                cited = "cites evidence" if r.evidence or r.attachments else "cites NO evidence"
                line = f"claim ({cited}): {_one_line(r.summary)}"
        elif behaviour == "innovation":
            if isinstance(r, Innovation | Lesson) and r.party == party and in_quarter:
                status = f" {r.status}" if isinstance(r, Innovation) else ""
                line = f"{r.kind}{status}: {_one_line(r.summary)}"
        elif behaviour == "cost-optimisation":
            if isinstance(r, Cost) and r.party == party and str(r.period) == label:
                line = f"cost {r.amount} on {r.service}: {_one_line(r.summary)}"
            elif isinstance(r, Saving) and r.party == party and in_quarter:
                line = f"saving {r.stage} {r.amount} on {r.service}: {_one_line(r.summary)}"
        elif behaviour == "objectives-aligned":
            if isinstance(r, Measurement) and r.kpi in owned_kpis and str(r.period) == label:
                line = f"measurement of {r.kpi} = {r.value}: {_one_line(r.summary)}"
        elif behaviour == "flexible-charter":
            if isinstance(r, Escalation) and party in r.parties and in_quarter:
                line = f"escalation level {r.level}: {_one_line(r.summary)}"
            elif isinstance(r, Amendment) and in_quarter:
                line = f"amendment to version {r.version}: {_one_line(r.summary)}"
        elif behaviour == "internal-alignment" and isinstance(r, Meeting) and in_quarter:
            invited = r.invited is None or party in r.invited
            came = "attended" if r.attendees.get(party) else "did NOT attend"
            line = f"{r.type} meeting, {came}: {_one_line(r.summary)}" if invited else None
        if line is not None:
            found.append((r.date, Evidence(entry.id, line)))
        elif record_quarter(r, fsm) == quarter and _about(r, party, owned_kpis, commitments):
            others.append((r.date, Evidence(entry.id, f"{r.kind}: {_one_line(r.summary)}")))
    found.sort(key=lambda pair: (pair[0], pair[1].id), reverse=True)
    others.sort(key=lambda pair: (pair[0], pair[1].id), reverse=True)
    return [evidence for _, evidence in found + others]


def _about(r: RecordBase, party: str, kpis: set[str], commitments: Mapping[str, object]) -> bool:
    """Whether a record is about `party`: it names the party, or its KPI or commitment."""
    if getattr(r, "party", None) == party:
        return True
    if isinstance(r, Escalation | Amendment):
        return party in (r.parties if isinstance(r, Escalation) else r.agreed_by)
    if isinstance(r, Meeting):
        return party in r.attendees
    if isinstance(r, Measurement):
        return r.kpi in kpis
    return isinstance(r, Update) and r.commitment in commitments


# --- the file ------------------------------------------------------------------------------------


def assessment_path(quarter: Quarter, assessor: str) -> str:
    return f"{ASSESSMENTS_DIR}/{quarter}/{assessor}.yaml"


def refuse_existing(root: Path, quarter: Quarter, assessor: str) -> str:
    """The file's path; refused (exit 1) before any question is asked if it already exists."""
    path = assessment_path(quarter, assessor)
    if (root / path).exists():
        raise RefusedToOverwrite(
            f"{path} already exists; jw never overwrites an assessment",
            hint="edit that file yourself (until the quarter's review is closed)",
        )
    return path


def ratings_data(
    ratings: Mapping[str, Mapping[str, tuple[int, Sequence[str], str | None]]],
) -> dict[str, dict[str, dict[str, Any]]]:
    """{party: {behaviour: (rating, evidence, note)}} as the file's `ratings` mapping."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for party, behaviours in ratings.items():
        for behaviour, (rating, evidence, note) in behaviours.items():
            item: dict[str, Any] = {"rating": rating}
            if evidence:
                item["evidence"] = list(evidence)
            if note:
                item["note"] = note
            out.setdefault(party, {})[behaviour] = item
    return out


def draft_assessment(
    root: Path,
    quarter: Quarter,
    assessor: str,
    date: dt.date,
    ratings: dict[str, dict[str, dict[str, Any]]],
) -> Draft:
    path = refuse_existing(root, quarter, assessor)
    data: dict[str, Any] = {
        "quarter": str(quarter),
        "assessor": assessor,
        "date": date.isoformat(),
        "ratings": ratings,
    }
    try:
        model = Assessment.model_validate(data)
    except ValidationError as exc:
        problems = findings_from_errors(path, exc.errors(include_url=False))
        raise UsageError("; ".join(f.message for f in problems)) from None
    text = to_yaml(data, schema_modeline(path, "assessment.schema.json"))
    return Draft(assessor, path, text, model, "assessment")


def add_assessment_entry(draft: Draft, quarter: Quarter) -> Callable[[Relationship], None]:
    def add(rel: Relationship) -> None:
        rel.assessments.append(AssessmentEntry(draft.path, str(quarter), draft.id, draft.model))

    return add
