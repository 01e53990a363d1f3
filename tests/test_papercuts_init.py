"""`jw init`: git missing, --no-git, nesting, first branch, CI and its pinned jw (issue 12, 5)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jwcli import __version__
from tests.helpers import jw, snapshot, write_repo


def test_without_git_on_path_init_is_exit_3_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_git: dict[str, str]
) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "rel"
    result = jw("init", str(target))
    assert result.exit_code == 3
    assert "git is not installed or not on PATH" in result.stderr
    assert "jw init --no-git" in result.stderr  # the fix names the way to do it on purpose
    assert not target.exists() or list(target.iterdir()) == []


def test_no_git_writes_the_files_alone_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_git: dict[str, str]
) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "rel"
    result = jw("init", str(target), "--no-git")
    assert result.exit_code == 0, result.output
    assert (target / "charter.yaml").is_file()
    assert not (target / ".git").exists()
    assert "without a git repository (--no-git)" in result.stdout
    monkeypatch.undo()
    assert jw("-C", str(target), "validate").exit_code == 0


def test_init_inside_a_relationship_repository_refuses(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    outer = write_repo(tmp_path / "rel", {})
    before = snapshot(outer)
    result = jw("init", str(outer / "records" / "nested"))
    assert result.exit_code == 1
    assert f"inside the relationship repository {outer.resolve()}" in result.stderr
    assert snapshot(outer) == before
    assert not (outer / "records" / "nested").exists()


def test_the_first_branch_is_main_whatever_git_defaults_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_git: dict[str, str]
) -> None:
    config = tmp_path / "trunk.gitconfig"
    config.write_text("[init]\n\tdefaultBranch = trunk\n[commit]\n\tgpgsign = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    target = tmp_path / "rel"
    assert jw("init", str(target)).exit_code == 0
    branch = subprocess.run(
        ["git", "branch", "--show-current"], cwd=target, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert branch == "main"


def test_the_workflow_runs_on_pull_requests_and_default_branch_pushes_with_pinned_jw(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    import yaml

    target = tmp_path / "rel"
    assert jw("init", str(target)).exit_code == 0
    workflow = yaml.safe_load((target / ".github/workflows/jw.yml").read_text(encoding="utf-8"))
    assert workflow["on"] == {"pull_request": None, "push": None}
    (job,) = workflow["jobs"].values()
    assert job["if"] == (
        "github.event_name == 'pull_request' || "
        "github.ref_name == github.event.repository.default_branch"
    )
    install = next(s for s in job["steps"] if "pip install" in s.get("run", ""))
    assert install["run"] == "python -m pip install -r jw-requirements.txt"
    # the requirement pip reads: comments and the pinned running version
    lines = (target / "jw-requirements.txt").read_text(encoding="utf-8").splitlines()
    active = [line for line in lines if line and not line.startswith("#")]
    assert active == [f"jwcli=={__version__}"]
    assert any("--index-url" in line for line in lines)
    assert any("jwcli @ git+" in line for line in lines)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=target, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "jw-requirements.txt" in tracked
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "pypi.org" not in readme  # jwcli is not on a public index
    assert "jw-requirements.txt" in readme and "--index-url" in readme and "git+" in readme
