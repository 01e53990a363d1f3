"""Moving a repository started under earlier rules: an escalation that named no trigger (it used
to answer by its level) is superseded by one naming `trigger` and `quarter`; that is allowed,
while changing a quarter (or trigger) an escalation already named stays an error."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import AGREEMENT, AGREEMENT_PATH, jw, write_repo

OLD = """\
kind: escalation
date: 2025-07-03
level: 1
parties: [acme]
summary: Coffee about the slipping commitments
"""
NAMED = """\
kind: escalation
date: 2025-08-01
level: 1
parties: [acme]
trigger: slipping-commitments
quarter: 2025-Q1
supersedes: 2025-07-03-coffee
summary: Coffee about the slipping commitments (names the trigger it answered)
"""


def _errors(root: Path) -> list[str]:
    result = jw("-C", str(root), "--today", "2025-08-15", "validate")
    return [line for line in result.stdout.splitlines() if ": error:" in line]


def test_naming_the_trigger_of_an_unnamed_escalation_is_allowed(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "r",
        {
            AGREEMENT_PATH: AGREEMENT,
            "records/2025-Q2/2025-07-03-coffee.yaml": OLD,
            "records/2025-Q2/2025-08-01-coffee-named.yaml": NAMED,
        },
    )
    assert _errors(root) == []


def test_changing_a_named_quarter_stays_an_error(tmp_path: Path) -> None:
    named_first = OLD.replace(
        "parties: [acme]\n", "parties: [acme]\ntrigger: slipping-commitments\nquarter: 2025-Q2\n"
    )
    root = write_repo(
        tmp_path / "r",
        {
            AGREEMENT_PATH: AGREEMENT,
            "records/2025-Q2/2025-07-03-coffee.yaml": named_first,
            "records/2025-Q2/2025-08-01-coffee-named.yaml": NAMED,
        },
    )
    errors = _errors(root)
    assert len(errors) == 1 and errors[0].startswith("records/2025-Q2/2025-08-01-coffee-named")
    assert "quarter" in errors[0]
