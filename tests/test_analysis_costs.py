"""Run costs against baseline/4 and the savings target, project spend against budget, funnel.

Standard test baselines: helpdesk baseline north 400,000 and south 200,000 a year, savings
target 0.2; project dc-migration owned by acme, budget 100,000, tolerance 0.10, active
2025-06-01..2026-09-30. Fiscal year from April: 2025-Q2 is July-September 2025.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from jwcli.analysis.costs import (
    budget_adherence,
    project_spend,
    raw_savings_rate,
    run_costs,
    savings_funnel,
    savings_progress,
)
from jwcli.analysis.scoring import score_quarter
from jwcli.quarters import Quarter
from tests.helpers import BASELINES, load_checked, rec, write_repo

Q1, Q2, Q3 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)
TODAY = "2026-01-20"


def _cost(party: str, period: str, amount: float, date: str = "2025-10-01", **kw: object) -> str:
    return rec("cost", date, service="helpdesk", party=party, period=period, amount=amount, **kw)


def test_saving_progress_against_target_clamped_and_project_costs_apart(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "baselines.yaml": BASELINES,
            "records/cost-north-q2.yaml": _cost("north", "2025-Q2", 90000),
            "records/cost-north-q2-project.yaml": _cost(
                "north", "2025-Q2", 30000, project="dc-migration"
            ),
            "records/cost-south-q2.yaml": _cost("south", "2025-Q2", 55000),
            "records/cost-north-q3.yaml": _cost("north", "2025-Q3", 70000, date="2026-01-05"),
        },
    )
    rel = load_checked(root, TODAY)
    north = run_costs(rel, Q2, "north")[0]
    # baseline/4 = 400000/4 = 100000; the project cost is not a run cost: actual 90000
    assert north.actual == Decimal("90000")
    # rate = (100000 - 90000) / 100000 = 0.1; progress = 0.1 / 0.2 = 0.5
    assert north.saving_rate == Fraction(1, 10)
    assert north.progress == Fraction(1, 2)
    south = run_costs(rel, Q2, "south")[0]
    # baseline/4 = 50000; rate = (50000 - 55000) / 50000 = -0.1: negative, clamped to 0
    assert south.saving_rate == Fraction(-1, 10)
    assert south.progress == 0
    assert raw_savings_rate([south]) == Fraction(-1, 10)  # the trigger metric is not clamped
    # Q3: (100000 - 70000) / 100000 = 0.3; 0.3 / 0.2 = 1.5, clamped to 1
    assert run_costs(rel, Q3, "north")[0].progress == 1

    card = score_quarter(rel, Q2, dt.date.fromisoformat(TODAY))
    b = card.party("north").behaviour("cost-optimisation")
    # north owns no project: budget adherence absent, x = savings progress 0.5; 1 + 4 × 0.5 = 3
    assert b.parts == {"savings_progress": Fraction(1, 2), "budget_adherence": None}
    assert b.indicator_x == Fraction(1, 2)
    assert b.components["indicator"].reported == 3
    assert b.records == ("cost-north-q2",)
    s = card.party("south").behaviour("cost-optimisation")
    assert s.indicator_x == 0 and s.components["indicator"].reported == 1


def test_no_costs_no_indicator(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"baselines.yaml": BASELINES})
    rel = load_checked(root, TODAY)
    assert savings_progress(run_costs(rel, Q2, "north")) is None
    card = score_quarter(rel, Q2, dt.date.fromisoformat(TODAY))
    assert card.party("north").behaviour("cost-optimisation").score is None


def test_budget_tolerance_exactly_at_the_edge_is_within(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "baselines.yaml": BASELINES,
            "records/proj-q1.yaml": _cost(
                "north", "2025-Q1", 60000, date="2025-07-01", project="dc-migration"
            ),
            "records/proj-q2.yaml": _cost("south", "2025-Q2", 50000, project="dc-migration"),
            "records/proj-q3.yaml": _cost(
                "acme", "2025-Q3", 0.01, date="2026-01-05", project="dc-migration"
            ),
        },
    )
    rel = load_checked(root, TODAY)
    # spend to date at Q2 = 60000 + 50000 = 110000 (every party's costs naming the project, up
    # to Q2; Q3's cost is later); limit = 100000 × (1 + 0.10) = 110000: exactly at the edge
    q2 = project_spend(rel, Q2, "acme")[0]
    assert q2.spend == Decimal("110000")
    assert q2.limit == 110000
    assert q2.within
    assert budget_adherence([q2]) == 1
    # at Q3 the spend is 110000.01 > 110000: over
    q3 = project_spend(rel, Q3, "acme")[0]
    assert q3.spend == Decimal("110000.01") and not q3.within
    assert budget_adherence([q3]) == 0
    # spend to date at Q1 is 60000 only
    assert project_spend(rel, Q1, "acme")[0].spend == Decimal("60000")

    card = score_quarter(rel, Q2, dt.date.fromisoformat(TODAY))
    b = card.party("acme").behaviour("cost-optimisation")
    # acme consumes no service as client: savings progress absent; x = adherence = 1 -> 5
    assert b.parts == {"savings_progress": None, "budget_adherence": Fraction(1)}
    assert b.components["indicator"].reported == 5
    card3 = score_quarter(rel, Q3, dt.date.fromisoformat(TODAY))
    assert card3.party("acme").behaviour("cost-optimisation").components["indicator"].value == 1


def test_both_parts_averaged_and_inactive_projects_left_out(tmp_path: Path) -> None:
    baselines = BASELINES + (
        "  - project: old-project\n"
        "    service: helpdesk\n"
        "    owner: north\n"
        "    budget: 1000.00\n"
        "    tolerance: 0\n"
        "    start: 2024-01-01\n"
        "    end: 2025-06-30\n"
        "  - project: new-project\n"
        "    service: helpdesk\n"
        "    owner: north\n"
        "    budget: 1000.00\n"
        "    tolerance: 0\n"
        "    start: 2025-08-01\n"
        "    end: 2026-06-30\n"
    )
    root = write_repo(
        tmp_path,
        {
            "baselines.yaml": baselines,
            "records/cost-north-q2.yaml": _cost("north", "2025-Q2", 90000),
            # old-project ended 2025-06-30, before Q2: not active, left out although over budget
            "records/old-spend.yaml": _cost("north", "2025-Q1", 5000, project="old-project"),
            # new-project is active in Q2 (from Aug 1) and within budget
            "records/new-spend.yaml": _cost("north", "2025-Q2", 900, project="new-project"),
        },
    )
    rel = load_checked(root, TODAY)
    projects = project_spend(rel, Q2, "north")
    assert {p.project: p.active for p in projects} == {"old-project": False, "new-project": True}
    card = score_quarter(rel, Q2, dt.date.fromisoformat(TODAY))
    b = card.party("north").behaviour("cost-optimisation")
    # savings progress 0.5 (as above), budget adherence 1 of 1 -> x = (0.5 + 1) / 2 = 0.75,
    # indicator 1 + 4 × 0.75 = 4
    assert b.parts == {"savings_progress": Fraction(1, 2), "budget_adherence": Fraction(1)}
    assert b.indicator_x == Fraction(3, 4)
    assert b.components["indicator"].reported == 4
    assert set(b.records) == {"cost-north-q2", "new-spend"}


def test_savings_funnel_counts_each_chain_once_at_its_latest_stage(tmp_path: Path) -> None:
    saving = {"service": "helpdesk", "party": "north"}
    root = write_repo(
        tmp_path,
        {
            "baselines.yaml": BASELINES,
            "records/sav-1.yaml": rec(
                "saving", "2025-07-01", stage="identified", amount=10000, **saving
            ),
            "records/sav-2.yaml": rec(
                "saving", "2025-08-01", stage="agreed", amount=12000, saving="sav-1", **saving
            ),
            "records/sav-3.yaml": rec(
                "saving", "2025-09-15", stage="realised", amount=11000, saving="sav-2", **saving
            ),
            "records/sav-9.yaml": rec(
                "saving",
                "2025-08-10",
                stage="identified",
                amount=5000,
                one_off=True,
                service="helpdesk",
                party="south",
            ),
        },
    )
    rel = load_checked(root, TODAY)
    funnel = savings_funnel(rel, dt.date(2025, 9, 30))
    stages = {s.stage: (s.chains, s.annual, s.one_off) for s in funnel.stages}
    # chain sav-1 -> sav-2 -> sav-3 counts once, realised at 11000 (not 10000 + 12000 + 11000)
    assert stages == {
        "identified": (1, Decimal(0), Decimal(5000)),
        "agreed": (0, Decimal(0), Decimal(0)),
        "implemented": (0, Decimal(0), Decimal(0)),
        "realised": (1, Decimal(11000), Decimal(0)),
    }
    per_pair = {
        pair: {s.stage: s.annual for s in st} for pair, st in funnel.by_service_party.items()
    }
    assert per_pair[("helpdesk", "north")]["realised"] == 11000
    # as of 2025-08-15 the chain was at `agreed`, 12000
    earlier = {s.stage: s.annual for s in savings_funnel(rel, dt.date(2025, 8, 15)).stages}
    assert earlier["agreed"] == 12000 and earlier["realised"] == 0
