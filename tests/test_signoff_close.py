"""`jw review --close` signs off exactly what is committed, commits the whole pack, says
"Draft charter"; `jw add` and `jw assess` of late data ask at a terminal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.helpers import BASELINES, git, jw, rec, write_repo

TODAY = ("--today", "2025-07-10")  # 2025-Q1 is April to June 2025 (fiscal year from April)


def _repo(root: Path) -> Path:
    write_repo(
        root,
        {
            "baselines.yaml": BASELINES,
            ".gitignore": "records/private/\n",
            "records/2025-Q1/2025-06-02-q1-invoice.yaml": rec(
                "cost",
                "2025-06-02",
                service="helpdesk",
                party="north",
                period="2025-Q1",
                amount=90000,
            ),
        },
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Charter, baselines and the first invoice")
    return root


def test_close_signs_off_the_committed_tree_only_and_commits_every_format(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    # a draft pack of every format, rendered before the close
    assert jw("-C", str(root), *TODAY, "review", "-q", "2025-Q1").exit_code == 0
    # a record git ignores: in the working tree, not in the history
    hidden = root / "records/private/2025-06-30-hidden-invoice.yaml"
    hidden.parent.mkdir(parents=True)
    hidden.write_text(
        rec("cost", "2025-06-30", service="helpdesk", party="south", period="2025-Q1", amount=1)
    )
    assert git(root, "status", "--porcelain") == "?? reviews/"

    result = jw("-C", str(root), *TODAY, "review", "--close", "-q", "2025-Q1", "--format", "md")
    assert result.exit_code == 0, result.output
    committed = git(root, "show", "--name-only", "--format=", "HEAD").splitlines()
    # md asked for; html and json were in the folder: re-rendered and committed with it
    assert committed == [f"reviews/2025-Q1/review.{ext}" for ext in ("html", "json", "md")]
    pack = (root / "reviews/2025-Q1/review.json").read_text(encoding="utf-8")
    assert "hidden-invoice" not in pack and "q1-invoice" in pack
    # the charter was never agreed: a draft, and the close says so
    body = git(root, "log", "-1", "--format=%B")
    assert "Draft charter" in body
    assert "Jw-Today: 2025-07-10" in body
    assert "**Draft charter:**" in (root / "reviews/2025-Q1/review.md").read_text("utf-8")
    assert json.loads(pack)["sign_off"]["draft_charter"] is True
    assert "the charter is still a draft" in result.stderr
    # no reading of the KPI for the quarter: closing ends its grace, and says so first
    assert result.stdout.startswith(
        "closing 2025-Q1 ends its measurement grace: these KPIs have no measurement and count 0: "
        "first-time-fix\n"
    )


def test_close_refuses_a_quarter_unfinished_by_the_real_clock(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import jwcli.actions.review

    root = _repo(tmp_path / "r")
    monkeypatch.setattr(jwcli.actions.review, "real_today", lambda: dt.date(2025, 6, 20))
    result = jw("-C", str(root), *TODAY, "review", "--close", "-q", "2025-Q1")
    assert result.exit_code == 1
    assert "has not ended yet as of 2025-06-20 (today" in result.stderr
    assert git(root, "tag", "--list") == ""


def _closed_with_assessor(root: Path) -> Path:
    _repo(root)
    assert jw("-C", str(root), *TODAY, "review", "--close", "-q", "2025-Q1").exit_code == 0
    return root


def test_late_record_at_a_terminal_is_asked_default_no(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _closed_with_assessor(tmp_path / "r")
    head = git(root, "rev-parse", "HEAD")
    args = (
        "-C",
        str(root),
        "--today",
        "2025-07-20",
        "add",
        "cost",
        "--service",
        "helpdesk",
        "--party",
        "south",
        "--period",
        "2025-Q1",
        "--amount",
        "5000",
        "--date",
        "2025-07-20",
        "--summary",
        "Late invoice",
    )
    env = {"JW_INTERACTIVE": "1"}
    no = jw(*args, env=env, input="\n")
    assert no.exit_code == 1
    assert "is late for 2025-Q1" in no.stderr and "Add it anyway?" in no.stderr
    assert git(root, "rev-parse", "HEAD") == head
    yes = jw(*args, env=env, input="y\n")
    assert yes.exit_code == 0, yes.output
    assert "Jw-Late: 2025-Q1" in git(root, "log", "-1", "--format=%B")


def test_a_late_assessment_needs_late(tmp_path: Path, isolated_git: dict[str, str]) -> None:
    root = _closed_with_assessor(tmp_path / "r")
    args = (
        "-C",
        str(root),
        "--today",
        "2025-07-20",
        "assess",
        "--quarter",
        "2025-Q1",
        "--assessor",
        "north",
        "--party",
        "acme",
        "--rating",
        "acme:critical-friend=4",
    )
    refused = jw(*args)
    assert refused.exit_code == 1
    assert "an assessment of 2025-Q1" in refused.stderr and "rerun with --late" in refused.stderr
    assert not (root / "assessments/2025-Q1/north.yaml").exists()
    done = jw(*args, "--late")
    assert done.exit_code == 0, done.output
    assert "Jw-Late: 2025-Q1" in git(root, "log", "-1", "--format=%B")


def test_a_record_superseding_a_closed_quarters_record_is_late(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _closed_with_assessor(tmp_path / "r")
    # dated and filed in Q2, but it corrects the Q1 invoice: it changes the signed-off Q1
    result = jw(
        "-C",
        str(root),
        "--today",
        "2025-07-20",
        "add",
        "cost",
        "--service",
        "helpdesk",
        "--party",
        "north",
        "--period",
        "2025-Q2",
        "--amount",
        "80000",
        "--date",
        "2025-07-20",
        "--supersedes",
        "2025-06-02-q1-invoice",
        "--summary",
        "Corrected",
    )
    assert result.exit_code == 1
    assert "supersedes 2025-06-02-q1-invoice of 2025-Q1" in result.stderr


def test_review_with_no_close_says_so(tmp_path: Path, isolated_git: dict[str, str]) -> None:
    root = _repo(tmp_path / "r")
    out = tmp_path / "pack"
    result = jw("-C", str(root), *TODAY, "review", "-q", "2025-Q1", "--out", str(out))
    assert result.exit_code == 0, result.output
    md = (out / "review.md").read_text(encoding="utf-8")
    assert "No quarter has been closed yet" in md
    assert json.loads((out / "review.json").read_text("utf-8"))["scores"]["signed_off"] is None


def test_a_quarter_closed_on_another_branch_is_not_closed_here(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    git(root, "switch", "-q", "-c", "elsewhere")
    assert jw("-C", str(root), *TODAY, "review", "--close", "-q", "2025-Q1").exit_code == 0
    git(root, "switch", "-q", "main")
    # not closed in main's history: the pack may be rendered, and late data is not late
    score = jw("-C", str(root), *TODAY, "score", "--quarter", "2025-Q1", "--format", "json")
    assert json.loads(score.stdout)["signed_off"] is None
    again = jw("-C", str(root), *TODAY, "review", "--close", "-q", "2025-Q1")
    assert again.exit_code == 1
    assert "closed on another branch" in again.stderr and "merge" in again.stderr
