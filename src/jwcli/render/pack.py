"""The review pack's view model: everything the templates show, prepared and typed.

`render.review.build_review` fills it from the analysis; the templates only format it (filters)
and lay it out. `to_jsonable` turns it into the data of `review.json`: dataclasses become objects
with their field names, dates ISO strings, Decimals exact numbers (see `dumps`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

from jwcli.model.signoff import ChangeItem, SignedOff

Rag = str | None  # "green" | "amber" | "red" | None


@dataclasses.dataclass(frozen=True, slots=True)
class PartyView:
    id: str
    name: str
    role: str
    lead: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """Where the pack was built from: a commit, and whether the working tree had changes."""

    git: bool
    commit: str | None
    commit_date: dt.date | None
    dirty: bool  # the working tree had changes to anything but jw's own packs
    from_objects: bool  # rendered from git objects (`--as-of`), not from the working tree


@dataclasses.dataclass(frozen=True, slots=True)
class Cover:
    relationship: str
    quarter: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    today: dt.date
    currency: str
    charter_version: int
    parties: tuple[PartyView, ...]
    source: Source
    review_due: dt.date  # the formal review meets by this date (review_within_days after the end)
    pack_due: dt.date  # the pack must exist by this date
    scored: bool
    provisional: bool = False  # the quarter is unfinished: its figures may still change


@dataclasses.dataclass(frozen=True, slots=True)
class TriggerView:
    trigger: str
    party: str
    party_name: str
    metric: str
    value: Decimal | int
    comparison: str
    threshold: Decimal
    for_quarters: int
    level: int
    level_name: str
    action: str
    behaviours: tuple[str, ...]
    respond_by: dt.date
    answered_by: str | None
    provisional: bool = False  # at risk only: the quarter is unfinished
    # behaviour-score: each behaviour that met the condition, with its own score
    behaviour_scores: tuple[tuple[str, Decimal | None], ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    """One line of the summary: a statement, the section that backs it, and its weight."""

    text: str
    section: str
    rag: Rag


@dataclasses.dataclass(frozen=True, slots=True)
class Summary:
    health: Decimal | None
    health_rag: Rag
    parties: tuple[tuple[str, str, Decimal | None, Rag], ...]  # id, name, overall, rag
    triggers: tuple[TriggerView, ...]
    highest_level: int | None
    highest_level_name: str | None
    achievements: tuple[Point, ...]
    concerns: tuple[Point, ...]
    more_achievements: int
    more_concerns: int
    at_risk: tuple[TriggerView, ...] = ()  # would fire if the unfinished quarter ended now


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    """One behaviour of one party: the reported score and how it was made."""

    behaviour: str
    title: str
    short: str
    score: Decimal | None
    rag: Rag
    trend: str | None
    previous: Decimal | None
    indicator: Decimal | None
    observations: Decimal | None
    peer_rating: Decimal | None
    indicator_x: Decimal | None
    confidence: int
    records: int
    note: str


@dataclasses.dataclass(frozen=True, slots=True)
class PartyScoreView:
    party: str
    name: str
    overall: Decimal | None
    overall_rag: Rag
    cells: tuple[Cell, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AlignmentView:
    party: str
    party_name: str
    behaviour: str
    title: str
    spread: int | None
    self_gap: Decimal | None
    peer_ratings: tuple[int, ...]
    self_rating: int | None
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class ScorecardView:
    behaviours: tuple[tuple[str, str, str], ...]  # id, title, short label
    parties: tuple[PartyScoreView, ...]
    alignment: tuple[AlignmentView, ...]
    green_at: Decimal
    amber_at: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class CommitmentCounts:
    party: str
    name: str
    due: int
    on_time: int
    late: int
    missed: int
    open: int
    rate: Decimal | None


@dataclasses.dataclass(frozen=True, slots=True)
class CommitmentLine:
    id: str
    party: str
    summary: str
    due: dt.date
    effective_due: dt.date
    status: str
    days_late: int


@dataclasses.dataclass(frozen=True, slots=True)
class CommitmentsView:
    parties: tuple[CommitmentCounts, ...]
    missed: tuple[CommitmentLine, ...]  # counted in the quarter and missed
    overdue: tuple[CommitmentLine, ...]  # past their effective due on the as-of date, any quarter


@dataclasses.dataclass(frozen=True, slots=True)
class SeriesPoint:
    quarter: str
    value: Decimal | None
    rag: Rag
    target: Decimal | None = None  # the target in force that quarter (a milestone's, or final)


@dataclasses.dataclass(frozen=True, slots=True)
class KpiView:
    id: str
    name: str
    owner: str
    owner_name: str
    unit: str
    direction: str
    baseline: Decimal | None
    target: Decimal
    amber_within: Decimal
    due: dt.date | None
    actual: Decimal | None
    rag: Rag
    measurement: str | None
    previous: Decimal | None
    series: tuple[SeriesPoint, ...]
    target_label: str = ""  # which target is in force: "milestone 2026-Q2: 75" or "target 80"
    awaiting: bool = False  # unmeasured, but its measurement grace has not ended


@dataclasses.dataclass(frozen=True, slots=True)
class KpisView:
    quarters: tuple[str, ...]
    kpis: tuple[KpiView, ...]
    unmeasured: tuple[str, ...]  # KPI ids with no value for the quarter


@dataclasses.dataclass(frozen=True, slots=True)
class RunCostView:
    """One party's run cost of one service in the quarter against a quarter of its baseline."""

    service: str
    service_name: str
    party: str
    party_name: str
    baseline_annual: Decimal | None
    baseline_quarter: Decimal | None
    actual: Decimal | None
    saving: Decimal | None  # baseline_quarter - actual
    saving_rate: Decimal | None  # saving / baseline_quarter, 4 places
    target_rate: Decimal | None
    progress: Decimal | None  # saving_rate / target_rate clamped to [0, 1], 4 places
    records: tuple[str, ...]
    target_by: str | None = None  # the savings milestone in force, when one is


@dataclasses.dataclass(frozen=True, slots=True)
class MarketView:
    service: str
    service_name: str
    market_annual: Decimal
    source: str
    date: dt.date
    baseline_annual: Decimal | None  # all clients' baselines together
    actual_annualised: Decimal | None  # the quarter's run costs × 4, when every client has some
    actual_vs_market: Decimal | None  # actual_annualised / market_annual - 1, 4 places


@dataclasses.dataclass(frozen=True, slots=True)
class ProjectView:
    project: str
    service: str
    owner: str
    owner_name: str
    budget: Decimal
    tolerance: Decimal
    limit: Decimal  # budget × (1 + tolerance)
    spend_in_quarter: Decimal
    spend_to_date: Decimal
    used: Decimal | None  # spend_to_date / budget, 4 places (None for a zero budget)
    status: str  # within-budget | within-tolerance | over-tolerance | no-spend
    start: dt.date
    end: dt.date
    active: bool


@dataclasses.dataclass(frozen=True, slots=True)
class FunnelStage:
    stage: str
    amount: Decimal  # annual savings that reached at least this stage
    count: int


@dataclasses.dataclass(frozen=True, slots=True)
class FunnelView:
    stages: tuple[FunnelStage, ...]
    one_off_realised: Decimal
    target_annual: Decimal | None  # Σ savings target rate × the service's baselines
    measured_annual: Decimal | None  # Σ (baseline/4 − run cost) × 4 over the quarter's cost records
    realised_vs_target: Decimal | None  # 4 places
    realised_vs_measured: Decimal | None  # realised − measured
    # implemented (or further) − measured: savings said to be in place that the costs do not show,
    # which is how shared-service savings drift out of sight
    implemented_vs_measured: Decimal | None


@dataclasses.dataclass(frozen=True, slots=True)
class SavingLine:
    id: str
    service: str
    party: str
    summary: str
    amount: Decimal
    one_off: bool
    stage: str
    date: dt.date


@dataclasses.dataclass(frozen=True, slots=True)
class CostsView:
    currency: str
    run_costs: tuple[RunCostView, ...]
    market: tuple[MarketView, ...]
    projects: tuple[ProjectView, ...]
    funnel: FunnelView
    savings: tuple[SavingLine, ...]  # the latest stage of every saving, as of the quarter


@dataclasses.dataclass(frozen=True, slots=True)
class IdeaView:
    id: str
    first: str  # the first record of the idea's chain
    party: str
    summary: str
    status: str
    date: dt.date
    lessons: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class LessonView:
    id: str
    party: str
    date: dt.date
    summary: str
    services: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class InnovationView:
    ideas: tuple[IdeaView, ...]
    lessons: tuple[LessonView, ...]
    target_per_quarter: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class EvidenceCounts:
    party: str
    name: str
    claims: int
    claims_unevidenced: int
    ratings: int
    ratings_unevidenced: int


@dataclasses.dataclass(frozen=True, slots=True)
class UnevidencedClaim:
    id: str
    party: str
    date: dt.date
    summary: str


@dataclasses.dataclass(frozen=True, slots=True)
class UnevidencedRating:
    assessor: str
    party: str
    behaviour: str
    rating: int
    path: str


@dataclasses.dataclass(frozen=True, slots=True)
class EvidenceView:
    parties: tuple[EvidenceCounts, ...]
    claims: tuple[UnevidencedClaim, ...]
    ratings: tuple[UnevidencedRating, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AmendmentView:
    id: str
    version: int
    date: dt.date
    summary: str
    agreed_by: tuple[str, ...]
    not_agreed_by: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class MeetingView:
    id: str
    date: dt.date
    type: str
    summary: str
    attended: tuple[str, ...]  # invited parties with at least one attendee
    absent: tuple[str, ...]  # invited parties with none
    decisions: int


@dataclasses.dataclass(frozen=True, slots=True)
class EscalationView:
    id: str
    taken_on: dt.date
    level: int
    level_name: str
    parties: tuple[str, ...]
    trigger: str | None
    summary: str
    days_open: int


@dataclasses.dataclass(frozen=True, slots=True)
class GovernanceView:
    version: int
    effective: dt.date
    amendments: tuple[AmendmentView, ...]
    amendments_since: dt.date  # the last review (or the quarter's start): amendments from then
    check_in_every_days: int
    check_ins_expected: int
    check_ins_held: int
    longest_gap_days: int | None  # between consecutive check-ins (and the quarter's edges)
    quarterly_reviews_held: int
    meetings: tuple[MeetingView, ...]
    attendance: tuple[tuple[str, str, int, int], ...]  # party, name, invited, attended
    escalations_open: tuple[EscalationView, ...]
    version_since: dt.date | None = None  # the date of the amendment that agreed this version


@dataclasses.dataclass(frozen=True, slots=True)
class AuthorCommits:
    author: str
    commits: int
    records_added: int
    records_changed: int


@dataclasses.dataclass(frozen=True, slots=True)
class ChangeAfterClose:
    path: str
    what: str
    commit: str
    author: str
    date: dt.date


@dataclasses.dataclass(frozen=True, slots=True)
class AuditView:
    available: bool
    reason: str  # why there is no trail, when not available
    commits: int
    authors: tuple[AuthorCommits, ...]
    previous_review: str | None  # the tag of the previous quarter's closed review
    previous_closed_on: dt.date | None
    changes_after_close: tuple[ChangeAfterClose, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class SignOffView:
    """Sign-off (lifecycle.md): whether the charter is still a draft, this quarter's sign-off
    when it is closed, and what was committed since the previous close that changes a closed
    quarter ("Changed after sign-off"), each with the figures it changed."""

    available: bool  # False outside git or without commits: nothing can have been closed
    draft_charter: bool
    signed_off: SignedOff | None
    previous_close: str | None  # the quarter of the latest close commit before this pack
    previous_close_date: dt.date | None
    changes: tuple[ChangeItem, ...]


NO_SIGN_OFF = SignOffView(False, False, None, None, None, ())


@dataclasses.dataclass(frozen=True, slots=True)
class AgendaItem:
    title: str
    detail: str
    section: str
    minutes: int


@dataclasses.dataclass(frozen=True, slots=True)
class ReviewPack:
    cover: Cover
    summary: Summary
    scorecard: ScorecardView
    commitments: CommitmentsView
    kpis: KpisView
    costs: CostsView
    innovation: InnovationView
    evidence: EvidenceView
    governance: GovernanceView
    audit: AuditView
    agenda: tuple[AgendaItem, ...]
    scores: dict[str, Any]  # exactly `jw score --format json` for the quarter
    sign_off: SignOffView = NO_SIGN_OFF


SECTIONS: tuple[tuple[str, str], ...] = (
    ("cover", "Cover"),
    ("summary", "Summary"),
    ("scorecard", "Scorecard"),
    ("commitments", "Commitments"),
    ("kpis", "Key performance indicators"),
    ("costs", "Costs and savings"),
    ("innovation", "Innovation and lessons learned"),
    ("evidence", "Evidence quality"),
    ("governance", "Charter and governance"),
    ("audit", "Audit trail"),
    ("agenda", "Proposed agenda"),
    ("sign-off", "Changed after sign-off"),
)


def to_jsonable(value: Any) -> Any:
    """The view model as JSON-ready data; Decimals are kept (see `dumps`), dates become ISO."""
    if hasattr(value, "to_json") and not isinstance(value, type):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dumps(data: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, Decimals written exactly as numbers.

    The standard encoder cannot write a Decimal as a number without going through float, so this
    small encoder writes every value itself.
    """
    out: list[str] = []
    _encode(data, out, 0)
    return "".join(out) + "\n"


def _encode(value: Any, out: list[str], depth: int) -> None:
    pad = "  " * (depth + 1)
    end = "  " * depth
    if value is None or isinstance(value, bool | str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value} as JSON")
        out.append(format(value, "f"))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} as JSON")
        out.append(repr(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{\n")
        items = sorted(value.items())
        for i, (key, item) in enumerate(items):
            out.append(pad + json.dumps(str(key), ensure_ascii=False) + ": ")
            _encode(item, out, depth + 1)
            out.append(",\n" if i < len(items) - 1 else "\n")
        out.append(end + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        out.append("[\n")
        for i, item in enumerate(value):
            out.append(pad)
            _encode(item, out, depth + 1)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(end + "]")
    elif isinstance(value, dt.date):
        out.append(json.dumps(value.isoformat()))
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
