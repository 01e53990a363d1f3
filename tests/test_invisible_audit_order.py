"""`jw audit` lists its findings in history order whether the audit is remembered or not.

Found by the invisible-caches story (test_invisible_story.py): a remembered audit kept the
history position of the commits with findings from the walk only, so a `review/` tag finding
added afterwards (a tag deleted or moved while HEAD stayed put) was sorted by a default that
put it before older findings: the second run printed the same findings as the first in another
order, and a new user (no memory) printed a third.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import AGREEMENT, AGREEMENT_PATH, CHARTER, git, jw, rec

TODAY = "2025-10-15"


def _audit(root: Path, xdg: Path, *flags: str) -> tuple[int, str]:
    done = jw("-C", str(root), "--today", TODAY, *flags, "audit", env={"XDG_CACHE_HOME": str(xdg)})
    assert "Traceback" not in done.output
    return done.exit_code, done.stdout


def _commit(root: Path, message: str, day: str) -> None:
    stamp = f"{day}T10:00:00+00:00"
    git(root, "add", "-A")
    git(root, "commit", "-qm", message, env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})


def test_tag_findings_keep_their_place_when_the_audit_is_remembered(
    tmp_path: Path, isolated_git: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jwcli.actions.review

    monkeypatch.setattr(jwcli.actions.review, "real_today", lambda: dt.date(2026, 1, 1))
    root = tmp_path / "repo"
    (root / "records/2025-Q2").mkdir(parents=True)
    (root / AGREEMENT_PATH).parent.mkdir(parents=True)
    git(root, "init", "-q")
    (root / "charter.yaml").write_text(CHARTER)
    (root / AGREEMENT_PATH).write_text(AGREEMENT)
    claim = root / "records/2025-Q2/2025-07-10-claim.yaml"
    claim.write_text(rec("claim", "2025-07-10", party="acme"))
    _commit(root, "Charter and a claim", "2025-07-11")
    for day in ("2025-07-15", "2025-07-20"):  # commits with nothing to find
        (root / f"records/2025-Q2/{day}-lesson.yaml").write_text(rec("lesson", day, party="acme"))
        _commit(root, "A lesson", day)
    # an error of the history: a record deleted (found by the walk)
    claim.unlink()
    _commit(root, "The claim deleted", "2025-08-01")
    # then 2025-Q2 (July-September, the fiscal year starts in April) is closed: a later commit
    closed = jw("-C", str(root), "--today", TODAY, "review", "--close", "-q", "2025-Q2")
    assert closed.exit_code == 0, closed.output
    close = git(root, "rev-parse", "HEAD")
    deleted = git(root, "rev-parse", "HEAD~1")

    xdg = tmp_path / "xdg"
    first = _audit(root, xdg)
    assert first[0] == 1 and first == _audit(root, tmp_path / "xdg-0", "--no-cache")
    # the tag moved while HEAD stays put: the remembered walk is reused, the tag checked afresh
    git(root, "tag", "-f", "review/2025-Q2", "HEAD~1")
    remembered = _audit(root, xdg)
    fresh = _audit(root, tmp_path / "xdg-new", "--no-cache")
    assert remembered == fresh
    # and in history order: the deletion (older) before the close commit's tag finding
    lines = [
        line
        for line in fresh[1].splitlines()
        if ": record-deleted:" in line or ": review-tag:" in line
    ]
    assert [line.split()[0] for line in lines] == [deleted[:10], close[:10]], fresh[1]
