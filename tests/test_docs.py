"""Every command has help text and a section in the README's tour (architecture.md, habit 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwcli.cli import app
from tests.helpers import jw

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(
    info.name or (info.callback.__name__ if info.callback else "")
    for info in app.registered_commands
) + sorted(group.name or "" for group in app.registered_groups)


def test_the_commands_of_the_spec_are_all_there() -> None:
    spec = {"init", "validate", "add", "assess", "score", "review", "status", "audit", "schema"}
    assert spec <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_has_help_and_a_readme_section(name: str) -> None:
    result = jw(name, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.stdout and len(result.stdout) > 200
    assert f"### `jw {name}" in README


def test_the_quick_start_is_exactly_two_commands_running_review_and_the_tests() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```sh\n")[1:]
    commands = [b.split("\n```", 1)[0].strip() for b in blocks]
    assert len(commands) == 2
    assert " review" in commands[0] and "examples/" in commands[0]
    assert "pytest" in commands[1]
