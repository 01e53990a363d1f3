"""`jw status` remembers its result like score and review (actions/status.py): on a real git
history, through the CLI, every run says exactly what `--no-cache` says, a repeated run on
unchanged inputs loads no model, and each input status reads is part of the key: a record
edited, a pack written to `reviews/<quarter>/`, `--today`, a close and a late record after it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jwcli.load import cache as store
from tests.helpers import commit_files, jw
from tests.review_data import R
from tests.test_analysis_results_cache import LATE, LATE_CLAIM, TODAY, _repo, _settle


def _status(root: Path, loads: list[int], *today: str) -> tuple[dict[str, Any], int]:
    """The cached run's JSON (asserted equal to --no-cache's, text too) and its model loads."""
    when = list(today) or TODAY
    loads.clear()
    warm = jw("-C", str(root), *when, "status", "--format", "json")
    made = len(loads)
    cold = jw("-C", str(root), *when, "--no-cache", "status", "--format", "json")
    assert warm.exit_code == cold.exit_code == 0, warm.output + cold.output
    assert warm.stdout == cold.stdout
    text = jw("-C", str(root), *when, "status")
    assert text.stdout == jw("-C", str(root), *when, "--no-cache", "status").stdout
    return json.loads(warm.stdout), made


def test_status_story_on_a_git_history(tmp_path: Path, isolated_git: Any, loads: list[int]) -> None:
    root = _repo(tmp_path)
    first, made = _status(root, loads)
    assert made == 1  # computed
    again, made = _status(root, loads)
    assert (again, made) == (first, 0)  # remembered: no model loaded

    # the pack of the quarter under review written (not a data file): the status must say so
    review = first["review"]
    assert review is not None and review["pack_written"] is False
    pack = root / "reviews" / review["quarter"]
    pack.mkdir(parents=True)
    (pack / "review.md").write_text("# pack\n")
    _settle()
    written, made = _status(root, loads)
    assert made == 1 and written["review"]["pack_written"] is True
    (pack / "review.md").unlink()
    _settle()
    assert _status(root, loads) == (first, 1)

    # a record edited: south's overdue commitment is now due in five days
    assert [c["id"] for c in first["commitments_overdue"]] == ["c-south-0", "c-south-1"]
    commitment = root / R / "c-south-1.yaml"
    text = commitment.read_text()
    assert "2025-09-20" in text
    commitment.write_text(text.replace("2025-09-20", "2025-10-20"))
    _settle()
    edited, made = _status(root, loads)
    assert made == 1 and [c["id"] for c in edited["commitments_overdue"]] == ["c-south-0"]
    assert [c["id"] for c in edited["commitments_due_soon"]] == ["c-south-1"]

    # another day: another result, never the remembered one
    later, made = _status(root, loads, "--today", "2025-12-20")
    assert made == 1 and later["today"] == "2025-12-20"


def test_a_close_then_a_late_record_shows_in_the_remembered_status(
    tmp_path: Path, isolated_git: Any, loads: list[int]
) -> None:
    root = _repo(tmp_path)
    before, _ = _status(root, loads)
    closed = jw("-C", str(root), *TODAY, "review", "--close")
    assert closed.exit_code == 0, closed.output
    _settle()
    after, made = _status(root, loads)
    assert made == 1  # HEAD moved: computed again (and equal to --no-cache's)
    assert _status(root, loads) == (after, 0)
    assert before["late_since_last_close"] == after["late_since_last_close"] == []

    # a late claim of the closed quarter in the working tree, then committed
    (root / LATE).write_text(LATE_CLAIM)
    _settle()
    late, made = _status(root, loads)
    assert made == 1
    assert [row["id"] for row in late["late_since_last_close"]] == ["cl-late"]
    assert _status(root, loads) == (late, 0)
    commit_files(root, {}, "Late claim", date="2025-10-14T09:00:00+01:00")
    _settle()
    committed, made = _status(root, loads)
    assert made == 1
    assert [row["id"] for row in committed["late_since_last_close"]] == ["cl-late"]


def test_a_tampered_status_entry_is_a_miss(
    tmp_path: Path, isolated_git: Any, loads: list[int]
) -> None:
    root = _repo(tmp_path)
    first, _ = _status(root, loads)
    folder = Path(store.cache_dir(str(root)) or "")
    (entry,) = folder.glob("results-status-*")
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF
    entry.write_bytes(bytes(data))
    _settle()
    assert _status(root, loads) == (first, 1)  # recomputed, never a wrong answer
