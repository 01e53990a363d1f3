"""The only module that runs `git`: argument lists (never a shell), `--` before paths, `-z` output.

jw never deletes a lock file and never rewrites history.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from jwcli.errors import GitProblem


def _git() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitProblem("git is not installed or not on PATH", hint="install git and retry")
    return found


def run(args: Sequence[str], cwd: Path, *, check: bool = True, stdin: str | None = None,
        env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    proc = subprocess.run(
        [_git(), *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=merged,
        check=False,
    )
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()
        raise GitProblem(f"`git {' '.join(args[:2])}` failed: {detail}")
    return proc


def available() -> bool:
    return shutil.which("git") is not None


def toplevel(path: Path) -> Path | None:
    """The work tree's top folder when `path` is inside a git repository, else None."""
    if shutil.which("git") is None:
        return None
    proc = run(["rev-parse", "--show-toplevel"], path, check=False)
    return Path(proc.stdout.strip()) if proc.returncode == 0 else None


def init(path: Path) -> None:
    run(["init", "--quiet"], path)


def commit_paths(root: Path, paths: Sequence[str], message: str,
                 trailers: Mapping[str, str] | None = None) -> str:
    """Stage exactly `paths` and commit only them; returns the new commit id."""
    body = message
    if trailers:
        body += "\n\n" + "\n".join(f"{key}: {value}" for key, value in trailers.items())
    run(["add", "--", *paths], root)
    run(["commit", "--quiet", "-m", body, "--", *paths], root)
    return run(["rev-parse", "HEAD"], root).stdout.strip()
