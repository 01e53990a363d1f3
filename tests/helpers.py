"""Shared test helpers: small repositories from dicts of path -> text, and running jw."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner

from jwcli.cli import app

CHARTER = """\
relationship: Test Shared Services
version: 1
effective: 2025-04-01
fiscal_year_start: 4
currency: GBP
parties:
  - id: north
    name: North District Council
    role: client
  - id: south
    name: South Borough Council
    role: client
  - id: acme
    name: Acme Managed Services Ltd
    role: supplier
services:
  - id: helpdesk
    name: ICT service desk
    provider: acme
    clients: [north, south]
objectives:
  - id: cut-cost
    statement: Reduce the cost of ICT support by 15%
    business_objective: Medium-term financial plan line 4.2
    owner: north
    due: 2027-03-31
kpis:
  - id: first-time-fix
    name: First-time fix rate
    objective: cut-cost
    owner: acme
    unit: percent
    direction: higher
    baseline: 64
    target: 80
    amber_within: 5
    due: 2027-03-31
escalation:
  levels:
    - level: 1
      name: Cup of coffee conversation
      respond_within_days: 14
      action: Informal one-to-one between relationship leads.
    - level: 2
      name: Formal review
      respond_within_days: 30
      action: Put on the quarterly review agenda.
  triggers:
    - id: slipping-commitments
      metric: on-time-rate
      below: 0.8
      level: 1
"""

BASELINES = """\
costs:
  - service: helpdesk
    party: north
    annual: 400000.00
    as_of: 2025-03-31
    basis: 6 FTE analysts, licences
  - service: helpdesk
    party: south
    annual: 200000.00
    as_of: 2025-03-31
    basis: 3 FTE analysts
savings_targets:
  - service: helpdesk
    rate: 0.2
    by: 2027-03-31
budgets:
  - project: dc-migration
    service: helpdesk
    owner: acme
    budget: 100000.00
    tolerance: 0.10
    start: 2025-06-01
    end: 2026-09-30
"""


def write_repo(root: Path, files: Mapping[str, str | bytes], *, charter: bool = True) -> Path:
    """Write a repository: `files` maps relative paths to text (dedented) or raw bytes.

    The standard CHARTER is written unless `charter=False` or `files` has its own charter.yaml.
    """
    root.mkdir(parents=True, exist_ok=True)
    all_files: dict[str, str | bytes] = {}
    if charter:
        all_files["charter.yaml"] = CHARTER
    all_files.update(files)
    for rel, content in all_files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes under root (outside .git), to assert nothing was changed."""
    found: dict[str, bytes] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def jw(*args: str, env: Mapping[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    """Run jw in-process through Typer's CliRunner; returns the Result (stdout/stderr separate)."""
    runner = CliRunner()
    return runner.invoke(app, list(args), env=dict(env or {}), input=input)


def git_env(home: Path) -> dict[str, str]:
    """An isolated git configuration and identity for tests that build real histories."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    return {
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "HOME": str(home),
    }


def rec(kind: str, date: str, **fields: object) -> str:
    """One record as YAML text (JSON flow style, which YAML 1.2 reads as is).

    Numbers must be int or float literals in the test (they are written as digits and read back
    exactly as decimals); `summary` defaults to a placeholder.
    """
    import json

    fields.setdefault("summary", f"{kind} on {date}")
    return json.dumps({"kind": kind, "date": date, **fields})


def load_checked(root: Path, today: str):  # type: ignore[no-untyped-def]
    """Load a repository and assert it validates without errors; returns the Relationship."""
    import datetime as dt

    from jwcli.checks.validate import validate
    from jwcli.load.repo import load_repo

    rel = load_repo(root)
    errors = [f for f in validate(rel, dt.date.fromisoformat(today)) if f.is_error]
    assert errors == [], [f"{f.location()}: {f.message}" for f in errors]
    return rel


def git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run git in `root` for a test's own set-up (jw's code runs git only in history/git.py)."""
    import subprocess

    merged = {**os.environ, **(env or {})}
    proc = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env=merged, check=False
    )
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def commit_files(
    root: Path,
    files: Mapping[str, str | None],
    message: str,
    *,
    author: tuple[str, str] = ("Ann Lee", "ann@north.example"),
    date: str = "2025-06-01T12:00:00+00:00",
) -> str:
    """Write (text, dedented) or delete (None) files and commit all as `author`; the commit id."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    name, email = author
    env = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(root, "rev-parse", "HEAD")


# The standard CHARTER's version 1 agreed by every party: without it the charter is a draft
# (one warning from `jw validate`), and after it an unagreed version is an error.
AGREEMENT_PATH = "records/2025-Q1/2025-04-01-charter-agreed.yaml"
AGREEMENT = """\
kind: amendment
date: 2025-04-01
summary: Charter version 1 agreed
version: 1
agreed_by: [north, south, acme]
"""


def write_agreed_repo(
    root: Path, files: Mapping[str, str | bytes], *, charter: bool = True
) -> Path:
    """`write_repo` with the standard charter's version 1 agreed (AGREEMENT), for tests whose
    output must not carry the draft-charter warning."""
    return write_repo(root, {AGREEMENT_PATH: AGREEMENT, **files}, charter=charter)
