"""Find the relationship repository and read every file in it into models.

Every problem becomes a finding; nothing here raises for bad data. Files that fail to load are
left out of the models, so the checks that follow only see data that parsed.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from jwcli.load import cache as _cache
from jwcli.load import parallel as _parallel
from jwcli.load.cache import FileCache
from jwcli.load.pydantic_errors import findings_from_errors
from jwcli.load.tree import (  # noqa: F401 - find_root is re-exported
    StatKey,
    Tree,
    find_root,
    list_assessments,
    scan,
    walk_records,
)
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
    AssessmentEntry,
    RecordEntry,
    Relationship,
)
from jwcli.quarters import Quarter

_FAILED: Any = object()  # the file could not be read or parsed; a finding says why
_RECORD_CLASSES: frozenset[type] = frozenset(RECORD_KINDS.values())


def _read(root: Path | str, rel: str, findings: list[Finding]) -> Any:
    try:
        # A str path, joined by hand: a Path per file costs more than reading the file.
        data, _ = load_file(f"{os.fspath(root)}/{rel}")
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


def load_record(root: Path | str, rel: str, findings: list[Finding]) -> AnyRecord | None:
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


def link_findings(links: list[str]) -> list[Finding]:
    """A folder jw would read that is a symbolic link: an error, and nothing read through it.
    A link can lead anywhere on the reader's disk, and its files would be taken as (and quoted
    in messages as) the repository's own."""
    return [
        Finding(
            path,
            "a symbolic link to a folder: jw reads only folders kept in the repository itself, "
            "and nothing under this one was read; replace the link with a real folder holding "
            "the files (git rm the link, then add the folder)",
            "symlink",
        )
        for path in links
    ]


def _walk_records(
    root: Path, findings: list[Finding], listing: list[tuple[str, StatKey | None]] | None = None
) -> list[tuple[str, StatKey | None]]:
    """The `.yaml` files under records/ (from `listing`, a `tree.scan`, when given); a `.yml`
    file is a finding, and so is a linked folder when the listing is made here."""
    found: list[tuple[str, StatKey | None]] = []
    if listing is None:
        links: list[str] = []
        listing = walk_records(os.fspath(root), links=links)
        findings.extend(link_findings(links))
    for rel, key in listing:
        if rel.endswith(".yaml"):
            found.append((rel, key))
        else:
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


# how often a long load reports progress (in files): often enough for a smooth bar, rarely
# enough that the callback costs nothing measurable
PROGRESS_EVERY = 256


def load_repo(
    root: Path,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    cache: bool = False,
    tree: Tree | None = None,
    workers: int | None = None,
) -> Relationship:
    """Read charter, baselines, records and assessments; problems become `load_findings`.

    `on_progress(done, total)`, when given, is called every PROGRESS_EVERY record files and once
    at the end, with the number of record files read so far and to read.

    With `cache`, models of files unchanged since an earlier run come from `.jw/cache/` (see
    load/cache.py; repositories under `cache.MIN_FILES` files are not cached); `tree` is a
    listing already made by `tree.scan`. `workers` caps the processes of a cold parse (None: one
    per core; 1: parse here, serially).
    """
    rel = Relationship(root=root)
    findings = rel.load_findings
    files: FileCache | None = None
    if cache:
        if tree is None:
            tree = scan(root)
        if len(tree.records) + len(tree.assessments) >= _cache.MIN_FILES:
            files = FileCache(tree)
    if tree is not None:
        findings.extend(link_findings(tree.links))
    gc_was_enabled = gc.isenabled()
    gc.disable()  # bulk loading makes many small objects and no cycles: the collector only costs
    try:
        rel.charter = _load_whole(root, CHARTER_FILE, Charter, findings, files)
        rel.files_read += 1
        # exists, not is_file: a folder or a link named baselines.yaml is reported, not skipped
        if os.path.lexists(root / BASELINES_FILE):
            rel.baselines = _load_whole(root, BASELINES_FILE, Baselines, findings, files)
            rel.files_read += 1
        _load_records(root, rel, findings, on_progress, files, tree, workers)
        _load_assessments(root, rel, findings, files, tree)
        if files is not None:
            files.save()
    finally:
        if gc_was_enabled:
            gc.enable()
    return rel


def _load_whole(
    root: Path, path: str, model: type[BaseModel], findings: list[Finding], files: FileCache | None
) -> Any:
    """One file validated against `model`, from the cache when unchanged; None if it failed."""
    key = files.tree.key(path) if files is not None else None
    if files is not None:
        hit = files.get(path, key, frozenset({model}))
        if hit is not None:
            return hit
    before = len(findings)
    data = _read(root, path, findings)
    if data is _FAILED:
        return None
    value = _validate(model, data, path, findings)
    if files is not None and value is not None and len(findings) == before:
        files.put(path, key, value)
    return value


def _load_records(
    root: Path,
    rel: Relationship,
    findings: list[Finding],
    on_progress: Callable[[int, int], None] | None = None,
    files: FileCache | None = None,
    tree: Tree | None = None,
    workers: int | None = None,
) -> None:
    first_path: dict[str, str] = {}
    base = os.fspath(root)
    paths = _walk_records(root, findings, tree.records if tree is not None else None)
    total = len(paths)
    # First pass, in order: the file-name checks and the cache. What is left is parsed (on
    # several cores when it pays), then every result is taken in the original order, so the
    # findings and models are the same however the work was shared.
    todo: list[tuple[str, str, StatKey | None, AnyRecord | None]] = []
    for path, key in paths:
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
        todo.append(
            (
                record_id,
                path,
                key,
                files.get(path, key, _RECORD_CLASSES) if files is not None else None,
            )
        )
    misses = [path for _, path, _, hit in todo if hit is None]
    parsed: dict[str, tuple[AnyRecord | None, list[Finding]]] = {}
    if len(misses) >= _parallel.PARALLEL_MIN and workers != 1:
        parsed = _parallel.parse_in_parallel(base, misses, workers, on_progress, total)
    report = on_progress if not parsed else None  # the parallel parse reported as it went
    for done, (record_id, path, key, record) in enumerate(todo):
        if report is not None and done % PROGRESS_EVERY == 0:
            report(done, total)
        if record is None:
            if path in parsed:
                record, found = parsed[path]
                findings.extend(found)
            else:
                found = []
                record = load_record(base, path, found)
                findings.extend(found)
            if record is not None and files is not None and not found:
                files.put(path, key, record)
        if record is not None:
            rel.records[record_id] = RecordEntry(record_id, path, record)
    if on_progress is not None:
        on_progress(total, total)


def _load_assessments(
    root: Path,
    rel: Relationship,
    findings: list[Finding],
    files: FileCache | None = None,
    tree: Tree | None = None,
) -> None:
    if tree is not None:
        listing = tree.assessments
    else:
        links: list[str] = []
        listing = list_assessments(root, links)
        findings.extend(link_findings(links))
    for folder, name in listing:
        if not folder:
            findings.append(
                Finding(
                    f"{ASSESSMENTS_DIR}/{name}",
                    "an assessment must be in its quarter's folder: move it to "
                    "assessments/<quarter>/<assessor>.yaml",
                    "file-name",
                    line=1,
                    col=1,
                )
            )
            continue
        path = f"{ASSESSMENTS_DIR}/{folder}/{name}"
        if name.endswith(".yml"):
            findings.append(
                Finding(path, "rename this `.yml` file to `.yaml`", "file-name", line=1, col=1)
            )
            continue
        rel.files_read += 1
        if Quarter.from_label(folder) is None:
            findings.append(
                Finding(
                    path,
                    f"folder `{folder}` is not a quarter: name it YYYY-Qn",
                    "file-name",
                    line=1,
                    col=1,
                )
            )
            continue
        assessment = _load_whole(root, path, Assessment, findings, files)
        if assessment is not None:
            rel.assessments.append(AssessmentEntry(path, folder, name[: -len(".yaml")], assessment))
