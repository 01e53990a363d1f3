"""Every loosening change of the charter and the baselines (the lifecycle's list), on a real git
history: flagged `breaking-change` (an error) while the parties have not agreed it, an
`agreed-change` notice once an amendment of the version that made it agrees it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import BASELINES, CHARTER, commit_files, git, jw

# CHARTER with every setting a loosening can touch written out (values are jw's defaults unless
# noted), so that each case changes one line.
BASE = (
    CHARTER.replace(
        "    amber_within: 5\n    due: 2027-03-31\n",
        "    amber_within: 5\n    due: 2027-03-31\n    milestones:\n"
        "      - {by: 2025-Q4, target: 70}\n      - {by: 2026-Q2, target: 75}\n",
    ).replace(
        "      below: 0.8\n      level: 1\n",
        "      below: 0.8\n      level: 2\n"
        "    - id: over-budget\n      metric: budget-overrun\n      above: 0.1\n"
        "      for_quarters: 1\n      level: 1\n",
    )
    + """\
governance:
  check_in_every_days: 14
  quarterly_review: true
  review_within_days: 30
  pack_due_days_before: 5
  measurement_grace_days: 30
scoring:
  green_at: 3.5
  amber_at: 2.5
  weights: {indicator: 1, observations: 1, peer_rating: 1}
  innovation_target_per_quarter: 1
"""
)
BASE_BASELINES = BASELINES.replace(
    "    rate: 0.2\n    by: 2027-03-31\n",
    "    rate: 0.2\n    by: 2027-03-31\n    milestones:\n      - {by: 2025-Q4, rate: 0.1}\n",
)
AGREED_V1 = "records/2025-Q1/2025-04-01-charter-agreed.yaml"
AMENDMENT = """\
kind: amendment
date: 2025-09-01
summary: Charter version 2 agreed
version: 2
agreed_by: [north, south, acme]
"""

# (case, file, old text, new text): each old text occurs once in BASE or BASE_BASELINES.
CHARTER_CASES = [
    ("kpi-target", "    target: 80\n", "    target: 78\n"),
    ("kpi-milestone", "{by: 2026-Q2, target: 75}", "{by: 2026-Q2, target: 72}"),
    ("kpi-amber-within", "    amber_within: 5\n", "    amber_within: 7\n"),
    (
        "party-removed",
        "  - id: south\n    name: South Borough Council\n    role: client\n",
        "",
    ),
    (
        "party-left-in-the-past",
        "    name: South Borough Council\n    role: client\n",
        "    name: South Borough Council\n    role: client\n    left: 2025-08-31\n",
    ),
    (
        "objective-removed",
        "objectives:\n  - id: cut-cost\n    statement: Reduce the cost of ICT support by 15%\n"
        "    business_objective: Medium-term financial plan line 4.2\n    owner: north\n"
        "    due: 2027-03-31\n",
        "",
    ),
    ("kpi-removed", "KPI", "kpis: []\n"),
    ("trigger-removed", "OVER_BUDGET", ""),
    ("kpi-owner", "    owner: acme\n    unit: percent", "    owner: north\n    unit: percent"),
    ("kpi-direction", "    direction: higher\n", "    direction: lower\n"),
    ("trigger-below-lowered", "      below: 0.8\n", "      below: 0.7\n"),
    ("trigger-above-raised", "      above: 0.1\n", "      above: 0.2\n"),
    ("trigger-metric", "      metric: on-time-rate\n", "      metric: overall-score\n"),
    ("trigger-for-quarters", "      for_quarters: 1\n", "      for_quarters: 2\n"),
    ("trigger-level", "      below: 0.8\n      level: 2\n", "      below: 0.8\n      level: 1\n"),
    ("respond-within-days", "      respond_within_days: 14\n", "      respond_within_days: 21\n"),
    ("check-in-every-days", "  check_in_every_days: 14\n", "  check_in_every_days: 28\n"),
    ("review-within-days", "  review_within_days: 30\n", "  review_within_days: 45\n"),
    ("measurement-grace-days", "  measurement_grace_days: 30\n", "  measurement_grace_days: 60\n"),
    ("pack-due-days-before", "  pack_due_days_before: 5\n", "  pack_due_days_before: 2\n"),
    ("quarterly-review-off", "  quarterly_review: true\n", "  quarterly_review: false\n"),
    ("green-at", "  green_at: 3.5\n", "  green_at: 3.2\n"),
    ("amber-at", "  amber_at: 2.5\n", "  amber_at: 2.0\n"),
    ("weights", "peer_rating: 1}", "peer_rating: 2}"),
    (
        "innovation-target",
        "  innovation_target_per_quarter: 1\n",
        "  innovation_target_per_quarter: 0\n",
    ),
]
BASELINES_CASES = [
    ("savings-rate", "    rate: 0.2\n", "    rate: 0.15\n"),
    ("savings-milestone", "{by: 2025-Q4, rate: 0.1}", "{by: 2025-Q4, rate: 0.05}"),
    ("savings-by", "    by: 2027-03-31\n", "    by: 2027-09-30\n"),
    ("budget-raised", "    budget: 100000.00\n", "    budget: 120000.00\n"),
    ("tolerance-widened", "    tolerance: 0.10\n", "    tolerance: 0.15\n"),
]
# Whole entries, named in the cases above
BLOCKS = {
    "KPI": BASE[BASE.index("kpis:\n") : BASE.index("escalation:\n")],
    "OVER_BUDGET": "    - id: over-budget\n      metric: budget-overrun\n      above: 0.1\n"
    "      for_quarters: 1\n      level: 1\n",
}


def _edit(text: str, old: str, new: str) -> str:
    old = BLOCKS.get(old, old)
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    if "objectives:" not in text:  # the KPI named the removed objective
        text = text.replace("    objective: cut-cost\n", "")
    return text


def _audit(root: Path, *extra: str) -> tuple[int, list[dict[str, str]]]:
    result = jw("-C", str(root), "audit", "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)["flags"]


@pytest.fixture(scope="module")
def agreed_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The base charter and baselines, agreed in the first commit: made once, copied per case."""
    from tests.helpers import git_env

    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in git_env(home)}
    os.environ.update(git_env(home))
    root = tmp_path_factory.mktemp("base") / "rel"
    root.mkdir()
    git(root, "init", "-q")
    commit_files(
        root,
        {
            "charter.yaml": BASE,
            "baselines.yaml": BASE_BASELINES,
            AGREED_V1: AMENDMENT.replace("version: 2", "version: 1").replace(
                "2025-09-01", "2025-04-01"
            ),
        },
        "Charter version 1, agreed",
        date="2025-04-01T09:00:00+01:00",
    )
    assert _audit(root) == (0, [])  # the base is clean: the charter validates and is agreed
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [pytest.param("charter.yaml", o, n, id=case) for case, o, n in CHARTER_CASES]
    + [pytest.param("baselines.yaml", o, n, id=case) for case, o, n in BASELINES_CASES],
)
def test_a_loosening_is_an_error_until_agreed_then_a_notice(
    isolated_git: dict[str, str], agreed_base: Path, tmp_path: Path, file: str, old: str, new: str
) -> None:
    root = tmp_path / "rel"
    shutil.copytree(agreed_base, root, symlinks=True)
    charter = BASE.replace("version: 1", "version: 2")
    baselines = BASE_BASELINES
    if file == "charter.yaml":
        charter = _edit(charter, old, new)
    else:
        baselines = _edit(baselines, old, new)
    changed = commit_files(
        root,
        {"charter.yaml": charter, "baselines.yaml": baselines},
        "Version 2: looser",
        date="2025-09-01T10:00:00+01:00",
    )

    code, flags = _audit(root)
    assert code == 1
    loosened = [f for f in flags if f["rule"] == "breaking-change"]
    assert loosened, flags
    assert {(f["commit"], f["path"], f["severity"]) for f in loosened} == {(changed, file, "error")}
    assert ("amendment-missing", changed) in {(f["rule"], f["commit"]) for f in flags}

    # the parties agree version 2 later: the same change is now an agreed-change notice
    commit_files(root, {"records/2025-Q2/2025-09-01-v2.yaml": AMENDMENT}, "Version 2 agreed")
    code, flags = _audit(root)
    assert code == 0, flags
    assert flags and {(f["rule"], f["commit"], f["severity"]) for f in flags} == {
        ("agreed-change", changed, "notice")
    }
    assert [f["message"] for f in flags] == [
        m.replace("loosening not agreed: ", "agreed loosening: ").split(" (raise the")[0]
        for m in (f["message"] for f in loosened)
    ]


def test_signing_turned_off_is_a_loosening(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    signing = BASE.replace("governance:\n", "governance:\n  require_signed_commits: true\n")
    commit_files(
        root,
        {
            "charter.yaml": signing,
            "baselines.yaml": BASE_BASELINES,
            AGREED_V1: AMENDMENT.replace("version: 2", "version: 1"),
        },
        "Charter version 1, agreed",
    )
    off = commit_files(
        root, {"charter.yaml": BASE.replace("version: 1", "version: 2")}, "Stop signing"
    )
    _, flags = _audit(root)
    assert ("breaking-change", off) in {(f["rule"], f["commit"]) for f in flags}
    assert any("require_signed_commits turned off" in f["message"] for f in flags)


def test_fixed_fields_may_not_change_after_the_first_agreement_even_when_agreed(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    agreed = AMENDMENT.replace("version: 2", "version: 1")
    commit_files(
        root,
        {"charter.yaml": BASE, "baselines.yaml": BASE_BASELINES, AGREED_V1: agreed},
        "Charter version 1, agreed",
    )
    moved = BASE.replace("version: 1", "version: 2").replace(
        "fiscal_year_start: 4", "fiscal_year_start: 1"
    )
    changed = commit_files(
        root,
        {"charter.yaml": moved, "records/2025-Q2/2025-09-01-v2.yaml": AMENDMENT},
        "Calendar year",
    )
    code, flags = _audit(root)
    assert code == 1
    assert [(f["rule"], f["commit"]) for f in flags] == [("breaking-change", changed)]
    assert "`fiscal_year_start` changed from 4 to 1" in flags[0]["message"]


def test_before_the_first_agreement_the_draft_may_change_freely(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    commit_files(root, {"charter.yaml": BASE, "baselines.yaml": BASE_BASELINES}, "Template")
    commit_files(root, {"charter.yaml": BASE.replace("target: 80", "target: 60")}, "Fill in")
    assert _audit(root) == (0, [])
    # agreeing it now: still clean, and later changes are judged from here on
    agreed = AMENDMENT.replace("version: 2", "version: 1")
    commit_files(root, {AGREED_V1: agreed}, "Charter agreed")
    assert _audit(root) == (0, [])
    late = commit_files(root, {"charter.yaml": BASE.replace("target: 80", "target: 50")}, "Oops")
    code, flags = _audit(root)
    assert code == 1
    assert {(f["rule"], f["commit"]) for f in flags} == {
        ("charter-unversioned", late),
        ("breaking-change", late),
    }
