"""The remembered audit: a second `jw audit` at the same HEAD does not walk the history again, a
moved HEAD reuses what each record version says, and a damaged or foreign cache is a miss."""

from __future__ import annotations

import json
import marshal
import os
from pathlib import Path
from typing import Any

import pytest

from jwcli.history import audit as audit_module
from jwcli.history import audit_cache
from jwcli.history import git as jgit
from tests.helpers import AGREEMENT, AGREEMENT_PATH, BASELINES, CHARTER, commit_files, git, jw

OBS = """\
kind: observation
date: {date}
summary: Acme cleared the backlog
party: acme
behaviours: [critical-friend]
effect: positive
"""


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    commit_files(
        root,
        {"charter.yaml": CHARTER, "baselines.yaml": BASELINES, AGREEMENT_PATH: AGREEMENT},
        "Charter agreed",
    )
    path = "records/2025-Q1/2025-05-10-a.yaml"
    commit_files(root, {path: OBS.format(date="2025-05-10")}, "A record")
    commit_files(root, {path: OBS.format(date="2025-05-11")}, "Edited")
    return root


def _audit(root: Path) -> dict[str, Any]:
    result = jw("-C", str(root), "audit", "--format", "json")
    assert result.exit_code == 1, result.output  # the edit
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_second_audit_at_the_same_head_reads_no_history(
    isolated_git: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    first = _audit(root)

    def no_log(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the history was read again")

    monkeypatch.setattr(jgit, "Log", no_log)
    assert _audit(root) == first

    # tags are checked afresh every time: a moved tag is seen at once
    git(root, "tag", "review/2025-Q1")
    again = _audit(root)
    assert [f["rule"] for f in again["flags"]] == ["record-modified", "review-tag"]


def test_a_moved_head_reuses_what_each_record_version_says(
    isolated_git: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    _audit(root)
    commit_files(root, {"records/2025-Q2/2025-07-10-b.yaml": OBS.format(date="2025-07-10")}, "B")
    parsed: list[bytes | None] = []
    real = audit_module._facts

    def counting(blob: bytes | None, fiscal_year_start: int) -> Any:
        parsed.append(blob)
        return real(blob, fiscal_year_start)

    monkeypatch.setattr(audit_module, "_facts", counting)
    report = _audit(root)
    assert len(report["commits"]) == 4
    # the walk goes on from the remembered HEAD: only the new record is read
    assert len(parsed) == 1 and parsed[0] and b"2025-07-10" in parsed[0]


@pytest.mark.parametrize("damage", ["garbage", "forged", "link"])
def test_a_damaged_or_forged_cache_is_a_miss(
    isolated_git: dict[str, str], tmp_path: Path, damage: str
) -> None:
    root = _repo(tmp_path)
    first = _audit(root)
    report = audit_cache._path(root, "report")
    assert report is not None and report.is_file()
    assert str(report).startswith(os.environ["XDG_CACHE_HOME"])  # outside the repository
    mac, _, payload = report.read_bytes().partition(b"\n")  # a MAC line, then the data
    if damage == "garbage":
        report.write_bytes(b"\x00not json")
    elif damage == "forged":  # no error found: what someone hiding an edit would write
        data = marshal.loads(payload)
        data["report"]["flags"] = []
        report.write_bytes(mac + b"\n" + marshal.dumps(data))
    else:
        target = tmp_path / "elsewhere.json"
        target.write_bytes(mac + b"\n" + payload)  # even this user's own bytes, behind a link
        report.unlink()
        report.symlink_to(target)
    assert _audit(root) == first
