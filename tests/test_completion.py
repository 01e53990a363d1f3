"""Shell completion: party ids, KPI ids and quarters from the charter, fast and never failing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jwcli.completion import (
    complete_kpis,
    complete_parties,
    complete_quarter_labels,
    complete_quarters,
)
from tests.helpers import write_repo

JW = Path(sys.executable).parent / "jw"


def ctx_for(root: Path | None, today: str | None = "2025-08-01") -> Any:
    """What Typer hands a completion callback: a command context whose root holds -C/--today."""
    top = SimpleNamespace(parent=None, params={"repo": str(root) if root else None, "today": today})
    return SimpleNamespace(parent=top, params={})


def values(items: list[tuple[str, str]]) -> list[str]:
    return [value for value, _ in items]


def test_parties_and_kpis_come_from_the_charter_with_their_names(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "rel", {})
    ctx = ctx_for(root)
    assert complete_parties(ctx, "") == [
        ("north", "North District Council"),
        ("south", "South Borough Council"),
        ("acme", "Acme Managed Services Ltd"),
    ]
    assert values(complete_parties(ctx, "so")) == ["south"]
    assert values(complete_parties(ctx, "NO")) == ["north"]
    assert complete_kpis(ctx, "") == [("first-time-fix", "First-time fix rate")]


def test_a_comma_separated_list_completes_its_last_id(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "rel", {})
    # `--to north,` offers the parties not already given, keeping what was typed
    assert values(complete_parties(ctx_for(root), "north,")) == ["north,south", "north,acme"]
    assert values(complete_parties(ctx_for(root), "north,a")) == ["north,acme"]


def test_quarters_run_from_the_current_one_back_to_the_charters_first(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "rel", {})
    # fiscal year from April, effective 2025-04-01: 2025-Q1 is the first quarter; 2025-08-01
    # is in 2025-Q2 (July-September)
    items = complete_quarters(ctx_for(root, "2025-08-01"), "")
    assert items == [
        ("current", "2025-Q2"),
        ("last", "2025-Q1"),
        ("2025-Q2", "2025-07-01 to 2025-09-30"),
        ("2025-Q1", "2025-04-01 to 2025-06-30"),
    ]
    assert values(complete_quarters(ctx_for(root, "2026-02-10"), "2025-Q")) == [
        "2025-Q4",  # January-March 2026
        "2025-Q3",
        "2025-Q2",
        "2025-Q1",
    ]
    # a record's period takes labels only
    assert values(complete_quarter_labels(ctx_for(root, "2025-08-01"), "")) == [
        "2025-Q2",
        "2025-Q1",
    ]


def test_the_repository_is_found_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_repo(tmp_path / "rel", {"records/.gitkeep": ""})
    monkeypatch.chdir(root / "records")
    assert values(complete_parties(ctx_for(None), "a")) == ["acme"]


@pytest.mark.parametrize(
    "charter",
    [
        None,  # no repository at all
        "parties: [unclosed\n",  # YAML that does not parse
        "- a list\n",  # not a mapping
        "parties: 3\nkpis: {a: 1}\nfiscal_year_start: 13\neffective: soon\n",  # wrong shapes
        b"\xff\xfe\x00bad",  # not UTF-8
        "effective: '2025-02-30'\n",  # shaped like a date, not a real one
        'effective: "2025-04-01\\n"\n',  # a date followed by a newline
    ],
)
def test_completion_never_raises_on_a_missing_or_broken_charter(
    tmp_path: Path, charter: str | bytes | None
) -> None:
    root = tmp_path / "rel"
    root.mkdir()
    if charter is not None:
        (root / "charter.yaml").write_bytes(
            charter if isinstance(charter, bytes) else charter.encode()
        )
    ctx = ctx_for(root)
    assert complete_parties(ctx, "") == []
    assert complete_kpis(ctx, "x") == []
    quarters = complete_quarters(ctx, "")
    assert quarters == [] or values(quarters)[:2] == ["current", "last"]


@pytest.mark.parametrize("today", ["2025-02-30", "2025-08-01\n", "not a date"])
def test_a_today_that_is_not_a_real_date_falls_back_to_the_clock(
    tmp_path: Path, today: str
) -> None:
    root = write_repo(tmp_path / "rel", {})
    offered = values(complete_quarters(ctx_for(root, today), ""))
    assert offered[:2] == ["current", "last"]  # no traceback, quarters from the real clock


def _complete(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env, "JW_TODAY": "2025-08-01"}
    return subprocess.run(
        [str(JW)], env=full, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_bash_completion_through_typer(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "rel", {})
    done = _complete(
        {"_JW_COMPLETE": "complete_bash", "COMP_WORDS": "jw score --party ", "COMP_CWORD": "3"},
        root,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["north", "south", "acme"]
    kpi = _complete(
        {
            "_JW_COMPLETE": "complete_bash",
            "COMP_WORDS": f"jw -C {root} add measurement --kpi fi",
            "COMP_CWORD": "6",
        },
        tmp_path,
    )
    assert kpi.stdout.split() == ["first-time-fix"], kpi.stderr
    quarter = _complete(
        {
            "_JW_COMPLETE": "complete_bash",
            "COMP_WORDS": "jw review --quarter 2025",
            "COMP_CWORD": "3",
        },
        root,
    )
    assert quarter.stdout.split() == ["2025-Q2", "2025-Q1"]


def test_zsh_and_fish_completion_through_typer(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "rel", {})
    zsh = _complete(
        {"_JW_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "jw assess --assessor ac"}, root
    )
    assert '"acme":"Acme Managed Services Ltd"' in zsh.stdout, zsh.stderr
    fish = _complete(
        {
            "_JW_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_ARGS": "jw export --quarter ",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        },
        root,
    )
    lines = fish.stdout.splitlines()
    assert lines[:2] == ["current\t2025-Q2", "last\t2025-Q1"], fish.stderr


def test_the_callbacks_import_neither_pydantic_nor_the_models(tmp_path: Path) -> None:
    """The shell waits for every <Tab>: the callbacks read the charter with the YAML loader only.

    (Typer itself imports pydantic to convert option values, so a whole completion run takes about
    0.2 s on this machine; the callbacks add only the YAML loader to that.)
    """
    root = write_repo(tmp_path / "rel", {})
    code = (
        "import sys\n"
        "from types import SimpleNamespace as N\n"
        "from jwcli.completion import complete_kpis, complete_parties, complete_quarters\n"
        f"ctx = N(parent=None, params={{'repo': {str(root)!r}, 'today': '2025-08-01'}})\n"
        "print(len(complete_parties(ctx, '')), len(complete_kpis(ctx, '')),"
        " len(complete_quarters(ctx, '')))\n"
        "heavy = ('pydantic', 'jinja2', 'rich', 'jwcli.model.charter', 'jwcli.load.repo')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    counts, heavy = done.stdout.splitlines()
    assert counts == "3 1 4"
    assert heavy == ""
