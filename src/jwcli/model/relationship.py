"""The loaded repository: every file's model, and what could not be loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jwcli.model.assessments import Assessment
from jwcli.model.baselines import Baselines
from jwcli.model.charter import Charter
from jwcli.model.findings import Finding
from jwcli.model.records import AnyRecord

CHARTER_FILE = "charter.yaml"
BASELINES_FILE = "baselines.yaml"
RECORDS_DIR = "records"
ASSESSMENTS_DIR = "assessments"
REVIEWS_DIR = "reviews"


@dataclass(slots=True)
class RecordEntry:
    id: str
    path: str  # relative, forward slashes
    record: AnyRecord


@dataclass(slots=True)
class AssessmentEntry:
    path: str
    folder: str  # the quarter folder's name as written
    assessor_file: str  # the file name without .yaml
    assessment: Assessment


@dataclass
class Relationship:
    root: Path
    charter: Charter | None = None
    baselines: Baselines | None = None
    records: dict[str, RecordEntry] = field(default_factory=dict)
    assessments: list[AssessmentEntry] = field(default_factory=list)
    load_findings: list[Finding] = field(default_factory=list)
    # ids seen more than once, with every path: the records dict keeps only the first
    files_read: int = 0

    @property
    def fiscal_year_start(self) -> int:
        return self.charter.fiscal_year_start if self.charter else 1

    def records_of(self, kind: str) -> list[RecordEntry]:
        return [e for e in self.records.values() if e.record.kind == kind]
