"""The shipped example answers its fired triggers by naming them, so on its "today" `jw status`
lists only the two formal reviews of Meridian's red KPIs that the story never held, and the
answers show in the next quarter's flexible-charter indicator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import jw

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "southshire-partnership"
TODAY = "2026-11-29"


def _score(quarter: str) -> dict[str, Any]:
    result = jw(
        "-C", str(EXAMPLE), "--today", TODAY, "score", "--quarter", quarter, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    card: dict[str, Any] = json.loads(result.stdout)
    return card


def _flexible_charter(card: dict[str, Any], party: str) -> float:
    (found,) = [p for p in card["parties"] if p["party"] == party]
    (behaviour,) = [b for b in found["behaviours"] if b["id"] == "flexible-charter"]
    indicator: float = behaviour["components"]["indicator"]
    return indicator


def test_status_lists_only_the_two_kpi_reviews_never_held_and_no_misnamed_escalation() -> None:
    result = jw("-C", str(EXAMPLE), "--today", TODAY, "status")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Triggers not yet answered: 2")
    listed = [line.split(":")[0].split() for line in lines[start + 1 : start + 3]]
    assert listed == [
        ["2024-Q3", "kpis-in-the-red", "meridian"],
        ["2025-Q2", "kpis-in-the-red", "meridian"],
    ]
    assert "LATE: missed" in lines[start + 1] and "LATE: missed" in lines[start + 2]
    assert "neither fired nor is at risk" not in result.output


def test_the_county_coffee_named_three_days_late_is_acknowledged_not_answered() -> None:
    # 2025-Q1 ends 30 June; a cup of coffee (level 1) is due within 14 days, by 14 July. The
    # formal review of 17 July names the County's trigger: acknowledged, so status stops
    # listing it, but it is not answered in time.
    card = _score("2025-Q1")
    fired = {(t["trigger"], t["party"]): t for t in card["triggers"]}
    county = fired[("slipping-commitments", "scc")]
    assert county["respond_by"] == "2025-07-14"
    assert county["answered_by"] is None
    # named three days late (17 July): acknowledged, so status stops listing it, not answered
    assert county["acknowledged_by"] == "2025-07-17-formal-review-county-agency-saving"
    # Meridian's second quarter (level 2, 30 days: by 30 July) was answered at that review.
    meridian = fired[("slipping-for-two-quarters", "meridian")]
    assert meridian["respond_by"] == "2025-07-30"
    assert meridian["answered_by"] == "2025-07-24-formal-review-commitments-outcome"


def test_answers_in_time_raise_the_next_quarters_flexible_charter_indicator() -> None:
    # The indicator is 1 + 4 x, x the share of last quarter's fired triggers answered in time.
    # 2025-Q1, Meridian: the cup of coffee missed, the formal review in time: x = 1/2.
    assert _flexible_charter(_score("2025-Q2"), "meridian") == 1 + 4 * 0.5
    # 2025-Q2, Meridian: three on-time-rate steps and the ERP overrun answered, the red KPIs
    # not: x = 4/5.
    assert _flexible_charter(_score("2025-Q3"), "meridian") == 1 + 4 * 0.8
    # 2025-Q2, the County: both on-time-rate steps answered at the board of 9 October: x = 1.
    assert _flexible_charter(_score("2025-Q3"), "scc") == 5.0
    # 2025-Q3, the County: three on-time-rate steps and behaviour-stuck-low, all named by the
    # dispute resolution procedure of 18 December (its chain answers with its first date): x = 1.
    assert _flexible_charter(_score("2025-Q4"), "scc") == 5.0
