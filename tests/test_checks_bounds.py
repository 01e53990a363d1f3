"""Bounds (issue 14, items 10-12): what validates also computes. Money and numbers below 10^18,
years 1900-2999 for every date and quarter, `for_quarters` at most 40; ids, dates and file names
fully matched (a trailing newline never passes); a quoted value is cut in messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import BASELINES, CHARTER, jw, rec, write_repo

TODAY = "2026-11-29"
BIG = "999999999999999999.99"  # the largest amount that validates


def _errors(root: Path) -> list[str]:
    result = jw("-C", str(root), "--today", TODAY, "validate")
    return [x for x in result.stdout.splitlines() if ": error: " in x]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1000000000000000000", "is too large: numbers and amounts must be below 10^18"),
        ("-1000000000000000000.00", "is too large"),
        ("1" * 100_000, "is too large"),
    ],
)
def test_amounts_are_bounded_and_long_ones_cut(tmp_path: Path, text: str, message: str) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q2/2025-07-01-big.yaml": (
                "kind: cost\ndate: 2025-07-01\nsummary: s\nservice: helpdesk\nparty: north\n"
                f"period: 2025-Q2\namount: {text}\n"
            )
        },
    )
    errors = _errors(root)
    assert len(errors) == 1 and message in errors[0], errors
    assert errors[0].startswith("records/2025-Q2/2025-07-01-big.yaml:7:9:")
    assert len(errors[0]) < 250  # the 100,000-digit number is cut, not quoted whole


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("effective", "0001-01-01", "`0001-01-01` is out of range: years run from 1900 to 2999"),
        ("effective", "3000-01-01", "out of range"),
        ("for_quarters", "41", "40"),
        ("for_quarters", "1000000000", "40"),
        ("respond_within_days", "100000000000", "3660"),
    ],
)
def test_dates_and_counts_are_bounded(tmp_path: Path, field: str, value: str, message: str) -> None:
    charter = {
        "effective": CHARTER.replace("effective: 2025-04-01", f"effective: {value}"),
        "for_quarters": CHARTER.replace(
            "      below: 0.8\n", f"      below: 0.8\n      for_quarters: {value}\n"
        ),
        "respond_within_days": CHARTER.replace(
            "respond_within_days: 14", f"respond_within_days: {value}"
        ),
    }[field]
    root = write_repo(tmp_path, {"charter.yaml": charter})
    errors = _errors(root)
    assert len(errors) == 1 and message in errors[0], errors


def test_quarter_and_period_years_are_bounded(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q2/2025-07-01-m.yaml": rec(
                "measurement", "2025-07-01", kpi="first-time-fix", period="0000-Q1", value=1
            ),
            "assessments/0000-Q1/north.yaml": (
                "quarter: 0000-Q1\nassessor: north\ndate: 2025-07-01\nratings: {}\n"
            ),
        },
    )
    errors = _errors(root)
    assert any("2025-07-01-m.yaml" in x and "`0000-Q1` is out of range" in x for x in errors), (
        errors
    )
    assert any(x.startswith("assessments/0000-Q1/north.yaml:") for x in errors), errors


def test_a_trailing_newline_never_passes(tmp_path: Path) -> None:
    # quoted values can carry a newline: ids, dates and quarters must match in full
    record = (
        'kind: lesson\ndate: "2025-07-01\\n"\nsummary: s\nparty: "acme\\n"\n'
        'evidence: ["2025-07-01-other\\n"]\n'
    )
    root = write_repo(tmp_path, {"records/2025-Q2/2025-07-01-nl.yaml": record})
    errors = _errors(root)
    assert any(":2:7: error:" in x and "is not a date" in x for x in errors), errors
    assert any(":4:8: error:" in x and "is not a valid id" in x for x in errors), errors
    assert any(":5:12: error:" in x and "is not a valid record id" in x for x in errors), errors


def test_a_file_name_with_a_newline_is_refused(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {"records/2025-Q2/2025-07-01-ok\n.yaml": rec("lesson", "2025-07-01", party="acme")},
    )
    errors = _errors(root)
    assert len(errors) == 1 and "is not a valid record id" in errors[0], errors


def test_the_largest_values_that_validate_still_review_and_export(tmp_path: Path) -> None:
    baselines = BASELINES.replace("400000.00", BIG).replace("100000.00", BIG)
    files = {
        "baselines.yaml": baselines,
        "records/2025-Q2/2025-07-01-m.yaml": rec(
            "measurement", "2025-07-01", kpi="first-time-fix", period="2025-Q2", value=0
        ),
    }
    for i in range(3):  # three maximal invoices for a service, a party and a project
        files[f"records/2025-Q2/2025-07-0{i + 1}-cost.yaml"] = (
            f"kind: cost\ndate: 2025-07-0{i + 1}\nsummary: s\nservice: helpdesk\nparty: north\n"
            f"period: 2025-Q2\namount: {'-' if i == 2 else ''}{BIG}\nproject: dc-migration\n"
        )
    files["records/2025-Q2/2025-07-04-m2.yaml"] = (
        "kind: measurement\ndate: 2025-07-04\nsummary: s\nkpi: first-time-fix\n"
        f"period: 2025-Q3\nvalue: {BIG}\n"
    )
    files["records/2025-Q2/2025-07-05-save.yaml"] = (
        "kind: saving\ndate: 2025-07-05\nsummary: s\nservice: helpdesk\nparty: north\n"
        f"stage: realised\namount: {BIG}\n"
    )
    root = write_repo(tmp_path, files)
    assert jw("-C", str(root), "--today", TODAY, "validate").exit_code == 0
    for args in (
        ("review", "--quarter", "2025-Q2", "--format", "md,json"),
        ("review", "--quarter", "2025-Q3", "--format", "md"),
        ("export", "--format", "csv", "--out", str(tmp_path / "out")),
        ("score", "--quarter", "2025-Q2", "--format", "json"),
    ):
        result = jw("-C", str(root), "--today", TODAY, *args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
    card = json.loads(
        jw(
            "-C", str(root), "--today", TODAY, "score", "--quarter", "2025-Q2", "--format", "json"
        ).stdout
    )
    assert card["quarter"] == "2025-Q2"


@pytest.mark.parametrize(
    "text",
    [
        # an unknown key and a duplicate key (YAML keys stop at 1024 characters) and a
        # 100,000-character non-boolean
        "kind: lesson\ndate: 2025-07-01\nsummary: s\nparty: acme\n" + "k" * 1000 + ": 1\n",
        "kind: lesson\ndate: 2025-07-01\nsummary: s\nparty: acme\n" + ("n" * 1000 + ": 1\n") * 2,
        "kind: saving\ndate: 2025-07-01\nsummary: s\nparty: acme\nservice: helpdesk\n"
        "amount: 1\nstage: agreed\none_off: " + "y" * 100_000 + "\n",
    ],
)
def test_messages_cut_long_values(tmp_path: Path, text: str) -> None:
    root = write_repo(tmp_path, {"records/2025-Q2/2025-07-01-long.yaml": text})
    errors = _errors(root)
    assert len(errors) == 1 and len(errors[0]) < 200 and "…" in errors[0], errors
