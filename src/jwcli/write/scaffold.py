"""`jw init`: a new relationship repository from a charter template."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jwcli.errors import RefusedToOverwrite, UsageError
from jwcli.write.files import create_new
from jwcli.write.schemas import SCHEMA_FILES, editor_settings, render, schemas

GITIGNORE = "# jw's cache, rebuilt on demand\n.jw/\n"
GITATTRIBUTES = "*.yaml text eol=lf working-tree-encoding=UTF-8\n*.md text eol=lf\n"
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
        "README.md": _parties_readme(_relationship_name(charter)).encode(),
        ".vscode/settings.json": (json.dumps(editor_settings(), indent=2) + "\n").encode(),
    }
    for name, schema in schemas().items():
        files[f"schemas/{SCHEMA_FILES[name]}"] = render(schema)
    return files


def init_repository(directory: Path, template: str) -> InitResult:
    from jwcli.history import git

    root = directory.resolve()
    if (root / "charter.yaml").exists():
        raise RefusedToOverwrite(
            f"{root / 'charter.yaml'} already exists: this is already a relationship repository",
            hint="jw init never overwrites; choose an empty folder",
        )
    files = planned_files(template)
    root.mkdir(parents=True, exist_ok=True)
    # jw makes the first commit when DIR is not in a repository yet, or is the top of one with no
    # commits (a repository `git init` made, or an earlier `jw init` stopped by a git problem).
    top = git.toplevel(root) if git.available() else None
    fresh = git.available() and (top is None or (top == root and git.head_commit(root) is None))
    if fresh:
        if top is None:
            git.init(root)
        # Checked before writing anything, so a missing identity leaves nothing half done.
        git.preflight(root, for_write=True, first_commit=True)
    result = InitResult(root=root, template=template)
    for rel, data in files.items():
        path = root / rel
        if path.exists():
            result.kept.append(rel)  # a README or .gitignore already there is the user's
            continue
        create_new(path, data)
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
