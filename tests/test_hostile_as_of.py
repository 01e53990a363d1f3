"""`jw review --as-of` reads only the revision's data files, never an attachment's content.

A partner commits a large attachment (a 300 MB video, say); rendering a past revision must not
read it into memory. Its existence and size come from git's tree listing alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jwcli.history import git as jwgit
from tests.helpers import commit_files, git, jw, write_repo
from tests.review_data import FILES, R, record

BIG = 3 * 1024 * 1024  # big enough to notice, small enough for a fast test


def test_as_of_never_reads_attachment_blobs(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    files = dict(FILES)
    files[R + "cl-video.yaml"] = record(
        "claim", "2025-08-03", "Site visit filmed", party="acme", attachments="[media/visit.mp4]"
    )
    write_repo(root, files)
    (root / "media").mkdir()
    (root / "media" / "visit.mp4").write_bytes(b"\0" * BIG)
    (root / "README.md").write_text("not data\n")
    commit = commit_files(root, {}, "Everything", date="2025-10-10T09:00:00+01:00")
    attachment_oid = git(root, "rev-parse", f"{commit}:media/visit.mp4")
    charter_oid = git(root, "rev-parse", f"{commit}:charter.yaml")

    asked: list[str] = []
    real = jwgit.read_blobs

    def spy(where: Path, specs: object) -> dict[str, bytes | None]:
        wanted = list(specs)  # type: ignore[call-overload]
        asked.extend(wanted)
        return real(where, wanted)

    monkeypatch.setattr(jwgit, "read_blobs", spy)
    out = tmp_path / "pack"
    result = jw("-C", str(root), "review", "--as-of", commit, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert charter_oid in asked  # the data was read from the revision
    assert attachment_oid not in asked  # the attachment was not
    assert git(root, "rev-parse", f"{commit}:README.md") not in asked
    # the claim's attachment still counts as present (a missing one is an error that stops
    # the review): its existence came from the tree listing
    assert json.loads((out / "review.json").read_text())["cover"]["source"]["commit"] == commit

    # the same revision with the attachment gone is refused: the check is real
    git(root, "rm", "-q", "media/visit.mp4")
    gone = commit_files(root, {}, "Attachment removed", date="2025-10-11T09:00:00+01:00")
    refused = jw("-C", str(root), "review", "--as-of", gone, "--out", str(tmp_path / "p2"))
    assert refused.exit_code == 1 and "media/visit.mp4" in refused.stdout
