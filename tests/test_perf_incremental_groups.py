"""Incremental validation of findings that depend on siblings, not only on named records
(issue 15.1; checks/groups.py): a late renegotiation decided by another update of the same
commitment, a duplicate reading decided by another reading of the KPI and period, a record
corrected twice, an overdue commitment answered by an update, a chain whose first stage
changes party, a record moved between quarter folders, a record deleted. After each step the
warm run's findings must be exactly those of `--no-cache`, and the finding on the *unchanged*
record must appear or go as the rules say.

The expected messages are worked out from lifecycle.md with the example data of
tests/review_data.py: commitment `c-north-1` is due 2025-09-10 and `u-north-1` (2025-09-12)
reports it missed; `m-ftf-q2` reads first-time-fix for 2025-Q2 on 2025-09-30; the fiscal year
starts in April, so September is in 2025-Q2 and 2025-Q1 is April to June.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from jwcli.checks import run
from tests.test_cache import _repo, cached  # noqa: F401 - `cached` is a fixture
from tests.test_perf_incremental import _on, _put, _validate, scopes  # noqa: F401 - fixture

TODAY = "2025-10-15"
Q2 = "records/2025-Q2"


def _update(day: str, status: str, extra: str = "") -> str:
    return (
        f"kind: update\ndate: {day}\nsummary: Audit news\ncommitment: c-north-1\n"
        f"status: {status}\n{extra}"
    )


READING_B = (
    "kind: measurement\ndate: 2025-09-30\nsummary: FTF again\nkpi: first-time-fix\n"
    "period: 2025-Q2\nvalue: 78\n"
)
FIX = (
    "kind: claim\ndate: {day}\nsummary: Audit started (corrected)\nparty: north\n"
    "evidence: [c-north-1]\n{sup}"
)


@pytest.mark.usefixtures("cached")
@pytest.mark.parametrize("rewrite_after", [0, run.REWRITE_AFTER])
def test_findings_that_depend_on_siblings_follow_every_change(
    tmp_path: Path,
    scopes: list[frozenset[str] | None],  # noqa: F811 - the fixture
    rewrite_after: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(run, "REWRITE_AFTER", rewrite_after)
    root = _repo(tmp_path)
    assert _validate(root, TODAY)[0] == 0

    def step(rel: str, text: str | None) -> list[dict[str, Any]]:
        _put(root, rel, text)
        scopes.clear()
        warm = _validate(root, TODAY)
        assert scopes and scopes[0] is not None  # incremental, not a full re-check
        assert warm == _validate(root, TODAY, "--no-cache")
        return warm[1]

    # 0. a commitment past its due without an update is overdue until an update names it
    overdue = (
        "commitment was due 2025-09-20 and has no update: record whether it was delivered, "
        "missed, renegotiated or withdrawn"
    )
    assert overdue in _on(_validate(root, TODAY)[1], "c-south-1")
    south = _update("2025-09-19", "delivered").replace("c-north-1", "c-south-1")
    assert overdue not in _on(step(f"{Q2}/u-south-1.yaml", south), "c-south-1")
    assert overdue in _on(step(f"{Q2}/u-south-1.yaml", None), "c-south-1")

    late = (
        "renegotiated on 2025-09-15, after the commitment was due (2025-09-10): it counts as "
        "late; record a `missed` and a new commitment, or renegotiate before the due date"
    )
    # 1. a renegotiation after the due date (no earlier update moved it): late
    found = step(
        f"{Q2}/u-north-2.yaml", _update("2025-09-15", "renegotiated", "new_due: 2025-10-30\n")
    )
    assert late in _on(found, "u-north-2")
    # 2. a sibling renegotiated first (2025-09-01, due then 2025-09-30): no longer late
    found = step(
        f"{Q2}/u-north-0.yaml", _update("2025-09-01", "renegotiated", "new_due: 2025-09-30\n")
    )
    assert late not in _on(found, "u-north-2")
    # 3. that sibling corrected by a record naming only it: the due is 2025-09-10 again
    fixed = _update("2025-09-02", "renegotiated", "new_due: 2025-09-12\nsupersedes: u-north-0\n")
    found = step(f"{Q2}/u-north-0-fix.yaml", fixed)
    assert (
        "renegotiated on 2025-09-15, after the commitment was due (2025-09-12): it counts as "
        "late; record a `missed` and a new commitment, or renegotiate before the due date"
    ) in _on(found, "u-north-2")
    # 4. the correction deleted: the sibling stands again
    found = step(f"{Q2}/u-north-0-fix.yaml", None)
    assert not any("renegotiated on" in m for m in _on(found, "u-north-2"))
    # 5. a correction of the sibling filed under another commitment (a finding of its own): it
    # is in no group of u-north-2's, yet the sibling is superseded, so the due is 2025-09-10
    stray = _update("2025-09-03", "missed", "supersedes: u-north-0\n")
    found = step(f"{Q2}/u-acme-x.yaml", stray.replace("c-north-1", "c-acme-2"))
    assert late in _on(found, "u-north-2")
    found = step(f"{Q2}/u-acme-x.yaml", None)
    assert late not in _on(found, "u-north-2")

    duplicate = (
        "a second measurement of `first-time-fix` for 2025-Q2 (the first is `m-ftf-q2`): "
        "to correct it, add `supersedes: m-ftf-q2`"
    )
    # 6. a second reading of the same KPI and period
    found = step(f"{Q2}/m-ftf-q2-b.yaml", READING_B)
    assert _on(found, "m-ftf-q2-b") == [duplicate]
    # 7. the first reading now reads another KPI: the second one is alone, and unchanged
    first = (root / Q2 / "m-ftf-q2.yaml").read_text(encoding="utf-8")
    found = step(f"{Q2}/m-ftf-q2.yaml", first.replace("period: 2025-Q2", "period: 2025-Q1"))
    assert _on(found, "m-ftf-q2-b") == []
    # ... back to the same period, then deleted: the duplicate comes and goes with it
    found = step(f"{Q2}/m-ftf-q2.yaml", first)
    assert _on(found, "m-ftf-q2-b") == [duplicate]
    found = step(f"{Q2}/m-ftf-q2.yaml", None)
    assert _on(found, "m-ftf-q2-b") == []

    # 8. a record corrected twice; then the first correction no longer corrects it
    found = step(
        f"{Q2}/cl-north-fix.yaml", FIX.format(day="2025-08-03", sup="supersedes: cl-north\n")
    )
    found = step(
        f"{Q2}/cl-north-fix2.yaml", FIX.format(day="2025-08-04", sup="supersedes: cl-north\n")
    )
    twice = (
        "`cl-north` is already superseded by `cl-north-fix`; a record is corrected once: "
        "supersede `cl-north-fix` instead"
    )
    assert _on(found, "cl-north-fix2") == [twice]
    found = step(f"{Q2}/cl-north-fix.yaml", FIX.format(day="2025-08-03", sup=""))
    assert _on(found, "cl-north-fix2") == []
    # ... and the corrected record changes party: the correction no longer keeps it
    claim = (root / Q2 / "cl-north.yaml").read_text(encoding="utf-8")
    found = step(f"{Q2}/cl-north.yaml", claim.replace("party: north", "party: south"))
    assert _on(found, "cl-north-fix2") == [
        "a correction keeps `party`: `cl-north` has `south`, this record `north`; set `party` "
        "as it was, or add a new record (without `supersedes`) for something else"
    ]

    # 9. a saving chain's first stage changes party: the later stage (unchanged) is wrong
    saving = (root / Q2 / "s-1.yaml").read_text(encoding="utf-8")
    found = step(f"{Q2}/s-1.yaml", saving.replace("party: north", "party: south"))
    assert _on(found, "s-1-realised") == [
        "`s-1` is `south`'s saving, this record `north`'s: a saving moves on with the same "
        "party; start a new chain (no `saving:`) for another party"
    ]

    # 10. a record moved to another quarter's folder, and back
    os.rename(root / Q2 / "l-1.yaml", root / "records/2025-Q1/l-1.yaml")
    time.sleep(0.03)
    found = step("records/2025-Q1/l-1.yaml", (root / "records/2025-Q1/l-1.yaml").read_text())
    assert _on(found, "l-1") == [
        "filed under 2025-Q1/ but it belongs to 2025-Q2 (its `date`): check it, and move the "
        "file if the folder is wrong"
    ]
    os.rename(root / "records/2025-Q1/l-1.yaml", root / Q2 / "l-1.yaml")
    time.sleep(0.03)
    found = step(f"{Q2}/l-1.yaml", (root / Q2 / "l-1.yaml").read_text())
    assert _on(found, "l-1") == []


@pytest.mark.usefixtures("cached")
def test_whole_repository_findings_are_placed_again_only_when_their_file_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The assessment's unevidenced rating (a whole-repository check, run on every change)
    keeps its stored line while its file is unchanged, and moves with the file when it is
    edited."""
    from jwcli.load import positions

    located: list[str] = []
    real = positions.load_file

    def spy(path: Any, **kwargs: Any) -> Any:
        located.append(Path(path).name)
        return real(path, **kwargs)

    monkeypatch.setattr(positions, "load_file", spy)
    root = _repo(tmp_path)
    assessment = "assessments/2025-Q2/north.yaml"
    unevidenced = "rating of `acme` on critical-friend cites no evidence"

    def line_of(found: list[dict[str, Any]]) -> int:
        (line,) = [
            f["line"] for f in found if f["path"] == assessment and f["message"] == unevidenced
        ]
        return int(line)

    first = line_of(_validate(root, TODAY)[1])
    assert first == 6  # `critical-friend:` is the sixth line of the file (review_data.py)
    # an unrelated record changes: the assessment is not read again to place its finding
    claim = (root / Q2 / "cl-acme.yaml").read_text(encoding="utf-8")
    _put(root, f"{Q2}/cl-acme.yaml", claim + "evidence: [c-acme-1]\n")
    located.clear()
    warm = _validate(root, TODAY)
    assert "north.yaml" not in located
    assert line_of(warm[1]) == 6 and warm == _validate(root, TODAY, "--no-cache")
    # the assessment gains a comment line on top: its finding moves one line down
    text = (root / assessment).read_text(encoding="utf-8")
    _put(root, assessment, "# reviewed by the board\n" + text)
    warm = _validate(root, TODAY)
    assert line_of(warm[1]) == 7 and warm == _validate(root, TODAY, "--no-cache")


@pytest.mark.usefixtures("cached")
@pytest.mark.parametrize(
    "bad",
    [
        {"groups": ("U:c-north-1", 7)},  # a record's groups must be ids and group keys
        {"positions": {"charter.yaml": (1, ((("version",), True, "6", 1),))}},  # line as text
        {"positions": {"charter.yaml": ("1", ())}},  # a stat key as text
    ],
)
def test_a_state_with_groups_or_positions_of_the_wrong_shape_is_not_used(
    tmp_path: Path, bad: dict[str, Any]
) -> None:
    from jwcli.load import cache

    root = _repo(tmp_path)
    _validate(root, TODAY)
    name = "checks.pickle"
    state = cache.read(str(root / ".jw" / "cache" / name), plain=True)
    assert state is not None and cache.stored_checks(str(root)) is not None
    if "groups" in bad:
        state["touches"]["u-north-1"] = bad["groups"]
    else:
        state["positions"] = bad["positions"]
    assert cache.write(str(root), name, state, plain=True)  # under this user's own MAC
    assert cache.stored_checks(str(root)) is None
