"""analysis/charter_state.py: the charter is a draft until every member agrees a version."""

from __future__ import annotations

from pathlib import Path

from jwcli.analysis.charter_state import agreement, is_draft
from jwcli.load.repo import load_repo
from tests.helpers import CHARTER, rec, write_repo

# the standard charter: version 1, founders north, south and acme


def _rel(tmp_path: Path, records: dict[str, str], charter: str = CHARTER):  # type: ignore[no-untyped-def]
    return load_repo(write_repo(tmp_path, {"charter.yaml": charter, **records}))


def test_a_charter_nobody_agreed_is_a_draft(tmp_path: Path) -> None:
    rel = _rel(tmp_path, {})
    assert is_draft(rel)
    state = agreement(rel)
    assert state is not None and state.missing == ("north", "south", "acme")


def test_amendments_of_the_version_together_agree_it(tmp_path: Path) -> None:
    one = rec("amendment", "2025-04-02", version=1, agreed_by=["north", "south"])
    rel = _rel(tmp_path / "a", {"records/am-one.yaml": one})
    assert is_draft(rel) and agreement(rel).missing == ("acme",)  # type: ignore[union-attr]
    two = rec("amendment", "2025-04-09", version=1, agreed_by=["acme"])
    rel = _rel(tmp_path / "b", {"records/am-one.yaml": one, "records/am-two.yaml": two})
    assert not is_draft(rel) and agreement(rel).agreed  # type: ignore[union-attr]


def test_a_superseded_amendment_agrees_nothing(tmp_path: Path) -> None:
    all_three = rec("amendment", "2025-04-02", version=1, agreed_by=["north", "south", "acme"])
    fixed = rec("amendment", "2025-04-03", version=1, agreed_by=["north"], supersedes="am-all")
    rel = _rel(tmp_path, {"records/am-all.yaml": all_three, "records/am-fix.yaml": fixed})
    assert is_draft(rel)


def test_an_agreed_charter_with_an_unagreed_later_version_is_not_a_draft(tmp_path: Path) -> None:
    v1 = rec("amendment", "2025-04-02", version=1, agreed_by=["north", "south", "acme"])
    rel = _rel(tmp_path, {"records/am-one.yaml": v1}, CHARTER.replace("version: 1", "version: 2"))
    assert not is_draft(rel)  # agreed once: an unagreed version 2 is an error, not a draft
    state = agreement(rel)
    assert state is not None and not state.agreed


def test_a_party_that_joins_later_need_not_agree_what_came_before(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "    role: supplier\n", "    role: supplier\n    joined: 2025-10-01\n", 1
    )
    v1 = rec("amendment", "2025-04-02", version=1, agreed_by=["north", "south"])
    rel = _rel(tmp_path, {"records/am-one.yaml": v1}, charter)
    assert not is_draft(rel)
