"""KPI values (latest-dated measurement of the period), RAG by direction, attainment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from jwcli.analysis.kpis import kpi_rag, kpi_series, kpi_status, kpi_statuses
from jwcli.analysis.scoring import score_quarter
from jwcli.model.charter import Kpi
from jwcli.quarters import Quarter
from tests.helpers import CHARTER, load_checked, rec, write_repo

Q2 = Quarter(2025, 2)

# Two more KPIs owned by acme: one where lower is better. first-time-fix (standard charter):
# higher, target 80, amber_within 5.
MORE_KPIS = """\
  - id: call-wait
    name: Average wait in seconds
    objective: cut-cost
    owner: acme
    unit: seconds
    direction: lower
    target: 10
    amber_within: 2
    due: 2027-03-31
  - id: backlog
    name: Open tickets
    objective: cut-cost
    owner: acme
    unit: tickets
    direction: lower
    target: 100
    amber_within: 0
    due: 2027-03-31
escalation:
"""
CHARTER_3_KPIS = CHARTER.replace("escalation:\n", MORE_KPIS, 1)


def _kpi(direction: str, target: int, amber_within: int) -> Kpi:
    return Kpi.model_validate(
        {
            "id": "k",
            "name": "K",
            "owner": "acme",
            "unit": "u",
            "direction": direction,
            "target": target,
            "amber_within": amber_within,
        }
    )


@pytest.mark.parametrize(
    ("value", "rag"),
    [("80", "green"), ("95", "green"), ("79.9", "amber"), ("75", "amber"), ("74.99", "red")],
)
def test_rag_higher_is_better(value: str, rag: str) -> None:
    # green >= 80; amber >= 80 - 5 = 75; else red
    assert kpi_rag(_kpi("higher", 80, 5), Decimal(value)) == rag


@pytest.mark.parametrize(
    ("value", "rag"),
    [("10", "green"), ("3", "green"), ("10.5", "amber"), ("12", "amber"), ("12.01", "red")],
)
def test_rag_lower_is_better(value: str, rag: str) -> None:
    # green <= 10; amber <= 10 + 2 = 12; else red
    assert kpi_rag(_kpi("lower", 10, 2), Decimal(value)) == rag


def test_latest_dated_measurement_of_the_period_counts(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/m-early.yaml": rec(
                "measurement", "2025-10-05", kpi="first-time-fix", period="2025-Q2", value=70
            ),
            # a second reading of the period corrects the first (lifecycle.md)
            "records/m-later.yaml": rec(
                "measurement",
                "2025-10-10",
                kpi="first-time-fix",
                period="2025-Q2",
                value=78,
                supersedes="m-early",
            ),
            # dated in Q2 but for Q1's period: belongs to Q1, not Q2
            "records/m-q1.yaml": rec(
                "measurement", "2025-07-02", kpi="first-time-fix", period="2025-Q1", value=90
            ),
        },
    )
    rel = load_checked(root, "2025-10-15")
    status = kpi_status(rel, "first-time-fix", Q2)
    assert status.value == 78  # 10-10 is later than 10-05
    assert status.rag == "amber"  # 75 <= 78 < 80
    assert status.measurement == "m-later"
    assert kpi_status(rel, "first-time-fix", Quarter(2025, 1)).rag == "green"  # 90 >= 80


def test_superseded_measurement_is_ignored(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/m-typo.yaml": rec(
                "measurement", "2025-10-05", kpi="first-time-fix", period="2025-Q2", value=8.1
            ),
            "records/m-fix.yaml": rec(
                "measurement",
                "2025-10-06",
                kpi="first-time-fix",
                period="2025-Q2",
                value=81,
                supersedes="m-typo",
            ),
        },
    )
    rel = load_checked(root, "2025-10-15")
    assert kpi_status(rel, "first-time-fix", Q2).value == 81


def test_attainment_counts_unmeasured_as_zero(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": CHARTER_3_KPIS,
            # first-time-fix 82 >= 80: green (1); call-wait 11 <= 10 + 2: amber (0.5);
            # backlog: no measurement -> 0
            "records/m-ftf.yaml": rec(
                "measurement", "2025-10-01", kpi="first-time-fix", period="2025-Q2", value=82
            ),
            "records/m-wait.yaml": rec(
                "measurement", "2025-10-01", kpi="call-wait", period="2025-Q2", value=11
            ),
        },
    )
    # 2025-11-15 is 46 days after Q2 ends: the 30-day measurement grace is over
    rel = load_checked(root, "2025-11-15")
    statuses = kpi_statuses(rel, Q2, owner="acme")
    assert [(s.kpi.id, s.rag) for s in statuses] == [
        ("first-time-fix", "green"),
        ("call-wait", "amber"),
        ("backlog", None),
    ]
    card = score_quarter(rel, Q2, dt.date(2025, 11, 15))
    b = card.party("acme").behaviour("objectives-aligned")
    # x = (1 + 0.5 + 0) / 3 = 0.5; indicator 1 + 4 × 0.5 = 3; the only component -> score 3
    assert b.indicator_x == Fraction(1, 2)
    assert b.reported == Decimal("3.00")
    assert b.rag == "amber"  # 2.5 <= 3 < 3.5
    assert set(b.records) == {"m-ftf", "m-wait"}
    # north owns no KPI: the indicator is absent, not zero
    north = card.party("north").behaviour("objectives-aligned")
    assert north.indicator_x is None and north.score is None


def test_kpi_owned_but_never_measured_scores_red(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {})
    rel = load_checked(root, "2025-11-15")  # after the 30-day grace that followed 2025-09-30
    card = score_quarter(rel, Q2, dt.date(2025, 11, 15))
    b = card.party("acme").behaviour("objectives-aligned")
    # one KPI, unmeasured: x = 0, indicator 1 + 0 = 1, red (deliberate: untested is not aligned)
    assert b.indicator_x == 0
    assert b.reported == Decimal("1.00")
    assert b.rag == "red"


def test_series_over_eight_quarters(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/m-a.yaml": rec(
                "measurement", "2025-07-05", kpi="first-time-fix", period="2025-Q1", value=70
            ),
            "records/m-b.yaml": rec(
                "measurement", "2025-10-05", kpi="first-time-fix", period="2025-Q2", value=81
            ),
        },
    )
    rel = load_checked(root, "2025-10-15")
    series = kpi_series(rel, "first-time-fix", Q2)
    # eight quarters ending 2025-Q2, oldest first: 2023-Q3 .. 2025-Q2
    assert [str(s.quarter) for s in series] == [
        "2023-Q3",
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
    ]
    assert [s.value for s in series[-3:]] == [None, 70, 81]
    assert [s.rag for s in series[-2:]] == ["red", "green"]  # 70 < 75; 81 >= 80
