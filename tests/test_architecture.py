"""The layering of shared/spec/architecture.md, kept honest by reading every module's imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import jwcli

PACKAGE = Path(jwcli.__file__).parent
# The only modules that may talk to a person: the CLI, its command bodies and the output layer.
FRONT = {"cli.py", "output.py", "launch.py"}


def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        found.append((rel, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def _is_front(rel: str) -> bool:
    return rel in FRONT or rel.startswith("commands/")


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_nothing_below_the_cli_imports_typer_or_rich() -> None:
    offenders = [
        (rel, sorted(_imported(tree) & {"typer", "rich", "click"}))
        for rel, tree in _modules()
        if not _is_front(rel) and _imported(tree) & {"typer", "rich", "click"}
    ]
    assert offenders == []


def test_nothing_below_the_cli_prints_prompts_or_exits() -> None:
    offenders = []
    for rel, tree in _modules():
        if _is_front(rel):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else (func.attr if isinstance(func, ast.Attribute) else "")
                )
                if name in {"print", "input", "exit"}:
                    offenders.append((rel, node.lineno, name))
    assert offenders == []


# Launching another program is confined to three places, each for one program: git (the audit
# trail), Chromium (printing the pack to PDF) and the person's own $EDITOR (`jw add --edit`).
LAUNCHERS = {"history/git.py", "render/browser.py", "commands/add.py"}
_LAUNCH_CALLS = ("os.system", "os.popen", "os.spawn", "os.exec", "os.posix_spawn", "pty.spawn")


def _launches(tree: ast.Module) -> bool:
    source = ast.unparse(tree)
    return "subprocess" in _imported(tree) or any(call in source for call in _LAUNCH_CALLS)


def test_only_known_modules_launch_programs() -> None:
    launchers = {rel for rel, tree in _modules() if _launches(tree)}
    assert launchers <= LAUNCHERS
    assert "history/git.py" in launchers


def test_only_history_git_runs_git() -> None:
    # A string literal "git" as a program name, anywhere else, would be a second way to run it.
    runners = []
    for rel, tree in _modules():
        if rel == "history/git.py" or not _launches(tree):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value == "git":
                runners.append(rel)
    assert runners == []


def test_help_and_version_import_neither_pydantic_yaml_nor_jinja() -> None:
    code = (
        "import sys\n"
        "from jwcli.cli import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(app, ['--version'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('pydantic', 'yaml', 'jinja2', 'rich') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
