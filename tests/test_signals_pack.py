"""The review pack's use of the signals: provisional cover, at-risk triggers, milestone targets,
KPIs awaiting measurement, the date the charter version was agreed, behaviour scores per trigger.

Standard test charter: fiscal year from April, effective 2025-04-01 (2025-Q1 is April-June).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jwcli.quarters import Quarter
from jwcli.render.jinja import render_markdown
from jwcli.render.pack import Source
from jwcli.render.review import build_review
from tests.helpers import CHARTER, load_checked, rec, write_repo

NO_GIT = Source(git=False, commit=None, commit_date=None, dirty=False, from_objects=False)
Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)

MILESTONE_CHARTER = CHARTER.replace(
    "    due: 2027-03-31\nescalation:",
    "    due: 2027-03-31\n    milestones:\n      - {by: 2025-Q2, target: 70}\nescalation:",
) + ("    - id: red-behaviour\n      metric: behaviour-score\n      below: 2.5\n      level: 2\n")


def pack_of(root: Path, quarter: Quarter, today: str):  # type: ignore[no-untyped-def]
    day = dt.date.fromisoformat(today)
    return build_review(load_checked(root, today), quarter, day, source=NO_GIT)


def test_an_unfinished_quarter_is_provisional_with_triggers_at_risk(tmp_path: Path) -> None:
    files = {"records/com.yaml": rec("commitment", "2025-07-01", party="acme", due="2025-08-01")}
    root = write_repo(tmp_path, files)
    pack = pack_of(root, Q2, "2025-09-15")
    assert pack.cover.provisional
    assert pack.summary.triggers == ()
    assert [(t.trigger, t.party) for t in pack.summary.at_risk] == [
        ("slipping-commitments", "acme")
    ]
    md = render_markdown(pack)
    assert "**Provisional:** the quarter is not finished" in md
    assert "No trigger of the charter fired. At risk if the quarter ended now:" in md
    # the KPI cannot be measured before the quarter ends: awaiting, not unmeasured
    assert pack.kpis.unmeasured == ()
    assert "**Awaiting measurement:** first-time-fix" in md


def test_milestone_targets_version_date_and_behaviour_scores(tmp_path: Path) -> None:
    files = {
        "charter.yaml": MILESTONE_CHARTER.replace("version: 1", "version: 2"),
        "records/agreed-v2.yaml": rec(
            "amendment", "2025-06-10", version=2, agreed_by=["north", "south", "acme"]
        ),
        "records/m-q2.yaml": rec(
            "measurement", "2025-10-02", kpi="first-time-fix", period="2025-Q2", value=72
        ),
        "records/obs.yaml": rec(
            "observation",
            "2025-08-01",
            party="north",
            behaviours=["critical-friend"],
            effect="negative",
            by="acme",
        ),
    }
    root = write_repo(tmp_path, files)
    pack = pack_of(root, Q2, "2025-11-15")
    (kpi,) = pack.kpis.kpis
    # the milestone of 70 is in force up to 2025-Q2: 72 is green (80 would make it red)
    assert (kpi.target, kpi.target_label, kpi.rag) == (70, "milestone 2025-Q2: 70", "green")
    md = render_markdown(pack)
    assert "| 70 (milestone 2025-Q2: 70) | 72 |" in md
    # version 2 was agreed on 10 June 2025, not in effect since the charter's 1 April
    assert pack.governance.version_since == dt.date(2025, 6, 10)
    assert "Charter version **2**, in effect since 10 June 2025." in md
    # north: critical-friend 1 (one negative), innovation 1 (no idea): each listed with its score
    # (acme fires too: innovation 1 beside its green KPI; south has no data, so no score)
    reds = {t.party: t for t in pack.summary.triggers if t.trigger == "red-behaviour"}
    assert set(reds) == {"north", "acme"}
    red = reds["north"]
    assert [(b, str(v)) for b, v in red.behaviour_scores] == [
        ("critical-friend", "1.00"),
        ("innovation", "1.00"),
    ]
    assert "behaviour-score 1.00 (critical-friend 1.00, innovation 1.00)" in md


def test_the_pack_lists_only_the_parties_that_were_members(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "  - id: acme\n",
        "  - id: west\n    name: West Council\n    role: client\n    joined: 2025-08-15\n"
        "  - id: acme\n",
    )
    root = write_repo(tmp_path, {"charter.yaml": charter})
    q1 = pack_of(root, Q1, "2025-11-15")
    assert [p.id for p in q1.cover.parties] == ["north", "south", "acme"]
    assert [a[0] for a in q1.governance.attendance] == ["north", "south", "acme"]
    q2 = pack_of(root, Q2, "2025-11-15")
    assert [p.id for p in q2.cover.parties] == ["north", "south", "west", "acme"]


def test_the_kpi_chart_steps_through_the_milestone_targets(tmp_path: Path) -> None:
    from jwcli.render.charts import kpi_trend

    files = {
        "charter.yaml": MILESTONE_CHARTER,
        "records/m-q1.yaml": rec(
            "measurement", "2025-07-02", kpi="first-time-fix", period="2025-Q1", value=72
        ),
        "records/m-q3.yaml": rec(
            "measurement", "2026-01-02", kpi="first-time-fix", period="2025-Q3", value=72
        ),
    }
    root = write_repo(tmp_path, files)
    (kpi,) = pack_of(root, Quarter(2025, 3), "2026-02-15").kpis.kpis
    # Q1 and Q2 under the milestone of 70, Q3 under the final 80
    assert [(p.quarter, p.target) for p in kpi.series] == [
        ("2025-Q1", 70),
        ("2025-Q2", 70),
        ("2025-Q3", 80),
    ]
    svg = str(kpi_trend(kpi))
    # one dashed target segment per quarter instead of one line across the chart
    assert svg.count('stroke-dasharray="5 3"') == 3
    assert "target 80 (higher is better)" in svg
