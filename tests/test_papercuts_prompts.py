"""`jw add` asks like a person would and needs no typing it can work out (issue 12, item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jwcli.load.yamlsafe import load_file
from tests.helpers import BASELINES, jw, write_repo

TODAY = "2026-06-20"  # fiscal year from April: 2026-Q1 is current, 2025-Q4 the last completed
TTY = {"JW_INTERACTIVE": "1"}
COMMITMENT = """\
kind: commitment
date: 2026-05-12
party: acme
due: 2026-06-30
summary: Roll out the patching runbook.
"""


def _repo(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path / "rel",
        {"baselines.yaml": BASELINES, "records/2026-Q1/2026-05-12-patching.yaml": COMMITMENT},
    )


def _add(root: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    return jw(
        "-C", str(root), "--today", TODAY, "add", *args, "--no-commit", env=env, input=input
    )  # fmt: skip


def _written(root: Path, result: Any) -> dict[str, Any]:
    data, _ = load_file(root / result.stdout.strip().splitlines()[-1])
    assert isinstance(data, dict)
    return data


def test_an_update_without_a_terminal_needs_no_summary(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = _add(
        root, "update", "--commitment", "2026-05-12-patching", "--status", "delivered",
        env={"JW_INTERACTIVE": "0"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _written(root, result)["summary"] == "Delivered: Roll out the patching runbook."
    assert result.stdout.strip().endswith("-delivered-roll-out-the-patching-runbook.yaml")


def test_a_given_summary_wins_over_the_default(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = _add(
        root, "update", "--commitment", "2026-05-12-patching", "--status", "withdrawn",
        "--summary", "No longer needed", env={"JW_INTERACTIVE": "0"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _written(root, result)["summary"] == "No longer needed"


def test_prompts_are_worded_for_the_kind_and_ask_who_it_was_promised_to(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    # party (1 = north), due, summary, then the optional to (2,3 = south, acme)
    result = _add(root, "commitment", env=TTY, input="1\n2026-07-31\nShare the rota\n2,3\n")
    assert result.exit_code == 0, result.output
    assert "Which party made the promise?" in result.stderr
    assert "By when (YYYY-MM-DD)?" in result.stderr
    assert "What was promised?" in result.stderr
    assert "Promised to which parties (blank: none named)?" in result.stderr
    data = _written(root, result)
    assert (data["party"], data["due"], data["summary"]) == (
        "north",
        "2026-07-31",
        "Share the rota",
    )
    assert data["to"] == ["south", "acme"]


def test_a_period_defaults_to_the_last_completed_quarter(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    # kpi (1 = first-time-fix), period (Enter: the default), value
    result = _add(
        root, "measurement", "--summary", "Q4 actual", env=TTY, input="1\n\n79\n"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "For which quarter? [2025-Q4]" in result.stderr
    assert _written(root, result)["period"] == "2025-Q4"


def test_an_update_prompt_offers_the_default_summary(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    # commitment (1), status, summary (Enter: the default)
    result = _add(root, "update", env=TTY, input="1\nmissed\n\n")
    assert result.exit_code == 0, result.output
    assert "What happened, in a sentence? [Missed: Roll out the patching runbook.]" in (
        result.stderr
    )
    assert _written(root, result)["summary"] == "Missed: Roll out the patching runbook."


def test_an_escalation_asks_for_its_outcome_and_blank_leaves_it_open(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    # the summary is missing, so jw prompts, and asks for the outcome too (blank: still open)
    result = _add(
        root, "escalation", "--level", "1", "--parties", "north,acme",
        env=TTY, input="Patching late\n\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "How was it resolved (blank: not yet)?" in result.stderr
    assert "outcome" not in _written(root, result)
