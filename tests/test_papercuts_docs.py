"""The README and docs/ stand alone: no pointers to files users do not have (issue 12, item 14)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import jw

ROOT = Path(__file__).resolve().parents[1]
USER_DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "src/jwcli/write/parties_readme.md",
]


@pytest.mark.parametrize("path", USER_DOCS, ids=[p.name for p in USER_DOCS])
def test_no_user_doc_points_at_the_projects_spec(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "shared/spec" not in text
    assert not re.search(r"\bthe spec\b", text, re.IGNORECASE)


@pytest.mark.parametrize("path", USER_DOCS[:-1], ids=[p.name for p in USER_DOCS[:-1]])
def test_every_relative_link_resolves(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (path.parent / target).exists(), f"{path.name} links to {target}"


def test_the_json_keys_the_docs_list_are_the_ones_jw_prints() -> None:
    """docs/scoring.md says what `jw score --format json` holds instead of a contract file."""
    section = (ROOT / "docs/scoring.md").read_text(encoding="utf-8").split("## JSON output", 1)[1]
    section = section.split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)`", section))
    example = ROOT / "examples" / "southshire-partnership"
    result = jw("-C", str(example), "--today", "2026-11-29", "score", "--format", "json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    party = card["parties"][0]
    behaviour = next(b for b in party["behaviours"] if b["id"] == "cost-optimisation")
    printed = {*card, *party, *behaviour, *behaviour["components"]}
    for listed in ("alignment", "triggers"):
        printed.update(*card[listed][:1])
    assert printed - named == set(), "keys jw prints that docs/scoring.md does not name"
