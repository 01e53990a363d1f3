"""`jw status` lists the late records since the last sign-off (commands.md): on the sign-off
story's real history (2026-Q2 closed), nothing before the late invoice, then exactly that
record under the quarter it changes, in text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import jw
from tests.test_audit_lifecycle import LATE_COST
from tests.test_signoff_story import _jw, _ok, built, story

__all__ = ["built", "story"]  # the fixtures, shared with the sign-off story


def _status(root: Path) -> tuple[str, dict[str, object]]:
    text = jw("-C", str(root), "--today", "2026-07-25", "status")
    data = jw("-C", str(root), "--today", "2026-07-25", "status", "--format", "json")
    assert text.exit_code == 0 and data.exit_code == 0, text.output
    return text.stdout, json.loads(data.stdout)


def test_status_lists_late_records_since_the_last_sign_off(story: Path) -> None:
    root = story
    text, data = _status(root)
    assert "Late records since the last sign-off (2026-Q2, closed on " in text
    assert data["late_since_last_close"] == []

    _ok(_jw(root, "2026-07-20", *LATE_COST))
    text, data = _status(root)
    assert data["late_since_last_close"] == [
        {
            "quarter": "2026-Q2",
            "id": "2026-07-20-late-invoice",
            "path": "records/2026-Q2/2026-07-20-late-invoice.yaml",
            "why": "belongs to 2026-Q2",
        }
    ]
    line = text.split("Late records since the last sign-off", 1)[1].splitlines()
    assert line[0].endswith(": 1")
    assert line[1] == "  2026-Q2  records/2026-Q2/2026-07-20-late-invoice.yaml: belongs to 2026-Q2"


def test_status_without_a_sign_off_says_nothing_of_late_records(tmp_path: Path) -> None:
    from tests.helpers import AGREEMENT, AGREEMENT_PATH, write_repo

    root = write_repo(tmp_path / "r", {AGREEMENT_PATH: AGREEMENT})
    result = jw("-C", str(root), "--today", "2025-08-01", "status")
    assert result.exit_code == 0, result.output
    assert "Late records" not in result.stdout
