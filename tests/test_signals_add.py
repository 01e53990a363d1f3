"""Guided `jw add escalation` offers the fired, unanswered triggers and fills in what answers one;
`jw add escalation` always writes the quarter the escalation is about.

Standard test charter: fiscal year from April (2025-Q1 is April-June 2025), level 1 responds
within 14 days; `slipping-commitments` fires below an on-time rate of 0.8.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.helpers import jw, rec, write_repo

TTY = {"JW_INTERACTIVE": "1"}


def repo(tmp_path: Path) -> Path:
    # acme misses a commitment due in Q1: the trigger fires for acme in 2025-Q1
    return write_repo(
        tmp_path / "rel",
        {"records/com-q1.yaml": rec("commitment", "2025-04-02", party="acme", due="2025-05-01")},
    )


def written(root: Path, stdout: str) -> dict[str, object]:
    path = root / stdout.strip().splitlines()[-1]
    data: dict[str, object] = yaml.safe_load(path.read_text())
    return data


def test_guided_escalation_offers_the_unanswered_trigger_and_fills_it_in(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = jw(
        "-C", str(root), "--today", "2025-07-10", "add", "escalation",
        "--summary", "Coffee about the slipped rota", "--no-commit",
        env=TTY, input="1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "[1] 2025-Q1 slipping-commitments for acme: level 1 Cup of coffee conversation, "
        "respond by 2025-07-14" in result.stderr
    )
    data = written(root, result.stdout)
    assert (data["trigger"], data["quarter"], data["parties"], data["level"]) == (
        "slipping-commitments",
        "2025-Q1",
        ["acme"],
        1,
    )
    # and it answers the trigger: nothing is left to offer or list
    status = jw("-C", str(root), "--today", "2025-07-10", "status", "--format", "json")
    assert '"unanswered_triggers": []' in status.stdout


def test_add_escalation_always_writes_its_quarter(tmp_path: Path) -> None:
    root = repo(tmp_path)
    common = ["--level", "1", "--parties", "acme", "--no-commit"]
    # 07-10 is on or before Q1's respond-by 07-14 for the trigger it names: about 2025-Q1
    named = jw(
        "-C", str(root), "--today", "2025-07-10", "add", "escalation",
        "--summary", "Coffee about the rota", "--trigger", "slipping-commitments", *common,
        env={"JW_INTERACTIVE": "0"},
    )  # fmt: skip
    assert named.exit_code == 0, named.output
    assert written(root, named.stdout)["quarter"] == "2025-Q1"
    # naming no trigger: about the quarter of its date
    plain = jw(
        "-C", str(root), "--today", "2025-07-10", "add", "escalation",
        "--summary", "Coffee about the new rota", *common,
        env={"JW_INTERACTIVE": "0"},
    )  # fmt: skip
    assert plain.exit_code == 0, plain.output
    assert written(root, plain.stdout)["quarter"] == "2025-Q2"


def test_assess_offers_every_behaviour_the_quarters_records_about_the_party(
    tmp_path: Path,
) -> None:
    from jwcli.load.repo import load_repo
    from jwcli.quarters import Quarter
    from jwcli.write.assess import evidence_for

    files = {
        "records/obs-cf.yaml": rec(
            "observation",
            "2025-05-10",
            party="acme",
            behaviours=["critical-friend"],
            effect="positive",
            by="north",
        ),
        "records/claim-acme.yaml": rec("claim", "2025-05-12", party="acme"),
        "records/lesson-south.yaml": rec("lesson", "2025-05-12", party="south"),
    }
    root = write_repo(tmp_path / "rel", files)
    rel = load_repo(root)
    q1 = Quarter(2025, 1)
    # critical-friend: the observation naming it first, then the claim (about acme too)
    assert [e.id for e in evidence_for(rel, "acme", "critical-friend", q1)] == [
        "obs-cf",
        "claim-acme",
    ]
    # evidence-based: the claim first; the observation is still offered; south's lesson never
    assert [e.id for e in evidence_for(rel, "acme", "evidence-based", q1)] == [
        "claim-acme",
        "obs-cf",
    ]
    # peer-reputation has no records of its own: everything about acme is offered
    assert {e.id for e in evidence_for(rel, "acme", "peer-reputation", q1)} == {
        "obs-cf",
        "claim-acme",
    }
