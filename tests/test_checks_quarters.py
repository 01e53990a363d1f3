"""Warnings belong to quarters (lifecycle.md): `jw validate` holds back the warnings of closed
quarters behind one counting line, except those that depend on today or on lateness; `--all`
prints them, `--strict` judges what is printed, JSON lists every finding with its quarter and
whether it is closed. `jw add` prints only what the new record causes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import commit_files, git, jw, rec, write_repo

TODAY = "2026-11-29"


def _claim(date: str) -> str:
    return rec("claim", date, party="acme")  # no evidence: an `unevidenced` warning


@pytest.fixture
def closed_repo(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    """100 unevidenced claims in 2025-Q2 and 2 in 2025-Q3, both quarters closed by a review
    commit; 1 in the open 2025-Q4; an overdue commitment in closed 2025-Q2."""
    root = tmp_path / "repo"
    files = {
        f"records/2025-Q2/2025-07-{1 + i % 28:02d}-claim-{i:03d}.yaml": _claim(
            f"2025-07-{1 + i % 28:02d}"
        )
        for i in range(100)
    }
    files["records/2025-Q3/2025-10-01-claim-a.yaml"] = _claim("2025-10-01")
    files["records/2025-Q3/2025-10-02-claim-b.yaml"] = _claim("2025-10-02")
    files["records/2025-Q2/2025-07-01-promise.yaml"] = rec(
        "commitment", "2025-07-01", party="acme", due="2025-08-31"
    )
    files["records/2025-Q2/2025-07-01-agreed.yaml"] = rec(
        "amendment", "2025-07-01", version=1, agreed_by=["north", "south", "acme"]
    )
    write_repo(root, files)
    git(root, "init", "-q")
    commit_files(root, {}, "data")
    for quarter in ("2025-Q2", "2025-Q3"):
        commit_files(root, {}, f"Review {quarter}\n\nJw-Kind: review\nJw-Quarter: {quarter}\n")
    write_repo(
        root, {"records/2025-Q4/2026-01-05-claim-c.yaml": _claim("2026-01-05")}, charter=False
    )
    return root


def test_closed_quarter_warnings_are_one_line(closed_repo: Path) -> None:
    result = jw("-C", str(closed_repo), "--today", TODAY, "validate")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    # printed: the open quarter's claim, and the overdue commitment (it depends on today)
    assert len(lines) == 2, lines
    assert any("2025-07-01-promise.yaml" in x and "was due 2025-08-31" in x for x in lines)
    assert any(x.startswith("records/2025-Q4/2026-01-05-claim-c.yaml:") for x in lines)
    assert "102 warnings in closed quarters 2025-Q2, 2025-Q3 not shown: jw validate --all" in (
        result.stderr
    )


def test_all_prints_them_and_strict_judges_what_is_printed(closed_repo: Path) -> None:
    every = jw("-C", str(closed_repo), "--today", TODAY, "validate", "--all")
    assert every.exit_code == 0
    assert len(every.stdout.splitlines()) == 104
    assert "not shown" not in every.stderr
    # the open quarter's warning fails --strict ...
    strict = jw("-C", str(closed_repo), "--today", TODAY, "validate", "--strict")
    assert strict.exit_code == 1
    # ... but once it is evidenced, nothing printed is left to fail on
    (closed_repo / "records/2025-Q4/2026-01-05-claim-c.yaml").unlink()
    (closed_repo / "records/2025-Q2/2025-07-01-promise.yaml").unlink()
    strict = jw("-C", str(closed_repo), "--today", TODAY, "validate", "--strict")
    assert strict.exit_code == 0, strict.stdout
    assert "102 warnings in closed quarters" in strict.stderr
    assert (
        jw("-C", str(closed_repo), "--today", TODAY, "validate", "--strict", "--all").exit_code == 1
    )


def test_json_lists_every_finding_with_quarter_and_closed(closed_repo: Path) -> None:
    result = jw("-C", str(closed_repo), "--today", TODAY, "validate", "--format", "json")
    payload = json.loads(result.stdout)
    found = payload["findings"]
    assert len(found) == 104 and payload["not_shown"] == 102
    by_path = {f["path"]: f for f in found}
    assert by_path["records/2025-Q3/2025-10-01-claim-a.yaml"]["quarter"] == "2025-Q3"
    assert by_path["records/2025-Q3/2025-10-01-claim-a.yaml"]["closed"] is True
    assert by_path["records/2025-Q4/2026-01-05-claim-c.yaml"]["closed"] is False


def test_github_format_holds_back_like_text(closed_repo: Path) -> None:
    result = jw("-C", str(closed_repo), "--today", TODAY, "validate", "--format", "github")
    assert len(result.stdout.splitlines()) == 2
    assert "102 warnings in closed quarters" in result.stderr


def test_without_git_no_quarter_is_closed(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"records/2025-Q2/2025-07-01-c.yaml": _claim("2025-07-01")})
    result = jw("-C", str(root), "--today", TODAY, "validate")
    assert "claim cites no evidence" in result.stdout and "not shown" not in result.stderr


def test_add_prints_only_what_the_new_record_causes(closed_repo: Path) -> None:
    result = jw(
        "-C",
        str(closed_repo),
        "--today",
        TODAY,
        "add",
        "claim",
        "--party",
        "acme",
        "--date",
        "2026-11-20",
        "--summary",
        "We cut the queue",
        "--no-commit",
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    said = result.stderr
    assert "already in the repository" not in said
    assert said.count("claim cites no evidence") == 1, said


def test_warnings_of_a_late_record_are_printed_in_a_closed_quarter(closed_repo: Path) -> None:
    # a claim for closed 2025-Q3 committed after its close (a late record): its warning is about
    # a late record, so it is printed, while the 102 signed-off ones stay counted
    commit_files(
        closed_repo, {"records/2025-Q3/2025-10-03-claim-late.yaml": _claim("2025-10-03")}, "late"
    )
    result = jw("-C", str(closed_repo), "--today", TODAY, "validate")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == 3, lines
    assert any(x.startswith("records/2025-Q3/2025-10-03-claim-late.yaml:") for x in lines)
    assert "102 warnings in closed quarters 2025-Q2, 2025-Q3 not shown" in result.stderr
