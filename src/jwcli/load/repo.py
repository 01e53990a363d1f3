"""Find the relationship repository and read every file in it into models.

Every problem becomes a finding; nothing here raises for bad data. Files that fail to load are
left out of the models, so the checks that follow only see data that parsed.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from jwcli.errors import NotARepository
from jwcli.load.pydantic_errors import findings_from_errors
from jwcli.load.yamlsafe import YamlProblem, load_file
from jwcli.model.assessments import Assessment
from jwcli.model.baselines import Baselines
from jwcli.model.charter import Charter
from jwcli.model.common import is_record_id
from jwcli.model.findings import Finding
from jwcli.model.records import RECORD_KINDS, AnyRecord
from jwcli.model.relationship import (
    ASSESSMENTS_DIR,
    BASELINES_FILE,
    CHARTER_FILE,
    RECORDS_DIR,
    AssessmentEntry,
    RecordEntry,
    Relationship,
)
from jwcli.quarters import Quarter


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding charter.yaml, as git finds `.git`."""
    start = start.resolve()
    if not start.is_dir():
        raise NotARepository(f"{start} is not a folder", hint="pass an existing folder to -C")
    for folder in (start, *start.parents):
        if (folder / CHARTER_FILE).is_file():
            return folder
    raise NotARepository(
        f"no {CHARTER_FILE} in {start} or any folder above it: "
        "this is not a relationship repository",
        hint="run `jw init` to create one, or point at one with `jw -C DIR ...`",
    )


_FAILED: Any = object()  # the file could not be read or parsed; a finding says why


def _read(root: Path, rel: str, findings: list[Finding]) -> Any:
    try:
        data, _ = load_file(root / rel)
    except YamlProblem as problem:
        findings.append(
            Finding(rel, problem.message, problem.rule, line=problem.line, col=problem.col)
        )
        return _FAILED
    return data


def _validate(model: type[BaseModel], data: Any, rel: str, findings: list[Finding]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        findings.extend(findings_from_errors(rel, exc.errors(include_url=False)))
        return None


def load_record(root: Path, rel: str, findings: list[Finding]) -> AnyRecord | None:
    data = _read(root, rel, findings)
    if data is _FAILED:
        return None
    if not isinstance(data, dict):
        findings.append(
            Finding(rel, "a record must be a mapping (`key: value` lines)", "schema", loc=())
        )
        return None
    kind = data.get("kind")
    model = RECORD_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        valid = ", ".join(RECORD_KINDS)
        if kind is None:
            message = f"missing required field `kind`; one of: {valid}"
            findings.append(Finding(rel, message, "schema", loc=()))
        else:
            message = f"unknown record kind `{kind}`; valid kinds: {valid}"
            findings.append(Finding(rel, message, "schema", loc=("kind",)))
        return None
    record: AnyRecord | None = _validate(model, data, rel, findings)
    return record


def _walk_records(root: Path, findings: list[Finding]) -> list[str]:
    found: list[str] = []
    top = root / RECORDS_DIR
    if not top.is_dir():
        return found
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder).relative_to(root).as_posix()
        for name in sorted(files):
            rel = f"{base}/{name}"
            if name.endswith(".yaml"):
                found.append(rel)
            elif name.endswith(".yml"):
                findings.append(
                    Finding(
                        rel,
                        "record files must end in `.yaml`: rename this `.yml` file",
                        "file-name",
                        line=1,
                        col=1,
                    )
                )
    return found


def load_repo(root: Path) -> Relationship:
    """Read charter, baselines, records and assessments; problems become `load_findings`."""
    rel = Relationship(root=root)
    findings = rel.load_findings
    gc_was_enabled = gc.isenabled()
    gc.disable()  # bulk loading makes many small objects and no cycles: the collector only costs
    try:
        data = _read(root, CHARTER_FILE, findings)
        if data is not _FAILED:
            rel.charter = _validate(Charter, data, CHARTER_FILE, findings)
        rel.files_read += 1
        if (root / BASELINES_FILE).is_file():
            data = _read(root, BASELINES_FILE, findings)
            if data is not _FAILED:
                rel.baselines = _validate(Baselines, data, BASELINES_FILE, findings)
            rel.files_read += 1
        _load_records(root, rel, findings)
        _load_assessments(root, rel, findings)
    finally:
        if gc_was_enabled:
            gc.enable()
    return rel


def _load_records(root: Path, rel: Relationship, findings: list[Finding]) -> None:
    first_path: dict[str, str] = {}
    for path in _walk_records(root, findings):
        rel.files_read += 1
        record_id = path.rsplit("/", 1)[-1][: -len(".yaml")]
        if not is_record_id(record_id):
            findings.append(
                Finding(
                    path,
                    f"`{record_id}` is not a valid record id: a file name must be 3-80 lowercase "
                    "letters, digits and `-`, ending `.yaml`",
                    "file-name",
                    line=1,
                    col=1,
                )
            )
            continue
        if record_id in first_path:
            findings.append(
                Finding(
                    path,
                    f"record id `{record_id}` is used twice: {first_path[record_id]} and {path}; "
                    "ids must be unique across records/, rename one",
                    "duplicate-id",
                    line=1,
                    col=1,
                )
            )
            continue
        first_path[record_id] = path
        record = load_record(root, path, findings)
        if record is not None:
            rel.records[record_id] = RecordEntry(record_id, path, record)


def _load_assessments(root: Path, rel: Relationship, findings: list[Finding]) -> None:
    top = root / ASSESSMENTS_DIR
    if not top.is_dir():
        return
    for folder in sorted(p for p in top.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for file in sorted(folder.iterdir()):
            path = f"{ASSESSMENTS_DIR}/{folder.name}/{file.name}"
            if file.name.startswith(".") or not file.name.endswith((".yaml", ".yml")):
                continue
            if file.name.endswith(".yml"):
                findings.append(
                    Finding(path, "rename this `.yml` file to `.yaml`", "file-name", line=1, col=1)
                )
                continue
            rel.files_read += 1
            if Quarter.from_label(folder.name) is None:
                findings.append(
                    Finding(
                        path,
                        f"folder `{folder.name}` is not a quarter: name it YYYY-Qn",
                        "file-name",
                        line=1,
                        col=1,
                    )
                )
                continue
            data = _read(root, path, findings)
            if data is _FAILED:
                continue
            assessment = _validate(Assessment, data, path, findings)
            if assessment is not None:
                rel.assessments.append(
                    AssessmentEntry(path, folder.name, file.name[: -len(".yaml")], assessment)
                )
