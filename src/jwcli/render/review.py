"""Build the review pack's view model (render.pack.ReviewPack) from the analysis.

Every figure the pack shows is decided here, from the analysis library: the templates only format
and lay out. Selections that are a matter of judgement (which achievements and concerns make the
summary, what goes on the agenda) are rules written down below, applied in a fixed order, so the
same data always gives the same pack.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from jwcli.analysis.commitments import CommitmentState, commitment_summary, commitments_in
from jwcli.analysis.costs import (
    STAGES,
    ProjectSpend,
    RunCost,
    project_spend,
    run_costs,
    savings_funnel,
)
from jwcli.analysis.index import RelIndex, index_of
from jwcli.analysis.kpis import kpi_series
from jwcli.analysis.quarters import first_scored_quarter, last_quarters, period
from jwcli.analysis.scoring import score_quarter
from jwcli.model.common import BEHAVIOUR_SHORT, BEHAVIOURS
from jwcli.model.records import Amendment, Cost, Innovation, Lesson, Meeting, RecordBase
from jwcli.model.records import Escalation as EscalationRecord
from jwcli.model.relationship import Relationship
from jwcli.model.scores import BehaviourScore, Scorecard, rate4, round_half_up, score2
from jwcli.quarters import Quarter
from jwcli.render.pack import (
    SECTIONS,
    AgendaItem,
    AlignmentView,
    AmendmentView,
    AuditView,
    Cell,
    CommitmentCounts,
    CommitmentLine,
    CommitmentsView,
    CostsView,
    Cover,
    EscalationView,
    EvidenceCounts,
    EvidenceView,
    FunnelStage,
    FunnelView,
    GovernanceView,
    IdeaView,
    InnovationView,
    KpisView,
    KpiView,
    LessonView,
    MarketView,
    MeetingView,
    PartyScoreView,
    PartyView,
    Point,
    ProjectView,
    ReviewPack,
    RunCostView,
    SavingLine,
    ScorecardView,
    SeriesPoint,
    Source,
    Summary,
    TriggerView,
    UnevidencedClaim,
    UnevidencedRating,
)

# Short labels for charts and tables; the full titles (BEHAVIOURS) go alongside.
SHORT = BEHAVIOUR_SHORT
TOP_ACHIEVEMENTS = 5
TOP_CONCERNS = 6
KPI_QUARTERS = 8
_MEETINGS_SCORED = ("check-in", "quarterly-review")

NO_AUDIT = AuditView(
    available=False,
    reason="Not built from a git repository: there is no history to audit.",
    commits=0,
    authors=(),
    previous_review=None,
    previous_closed_on=None,
    changes_after_close=(),
)


def build_review(
    rel: Relationship,
    quarter: Quarter,
    today: dt.date,
    *,
    source: Source,
    audit: AuditView = NO_AUDIT,
    closes: Mapping[Quarter, dt.date] | None = None,
) -> ReviewPack:
    """The review pack of `quarter`, judged as of its last day or `today`, whichever is earlier.

    `rel` must be valid (the caller validated it); `source`, `audit` and `closes` (the day each
    closed quarter was signed off, which ends its measurement grace) come from git and are
    passed in so that this stays a pure function of its inputs.
    """
    idx = index_of(rel)
    card = score_quarter(rel, quarter, today, closes)
    b = _Builder(rel, idx, quarter, today, card, dict(closes or {}))
    cover = b.cover(source)
    scorecard = b.scorecard()
    commitments = b.commitments()
    kpis = b.kpis()
    costs = b.costs()
    innovation = b.innovation()
    evidence = b.evidence()
    governance = b.governance()
    summary = b.summary(commitments, kpis, costs, evidence, governance, scorecard, innovation)
    agenda = b.agenda(
        summary, scorecard, commitments, kpis, costs, evidence, governance, innovation
    )
    return ReviewPack(
        cover=cover,
        summary=summary,
        scorecard=scorecard,
        commitments=commitments,
        kpis=kpis,
        costs=costs,
        innovation=innovation,
        evidence=evidence,
        governance=governance,
        audit=audit,
        agenda=agenda,
        scores=card.to_json(),
    )


def _dec(value: Fraction | None, places: int) -> Decimal | None:
    return None if value is None else round_half_up(value, places)


def _money(value: Fraction | Decimal) -> Decimal:
    """Money for display, to the penny (a quarter of a baseline may have more decimals)."""
    return round_half_up(Fraction(value), 2)


@dataclass
class _Builder:
    rel: Relationship
    idx: RelIndex
    quarter: Quarter
    today: dt.date
    card: Scorecard
    closes: dict[Quarter, dt.date]

    def __post_init__(self) -> None:
        self.charter = self.idx.charter
        self.period = period(self.quarter, self.idx.fsm, self.today)
        self.start, self.end, self.as_of = self.period.start, self.period.end, self.period.as_of
        self.names = {p.id: p.name for p in self.charter.parties}
        self.services = {s.id: s.name for s in self.charter.services}

    def _in_quarter(self, record: RecordBase) -> bool:
        return self.start <= record.date <= self.end

    # -- 1 cover ------------------------------------------------------------------------------

    def cover(self, source: Source) -> Cover:
        g = self.charter.governance
        review_due = self.end + dt.timedelta(days=g.review_within_days)
        return Cover(
            relationship=self.charter.relationship,
            quarter=str(self.quarter),
            start=self.start,
            end=self.end,
            as_of=self.as_of,
            today=self.today,
            currency=self.charter.currency,
            charter_version=self.charter.version,
            parties=tuple(
                PartyView(p.id, p.name, p.role, p.lead)
                for p in self.charter.parties
                if p.member_during(self.start, self.end)  # members in the quarter only
            ),
            source=source,
            review_due=review_due,
            pack_due=review_due - dt.timedelta(days=g.pack_due_days_before),
            scored=self.card.scored,
            provisional=self.card.provisional,
        )

    # -- 3 scorecard --------------------------------------------------------------------------

    def scorecard(self) -> ScorecardView:
        parties = tuple(
            PartyScoreView(
                party=p.party,
                name=p.name,
                overall=p.reported,
                overall_rag=p.overall_rag,
                cells=tuple(_cell(b) for b in p.behaviours),
            )
            for p in self.card.parties
        )
        alignment = []
        for a in self.card.alignment:
            reasons = []
            if a.misaligned:
                reasons.append(f"peer ratings {a.spread} apart")
            gap = score2(a.self_gap)
            if a.gap_flagged and gap is not None:
                side = "better" if gap > 0 else "worse"
                reasons.append(f"rates itself {abs(gap)} {side} than its peers do")
            alignment.append(
                AlignmentView(
                    party=a.party,
                    party_name=self.names.get(a.party, a.party),
                    behaviour=a.behaviour,
                    title=BEHAVIOURS[a.behaviour],
                    spread=a.spread,
                    self_gap=gap,
                    peer_ratings=a.peer_ratings,
                    self_rating=a.self_rating,
                    reason="; ".join(reasons),
                )
            )
        s = self.charter.scoring
        return ScorecardView(
            behaviours=tuple((bid, title, SHORT[bid]) for bid, title in BEHAVIOURS.items()),
            parties=parties,
            alignment=tuple(alignment),
            green_at=s.green_at,
            amber_at=s.amber_at,
        )

    # -- 4 commitments ------------------------------------------------------------------------

    def commitments(self) -> CommitmentsView:
        counts = []
        missed: list[CommitmentLine] = []
        for party in self.charter.parties:
            if not party.member_during(self.start, self.end):
                continue
            summary = commitment_summary(self.rel, party.id, self.quarter, self.today)
            counts.append(
                CommitmentCounts(
                    party=party.id,
                    name=party.name,
                    due=summary.due,
                    on_time=summary.on_time,
                    late=summary.late,
                    missed=summary.missed,
                    open=summary.open,
                    rate=_dec(summary.rate, 4),
                )
            )
            missed.extend(self._line(s) for s in summary.states if s.status == "missed")
        overdue = [self._line(s) for s in commitments_in(self.rel, self.as_of, ("overdue",))]
        missed.sort(key=lambda line: (line.effective_due, line.party, line.id))
        overdue.sort(key=lambda line: (line.effective_due, line.party, line.id))
        return CommitmentsView(tuple(counts), tuple(missed), tuple(overdue))

    def _line(self, state: CommitmentState) -> CommitmentLine:
        late = (self.as_of - state.effective_due).days if state.status == "overdue" else 0
        return CommitmentLine(
            id=state.id,
            party=state.party,
            summary=state.summary,
            due=state.due,
            effective_due=state.effective_due,
            status=state.status,
            days_late=late,
        )

    # -- 5 KPIs -------------------------------------------------------------------------------

    def kpis(self) -> KpisView:
        views = []
        # the charts start at the relationship's first quarter: no empty quarters before it
        first = first_scored_quarter(self.charter)
        shown = [q for q in last_quarters(self.quarter, KPI_QUARTERS) if q >= first] or [
            self.quarter
        ]
        for kpi in self.charter.kpis:
            series = kpi_series(self.rel, kpi.id, self.quarter, len(shown), self.today, self.closes)
            now = series[-1]
            views.append(
                KpiView(
                    id=kpi.id,
                    name=kpi.name,
                    owner=kpi.owner,
                    owner_name=self.names.get(kpi.owner, kpi.owner),
                    unit=kpi.unit,
                    direction=kpi.direction,
                    baseline=kpi.baseline,
                    target=now.target if now.target is not None else kpi.target,
                    amber_within=kpi.amber_within,
                    due=kpi.due,
                    actual=now.value,
                    rag=now.rag,
                    measurement=now.measurement,
                    previous=series[-2].value if len(series) > 1 else None,
                    series=tuple(
                        SeriesPoint(str(s.quarter), s.value, s.rag, s.target) for s in series
                    ),
                    target_label=now.target_text,
                    awaiting=now.awaiting,
                )
            )
        quarters = tuple(str(q) for q in shown)
        unmeasured = tuple(v.id for v in views if v.actual is None and not v.awaiting)
        return KpisView(quarters, tuple(views), unmeasured)

    # -- 6 costs ------------------------------------------------------------------------------

    def costs(self) -> CostsView:
        runs = run_costs(self.rel, self.quarter)
        run_views = [
            self._run(c) for c in runs if c.baseline_annual is not None or c.actual is not None
        ]
        market = self._market(runs)
        projects = [self._project(p) for p in project_spend(self.rel, self.quarter)]
        funnel, savings = self._funnel(runs)
        return CostsView(
            currency=self.charter.currency,
            run_costs=tuple(run_views),
            market=tuple(market),
            projects=tuple(projects),
            funnel=funnel,
            savings=tuple(savings),
        )

    def _run(self, c: RunCost) -> RunCostView:
        base_q = c.baseline_quarter
        return RunCostView(
            service=c.service,
            service_name=self.services.get(c.service, c.service),
            party=c.party,
            party_name=self.names.get(c.party, c.party),
            baseline_annual=c.baseline_annual,
            baseline_quarter=None if base_q is None else _money(base_q),
            actual=c.actual,
            saving=None if c.saving is None else _money(c.saving),
            saving_rate=rate4(c.saving_rate),
            target_rate=c.target_rate,
            progress=rate4(c.progress),
            records=c.records,
            target_by=c.target_by,
        )

    def _market(self, runs: list[RunCost]) -> list[MarketView]:
        baselines = self.idx.baselines
        out = []
        for m in baselines.market:
            client_costs = [c for c in runs if c.service == m.service]
            base = [c.baseline_annual for c in client_costs if c.baseline_annual is not None]
            actuals = [c.actual for c in client_costs]
            annualised = None
            if client_costs and all(a is not None for a in actuals):
                annualised = sum((a for a in actuals if a is not None), Decimal(0)) * 4
            versus = None
            if annualised is not None and m.annual:
                versus = rate4(Fraction(annualised) / Fraction(m.annual) - 1)
            out.append(
                MarketView(
                    service=m.service,
                    service_name=self.services.get(m.service, m.service),
                    market_annual=m.annual,
                    source=m.source,
                    date=m.date,
                    baseline_annual=sum(base, Decimal(0)) if base else None,
                    actual_annualised=annualised,
                    actual_vs_market=versus,
                )
            )
        return out

    def _project(self, p: ProjectSpend) -> ProjectView:
        in_quarter = Decimal(0)
        for rid in p.records:
            record = self.rel.records[rid].record
            if isinstance(record, Cost) and record.period == self.quarter:
                in_quarter += record.amount
        budget = p.budget
        if not p.has_spend:
            status = "no-spend"
        elif p.spend <= budget.budget:
            status = "within-budget"
        elif p.within:
            status = "within-tolerance"
        else:
            status = "over-tolerance"
        used = rate4(Fraction(p.spend) / Fraction(budget.budget)) if budget.budget else None
        return ProjectView(
            project=p.project,
            service=budget.service,
            owner=budget.owner,
            owner_name=self.names.get(budget.owner, budget.owner),
            budget=budget.budget,
            tolerance=budget.tolerance,
            limit=_money(p.limit),
            spend_in_quarter=in_quarter,
            spend_to_date=p.spend,
            used=used,
            status=status,
            start=budget.start,
            end=budget.end,
            active=p.active,
        )

    def _funnel(self, runs: list[RunCost]) -> tuple[FunnelView, list[SavingLine]]:
        funnel = savings_funnel(self.rel, self.as_of)
        stages = []
        for i, stage in enumerate(STAGES):
            reached = [c for c in funnel.chains if STAGES.index(c.stage) >= i and not c.one_off]
            stages.append(
                FunnelStage(stage, sum((c.amount for c in reached), Decimal(0)), len(reached))
            )
        one_off = sum(
            (c.amount for c in funnel.chains if c.one_off and c.stage == "realised"), Decimal(0)
        )
        targets = {t.service: t.rate for t in reversed(self.idx.baselines.savings_targets)}
        target_total: Decimal | None = None
        for service, rate in sorted(targets.items()):
            base = [c.annual for c in self.idx.baselines.costs if c.service == service]
            if base:
                target_total = (target_total or Decimal(0)) + rate * sum(base, Decimal(0))
        measured_parts = [c.saving for c in runs if c.saving is not None]
        measured = _money(sum(measured_parts, Fraction(0)) * 4) if measured_parts else None
        realised = stages[-1].amount
        implemented = stages[STAGES.index("implemented")].amount
        lines = [
            SavingLine(
                id=c.id,
                service=c.service,
                party=c.party,
                summary=self.rel.records[c.id].record.summary,
                amount=c.amount,
                one_off=c.one_off,
                stage=c.stage,
                date=c.date,
            )
            for c in funnel.chains
        ]
        return (
            FunnelView(
                stages=tuple(stages),
                one_off_realised=one_off,
                target_annual=None if target_total is None else _money(target_total),
                measured_annual=measured,
                realised_vs_target=(
                    rate4(Fraction(realised) / Fraction(target_total)) if target_total else None
                ),
                realised_vs_measured=None if measured is None else realised - measured,
                implemented_vs_measured=None if measured is None else implemented - measured,
            ),
            lines,
        )

    # -- 7 innovation and lessons -------------------------------------------------------------

    def innovation(self) -> InnovationView:
        ideas = []
        for party in self.idx.party_ids:
            latest: dict[str, tuple[dt.date, str, Innovation]] = {}
            for rid, rec in self.idx.innovations.get((party, self.quarter), []):
                root = self.idx.innovation_root[rid]
                if root not in latest or (rec.date, rid) > latest[root][:2]:
                    latest[root] = (rec.date, rid, rec)
            for root, (_, rid, rec) in latest.items():
                ideas.append(
                    IdeaView(
                        id=rid,
                        first=root,
                        party=party,
                        summary=rec.summary,
                        status=rec.status,
                        date=rec.date,
                        lessons=rec.lessons,
                    )
                )
        ideas.sort(key=lambda i: (i.date, i.party, i.id))
        lessons = [
            LessonView(
                rid, e.record.party, e.record.date, e.record.summary, tuple(e.record.services)
            )
            for rid, e in self.idx.active_of("lesson")
            if isinstance(e.record, Lesson) and self._in_quarter(e.record)
        ]
        lessons.sort(key=lambda lesson: (lesson.date, lesson.id))
        return InnovationView(
            tuple(ideas), tuple(lessons), self.charter.scoring.innovation_target_per_quarter
        )

    # -- 8 evidence ---------------------------------------------------------------------------

    def evidence(self) -> EvidenceView:
        counts = []
        claims: list[UnevidencedClaim] = []
        for party in self.charter.parties:
            made = self.idx.claims.get((party.id, self.quarter), [])
            bare = [(rid, c) for rid, c in made if not c.evidence and not c.attachments]
            claims.extend(UnevidencedClaim(rid, party.id, c.date, c.summary) for rid, c in bare)
            given = self.idx.ratings_given(self.quarter, party.id)
            counts.append(
                EvidenceCounts(
                    party=party.id,
                    name=party.name,
                    claims=len(made),
                    claims_unevidenced=len(bare),
                    ratings=len(given),
                    ratings_unevidenced=sum(1 for r in given if not r.evidence),
                )
            )
        order = list(BEHAVIOURS)
        ratings = sorted(
            (
                UnevidencedRating(r.assessor, r.party, r.behaviour, r.rating, r.path)
                for r in self.idx.ratings.get(self.quarter, ())
                if not r.evidence
            ),
            key=lambda r: (r.assessor, r.party, order.index(r.behaviour)),
        )
        claims.sort(key=lambda c: (c.date, c.party, c.id))
        return EvidenceView(tuple(counts), tuple(claims), tuple(ratings))

    # -- 9 charter and governance -------------------------------------------------------------

    def _last_review(self) -> dt.date:
        """The day of the last formal review before the as-of date (the latest `quarterly-review`
        meeting), or the quarter's first day when none is recorded: amendments from then on are
        the ones the coming review has not seen."""
        reviews = [
            e.record.date
            for _, e in self.idx.active_of("meeting")
            if isinstance(e.record, Meeting)
            and e.record.type == "quarterly-review"
            and e.record.date <= self.as_of
        ]
        return max(reviews) if reviews else self.start

    def governance(self) -> GovernanceView:
        party_ids = self.idx.party_ids
        since = self._last_review()
        amendments = sorted(
            (
                AmendmentView(
                    id=rid,
                    version=e.record.version,
                    date=e.record.date,
                    summary=e.record.summary,
                    agreed_by=tuple(e.record.agreed_by),
                    not_agreed_by=tuple(p for p in party_ids if p not in e.record.agreed_by),
                )
                for rid, e in self.idx.active_of("amendment")
                if isinstance(e.record, Amendment) and since <= e.record.date <= self.as_of
            ),
            key=lambda a: (a.date, a.version, a.id),
        )
        held = sorted(
            (
                (rid, m)
                for rid, m in self.idx.meetings.get(self.quarter, [])
                if m.date <= self.as_of
            ),
            key=lambda t: (t[1].date, t[0]),
        )
        meetings = [self._meeting(rid, m) for rid, m in held]
        check_ins = [m.date for _, m in held if m.type == "check-in"]
        cadence = self.charter.governance.check_in_every_days
        elapsed = (self.as_of - self.start).days + 1
        marks = [self.start - dt.timedelta(days=1), *check_ins, self.as_of]
        gaps = [(b - a).days for a, b in itertools.pairwise(marks)]
        attendance = []
        for pid in party_ids:
            if not self.charter.parties[party_ids.index(pid)].member_during(self.start, self.end):
                continue
            invited = attended = 0
            for _, m in held:
                if m.type not in _MEETINGS_SCORED:
                    continue
                guests = m.invited if m.invited is not None else self._members_on(m.date)
                if pid in guests:
                    invited += 1
                    attended += 1 if m.attendees.get(pid) else 0
            attendance.append((pid, self.names[pid], invited, attended))
        return GovernanceView(
            version=self.charter.version,
            effective=self.charter.effective,
            amendments=tuple(amendments),
            amendments_since=since,
            check_in_every_days=cadence,
            check_ins_expected=elapsed // cadence,
            check_ins_held=len(check_ins),
            longest_gap_days=max(gaps) if gaps else None,
            quarterly_reviews_held=sum(1 for _, m in held if m.type == "quarterly-review"),
            meetings=tuple(meetings),
            attendance=tuple(attendance),
            escalations_open=tuple(self._open_escalations()),
            version_since=self._version_since(),
        )

    def _version_since(self) -> dt.date | None:
        """The date of the amendment that agreed the current version (the latest of its
        agreeing records known by the as-of date); None when none has."""
        dates = [
            e.record.date
            for _, e in self.idx.active_of("amendment")
            if isinstance(e.record, Amendment)
            and e.record.version == self.charter.version
            and e.record.date <= self.as_of
        ]
        return max(dates) if dates else None

    def _members_on(self, day: dt.date) -> list[str]:
        """Who a meeting invites unless it says: the parties that are members on its date."""
        return [p.id for p in self.charter.parties if p.member_on(day)]

    def _meeting(self, rid: str, m: Meeting) -> MeetingView:
        guests = m.invited if m.invited is not None else self._members_on(m.date)
        return MeetingView(
            id=rid,
            date=m.date,
            type=m.type,
            summary=m.summary,
            attended=tuple(p for p in guests if m.attendees.get(p)),
            absent=tuple(p for p in guests if not m.attendees.get(p)),
            decisions=len(m.decisions),
        )

    def _open_escalations(self) -> Iterable[EscalationView]:
        """Escalation steps taken by the as-of date whose chain had no outcome by then."""
        for step in self.idx.escalations:
            if step.taken_on > self.as_of:
                continue
            known = [i for i in step.chain if self.rel.records[i].record.date <= self.as_of]
            latest = self.rel.records[known[-1]].record
            if not isinstance(latest, EscalationRecord) or latest.outcome:
                continue
            level = self.charter.level(latest.level)
            yield EscalationView(
                id=known[-1],
                taken_on=step.taken_on,
                level=latest.level,
                level_name=level.name if level else f"level {latest.level}",
                parties=tuple(latest.parties),
                trigger=", ".join(latest.trigger_ids) or None,
                summary=latest.summary,
                days_open=(self.as_of - step.taken_on).days,
            )

    # -- 2 summary ----------------------------------------------------------------------------

    def summary(
        self,
        commitments: CommitmentsView,
        kpis: KpisView,
        costs: CostsView,
        evidence: EvidenceView,
        governance: GovernanceView,
        scorecard: ScorecardView,
        innovation: InnovationView,
    ) -> Summary:
        views = tuple(
            TriggerView(
                trigger=t.trigger,
                party=t.party,
                party_name=self.names.get(t.party, t.party),
                metric=t.metric,
                value=t.value,
                comparison=t.comparison,
                threshold=t.threshold,
                for_quarters=t.for_quarters,
                level=t.level,
                level_name=t.name,
                action=t.action,
                behaviours=t.behaviours or (),
                respond_by=t.respond_by,
                answered_by=t.answered_by,
                provisional=t.provisional,
                behaviour_scores=tuple(
                    (b, self.card.party(t.party).behaviour(b).reported) for b in t.behaviours or ()
                ),
            )
            for t in sorted(self.card.triggers, key=lambda t: (-t.level, t.party, t.trigger))
        )
        # at-risk triggers of an unfinished quarter are shown apart, never as fired
        triggers = tuple(t for t in views if not t.provisional)
        at_risk = tuple(t for t in views if t.provisional)
        highest = triggers[0] if triggers else None
        achievements = self._achievements(commitments, kpis, costs, scorecard, innovation)
        concerns = self._concerns(
            triggers, commitments, kpis, costs, evidence, governance, scorecard
        )
        return Summary(
            health=self.card.reported_health,
            health_rag=self.card.health_rag,
            parties=tuple((p.party, p.name, p.reported, p.overall_rag) for p in self.card.parties),
            triggers=triggers,
            highest_level=highest.level if highest else None,
            highest_level_name=highest.level_name if highest else None,
            achievements=tuple(achievements[:TOP_ACHIEVEMENTS]),
            concerns=tuple(concerns[:TOP_CONCERNS]),
            more_achievements=max(0, len(achievements) - TOP_ACHIEVEMENTS),
            more_concerns=max(0, len(concerns) - TOP_CONCERNS),
            at_risk=at_risk,
        )

    def _achievements(
        self,
        commitments: CommitmentsView,
        kpis: KpisView,
        costs: CostsView,
        scorecard: ScorecardView,
        innovation: InnovationView,
    ) -> list[Point]:
        """In this order: savings realised in the quarter, parties that delivered every
        commitment on time, KPIs on target, innovations adopted, behaviours that rose to green."""
        points: list[Point] = []
        realised = [
            s
            for s in costs.savings
            if s.stage == "realised" and self.start <= s.date <= self.end and not s.one_off
        ]
        if realised:
            total = sum((s.amount for s in realised), Decimal(0))
            points.append(
                Point(
                    f"{_count(len(realised), 'saving')} realised this quarter, worth "
                    f"{_money_text(total, self.charter.currency)} a year",
                    "costs",
                    "green",
                )
            )
        for c in commitments.parties:
            if c.due and c.on_time == c.due:
                every = "the one commitment" if c.due == 1 else f"all {c.due} commitments"
                points.append(
                    Point(
                        f"{c.name} delivered {every} due on time",
                        "commitments",
                        "green",
                    )
                )
        for k in kpis.kpis:
            if k.rag == "green":
                points.append(
                    Point(
                        f"{k.name}: {_plain(k.actual)} against a target of {_plain(k.target)} "
                        f"({k.unit})",
                        "kpis",
                        "green",
                    )
                )
        for i in innovation.ideas:
            if i.status == "adopted":
                points.append(
                    Point(f"{self.names[i.party]} adopted: {i.summary}", "innovation", "green")
                )
        for p in scorecard.parties:
            risen = [c.short for c in p.cells if c.trend == "up" and c.rag == "green"]
            if risen:
                points.append(
                    Point(f"{p.name} rose to green on {_join(risen)}", "scorecard", "green")
                )
        return points

    def _concerns(
        self,
        triggers: tuple[TriggerView, ...],
        commitments: CommitmentsView,
        kpis: KpisView,
        costs: CostsView,
        evidence: EvidenceView,
        governance: GovernanceView,
        scorecard: ScorecardView,
    ) -> list[Point]:
        """In this order: triggers fired (highest step first), projects over tolerance, missed
        and overdue commitments, red behaviours, red or unmeasured KPIs, declared savings beyond
        what the costs show, alignment flags, claims and ratings without evidence, check-ins
        short of the cadence."""
        cur = self.charter.currency
        points: list[Point] = []
        for t in triggers:
            answered = f"answered by {t.answered_by}" if t.answered_by else "not yet answered"
            points.append(
                Point(
                    f"{t.party_name}: trigger {t.trigger} fired ({t.metric} {_plain(t.value)}, "
                    f"{t.comparison} {_plain(t.threshold)}); level {t.level}, {t.level_name}; "
                    f"{answered}",
                    "summary",
                    "red" if t.level >= 2 else "amber",
                )
            )
        for project in costs.projects:
            if project.status == "over-tolerance" and project.active:
                points.append(
                    Point(
                        f"Project {project.project} has spent "
                        f"{_money_text(project.spend_to_date, cur)} of "
                        f"{_money_text(project.budget, cur)}, beyond its tolerance",
                        "costs",
                        "red",
                    )
                )
        by_party: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in commitments.missed:
            by_party[line.party][0] += 1
        for line in commitments.overdue:
            by_party[line.party][1] += 1
        for pid in self.idx.party_ids:
            missed, overdue = by_party.get(pid, [0, 0])
            if missed or overdue:
                parts = []
                if missed:
                    parts.append(f"{_count(missed, 'commitment')} missed this quarter")
                if overdue:
                    parts.append(f"{_count(overdue, 'commitment')} overdue")
                points.append(
                    Point(f"{self.names[pid]}: {' and '.join(parts)}", "commitments", "red")
                )
        for p in scorecard.parties:
            red = [c.short for c in p.cells if c.rag == "red"]
            if red:
                points.append(Point(f"{p.name} is red on {_join(red)}", "scorecard", "red"))
        for k in kpis.kpis:
            if k.actual is None:
                points.append(
                    Point(f"{k.name} ({k.owner_name}) was not measured this quarter", "kpis", "red")
                )
            elif k.rag == "red":
                points.append(
                    Point(
                        f"{k.name}: {_plain(k.actual)} against a target of {_plain(k.target)} "
                        f"({k.unit})",
                        "kpis",
                        "red",
                    )
                )
        f = costs.funnel
        if f.implemented_vs_measured is not None and f.implemented_vs_measured > 0:
            points.append(
                Point(
                    f"Savings declared implemented exceed what the cost records show by "
                    f"{_money_text(f.implemented_vs_measured, cur)} a year",
                    "costs",
                    "amber",
                )
            )
        if f.realised_vs_measured is not None and f.realised_vs_measured > 0:
            points.append(
                Point(
                    f"Savings declared realised exceed what the cost records show by "
                    f"{_money_text(f.realised_vs_measured, cur)} a year",
                    "costs",
                    "amber",
                )
            )
        for a in scorecard.alignment:
            points.append(
                Point(f"{a.party_name} on {SHORT[a.behaviour]}: {a.reason}", "scorecard", "amber")
            )
        claims = sum(p.claims_unevidenced for p in evidence.parties)
        ratings = sum(p.ratings_unevidenced for p in evidence.parties)
        if claims or ratings:
            bare = [_count(n, word) for n, word in ((claims, "claim"), (ratings, "rating")) if n]
            points.append(
                Point(
                    f"{' and '.join(bare)} cite{'s' * (claims + ratings == 1)} no evidence",
                    "evidence",
                    "amber",
                )
            )
        if governance.check_ins_held < governance.check_ins_expected:
            points.append(
                Point(
                    f"{governance.check_ins_held} of {governance.check_ins_expected} check-ins "
                    "held against the cadence",
                    "governance",
                    "amber",
                )
            )
        return points

    # -- 11 agenda ----------------------------------------------------------------------------

    def agenda(
        self,
        summary: Summary,
        scorecard: ScorecardView,
        commitments: CommitmentsView,
        kpis: KpisView,
        costs: CostsView,
        evidence: EvidenceView,
        governance: GovernanceView,
        innovation: InnovationView,
    ) -> tuple[AgendaItem, ...]:
        cur = self.charter.currency
        items = [
            AgendaItem(
                "Welcome, apologies and attendance",
                f"Check-ins held: {governance.check_ins_held} of {governance.check_ins_expected} "
                "expected.",
                "governance",
                5,
            )
        ]
        if governance.escalations_open:
            names = ", ".join(
                f"{e.id} (level {e.level}, {e.days_open} days)" for e in governance.escalations_open
            )
            items.append(
                AgendaItem(
                    "Escalations carried over",
                    f"Agree an outcome for each open step: {names}.",
                    "governance",
                    10,
                )
            )
        items.append(
            AgendaItem(
                "Scorecard and relationship health",
                f"Health {_plain(summary.health)} ({_rag_word(summary.health_rag)})."
                + (
                    f" Discuss the {_count(len(scorecard.alignment), 'alignment flag')}: where "
                    "the parties see things differently."
                    if scorecard.alignment
                    else ""
                ),
                "scorecard",
                15,
            )
        )
        formal = [t for t in summary.triggers if t.level >= 2]
        for t in formal:
            items.append(
                AgendaItem(
                    f"Level {t.level}, {t.level_name}: {t.party_name}, {t.trigger}",
                    f"{t.action} Respond by {t.respond_by.isoformat()}."
                    + (f" Answered by {t.answered_by}." if t.answered_by else ""),
                    "summary",
                    10,
                )
            )
        coffee = [t for t in summary.triggers if t.level < 2]
        if coffee:
            who = ", ".join(f"{t.party_name} ({t.trigger})" for t in coffee)
            items.append(
                AgendaItem(
                    "Course corrections agreed one-to-one",
                    f"Note the level-1 conversations: {who}.",
                    "summary",
                    5,
                )
            )
        if commitments.missed or commitments.overdue:
            items.append(
                AgendaItem(
                    "Commitments missed and overdue",
                    f"{_count(len(commitments.missed), 'commitment')} missed this quarter, "
                    f"{len(commitments.overdue)} overdue: agree new dates, or withdraw.",
                    "commitments",
                    10,
                )
            )
        off = [k.name for k in kpis.kpis if k.rag in ("red", None)]
        if off:
            items.append(AgendaItem("KPIs red or unmeasured", f"{_join(off)}.", "kpis", 10))
        over = [p.project for p in costs.projects if p.status == "over-tolerance" and p.active]
        f = costs.funnel
        cost_detail = []
        if over:
            cost_detail.append(f"projects beyond tolerance: {', '.join(over)}")
        if f.target_annual is not None:
            cost_detail.append(
                f"realised savings {_money_text(f.stages[-1].amount, cur)} a year against a "
                f"target of {_money_text(f.target_annual, cur)}"
            )
        items.append(
            AgendaItem(
                "Costs and savings",
                _sentence("; ".join(cost_detail)),
                "costs",
                10,
            )
        )
        items.append(
            AgendaItem(
                "Innovation and lessons learned",
                f"{_count(len(innovation.ideas), 'idea')} and "
                f"{_count(len(innovation.lessons), 'lesson')} recorded this quarter.",
                "innovation",
                5,
            )
        )
        bare = sum(p.claims_unevidenced + p.ratings_unevidenced for p in evidence.parties)
        if bare:
            items.append(
                AgendaItem(
                    "Evidence",
                    f"{_count(bare, 'claim or rating', 'claims or ratings')} without evidence to "
                    "back up or withdraw.",
                    "evidence",
                    5,
                )
            )
        items.append(
            AgendaItem(
                "The charter",
                f"Version {governance.version}"
                + (
                    f"; amendments agreed this quarter: "
                    f"{', '.join('v' + str(a.version) for a in governance.amendments)}"
                    if governance.amendments
                    else ""
                )
                + ". Does it still fit how the partnership works?",
                "governance",
                5,
            )
        )
        following = self.quarter.next()
        next_review = following.end(self.idx.fsm) + dt.timedelta(
            days=self.charter.governance.review_within_days
        )
        items.append(
            AgendaItem(
                "Any other business; date of the next review",
                f"The review of {following} meets by {next_review.isoformat()}.",
                "agenda",
                5,
            )
        )
        return tuple(items)


def _cell(b: BehaviourScore) -> Cell:
    def reported(name: str) -> Decimal | None:
        component = b.components.get(name)
        return component.reported if component is not None else None

    return Cell(
        behaviour=b.id,
        title=b.title,
        short=SHORT[b.id],
        score=b.reported,
        rag=b.rag,
        trend=b.trend,
        previous=score2(b.previous),
        indicator=reported("indicator"),
        observations=reported("observations"),
        peer_rating=reported("peer_rating"),
        indicator_x=rate4(b.indicator_x),
        confidence=b.confidence,
        records=len(b.records),
        note=b.note,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plain(value: Decimal | int | None) -> str:
    from jwcli.render.filters import plain

    return plain(value)


def _money_text(value: Decimal, currency: str) -> str:
    from jwcli.render.filters import money

    return money(value, currency)


def _rag_word(rag: str | None) -> str:
    from jwcli.render.filters import rag_label

    return rag_label(rag).lower()


__all__ = ["NO_AUDIT", "SECTIONS", "build_review"]
