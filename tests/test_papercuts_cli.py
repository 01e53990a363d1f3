"""Global options anywhere on the line, and usage errors in jw's own words (issue 12 item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jwcli.cli import lift_global_options
from tests.helpers import BASELINES, jw, rec, write_repo


def _repo(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path / "repo",
        {
            "baselines.yaml": BASELINES,
            "records/2025-Q2/2025-08-01-rota.yaml": rec(
                "commitment", "2025-08-01", party="acme", due="2025-09-30"
            ),
        },
    )


def test_global_options_after_the_command_give_the_same_answer(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    before = jw("-C", str(root), "--today", "2025-11-29", "score", "--format", "json")
    after = jw("score", "--today", "2025-11-29", "--format", "json", "-C", str(root))
    mixed = jw("--today=2025-11-29", "score", f"--repo={root}", "--no-cache", "--format", "json")
    assert before.exit_code == 0, before.output
    assert after.exit_code == 0, after.output
    assert mixed.exit_code == 0, mixed.output
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(mixed.stdout) == json.loads(before.stdout)
    # --today really reached the command: 2025-11-29 is in 2025-Q3 (fiscal year from April)
    assert json.loads(after.stdout)["quarter"] == "2025-Q3"


def test_global_options_after_an_add_subcommand(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = jw(
        "add", "lesson", "--party", "north", "--summary", "Book rooms early",
        "--no-commit", "-C", str(root), "--today", "2025-07-02",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "records/2025-Q2/2025-07-02-book-rooms-early.yaml"
    assert (root / "records/2025-Q2/2025-07-02-book-rooms-early.yaml").is_file()


def test_a_value_that_looks_like_a_global_option_stays_put() -> None:
    args = ["add", "lesson", "--summary=--debug", "--", "--today", "x", "-C", "/elsewhere"]
    assert lift_global_options(args) == args
    assert lift_global_options(["score", "-C", "d", "--debug", "--party", "north"]) == [
        "-C", "d", "--debug", "score", "--party", "north",
    ]  # fmt: skip


def test_a_misspelt_option_suggests_the_nearest_including_the_globals(tmp_path: Path) -> None:
    result = jw("score", "--tody", "2026-11-29", "-C", str(_repo(tmp_path)))
    assert result.exit_code == 2
    assert result.stderr == (
        "jw: error: no such option `--tody`: did you mean `--today`?\n"
        "  fix: see `jw score --help`\n"
    )
    result = jw("score", "--partyy", "north")
    assert result.exit_code == 2
    assert "did you mean `--party`?" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--bogus"], "no such option `--bogus`"),
        (["sco"], "No such command 'sco'. Did you mean 'score'?"),
        (["score", "--format"], "Option '--format' requires an argument."),
        (["score", "-C"], "-C needs a value"),
    ],
)
def test_usage_errors_look_like_jws_other_errors(args: list[str], words: str) -> None:
    result = jw(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("jw: error: ")
    assert words in result.stderr
    assert "Usage:" not in result.stderr and "Traceback" not in result.stderr
    assert "\n  fix: " in result.stderr
