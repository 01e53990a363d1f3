"""Each charter template, walked through its first quarter with records but no assessments.

A partnership that does what it promised in its first quarter (commitments delivered on time,
check-ins held and attended, KPIs measured on target) must not be told to hold a formal review:
no trigger fires. One party that lets its commitments slip gets the first, informal step and
nothing more. Mid-quarter, nothing counts as fired at all (the quarter is provisional).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from jwcli.analysis.scoring import score_quarter
from jwcli.quarters import Quarter
from tests.helpers import load_checked, rec, write_repo

CHARTERS = Path(__file__).resolve().parent.parent / "charters"
TEMPLATES = sorted(p.name for p in CHARTERS.iterdir() if (p / "charter.yaml").is_file())


def first_quarter(template: str, slipping: str | None = None) -> tuple[Quarter, dict[str, str]]:
    charter_text = (CHARTERS / template / "charter.yaml").read_text()
    charter = yaml.safe_load(charter_text)
    fsm = charter.get("fiscal_year_start", 1)
    quarter = Quarter.of(charter["effective"], fsm)
    start, end = quarter.start(fsm), quarter.end(fsm)
    parties = [p["id"] for p in charter["parties"]]
    files = {
        "charter.yaml": charter_text,
        "baselines.yaml": (CHARTERS / template / "baselines.yaml").read_text(),
        # the charter agreed by every party on its effective date
        "records/agreed.yaml": rec(
            "amendment", str(start), version=charter["version"], agreed_by=parties
        ),
    }
    for i, party in enumerate(parties):
        due = start + dt.timedelta(days=40 + i)
        files[f"records/promise-{party}.yaml"] = rec(
            "commitment", str(start + dt.timedelta(days=5)), party=party, due=str(due)
        )
        if party != slipping:
            files[f"records/kept-{party}.yaml"] = rec(
                "update", str(due), commitment=f"promise-{party}", status="delivered"
            )
    every = charter.get("governance", {}).get("check_in_every_days", 14)
    day, n = start, 0
    while day <= end:
        files[f"records/check-in-{n}.yaml"] = rec(
            "meeting", str(day), type="check-in", attendees={p: ["Lead"] for p in parties}
        )
        day, n = day + dt.timedelta(days=every), n + 1
    for kpi in charter.get("kpis", []):
        files[f"records/reading-{kpi['id']}.yaml"] = rec(
            "measurement",
            str(end + dt.timedelta(days=7)),
            kpi=kpi["id"],
            period=str(quarter),
            value=float(kpi["target"]),
        )
    return quarter, files


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_good_first_quarter_fires_nothing(template: str, tmp_path: Path) -> None:
    quarter, files = first_quarter(template)
    root = write_repo(tmp_path, files, charter=False)
    end = quarter.end(yaml.safe_load(files["charter.yaml"]).get("fiscal_year_start", 1))
    today = end + dt.timedelta(days=45)  # after the measurement grace
    card = score_quarter(load_checked(root, str(today)), quarter, today)
    assert [(t.trigger, t.party) for t in card.triggers] == []
    # mid-quarter: provisional, and nothing counts as fired
    mid = end - dt.timedelta(days=30)
    early = score_quarter(load_checked(root, str(mid)), quarter, mid)
    assert early.provisional and early.fired == ()


@pytest.mark.parametrize("template", TEMPLATES)
def test_one_party_slipping_gets_a_quiet_word_only(template: str, tmp_path: Path) -> None:
    charter = yaml.safe_load((CHARTERS / template / "charter.yaml").read_text())
    slipping = charter["parties"][0]["id"]
    quarter, files = first_quarter(template, slipping=slipping)
    root = write_repo(tmp_path, files, charter=False)
    today = quarter.end(charter.get("fiscal_year_start", 1)) + dt.timedelta(days=45)
    card = score_quarter(load_checked(root, str(today)), quarter, today)
    assert [(t.trigger, t.party, t.level) for t in card.triggers] == [
        ("slipping-commitments", slipping, 1)
    ]
