"""Innovation and saving chains are resolved in one step per record, however long the chain.

A partner can file a 20,000-link chain (each idea record pointing at the one before); walking
the chain from every record would take n²/2 steps (minutes); memoised roots take about n.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from jwcli.analysis.index import RelIndex
from jwcli.analysis.scoring import score_quarter
from jwcli.load.repo import load_repo
from jwcli.model.records import Innovation, Saving
from jwcli.model.relationship import RecordEntry, Relationship
from jwcli.quarters import Quarter
from tests.helpers import write_repo

LINKS = 20_000


def _chain(kind: str, root: Path) -> Relationship:
    rel = load_repo(write_repo(root, {}))
    start = dt.date(2025, 7, 1)
    for i in range(LINKS):
        rid = f"{kind}-{i:05d}"
        fields = {"date": start, "summary": f"step {i}", "party": "acme"}
        record: Innovation | Saving
        if kind == "idea":
            record = Innovation(
                kind="innovation",
                status="proposed",
                innovation=f"idea-{i - 1:05d}" if i else None,
                **fields,
            )
        else:
            record = Saving(
                kind="saving",
                service="helpdesk",
                amount=1,
                stage="identified",
                saving=f"save-{i - 1:05d}" if i else None,
                **fields,
            )
        rel.records[rid] = RecordEntry(rid, f"records/{rid}.yaml", record)
    return rel


@pytest.mark.parametrize(("kind", "roots"), [("idea", "innovation_root"), ("save", "saving_root")])
def test_a_20000_link_chain_resolves_in_linear_steps(
    kind: str, roots: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rel = _chain(kind, tmp_path)
    calls = 0
    resolve = RelIndex.resolve

    def counting(self: RelIndex, record_id: str) -> str | None:
        nonlocal calls
        calls += 1
        return resolve(self, record_id)

    monkeypatch.setattr(RelIndex, "resolve", counting)
    began = time.perf_counter()
    idx = RelIndex(rel)
    elapsed = time.perf_counter() - began
    found = getattr(idx, roots)
    # every link leads back to the first record
    assert set(found.values()) == {f"{kind}-00000"} and len(found) == LINKS
    # one look-up per link (the first record has no parent to resolve): n - 1, not n²/2
    assert calls == LINKS - 1
    assert elapsed < 5  # generous: it is about 0.1 s; the quadratic walk took minutes


def test_a_long_innovation_chain_scores_as_one_idea(tmp_path: Path) -> None:
    rel = _chain("idea", tmp_path)
    began = time.perf_counter()
    card = score_quarter(rel, Quarter(2025, 2), dt.date(2025, 11, 1))
    assert time.perf_counter() - began < 10  # generous bound; the old walk took 98 s
    innovation = card.party("acme").behaviour("innovation")
    # one idea, latest status proposed: 0.25 / target 1 -> x = 0.25
    assert innovation.indicator_x is not None and float(innovation.indicator_x) == 0.25
