"""The example's spreadsheets import into a copy of the example repository as hand-written YAML,
and a second import adds nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.helpers import commit_files, git, jw, snapshot

EXAMPLE = Path(__file__).parent.parent / "examples" / "southshire-partnership"
TODAY = "2026-11-29"

# What the County's finance officer's ledger extract must become, written out by hand from the
# CSV (Windows-1252, `;`, `Q2 2026` for the period, `£` in the header and a description).
EXPECTED_COSTS = {
    "2026-11-16-scc-exit-programme-ict-data-migration-": """\
kind: cost
date: 2026-11-16
service: ict
party: scc
period: 2026-Q2
amount: 48250.00
summary: "SCC exit programme: ICT data migration and archive, first tranche (£48k)"
""",
    "2026-11-16-scc-exit-programme-payroll-parallel-runs-": """\
kind: cost
date: 2026-11-16
service: hr-payroll
party: scc
period: 2026-Q2
amount: 31600.00
summary: "SCC exit programme: payroll parallel runs for the in-house service"
""",
    "2026-11-16-scc-exit-programme-ledger-": """\
kind: cost
date: 2026-11-16
service: finance-procurement
party: scc
period: 2026-Q2
amount: 22475.50
summary: "SCC exit programme: ledger cut-over and contract novations"
""",
    "2026-11-16-scc-exit-programme-county-hall-handback-": """\
kind: cost
date: 2026-11-16
service: estates
party: scc
period: 2026-Q2
amount: 9800.00
summary: "SCC exit programme: County Hall handback surveys"
""",
}
# The KPI return: real spreadsheet dates (shown dd/mm/yyyy), numbers, `Q3 2025` and `2025Q2`.
EXPECTED_MEASUREMENTS = {
    "2026-11-20-invoices-paid-within-30-days-q3-": """\
kind: measurement
date: 2026-11-20
kpi: invoices-paid-30-days
period: 2025-Q3
value: 93.4
summary: "Invoices paid within 30 days, Q3 2025/26: 93.4%, return re-run after the ledger cut-over"
""",
    "2026-11-20-blue-light-estate-running-cost-q2-": (
        "kind: measurement\n"
        "date: 2026-11-20\n"
        "kpi: estate-cost-per-sqm\n"
        "period: 2025-Q2\n"
        "value: 118.6\n"
        'summary: "Blue-light estate running cost, Q2 2025/26: £118.60 per m², from the Fire '
        "Authority's late return\"\n"
    ),
}
COST_MAPS = (
    "--map",
    "Posting date=date",
    "--map",
    "Amount (£)=amount",
    "--map",
    "Description=summary",
)


def _added(root: Path, before: dict[str, bytes], folder: str) -> dict[str, str]:
    """The record files that are new since `before`, all under `folder` (the quarter they
    belong to): file name -> text without the schema line."""
    out = {}
    for path, data in snapshot(root).items():
        if path not in before:
            assert path.startswith(folder), path
            text = data.decode("utf-8")
            assert text.startswith("# yaml-language-server: $schema=../../schemas/record.schema")
            out[Path(path).stem] = text.split("\n", 1)[1]
    return out


def _matches(found: dict[str, str], expected: dict[str, str]) -> None:
    assert len(found) == len(expected)
    for prefix, text in expected.items():
        (name,) = [n for n in found if n.startswith(prefix)]
        # the slug is the summary's first words, the tail 8 hex digits of the content's hash
        assert re.fullmatch(re.escape(prefix) + "[a-z0-9-]*[0-9a-f]{8}", name)
        assert found[name] == text


def test_the_example_spreadsheets_import_as_the_expected_records(
    tmp_path: Path, isolated_git: dict
) -> None:
    root = tmp_path / "southshire"
    shutil.copytree(EXAMPLE, root)
    git(root, "init", "-q")
    commit_files(root, {}, "the example")
    csv_data = (root / "imports" / "scc-exit-costs-2026-q2.csv").read_bytes()
    assert b"\xa3" in csv_data and b";" in csv_data  # Windows-1252 pound signs, `;` separated

    before = snapshot(root)
    costs = jw(
        "-C",
        str(root),
        "--today",
        TODAY,
        "import",
        "cost",
        str(root / "imports" / "scc-exit-costs-2026-q2.csv"),
        *COST_MAPS,
    )
    assert costs.exit_code == 0, costs.stderr
    _matches(_added(root, before, "records/2026-Q2/"), EXPECTED_COSTS)

    before = snapshot(root)
    kpis = jw(
        "-C",
        str(root),
        "--today",
        TODAY,
        "import",
        "measurement",
        str(root / "imports" / "kpi-returns.xlsx"),
    )
    assert kpis.exit_code == 0, kpis.stderr
    _matches(_added(root, before, "records/2025-Q"), EXPECTED_MEASUREMENTS)
    assert git(root, "status", "--porcelain") == ""  # each import committed what it wrote

    head = git(root, "rev-parse", "HEAD")
    before = snapshot(root)
    again = jw(
        "-C",
        str(root),
        "--today",
        TODAY,
        "import",
        "cost",
        str(root / "imports" / "scc-exit-costs-2026-q2.csv"),
        *COST_MAPS,
    )
    assert again.exit_code == 0 and "4 already in the repository, skipped" in again.stderr
    again = jw(
        "-C",
        str(root),
        "--today",
        TODAY,
        "import",
        "measurement",
        str(root / "imports" / "kpi-returns.xlsx"),
    )
    assert again.exit_code == 0 and "2 already in the repository, skipped" in again.stderr
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head

    valid = jw("-C", str(root), "--today", TODAY, "validate")
    assert valid.exit_code == 0, valid.stdout
