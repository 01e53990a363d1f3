"""Bidirectional controls (U+202A-202E, U+2066-2069) are refused in every file like other
control characters, at their line and column; the plain marks U+200E/U+200F are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CHARTER, jw, snapshot
from tests.helpers import write_agreed_repo as write_repo

TODAY = "2026-11-29"


@pytest.mark.parametrize("char", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_bidi_controls_in_a_name_are_errors_at_their_column(tmp_path: Path, char: str) -> None:
    # "Acme Ltd (" + RLO + "dlog" + PDF + ")" displays as "Acme Ltd (gold)"
    charter = CHARTER.replace(
        "name: Acme Managed Services Ltd", f"name: Acme Ltd ({char}dlog\u202c)"
    )
    root = write_repo(tmp_path, {"charter.yaml": charter})
    line = charter.splitlines().index(f"    name: Acme Ltd ({char}dlog\u202c)") + 1
    result = jw("-C", str(root), "--today", TODAY, "validate")
    assert result.exit_code == 1
    # col 21: "    name: Acme Ltd (" is 20 characters
    assert result.stdout.startswith(f"charter.yaml:{line}:21: error: bidirectional control")
    assert f"U+{ord(char):04X}" in result.stdout


def test_bidi_controls_written_as_escapes_are_refused(tmp_path: Path) -> None:
    record = 'kind: lesson\ndate: 2025-07-01\nsummary: "Acme \\u202Egold"\nparty: acme\n'
    root = write_repo(tmp_path, {"records/2025-Q2/2025-07-01-x.yaml": record})
    result = jw("-C", str(root), "--today", TODAY, "validate")
    assert result.exit_code == 1
    assert result.stdout.startswith("records/2025-Q2/2025-07-01-x.yaml:3:10: error:")
    assert "U+202E" in result.stdout


def test_right_to_left_marks_are_kept(tmp_path: Path) -> None:
    shalom = "\u05e9\u05dc\u05d5\u05dd\u200f"  # Hebrew, then a right-to-left mark
    record = f"kind: lesson\ndate: 2025-07-01\nsummary: {shalom} 2026\nparty: acme\n"
    root = write_repo(tmp_path, {"records/2025-Q2/2025-07-01-x.yaml": record})
    assert jw("-C", str(root), "--today", TODAY, "validate").exit_code == 0


def test_jw_add_refuses_bidi_controls(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {})
    before = snapshot(root)
    result = jw(
        "-C",
        str(root),
        "--today",
        TODAY,
        "add",
        "lesson",
        "--party",
        "acme",
        "--date",
        "2025-07-01",
        "--summary",
        "Acme \u202egold",
        "--no-commit",
    )
    assert result.exit_code != 0
    assert "U+202E" in result.stdout + result.stderr
    assert snapshot(root) == before
