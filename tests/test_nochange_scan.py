"""load/tree.py's scan, as `jw validate` on an unchanged tree uses it: the listing, the stat keys
and the fingerprint are the same whether this process stats every file or shares the work with
a forked child, and the fingerprint still moves with any file's size, mtime or presence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jwcli.load import tree as tree_module
from jwcli.load.tree import scan, walk_records
from tests.helpers import jw, rec, write_repo

TODAY = "2026-11-29"


def _tree(root: Path) -> Path:
    """Three quarter folders of records, a nested folder, and what the listing must skip."""
    files: dict[str, str] = {}
    for q, count in (("2025-Q1", 7), ("2025-Q2", 3), ("2025-Q3", 11)):
        for i in range(count):
            files[f"records/{q}/2025-07-{i + 1:02d}-claim-{q}-{i}.yaml"] = rec(
                "claim", f"2025-07-{i + 1:02d}", party="acme", evidence=[]
            )
    files["records/2025-Q3/nested/2025-07-20-claim-n.yaml"] = rec(
        "claim", "2025-07-20", party="acme"
    )
    files["records/.hidden/2025-07-21-claim-h.yaml"] = rec("claim", "2025-07-21", party="acme")
    files["records/2025-Q1/notes.txt"] = "not a record\n"
    write_repo(root, files)
    (root / "records/2025-Q2/linked").symlink_to(root / "records/2025-Q1")
    return root


def _shared(monkeypatch: pytest.MonkeyPatch, shared: bool) -> None:
    monkeypatch.setattr(tree_module, "SHARED_STAT_MIN", 1 if shared else 10**9)


def test_the_listing_order_and_what_it_skips(tmp_path: Path) -> None:
    root = _tree(tmp_path / "r")
    links: list[str] = []
    listed = [rel for rel, _ in walk_records(os.fspath(root), links=links)]
    # files of a folder (sorted) before its subfolders; hidden folders and non-YAML skipped;
    # the linked folder reported, not followed
    assert listed[:7] == [
        f"records/2025-Q1/2025-07-{i + 1:02d}-claim-2025-Q1-{i}.yaml" for i in range(7)
    ]
    assert listed[7:10] == [
        f"records/2025-Q2/2025-07-{i + 1:02d}-claim-2025-Q2-{i}.yaml" for i in range(3)
    ]
    assert listed[-1] == "records/2025-Q3/nested/2025-07-20-claim-n.yaml"
    assert len(listed) == 7 + 3 + 11 + 1
    assert links == ["records/2025-Q2/linked"]


def test_sharing_the_stat_calls_with_a_child_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "r")
    monkeypatch.setattr(tree_module, "RACY_NS", 0)  # files written just now get keys
    _shared(monkeypatch, False)
    alone = scan(root)
    _shared(monkeypatch, True)
    shared = scan(root)
    assert shared.records == alone.records
    assert shared.fingerprint == alone.fingerprint
    assert shared.record_count == len(alone.records) == 22
    assert all(key is not None for _, key in shared.records)
    # (the linked folder keeps the listing from vouching for the tree, both ways)
    assert shared.settled is alone.settled is False

    # and with the child unable to start, or failing, this process stats its part
    def no_fork() -> int:
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", no_fork)
    assert scan(root).fingerprint == alone.fingerprint


def test_a_child_that_sends_nothing_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "r")
    monkeypatch.setattr(tree_module, "RACY_NS", 0)
    _shared(monkeypatch, False)
    alone = scan(root)
    _shared(monkeypatch, True)
    monkeypatch.setattr(tree_module._Child, "result", lambda self: None)
    assert scan(root).records == alone.records


@pytest.mark.parametrize("shared", [False, True])
def test_the_fingerprint_moves_with_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: bool
) -> None:
    root = _tree(tmp_path / "r")
    (root / "records/2025-Q2/linked").unlink()
    monkeypatch.setattr(tree_module, "RACY_NS", 0)
    _shared(monkeypatch, shared)
    before = scan(root)
    assert before.settled
    last = root / "records/2025-Q3/2025-07-11-claim-2025-Q3-10.yaml"  # in the child's half
    seen = {before.fingerprint}

    last.write_text(last.read_text() + "\n")  # a byte more
    seen.add(scan(root).fingerprint)
    os.utime(last, ns=(1, 1))  # only the mtime
    seen.add(scan(root).fingerprint)
    extra = root / "records/2025-Q3/2025-07-12-claim-extra.yaml"
    extra.write_text(rec("claim", "2025-07-12", party="acme"))
    seen.add(scan(root).fingerprint)
    extra.unlink()
    (root / "records/2025-Q1/2025-07-01-claim-2025-Q1-0.yaml").unlink()  # in this half
    seen.add(scan(root).fingerprint)
    assert len(seen) == 5

    # a file too new to vouch for gets no key, wherever it falls
    monkeypatch.setattr(tree_module, "RACY_NS", 60 * 10**9)
    fresh = scan(root)
    assert not fresh.settled
    assert fresh.records[-1][1] is None


def test_validate_after_an_edit_in_the_childs_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the command: the stored findings are reused only while nothing changed."""
    root = tmp_path / "r"
    # claims in three quarters (fiscal year from April): 2,100 files, above the cache's minimum
    files = {
        f"records/2025-Q{1 + i % 3}/{_day(i)}-claim-{i:04d}.yaml": rec(
            "claim", _day(i), party="acme"
        )
        for i in range(2100)
    }
    write_repo(root, files)
    monkeypatch.setattr(tree_module, "RACY_NS", 0)
    _shared(monkeypatch, True)
    first = jw("-C", str(root), "--today", TODAY, "validate")
    again = jw("-C", str(root), "--today", TODAY, "validate")
    assert first.exit_code == again.exit_code == 0
    assert again.stdout == first.stdout
    victim = root / f"records/2025-Q3/{_day(2099)}-claim-2099.yaml"
    victim.write_text(victim.read_text().replace('"party": "acme"', '"party": "nobody"'))
    changed = jw("-C", str(root), "--today", TODAY, "validate")
    assert changed.exit_code == 1
    assert f"records/2025-Q3/{_day(2099)}-claim-2099.yaml:1:" in changed.stdout
    assert "error" in changed.stdout


def _day(i: int) -> str:
    return f"2025-{4 + 3 * (i % 3):02d}-{1 + i % 28:02d}"  # April, July, October
