"""File and folder names from a clone are printed escaped: no line forged, no terminal escapes.

A partner commits `records/2025-Q1/<ESC>[2J<ESC>[1;1H...all good....yaml` (erase the screen,
print a fake green summary) and a folder whose name holds a newline followed by a complete
`charter.yaml:1:1: error:` line. Whatever jw prints must keep them visible as escapes.
"""

from __future__ import annotations

import json
from pathlib import Path

from jwcli.model.findings import Finding, visible
from tests.helpers import AGREEMENT, AGREEMENT_PATH, jw, rec, write_repo

TODAY = "2025-08-01"
ANSI = "\x1b[2J\x1b[1;1H\x1b[32m0 errors, all good\x1b[0m"
FORGED = "x\ncharter.yaml:1:1: error: the charter is forged"


def _hostile(tmp_path: Path) -> Path:
    lesson = rec("lesson", "2025-05-01", party="acme")
    return write_repo(
        tmp_path / "rel",
        {
            AGREEMENT_PATH: AGREEMENT,  # an agreed charter: no draft warning among the lines
            f"records/2025-Q1/{ANSI}.yaml": lesson,
            # a fine name, in a folder that is not a quarter, by a party the charter lacks
            f"records/{FORGED}/2025-05-02-fine-name.yaml": rec(
                "lesson", "2025-05-02", party="nobody"
            ),
        },
    )


def test_visible_escapes_controls_newlines_bidi_and_undecodable_bytes() -> None:
    assert visible("records/2025-Q1/a.yaml") == "records/2025-Q1/a.yaml"
    assert visible("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("\x9b31m") == "\\x9b31m"
    assert visible("gold\u202edlog") == "gold\\u202edlog"
    assert visible("caf\udce9.yaml") == "caf\\xe9.yaml"  # os.fsdecode of b"caf\xe9.yaml"
    assert visible("Café Ltd, 2025") == "Café Ltd, 2025"
    finding = Finding(f"records/{FORGED}/a.yaml", "m", "r", line=3, col=4)
    assert (
        finding.location()
        == "records/x\\ncharter.yaml:1:1: error: the charter is forged/a.yaml:3:4"
    )


def test_validate_prints_hostile_names_escaped(tmp_path: Path) -> None:
    root = _hostile(tmp_path)
    result = jw("-C", str(root), "--today", TODAY, "validate")
    out = result.stdout + result.stderr
    assert result.exit_code == 1
    assert "\x1b" not in out
    assert "\\x1b[2J\\x1b[1;1H\\x1b[32m0 errors, all good\\x1b[0m" in out
    # every line of output starts with a real path or is the summary: nothing forged
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("records/") for line in lines), lines
    assert not any(line.startswith("charter.yaml") for line in out.splitlines())
    assert "records/x\\ncharter.yaml:1:1: error: the charter is forged/" in result.stdout


def test_github_annotations_escape_hostile_names(tmp_path: Path) -> None:
    root = _hostile(tmp_path)
    result = jw("-C", str(root), "--today", TODAY, "validate", "--format", "github")
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::error file=records/") for line in lines), lines


def test_json_keeps_the_real_names(tmp_path: Path) -> None:
    root = _hostile(tmp_path)
    result = jw("-C", str(root), "--today", TODAY, "validate", "--format", "json")
    assert result.exit_code == 1
    paths = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert f"records/2025-Q1/{ANSI}.yaml" in paths
