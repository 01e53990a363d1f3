"""Symbolic links committed into a shared repository never lead jw outside it.

A partner commits `records -> ../outside` (or a linked quarter folder, `assessments/<q>`,
`exports`, `reviews/<q>`, `schemas`): jw must neither load (nor quote) the files there, nor
create or replace files there. Each refusal names the link and what to do.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from jwcli.load.repo import load_repo
from tests.helpers import BASELINES, jw, rec, snapshot, write_repo
from tests.review_data import FILES

TODAY = "2025-08-01"
SECRET = "SECRET-FROM-OUTSIDE"


def _outside(tmp_path: Path) -> Path:
    """A folder beside the repository, with a record-like file quoting a secret."""
    outside = tmp_path / "outside"
    (outside / "2025-Q1").mkdir(parents=True)
    (outside / "2025-Q1" / "2025-05-01-leak.yaml").write_text(
        rec("lesson", "2025-05-01", party="nobody", summary=SECRET)
    )
    (outside / "2025-05-01-leak.yaml").write_text(
        rec("lesson", "2025-05-01", party="nobody", summary=SECRET)
    )
    (outside / "north.yaml").write_text(f"{SECRET}: [\n")
    return outside


def _repo(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    return write_repo(
        tmp_path / "rel",
        {
            "baselines.yaml": BASELINES,
            "records/2025-Q1/2025-05-02-real.yaml": rec("lesson", "2025-05-02", party="acme"),
            **(files or {}),
        },
    )


@pytest.mark.parametrize(
    "link",
    ["records", "records/2025-Q2", "records/2025-Q1/deeper", "assessments", "assessments/2025-Q1"],
)
def test_a_linked_folder_is_an_error_and_nothing_is_read_through_it(
    tmp_path: Path, link: str
) -> None:
    outside = _outside(tmp_path)
    root = _repo(tmp_path)
    if link == "records":
        shutil.rmtree(root / "records")
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(outside, (root / link).parent), root / link)
    for cache in ([], ["--no-cache"]):
        result = jw("-C", str(root), *cache, "--today", TODAY, "validate")
        out = result.stdout + result.stderr
        assert result.exit_code == 1, out
        assert SECRET not in out and "nobody" not in out
        assert f"{link}:1:1: error: a symbolic link to a folder" in result.stdout
        assert "replace the link with a real folder" in result.stdout
    rel = load_repo(root)
    assert all(not e.path.startswith(link + "/") for e in rel.records.values())
    assert rel.assessments == []
    assert [f.path for f in rel.load_findings if f.rule == "symlink"] == [link]
    assert outside.exists()


def test_jw_add_never_writes_through_a_linked_quarter_folder(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    root = _repo(tmp_path)
    os.symlink("../../outside", root / "records" / "2025-Q2")
    before = snapshot(outside)
    result = jw(
        "-C", str(root), "--today", TODAY, "add", "lesson",
        "--date", "2025-07-01", "--party", "north", "--summary", "Note it", "--no-commit",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "records/2025-Q2 is a symbolic link" in result.stderr
    assert "git rm records/2025-Q2" in result.stderr
    assert snapshot(outside) == before


def test_export_review_and_schema_never_replace_files_through_links(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    # files the exports would overwrite, had the links been followed
    for name in ("jw-export.xlsx", "review.md", "record.schema.json"):
        (outside / name).write_text("precious")
    root = write_repo(tmp_path / "rel", FILES)
    before = snapshot(outside)
    os.symlink("../outside", root / "exports")
    os.symlink("../outside", root / "schemas")
    (root / "reviews").mkdir()
    os.symlink("../../outside", root / "reviews" / "2025-Q2")
    today = ["--today", "2025-10-15"]

    export = jw("-C", str(root), *today, "export")
    assert export.exit_code == 1, export.output
    assert "exports is a symbolic link" in export.stderr

    review = jw("-C", str(root), *today, "review", "--quarter", "2025-Q2")
    assert review.exit_code == 1, review.output
    assert "reviews/2025-Q2 is a symbolic link" in review.stderr

    schema = jw("-C", str(root), "schema")
    assert schema.exit_code == 1, schema.output
    assert "schemas is a symbolic link" in schema.stderr

    # --out inside the repository is checked the same way
    inside = jw("-C", str(root), *today, "export", "--out", str(root / "exports" / "sub"))
    assert inside.exit_code == 1 and "exports is a symbolic link" in inside.stderr
    assert snapshot(outside) == before


def test_an_out_folder_the_person_chose_outside_the_repository_is_theirs(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "rel", FILES)
    (tmp_path / "real").mkdir()
    os.symlink("real", tmp_path / "mine")
    result = jw("-C", str(root), "--today", "2025-10-15", "export", "--out", str(tmp_path / "mine"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "real" / "jw-export.xlsx").is_file()


@pytest.mark.parametrize("kind", ["folder", "link to a folder"])
def test_a_baselines_yaml_that_is_not_a_file_is_reported_not_skipped(
    tmp_path: Path, kind: str
) -> None:
    _outside(tmp_path)  # what the link leads to: a file quoting a secret
    root = _repo(tmp_path)
    (root / "baselines.yaml").unlink()
    if kind == "folder":
        (root / "baselines.yaml").mkdir()
    else:
        os.symlink("../outside", root / "baselines.yaml")
    for cache in ([], ["--no-cache"]):
        result = jw("-C", str(root), *cache, "--today", TODAY, "validate")
        assert result.exit_code == 1, result.output
        assert SECRET not in result.output
        expected = "not a regular file" if kind == "folder" else "a symbolic link"
        assert f"baselines.yaml:1:1: error: {expected}" in result.stdout
