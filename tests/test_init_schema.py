"""`jw init` and `jw schema` through the CLI, on real folders and git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from jwcli.write.scaffold import list_templates
from tests.helpers import jw, snapshot, write_repo

TEMPLATES = ["internal-joint-working", "shared-supplier", "strategic-alliance"]


def test_three_templates_are_listed_with_descriptions() -> None:
    result = jw("init", "--list-templates")
    assert result.exit_code == 0
    for name in TEMPLATES:
        line = next(line for line in result.stdout.splitlines() if line.startswith(name))
        assert len(line.split(maxsplit=1)[1]) > 20  # a real description, not just the name


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_creates_a_valid_committed_repository(
    tmp_path: Path, isolated_git: dict[str, str], template: str
) -> None:
    target = tmp_path / "rel"
    result = jw("init", str(target), "--template", template)
    assert result.exit_code == 0, result.output
    for rel in (
        "charter.yaml",
        "baselines.yaml",
        "records/.gitkeep",
        "assessments/.gitkeep",
        "README.md",
        ".gitignore",
        "schemas/record.schema.json",
        ".vscode/settings.json",
    ):
        assert (target / rel).is_file(), rel
    check = jw("-C", str(target), "--today", "2027-05-01", "validate")
    assert check.exit_code == 0, check.output
    assert "0 errors" in check.stderr
    log = subprocess.run(
        ["git", "log", "--format=%s%n%b"], cwd=target, capture_output=True, text=True, check=True
    ).stdout
    assert f"jw: initialise from charter template {template}" in log
    assert "Jw-Kind: init" in log
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=target, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "charter.yaml" in tracked and "schemas/charter.schema.json" in tracked


def test_each_template_names_the_ten_behaviours_and_a_coffee_first_ladder() -> None:
    from jwcli.model.common import BEHAVIOURS
    from jwcli.write.scaffold import templates_dir

    for name, _ in list_templates():
        text = (templates_dir() / name / "charter.yaml").read_text()
        for behaviour in BEHAVIOURS:
            assert behaviour in text, (name, behaviour)
        assert "Cup of coffee conversation" in text
        assert text.startswith("# yaml-language-server: $schema=schemas/charter.schema.json")


def test_init_refuses_an_existing_charter_and_writes_nothing(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = write_repo(tmp_path / "rel", {})
    before = snapshot(root)
    result = jw("init", str(root))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert snapshot(root) == before


def test_init_inside_an_existing_git_repository_keeps_the_users_readme(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout

    git("init", "-q")
    (tmp_path / "README.md").write_text("ours\n")
    git("add", "README.md")
    git("commit", "-qm", "Our README")
    before = git("rev-parse", "HEAD")
    result = jw("init", str(tmp_path), "--template", "strategic-alliance")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "README.md").read_text() == "ours\n"
    # DIR was already in a repository with history: committing is left to the people who own it.
    assert git("rev-parse", "HEAD") == before
    assert "charter.yaml" in git("status", "--porcelain", "--untracked-files=all")


def test_init_in_an_empty_git_repository_makes_the_first_commit(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = jw("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "charter.yaml" in tracked


def test_unknown_template_is_a_usage_error_listing_the_choices(tmp_path: Path) -> None:
    result = jw("init", str(tmp_path / "x"), "--template", "nope")
    assert result.exit_code == 2
    assert "shared-supplier" in result.stderr
    assert not (tmp_path / "x").exists()


def test_schema_writes_one_schema_per_file_type_that_rejects_what_jw_rejects(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path / "rel", {})
    result = jw("-C", str(root), "schema")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (root / "schemas").iterdir())
    assert names == [
        "assessment.schema.json",
        "baselines.schema.json",
        "charter.schema.json",
        "record.schema.json",
    ]
    record = json.loads((root / "schemas/record.schema.json").read_text())
    commitment = record["$defs"]["Commitment"]
    assert commitment["additionalProperties"] is False
    assert commitment["properties"]["due"]["pattern"] == r"^\d{4}-\d{2}-\d{2}$"
    cost = record["$defs"]["Cost"]["properties"]["amount"]
    assert (cost["type"], cost["multipleOf"]) == ("number", 0.01)
    assert set(record["discriminator"]["mapping"]) >= {"commitment", "update", "amendment"}


def test_created_files_get_ordinary_permissions_not_private_ones(tmp_path: Path) -> None:
    import os
    import stat

    from jwcli.write.files import create_new, replace_own

    old = os.umask(0o022)
    try:
        create_new(tmp_path / "a.yaml", b"x: 1\n")
        replace_own(tmp_path / "b.json", b"{}\n")
    finally:
        os.umask(old)
    for name in ("a.yaml", "b.json"):
        # 0o666 less the umask 0o022: readable by the other people sharing the folder
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_init_without_a_git_identity_writes_nothing_and_can_be_rerun(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("EMAIL", "")
    target = tmp_path / "rel"
    result = jw("init", str(target))
    assert result.exit_code == 3
    assert "user.email" in result.stderr or "identity" in result.stderr
    assert not (target / "charter.yaml").exists()
    # Once the identity is set, the same command completes with its first commit.
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Asha Patel")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "asha@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Asha Patel")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "asha@example.org")
    again = jw("init", str(target))
    assert again.exit_code == 0, again.output
    log = subprocess.run(
        ["git", "log", "--format=%an %s"], cwd=target, capture_output=True, text=True, check=True
    ).stdout
    assert log.startswith("Asha Patel jw: initialise from charter template shared-supplier")


# -- CI workflow, line ends and encodings, and the schemas checked by an independent validator --


def test_init_writes_a_github_workflow_that_validates_and_scores(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    import yaml

    from jwcli import __version__

    target = tmp_path / "rel"
    result = jw("init", str(target))
    assert result.exit_code == 0, result.output
    text = (target / ".github/workflows/jw.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)  # valid YAML, read the way YAML 1.1 tools read it
    assert set(workflow["on"]) == {"pull_request", "push"}
    requirements = (target / "jw-requirements.txt").read_text(encoding="utf-8")
    assert requirements.splitlines()[-1] == f"jwcli=={__version__}"
    (job,) = workflow["jobs"].values()
    runs = [step.get("run", "") for step in job["steps"]]
    assert "python -m pip install -r jw-requirements.txt" in runs
    assert "jw validate --format github" in runs
    summary = next(run for run in runs if "GITHUB_STEP_SUMMARY" in run)
    assert "jw score" in summary and '>> "$GITHUB_STEP_SUMMARY"' in summary
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=target, capture_output=True, text=True, check=True
    ).stdout.split()
    assert ".github/workflows/jw.yml" in tracked
    # exports are rebuilt from the data: kept out of the record
    assert "exports/" in (target / ".gitignore").read_text().splitlines()


def test_init_keeps_yaml_utf8_with_lf_line_ends(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    target = tmp_path / "rel"
    assert jw("init", str(target)).exit_code == 0
    for name in ("charter.yaml", "records/x.yaml", ".github/workflows/jw.yml"):
        attrs = subprocess.run(
            ["git", "check-attr", "text", "eol", "--", name],
            cwd=target,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f"{name}: text: set" in attrs and f"{name}: eol: lf" in attrs, attrs
    editorconfig = (target / ".editorconfig").read_text()
    assert "charset = utf-8" in editorconfig and "end_of_line = lf" in editorconfig
    # a CRLF record committed from a Windows editor is stored with LF
    (target / "records/2025-05-01-crlf.yaml").write_bytes(b"kind: claim\r\ndate: 2025-05-01\r\n")
    subprocess.run(["git", "add", "records"], cwd=target, check=True, capture_output=True)
    staged = subprocess.run(
        ["git", "show", ":records/2025-05-01-crlf.yaml"],
        cwd=target,
        capture_output=True,
        check=True,
    ).stdout
    assert staged == b"kind: claim\ndate: 2025-05-01\n"


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "southshire-partnership"


def _schema_validators(tmp_path: Path) -> dict[str, object]:
    """`jw schema`'s files, read with exact decimals, as jsonschema validators.

    Numbers stay Decimal on both sides (the YAML loader's and the schema's): `multipleOf: 0.01`
    on money is then checked exactly, never through binary floating point.
    """
    from decimal import Decimal

    from jsonschema import Draft202012Validator, validators

    result = jw("schema", "--out", str(tmp_path / "schemas"))
    assert result.exit_code == 0, result.output

    def is_number(checker: object, value: object) -> bool:
        return isinstance(value, int | float | Decimal) and not isinstance(value, bool)

    types = Draft202012Validator.TYPE_CHECKER.redefine("number", is_number)
    exact = validators.extend(Draft202012Validator, type_checker=types)
    found: dict[str, object] = {}
    for name in ("charter", "baselines", "record", "assessment"):
        path = tmp_path / "schemas" / f"{name}.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
        found[name] = exact(schema)
    return found


def _errors(validator: object, path: Path) -> list[str]:
    from jwcli.load.yamlsafe import load_file

    data, _ = load_file(path)  # dates stay text, numbers int or Decimal, as jw reads them
    messages = []
    pending = list(validator.iter_errors(data))  # type: ignore[attr-defined]
    while pending:  # a record is oneOf the kinds: the reasons are in each error's context
        error = pending.pop()
        messages.append(error.message)
        pending.extend(error.context or ())
    return messages


def test_the_schemas_accept_every_file_of_the_example(tmp_path: Path) -> None:
    checks = _schema_validators(tmp_path)
    files = [("charter", EXAMPLE / "charter.yaml"), ("baselines", EXAMPLE / "baselines.yaml")]
    files += [("record", p) for p in sorted((EXAMPLE / "records").rglob("*.yaml"))]
    files += [("assessment", p) for p in sorted((EXAMPLE / "assessments").glob("*/*.yaml"))]
    assert sum(1 for kind, _ in files if kind == "record") > 500
    assert sum(1 for kind, _ in files if kind == "assessment") > 40
    problems = {
        str(path.relative_to(EXAMPLE)): errors
        for kind, path in files
        if (errors := _errors(checks[kind], path))
    }
    assert problems == {}


def test_the_schemas_reject_a_misspelt_key_in_each_kind_of_file(tmp_path: Path) -> None:
    checks = _schema_validators(tmp_path)
    cases = {
        "charter": ("charter.yaml", "currency: GBP", "curency: GBP"),
        "baselines": ("baselines.yaml", "    basis: ", "    bassis: "),
        "record": (
            "records/2023-Q1/2023-07-20-cost-ict-scc-2023-q1.yaml",
            "party: scc",
            "pary: scc",
        ),
        "assessment": ("assessments/2025-Q1/scc.yaml", "assessor: scc", "asessor: scc"),
    }
    for kind, (name, right, wrong) in cases.items():
        text = (EXAMPLE / name).read_text(encoding="utf-8")
        assert right in text, name
        bad = tmp_path / f"bad-{kind}.yaml"
        bad.write_text(text.replace(right, wrong, 1), encoding="utf-8")
        assert _errors(checks[kind], EXAMPLE / name) == [], name
        misspelt = wrong.split(":")[0].strip()
        assert f"'{misspelt}' was unexpected" in " ".join(_errors(checks[kind], bad)), kind
