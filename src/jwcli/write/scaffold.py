"""`jw init`: a new relationship repository from a charter template."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jwcli import __version__
from jwcli.errors import GitProblem, RefusedToOverwrite, UsageError
from jwcli.write.files import create_new
from jwcli.write.schemas import SCHEMA_FILES, editor_settings, render, schemas

GITIGNORE = (
    "# jw's cache, rebuilt on demand\n.jw/\n"
    "# `jw export` writes here by default: tables rebuilt from the data, not part of the record\n"
    "exports/\n"
)
GITATTRIBUTES = (
    "*.yaml text eol=lf working-tree-encoding=UTF-8\n"
    "*.yml text eol=lf working-tree-encoding=UTF-8\n"
    "*.json text eol=lf\n"
    "*.md text eol=lf\n"
)
# GitHub Actions: `jw validate` on every pull request (annotations on the changed lines) and the
# scorecard on the run's summary page. `on` is quoted: YAML 1.1 readers take a bare `on` for true.
# The scorecard goes into the summary (Markdown) inside <pre> with `&`, `<` and `>` escaped: no
# name in the charter can close the block and inject headings, links or images, as a line of
# backticks would close a code fence.
# Pushes are filtered by the job's `if` rather than a branch list, so the default branch is
# checked whatever it is called.
WORKFLOW = """\
# Written by `jw init`: checks this relationship repository on every pull request and every push
# to the default branch, and puts the scorecard on each run's summary page. It is yours to change.
name: jw

"on":
  pull_request:
  push:

permissions:
  contents: read

jobs:
  jw:
    name: validate and score
    if: >-
      github.event_name == 'pull_request' ||
      github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history: sign-offs and the audit trail live in it
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install jw (the version in {requirements})
        run: python -m pip install -r {requirements}
      - name: Validate the charter, baselines, records and assessments
        run: jw validate --format github
      - name: Scorecard on the job summary
        env:
          COLUMNS: "120"
        run: |
          set -o pipefail
          pre() {{
            echo '<pre>'
            sed -e 's/&/\\&amp;/g' -e 's/</\\&lt;/g' -e 's/>/\\&gt;/g'
            echo '</pre>'
          }}
          {{
            echo "## Scorecard, last quarter"
            jw score --quarter last | pre
            echo "## Scorecard, this quarter so far"
            jw score | pre
          }} >> "$GITHUB_STEP_SUMMARY"
"""
REQUIREMENTS_FILE = "jw-requirements.txt"
# What CI installs: pinned to the jw that created the repository, so the rules do not change
# under a pull request. jwcli is not on a public index, hence the two ways to point pip at it.
REQUIREMENTS = """\
# The jw that checks this repository in CI (.github/workflows/jw.yml), pinned to the version
# that created it so that the rules do not change under a pull request: raise it on purpose.
#
# jwcli is not on a public package index. Point pip at your organisation's copy, either
# with its package index (uncomment and edit the next line):
#   --index-url https://packages.example.org/simple
# or by replacing the last line with a git URL of your copy of jw's source:
#   jwcli @ git+https://git.example.org/your-org/jw.git@v{version}
jwcli=={version}
"""
WORKFLOW_FILE = ".github/workflows/jw.yml"
EDITORCONFIG = """\
root = true

[*]
charset = utf-8
end_of_line = lf
insert_final_newline = true
trim_trailing_whitespace = true

[*.{yaml,yml}]
indent_style = space
indent_size = 2
"""


@dataclass
class InitResult:
    root: Path
    template: str
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    committed: bool = False
    git: bool = True  # False under --no-git: the files alone, no repository


def templates_dir() -> Path:
    """The charter templates: package data when installed, the repository's charters/ in a
    source checkout (an editable install does not map them into the package)."""
    packaged = Path(str(resources.files("jwcli"))) / "charters"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[3] / "charters"
    if source.is_dir():
        return source
    raise FileNotFoundError("the charter templates are missing from this installation of jw")


def list_templates() -> list[tuple[str, str]]:
    found = []
    for folder in sorted(templates_dir().iterdir()):
        about = folder / "about.md"
        if folder.is_dir() and (folder / "charter.yaml").is_file():
            line = about.read_text(encoding="utf-8").splitlines()[0] if about.is_file() else ""
            found.append((folder.name, line.strip()))
    return found


def _relationship_name(charter_text: str) -> str:
    for line in charter_text.splitlines():
        if line.startswith("relationship:"):
            return line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\"")
    return "Our joint working relationship"


def _parties_readme(relationship: str) -> str:
    text = (Path(__file__).parent / "parties_readme.md").read_text(encoding="utf-8")
    return text.replace("{relationship}", relationship)


def planned_files(template: str) -> dict[str, bytes]:
    names = [name for name, _ in list_templates()]
    if template not in names:
        raise UsageError(f"no charter template `{template}`; choose one of: {', '.join(names)}")
    folder = templates_dir() / template
    charter = (folder / "charter.yaml").read_text(encoding="utf-8")
    files: dict[str, bytes] = {
        "charter.yaml": charter.encode(),
        "baselines.yaml": (folder / "baselines.yaml").read_bytes(),
        "records/.gitkeep": b"",
        "assessments/.gitkeep": b"",
        ".gitignore": GITIGNORE.encode(),
        ".gitattributes": GITATTRIBUTES.encode(),
        ".editorconfig": EDITORCONFIG.encode(),
        WORKFLOW_FILE: WORKFLOW.format(requirements=REQUIREMENTS_FILE).encode(),
        REQUIREMENTS_FILE: REQUIREMENTS.format(version=__version__).encode(),
        "README.md": _parties_readme(_relationship_name(charter)).encode(),
        ".vscode/settings.json": (json.dumps(editor_settings(), indent=2) + "\n").encode(),
    }
    for name, schema in schemas().items():
        files[f"schemas/{SCHEMA_FILES[name]}"] = render(schema)
    return files


def _enclosing_relationship(root: Path) -> Path | None:
    for folder in (root, *root.parents):
        if (folder / "charter.yaml").exists():
            return folder
    return None


def init_repository(directory: Path, template: str, *, use_git: bool = True) -> InitResult:
    from jwcli.history import git

    root = directory.resolve()
    if (root / "charter.yaml").exists():
        raise RefusedToOverwrite(
            f"{root / 'charter.yaml'} already exists: this is already a relationship repository",
            hint="jw init never overwrites; choose an empty folder",
        )
    outer = _enclosing_relationship(root)
    if outer is not None:
        raise RefusedToOverwrite(
            f"{root} is inside the relationship repository {outer}: a second charter there "
            "would be read as records of the first",
            hint="choose a folder outside it",
        )
    if use_git and not git.available():
        raise GitProblem(
            "git is not installed or not on PATH: the repository's history is its audit trail",
            hint="install git and run `jw init` again, or run `jw init --no-git` to write the "
            "files without a git repository on purpose",
        )
    files = planned_files(template)
    root.mkdir(parents=True, exist_ok=True)
    # jw makes the first commit when DIR is not in a repository yet, or is the top of one with no
    # commits (a repository `git init` made, or an earlier `jw init` stopped by a git problem).
    top = git.toplevel(root) if use_git else None
    fresh = use_git and (top is None or (top == root and git.head_commit(root) is None))
    if fresh:
        if top is None:
            git.init(root)
        # Checked before writing anything, so a missing identity leaves nothing half done.
        git.preflight(root, for_write=True, first_commit=True)
    result = InitResult(root=root, template=template, git=use_git)
    for rel, data in files.items():
        path = root / rel
        if path.exists():
            result.kept.append(rel)  # a README or .gitignore already there is the user's
            continue
        create_new(path, data, root=root)
        result.created.append(rel)
    if fresh:
        git.commit_paths(
            root,
            result.created,
            f"jw: initialise from charter template {template}",
            {"Jw-Kind": "init"},
        )
        result.committed = True
    return result
