"""The example repository's review pack, compared byte for byte with committed golden files.

Regenerate after an intended change with `JW_UPDATE_GOLDEN=1 pytest tests/test_review_golden.py`
and read the diff before committing it: it is the review of the pack's content.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.helpers import jw

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "southshire-partnership"
GOLDEN = Path(__file__).resolve().parent / "golden"
QUARTER, TODAY = "2026-Q2", "2026-10-20"


def test_example_pack_matches_the_golden_files(tmp_path: Path) -> None:
    # a copy outside git: the cover then names no commit, so the pack depends on the data only
    repo = tmp_path / "southshire"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("reviews", ".jw"))
    out = tmp_path / "out"
    result = jw(
        "-C",
        str(repo),
        "--today",
        TODAY,
        "review",
        "--quarter",
        QUARTER,
        "--format",
        "md,json",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    for name in ("review.md", "review.json"):
        produced = (out / name).read_bytes()
        golden = GOLDEN / name
        if os.environ.get("JW_UPDATE_GOLDEN") == "1":
            golden.write_bytes(produced)
        assert golden.is_file(), f"{golden} is missing: run with JW_UPDATE_GOLDEN=1"
        assert produced == golden.read_bytes(), (
            f"{name} differs from tests/golden/{name}; if the change is intended, regenerate "
            "with JW_UPDATE_GOLDEN=1 and review the diff"
        )


def test_the_example_pack_names_the_drift_between_implemented_and_measured_savings(
    tmp_path: Path,
) -> None:
    """The story the example exists to show: 22m a year declared implemented, 3.3m measured."""
    from tests.helpers import jw

    out = tmp_path / "pack"
    result = jw(
        "-C",
        str(EXAMPLE),
        "--today",
        "2026-11-29",
        "review",
        "--quarter",
        "2026-Q2",
        "--format",
        "md",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = (out / "review.md").read_text(encoding="utf-8")
    # implemented or further £22,000,000 a year; the cost records measure £3,325,744 a year
    # (both in the funnel table); 22,000,000 - 3,325,744 = 18,674,256
    assert "| implemented | 11 | £22,000,000 |" in text
    assert "| Measured from cost records (annualised) | | £3,325,744 |" in text
    assert "Savings declared implemented exceed what the cost records show by £18,674,256" in text
