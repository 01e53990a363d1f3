"""A repository whose `.git/config` names programs (an archive or a shared drive copies it, a clone
does not): jw's reading commands must run none of them; the commits jw makes on purpose keep
their hooks."""

from __future__ import annotations

import subprocess
from pathlib import Path

from jwcli.history import git as jgit
from tests.helpers import (
    AGREEMENT,
    AGREEMENT_PATH,
    BASELINES,
    CHARTER,
    commit_files,
    git,
    jw,
)


def _hostile(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    commit_files(
        root,
        {
            "charter.yaml": CHARTER,
            "baselines.yaml": BASELINES,
            AGREEMENT_PATH: AGREEMENT,
            ".gitattributes": "*.yaml filter=evil diff=evil\n",
        },
        "Charter version 1, agreed",
    )
    marker = tmp_path / "PWNED"
    hooks = root / ".git" / "evil-hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "pre-commit", "reference-transaction", "pre-auto-gc"):
        script = hooks / hook
        script.write_text(f"#!/bin/sh\necho {hook} >> {marker}\n")
        script.chmod(0o755)
    program = tmp_path / "evil.sh"
    program.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\ncat\n')
    program.chmod(0o755)
    for key, value in {
        "core.fsmonitor": str(program),
        "core.hooksPath": str(hooks),
        "gpg.program": str(program),
        "gpg.ssh.program": str(program),
        "filter.evil.clean": str(program),
        "filter.evil.smudge": str(program),
        "filter.evil.process": str(program),
        "diff.evil.textconv": str(program),
        "diff.evil.command": str(program),
        "diff.external": str(program),
        "core.pager": str(program),
        "log.showSignature": "true",
    }.items():
        git(root, "config", key, value)
    return root, marker


def test_reading_commands_run_no_program_named_in_git_config(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, marker = _hostile(tmp_path)
    # a work tree that differs from the index, so `git status` would compare contents (filters)
    (root / "charter.yaml").touch()
    (root / "baselines.yaml").write_text(BASELINES + "\n# edited\n")
    assert not marker.exists()

    for args in (
        ["audit"],
        ["audit", "--format", "json"],
        ["validate"],
        ["--today", "2025-07-01", "score", "--quarter", "2025-Q1"],
        ["--today", "2025-07-01", "status"],
    ):
        result = jw("-C", str(root), *args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert not marker.exists(), (args, marker.read_text())

    # signatures are verified (and gpg.program would run) only when the charter requires them
    signing = CHARTER + "governance:\n  require_signed_commits: true\n"
    (root / "charter.yaml").write_text(signing)
    git(root, "commit", "-qam", "Sign")
    # a commit carrying a signature, so that verifying it would run gpg.program
    raw = git(root, "cat-file", "commit", "HEAD")
    head, _, message = raw.partition("\n\n")
    forged = (
        f"{head}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\n"
    )
    signed = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=root,
        input=forged + message + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git(root, "update-ref", "HEAD", signed)
    marker.unlink()  # the test's own commit ran the programs; jw must not run them again
    result = jw("-C", str(root), "audit", "--format", "json")
    assert result.exit_code == 1  # the commits are unsigned
    assert not marker.exists(), marker.read_text()

    # comparing the work tree with the index: fsmonitor and the filters would run here
    (root / "baselines.yaml").write_text(BASELINES + "\n# edited again\n")
    assert jgit.is_dirty(root)
    assert not marker.exists(), marker.read_text()


def test_the_commits_jw_makes_on_purpose_keep_their_hooks(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, marker = _hostile(tmp_path)
    result = jw(
        "-C",
        str(root),
        "--today",
        "2025-06-20",
        "add",
        "lesson",
        "--party",
        "acme",
        "--summary",
        "Patch on Tuesdays",
    )
    assert result.exit_code == 0, result.output
    # the person's pre-commit hook ran for the commit jw made for them
    assert "pre-commit" in marker.read_text()
