"""The pre-commit hook of .pre-commit-hooks.yaml, run for real through `pre-commit try-repo`.

try-repo clones the hook repository at its HEAD and pip-installs it into an environment of its
own, so the test copies what building jw needs into a fresh git repository and commits it there
(the project's own checkout is never touched), then runs the hook in a relationship repository
with a broken record. pip fetches jw's dependencies from the package index (or its cache).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.helpers import CHARTER, git

PROJECT = Path(__file__).resolve().parents[1]
# what `pip install .` needs to build jw (pyproject.toml names README.md and charters/)
BUILD_INPUTS = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "charters")


def _hooks() -> list[dict[str, object]]:
    data = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_the_hook_definition_runs_jw_validate_once_on_yaml_changes() -> None:
    (hook,) = _hooks()
    assert hook["id"] == "jw-validate"
    assert hook["language"] == "python"  # pre-commit installs jw from the repository itself
    assert hook["entry"] == "jw validate"
    assert hook["pass_filenames"] is False  # the whole repository: records refer to each other
    pattern = re.compile(str(hook["files"]))
    for changed in ("charter.yaml", "records/2026-Q1/2026-05-12-x.yaml", "records/x.yml"):
        assert pattern.search(changed), changed
    for unchanged in ("README.md", "attachments/minutes.pdf", "schemas/record.schema.json"):
        assert not pattern.search(unchanged), unchanged


def _env(tmp_path: Path) -> dict[str, str]:
    """Isolated git identity and pre-commit cache; HOME stays, so pip may use its cache."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }


def _project_copy(target: Path, env: dict[str, str]) -> Path:
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in BUILD_INPUTS:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    git(target, "init", "-q", env=env)
    git(target, "add", "-A", env=env)
    git(target, "commit", "-q", "-m", "jw as it is in the working tree", env=env)
    return target


def test_try_repo_runs_the_hook_and_a_broken_record_fails_the_commit_check(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path)
    project = _project_copy(tmp_path / "jw", env)
    rel = tmp_path / "relationship"
    rel.mkdir()
    (rel / "charter.yaml").write_text(CHARTER, encoding="utf-8")
    broken = rel / "records" / "2025-Q1" / "2025-05-12-patching.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "kind: commitment\n"
        "date: 2025-05-12\n"
        "pary: acme\n"
        "due: 2025-06-30\n"
        "summary: Roll out the patching runbook.\n",
        encoding="utf-8",
    )
    git(rel, "init", "-q", env=env)
    git(rel, "add", "-A", env=env)

    def run() -> subprocess.CompletedProcess[str]:
        command = ["try-repo", str(project), "jw-validate", "--all-files"]
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *command],
            cwd=rel,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    failed = run()
    out = failed.stdout + failed.stderr
    assert failed.returncode == 1, out
    assert re.search(r"jw validate\.+Failed", out), out
    # the located messages of `jw validate`, at the misspelt key and for the missing field
    path = "records/2025-Q1/2025-05-12-patching.yaml"
    assert f"{path}:3:1: error: unknown field `pary` (did you mean `party`?)" in out, out
    assert f"{path}:1:1: error: missing required field `party`" in out, out

    broken.write_text(broken.read_text(encoding="utf-8").replace("pary:", "party:"), "utf-8")
    git(rel, "add", "-A", env=env)
    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"jw validate\.+Passed", passed.stdout), passed.stdout
