from pathlib import Path

from tests.helpers import AGREEMENT, AGREEMENT_PATH, BASELINES, jw, write_repo


def test_minimal_repository_is_valid(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", {"baselines.yaml": BASELINES, AGREEMENT_PATH: AGREEMENT})
    result = jw("-C", str(root), "--today", "2026-01-01", "validate")
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.stderr
