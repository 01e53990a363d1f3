"""`jw assess`: guided and scripted ratings of the ten behaviours, written create-only."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jwcli.load.yamlsafe import load_file
from jwcli.model.common import BEHAVIOURS
from jwcli.quarters import Quarter
from tests.helpers import jw, snapshot, write_repo

TODAY = "2026-07-10"  # fiscal year from April: 2026-Q2 is current, 2026-Q1 (Apr-Jun) is last
RECORDS = {
    "records/2026-Q1/2026-05-12-patching.yaml": """\
        kind: commitment
        date: 2026-05-12
        party: acme
        due: 2026-06-30
        summary: Roll out the patching runbook.
        """,
    "records/2026-Q1/2026-06-12-patching-delivered.yaml": """\
        kind: update
        date: 2026-06-12
        commitment: 2026-05-12-patching
        status: delivered
        summary: Runbook rolled out.
        """,
    "records/2026-Q1/2026-05-20-acme-challenge.yaml": """\
        kind: observation
        date: 2026-05-20
        party: acme
        behaviours: [critical-friend]
        effect: positive
        summary: Acme challenged the licence plan.
        """,
    # outside the quarter: never shown as its evidence
    "records/2026-Q2/2026-07-02-late-note.yaml": """\
        kind: observation
        date: 2026-07-02
        party: acme
        behaviours: [critical-friend]
        effect: negative
        summary: Too late for Q1.
        """,
}
TTY = {"JW_INTERACTIVE": "1"}


def _repo(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    return write_repo(tmp_path / "rel", {**RECORDS, **(extra or {})})


def _assess(root: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    return jw("-C", str(root), "--today", TODAY, "assess", *args, env=env, input=input)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_good_looks_like_covers_the_ten_behaviours() -> None:
    from jwcli.write.assess import GOOD_LOOKS_LIKE

    assert list(GOOD_LOOKS_LIKE) == list(BEHAVIOURS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-Q1", Quarter(2026, 1)),
        ("2026q1", Quarter(2026, 1)),
        ("Q1 2026", Quarter(2026, 1)),
        ("q1-2026", Quarter(2026, 1)),
        ("current", Quarter(2026, 2)),  # July with a fiscal year from April
        ("last", Quarter(2026, 1)),
    ],
)
def test_quarter_spellings(text: str, expected: Quarter) -> None:
    from jwcli.write.assess import resolve_quarter

    assert resolve_quarter(text, dt.date(2026, 7, 10), 4) == expected


def test_scripted_ratings_are_written_validated_and_committed(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path)
    _git(root, "init", "--quiet")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "start")
    result = _assess(
        root,
        "--quarter", "last",
        "--assessor", "north",
        "--rating", "acme:objectives-met=4:2026-06-12-patching-delivered+2026-05-12-patching",
        "--rating", "north:critical-friend=3",
        "--note", 'acme:objectives-met=On time, "mostly"',
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = "assessments/2026-Q1/north.yaml"
    assert result.stdout.strip() == path
    data, _ = load_file(root / path)
    assert data == {
        "quarter": "2026-Q1",
        "assessor": "north",
        "date": TODAY,
        "ratings": {
            "acme": {
                "objectives-met": {
                    "rating": 4,
                    "evidence": ["2026-06-12-patching-delivered", "2026-05-12-patching"],
                    "note": 'On time, "mostly"',
                }
            },
            "north": {"critical-friend": {"rating": 3}},  # a self-rating
        },
    }
    # The self-rating cites nothing: a warning, shown, not blocking.
    assert "rating of `north` on critical-friend cites no evidence" in result.stderr
    check = jw("-C", str(root), "--today", TODAY, "validate")
    assert check.exit_code == 0 and " 0 errors" in check.stderr
    body = _git(root, "log", "-1", "--format=%B")
    assert body.startswith("jw: assess 2026-Q1 north\n")
    assert "Jw-Kind: assessment\nJw-Quarter: 2026-Q1\nJw-Assessor: north\n" in body
    assert _git(root, "show", "--name-only", "--format=", "HEAD").split() == [path]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rating", "acme:objectives-met=6"], "whole number from 1 to 5"),
        (["--rating", "acme:honesty=4"], "`honesty` is not a behaviour"),
        (["--rating", "acme-objectives-met-4"], "is not PARTY:BEHAVIOUR=N"),
        (["--rating", "acme:objectives-met=4:no-such-record"], "`no-such-record` names no record"),
        (["--rating", "nobody:objectives-met=4"], "`nobody` is not a party being rated"),
        (["--rating", "acme:innovation=2", "--note", "acme:critical-friend=x"], "no --rating"),
        (["--party", "nobody", "--rating", "acme:innovation=2"], "unknown party `nobody`"),
        ([], "nothing to rate"),
    ],
)
def test_bad_scripted_input_is_a_usage_error_and_nothing_is_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    root = _repo(tmp_path)
    before = snapshot(root)
    result = _assess(root, "--quarter", "2026-Q1", "--assessor", "north", *args, "--no-commit")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert snapshot(root) == before


def test_missing_quarter_and_assessor_without_a_terminal_are_named(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = _assess(root, "--rating", "acme:innovation=2")
    assert result.exit_code == 2
    assert "missing --quarter, --assessor" in result.stderr


def test_a_bad_quarter_is_a_usage_error(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = _assess(root, "--quarter", "2026-Q5", "--assessor", "north", "--rating",
                     "acme:innovation=2")  # fmt: skip
    assert result.exit_code == 2
    assert "`2026-Q5` is not a quarter" in result.stderr


def test_an_existing_assessment_is_refused_untouched_before_any_question(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"assessments/2026-Q1/north.yaml": "# mine, hand-written\n"})
    before = snapshot(root)
    result = _assess(root, "--quarter", "2026-Q1", "--assessor", "north", env=TTY, input="4\n")
    assert result.exit_code == 1
    assert "assessments/2026-Q1/north.yaml already exists" in result.stderr
    assert "Rating 1-5" not in result.output
    assert snapshot(root) == before


def _answers(*per_behaviour: Any) -> str:
    """One party's ten answers: None skips; (rating, evidence, note) answers all three prompts."""
    lines: list[str] = []
    for item in per_behaviour:
        if item is None:
            lines.append("")
        else:
            lines.extend(item)
    return "\n".join(lines) + "\n"


def test_guided_assessment_shows_evidence_and_re_asks_bad_answers(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    acme = _answers(
        ("7", "4", "no-such-record", "1", "Delivered on time"),  # objectives-met: 7 re-asked
        None, None, None, None,
        ("5", "2026-05-20-acme-challenge", ""),  # critical-friend
        None, None, None, None,
    )  # fmt: skip
    north = _answers(("3", "", ""), *([None] * 9))  # self-rating of objectives-met
    result = _assess(
        root, "--quarter", "2026-Q1", "--assessor", "north", "--party", "acme", "--party",
        "north", "--no-commit", env=TTY, input=acme + north,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "rating acme (Acme Managed Services Ltd)" in err
    assert "rating north (North District Council), yourself: a self-rating" in err
    assert "[1/10] objectives-met: Collaborative working objectives are being met" in err
    assert "Good looks like:" in err
    # acme's objectives-met evidence, newest first: the delivery (June 12), then the commitment
    assert "[1] 2026-06-12-patching-delivered: update delivered" in err
    assert "[2] 2026-05-12-patching: commitment due 2026-06-30" in err
    assert "2026-07-02-late-note" not in err  # dated in the next quarter
    assert "not accepted: `7` is not a rating" in err
    assert "not accepted: `no-such-record` names no record" in err
    data, _ = load_file(root / "assessments/2026-Q1/north.yaml")
    assert data["ratings"] == {
        "acme": {
            "objectives-met": {
                "rating": 4,
                "evidence": ["2026-06-12-patching-delivered"],
                "note": "Delivered on time",
            },
            "critical-friend": {"rating": 5, "evidence": ["2026-05-20-acme-challenge"]},
        },
        "north": {"objectives-met": {"rating": 3}},
    }


def test_guided_assessment_rates_every_party_by_default_and_asks_the_assessor(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path)
    # assessor asked: 2 = south (charter order north, south, acme); then 10 answers per party,
    # all skipped except south's own innovation rating.
    skip = _answers(*([None] * 10))
    south = _answers(*([None] * 6), ("2", "", "Few ideas"), *([None] * 3))
    result = _assess(root, "--quarter", "2026-Q1", "--no-commit", env=TTY,
                     input="2\n" + skip + south + skip)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.count("=== 2026-Q1: rating ") == 3
    data, _ = load_file(root / "assessments/2026-Q1/south.yaml")
    assert data["ratings"] == {"south": {"innovation": {"rating": 2, "note": "Few ideas"}}}


def test_skipping_everything_writes_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    before = snapshot(root)
    result = _assess(root, "--quarter", "2026-Q1", "--assessor", "north", "--party", "acme",
                     env=TTY, input=_answers(*([None] * 10)))  # fmt: skip
    assert result.exit_code == 0
    assert "nothing written" in result.stderr
    assert snapshot(root) == before
