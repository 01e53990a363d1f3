"""Alignment flags: spread of the peer ratings (misaligned at 2) and self gap (at ±1.5)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from jwcli.analysis.alignment import alignment, largest_spread
from jwcli.analysis.scoring import score_quarter
from jwcli.quarters import Quarter
from tests.helpers import load_checked, write_repo

Q2 = Quarter(2025, 2)


def _file(assessor: str, ratings: dict[str, dict[str, int]]) -> str:
    lines = [f"quarter: 2025-Q2\nassessor: {assessor}\ndate: 2025-09-20\nratings:"]
    for party, by in ratings.items():
        lines.append(f"  {party}:")
        lines.extend(f"    {b}: {{rating: {r}}}" for b, r in by.items())
    return "\n".join(lines) + "\n"


def test_spread_and_self_gap_flags(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "assessments/2025-Q2/north.yaml": _file(
                "north",
                {
                    "acme": {"critical-friend": 5, "innovation": 3, "objectives-met": 4},
                    "south": {"innovation": 3},
                },
            ),
            "assessments/2025-Q2/south.yaml": _file(
                "south", {"acme": {"critical-friend": 2, "innovation": 4}}
            ),
            "assessments/2025-Q2/acme.yaml": _file(
                "acme",
                {
                    "acme": {"critical-friend": 5, "innovation": 2, "objectives-met": 5},
                    "south": {"innovation": 4},
                },
            ),
        },
    )
    rel = load_checked(root, "2025-10-01")
    entries = {(a.party, a.behaviour): a for a in alignment(rel, Q2)}
    cf = entries[("acme", "critical-friend")]
    # peers 5 and 2: spread 3 >= 2, misaligned; self 5 - mean(5, 2) = 5 - 3.5 = +1.5: flagged
    assert cf.spread == 3 and cf.misaligned
    assert cf.self_gap == Fraction(3, 2) and cf.gap_flagged
    inn = entries[("acme", "innovation")]
    # peers 3 and 4: spread 1, fine; self 2 - 3.5 = -1.5: flagged ("sees itself worse")
    assert inn.spread == 1 and not inn.misaligned
    assert inn.self_gap == Fraction(-3, 2) and inn.gap_flagged
    om = entries[("acme", "objectives-met")]
    # one peer rating: no spread; self 5 - 4 = 1: under 1.5, not flagged
    assert om.spread is None and om.self_gap == 1 and not om.flagged
    si = entries[("south", "innovation")]
    # south: peers north 3 and acme 4 -> spread 1, no self-rating -> no gap
    assert si.spread == 1 and si.self_gap is None and not si.flagged
    assert largest_spread(rel, Q2, "acme") == 3
    assert largest_spread(rel, Q2, "north") is None  # nobody rated north

    card = score_quarter(rel, Q2, dt.date(2025, 10, 1))
    # the scorecard lists only flagged entries, in party then behaviour order
    assert [a.to_json() for a in card.alignment] == [
        {"party": "acme", "behaviour": "critical-friend", "spread": 3, "self_gap": 1.5},
        {"party": "acme", "behaviour": "innovation", "spread": 1, "self_gap": -1.5},
    ]
    assert [a.to_json()["behaviour"] for a in card.for_party("south").alignment] == []
