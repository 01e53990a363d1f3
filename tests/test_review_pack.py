"""The review pack's view model from the hand-worked relationship in tests/review_data.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from jwcli.analysis.scoring import score_quarter
from jwcli.checks.validate import has_errors, validate
from jwcli.load.repo import load_repo
from jwcli.quarters import Quarter
from jwcli.render.pack import ReviewPack, Source
from jwcli.render.review import build_review
from tests.helpers import write_repo
from tests.review_data import FILES, TODAY

Q = Quarter(2025, 2)
NO_GIT = Source(git=False, commit=None, commit_date=None, dirty=False, from_objects=False)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> ReviewPack:
    root = write_repo(tmp_path_factory.mktemp("hand"), FILES)
    rel = load_repo(root)
    assert not has_errors(validate(rel, TODAY))
    return build_review(rel, Q, TODAY, source=NO_GIT)


def test_cover_dates(pack: ReviewPack) -> None:
    c = pack.cover
    # fiscal year from April: 2025-Q2 is July to September; judged as of its last day
    assert (c.start, c.end, c.as_of) == (
        dt.date(2025, 7, 1),
        dt.date(2025, 9, 30),
        dt.date(2025, 9, 30),
    )
    # review within 30 days of the end, the pack 5 days before that
    assert c.review_due == dt.date(2025, 10, 30)
    assert c.pack_due == dt.date(2025, 10, 25)
    assert [p.id for p in c.parties] == ["north", "south", "acme"]
    assert c.charter_version == 2


def test_commitments_per_party_and_lists(pack: ReviewPack) -> None:
    counts = {p.party: p for p in pack.commitments.parties}
    # acme: c-acme-1 delivered 10 Aug for 15 Aug (on time), c-acme-2 on 5 Sep for 1 Sep (late)
    acme = counts["acme"]
    assert (acme.due, acme.on_time, acme.late, acme.missed, acme.open) == (2, 1, 1, 0, 0)
    assert acme.rate == Decimal("0.5000")
    # north: c-north-1 marked missed; south: c-south-1 past due with nothing recorded
    assert (counts["north"].due, counts["north"].missed) == (1, 1)
    assert (counts["south"].due, counts["south"].missed) == (1, 1)
    assert [line.id for line in pack.commitments.missed] == ["c-north-1"]
    # overdue on 30 Sep, any quarter: c-south-0 due 20 May (11+30+31+31+30 = 133 days late),
    # c-south-1 due 20 Sep (10 days)
    assert [(line.id, line.days_late) for line in pack.commitments.overdue] == [
        ("c-south-0", 133),
        ("c-south-1", 10),
    ]


def test_kpis_eight_quarters(pack: ReviewPack) -> None:
    (kpi,) = pack.kpis.kpis
    # the charter took effect on 2025-04-01 (2025-Q1): the chart starts there, not 8 back
    assert pack.kpis.quarters == ("2025-Q1", "2025-Q2")
    # 77 against a target of 80 with amber within 5: amber; 70 the quarter before: red
    assert (kpi.actual, kpi.rag, kpi.previous) == (Decimal(77), "amber", Decimal(70))
    assert [p.value for p in kpi.series] == [Decimal(70), Decimal(77)]
    assert pack.kpis.unmeasured == ()


def test_run_costs_market_and_projects(pack: ReviewPack) -> None:
    north, south = pack.costs.run_costs
    # north: 400000/4 = 100000 baseline, 90000 actual: saving 10000, rate 0.1, half the 0.2 target
    assert (north.baseline_quarter, north.actual, north.saving) == (
        Decimal("100000.00"),
        Decimal(90000),
        Decimal("10000.00"),
    )
    assert (north.saving_rate, north.progress) == (Decimal("0.1000"), Decimal("0.5000"))
    # south: 200000/4 = 50000, 52000 actual: -2000, rate -0.04, progress clamped to 0
    assert (south.saving, south.saving_rate, south.progress) == (
        Decimal("-2000.00"),
        Decimal("-0.0400"),
        Decimal("0.0000"),
    )
    (market,) = pack.costs.market
    # (90000 + 52000) × 4 = 568000 against 610000: 568000/610000 - 1 = -0.068852... -> -0.0689
    assert (market.baseline_annual, market.actual_annualised) == (
        Decimal("600000.00"),
        Decimal(568000),
    )
    assert market.actual_vs_market == Decimal("-0.0689")
    (project,) = pack.costs.projects
    # 60000 (Q1) + 55000 (Q2) = 115000 against 100000 × 1.10 = 110000: over tolerance
    assert (project.spend_in_quarter, project.spend_to_date) == (Decimal(55000), Decimal(115000))
    assert (project.limit, project.used, project.status) == (
        Decimal("110000.00"),
        Decimal("1.1500"),
        "over-tolerance",
    )


def test_savings_funnel_against_target_and_measured(pack: ReviewPack) -> None:
    f = pack.costs.funnel
    # latest stages: s-1 chain realised 20000, s-2 agreed 30000, s-3 identified 10000 (s-4 is
    # one-off); reached at least: identified 60000 (3), agreed 50000 (2), implemented and
    # realised 20000 (1)
    assert [(s.stage, s.amount, s.count) for s in f.stages] == [
        ("identified", Decimal(60000), 3),
        ("agreed", Decimal(50000), 2),
        ("implemented", Decimal(20000), 1),
        ("realised", Decimal(20000), 1),
    ]
    assert f.one_off_realised == Decimal(5000)
    # target 0.2 × (400000 + 200000) = 120000; realised 20000/120000 = 0.16666... -> 0.1667
    assert f.target_annual == Decimal("120000.00")
    assert f.realised_vs_target == Decimal("0.1667")
    # measured from costs: (10000 - 2000) × 4 = 32000; realised 20000 - 32000 = -12000
    assert f.measured_annual == Decimal("32000.00")
    assert f.realised_vs_measured == Decimal("-12000.00")
    # implemented or further 20000 - 32000 measured: no gap to report
    assert f.implemented_vs_measured == Decimal("-12000.00")


def test_innovation_evidence_and_alignment(pack: ReviewPack) -> None:
    ideas = {(i.party, i.first): (i.id, i.status) for i in pack.innovation.ideas}
    # acme's chatbot counts once, at its latest status; north's kiosks abandoned with lessons
    assert ideas == {("acme", "i-1"): ("i-2", "adopted"), ("north", "i-3"): ("i-3", "abandoned")}
    assert [lesson.id for lesson in pack.innovation.lessons] == ["l-1"]
    counts = {p.party: p for p in pack.evidence.parties}
    assert (counts["acme"].claims, counts["acme"].claims_unevidenced) == (1, 1)
    assert (counts["north"].claims, counts["north"].claims_unevidenced) == (1, 0)
    assert (counts["north"].ratings, counts["north"].ratings_unevidenced) == (2, 1)
    assert [c.id for c in pack.evidence.claims] == ["cl-acme"]
    assert [(r.assessor, r.behaviour) for r in pack.evidence.ratings] == [
        ("north", "critical-friend"),
        ("south", "commercial-trust"),
    ]
    # acme's commercial trust rated 4 and 2 by its peers: spread 2, flagged
    (flag,) = pack.scorecard.alignment
    assert (flag.party, flag.behaviour, flag.spread) == ("acme", "commercial-trust", 2)


def test_governance(pack: ReviewPack) -> None:
    g = pack.governance
    # since the last formal review (the quarterly-review meeting of 20 Jul): v2 of 1 Aug
    assert g.amendments_since == dt.date(2025, 7, 20)
    (amendment,) = g.amendments
    assert (amendment.version, amendment.not_agreed_by) == (2, ("south",))
    # 92 days from 1 Jul to 30 Sep at one check-in every 14 days: 92 // 14 = 6 expected
    assert (g.check_ins_expected, g.check_ins_held, g.quarterly_reviews_held) == (6, 2, 1)
    # gaps 30 Jun -> 15 Jul -> 12 Aug -> 30 Sep: 15, 28 and 49 days
    assert g.longest_gap_days == 49
    assert g.attendance == (
        ("north", "North District Council", 3, 3),
        ("south", "South Borough Council", 3, 2),
        ("acme", "Acme Managed Services Ltd", 3, 3),
    )
    # e-2 was closed by e-3 (its outcome); e-1, taken 25 Sep, is 5 days open on 30 Sep
    assert [(e.id, e.days_open) for e in g.escalations_open] == [("e-1", 5)]


def test_summary_triggers_and_concerns_in_order(pack: ReviewPack) -> None:
    s = pack.summary
    # on-time rates: acme 1/2, north 0/1, south 0/1, all below 0.8: the level-1 trigger fires
    assert [(t.party, t.value, t.answered_by) for t in s.triggers] == [
        ("acme", Decimal("0.5000"), None),
        ("north", Decimal("0.0000"), "e-3"),
        ("south", Decimal("0.0000"), "e-1"),
    ]
    assert (s.highest_level, s.highest_level_name) == (1, "Cup of coffee conversation")
    texts = [p.text for p in s.concerns]
    assert texts[3] == "Project dc-migration has spent £115,000 of £100,000, beyond its tolerance"
    assert texts[4] == "North District Council: 1 commitment missed this quarter"
    assert texts[5] == "South Borough Council: 2 commitments overdue"
    assert s.more_concerns > 0
    assert s.achievements[0].text == "1 saving realised this quarter, worth £20,000 a year"


def test_agenda_ends_with_the_next_review(pack: ReviewPack) -> None:
    titles = [item.title for item in pack.agenda]
    assert titles[0] == "Welcome, apologies and attendance"
    assert "Escalations carried over" in titles
    assert "Commitments missed and overdue" in titles
    # 2025-Q3 ends 31 Dec 2025; its review within 30 days: 30 Jan 2026
    assert pack.agenda[-1].detail == "The review of 2025-Q3 meets by 2026-01-30."


def test_scores_are_the_scorecard_json(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    rel = load_repo(root)
    pack = build_review(rel, Q, TODAY, source=NO_GIT)
    assert pack.scores == score_quarter(rel, Q, TODAY).to_json()
