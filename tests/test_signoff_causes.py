"""Which records a changed signed-off figure names as its causes: an update moves the figures of
its commitment's party (and of those it was promised to), not every party's, so a late delivery
by the supplier is not named as a cause of a client's cost figure."""

from __future__ import annotations

from pathlib import Path

from jwcli.actions.signoff import _parties
from jwcli.load.repo import load_repo
from tests.helpers import rec, write_repo


def test_an_update_moves_its_commitments_parties_only(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "r",
        {
            "records/2025-Q2/2025-07-01-promise.yaml": rec(
                "commitment", "2025-07-01", party="acme", due="2025-08-31", to=["north"]
            ),
            "records/2025-Q2/2025-08-30-done.yaml": rec(
                "update", "2025-08-30", commitment="2025-07-01-promise", status="delivered"
            ),
            "records/2025-Q2/2025-08-30-orphan.yaml": rec(
                "update", "2025-08-30", commitment="2025-07-01-nowhere", status="delivered"
            ),
        },
    )
    rel = load_repo(root)
    assert _parties(rel.records["2025-08-30-done"].record, rel) == frozenset({"acme", "north"})
    # an update of a commitment that is not there can move anyone's figures: all are named
    assert _parties(rel.records["2025-08-30-orphan"].record, rel) is None
