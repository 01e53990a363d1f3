"""Shell completion offers only ids that are valid slugs, with hints that cannot break the shell.

A partner edits the charter so that a party id is `acme$(touch PWNED)`: whoever presses <Tab>
after `--party` must never get that onto their command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jwcli.completion import complete_parties
from tests.helpers import CHARTER, write_repo

JW = Path(sys.executable).parent / "jw"
HOSTILE_PARTIES = """\
  - id: "acme$(touch PWNED)"
    name: Evil
  - id: "`touch PWNED`"
    name: Evil
  - id: "ok; rm -rf ~"
    name: Evil
  - id: "x\\ny"
    name: Evil
  - id: Upper
    name: Evil
  - id: fine-id
    name: "Fine \\"$(touch PWNED)\\" `x` ${HOME}: 'quoted'\\nsecond line"
"""


def _repo(tmp_path: Path) -> Path:
    charter = CHARTER.replace("parties:\n", "parties:\n" + HOSTILE_PARTIES, 1)
    return write_repo(tmp_path / "rel", {"charter.yaml": charter})


def _ctx(root: Path) -> Any:
    top = SimpleNamespace(parent=None, params={"repo": str(root), "today": "2025-08-01"})
    return SimpleNamespace(parent=top, params={})


def test_only_slug_ids_are_offered_and_hints_are_plain(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    offered = complete_parties(_ctx(root), "")
    assert [value for value, _ in offered] == ["fine-id", "north", "south", "acme"]
    hint = dict(offered)["fine-id"]
    assert hint == "Fine (touch PWNED) x HOME quoted second line"


def test_bash_and_zsh_completion_offer_no_shell_syntax(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    env = {**os.environ, "JW_TODAY": "2025-08-01", "_JW_COMPLETE": "complete_bash"}
    env.update(COMP_WORDS="jw score --party ", COMP_CWORD="3")
    bash = subprocess.run([str(JW)], env=env, cwd=root, capture_output=True, text=True, check=False)
    assert bash.returncode == 0, bash.stderr
    assert bash.stdout.split() == ["fine-id", "north", "south", "acme"]
    env = {**os.environ, "JW_TODAY": "2025-08-01", "_JW_COMPLETE": "complete_zsh"}
    env["_TYPER_COMPLETE_ARGS"] = "jw score --party "
    zsh = subprocess.run([str(JW)], env=env, cwd=root, capture_output=True, text=True, check=False)
    assert zsh.returncode == 0, zsh.stderr
    assert len(zsh.stdout.splitlines()) == 4  # one line per id offered, none forged by a hint
    for bad in ("$", "`", ";", "\\"):
        assert bad not in zsh.stdout, zsh.stdout
    assert not (root / "PWNED").exists()
