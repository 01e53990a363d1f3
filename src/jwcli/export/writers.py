"""Write the export's tables as CSV files, one JSON document, or one xlsx workbook.

- CSV: one UTF-8 file per table (no byte-order mark), a header row, the columns in the table's
  order, `\\n` line ends. Numbers are written as their exact decimal text (never through float),
  dates as YYYY-MM-DD, yes/no as `true`/`false`, lists joined with `; `, a meeting's attendees as
  `party=Name, Name; party=Name`, nothing for an empty cell. A cell that a spreadsheet would
  take for a formula (text starting `=`, `+`, `-`, `@`, a tab or a carriage return) starts with
  `'` instead (see `csv_safe`); a plain number such as `-12.50` is left a number.
- JSON: `jw-export.json`, every table with its columns and rows; numbers are JSON numbers written
  from the exact decimal text (read them with `parse_float=Decimal` to keep them exact), lists
  stay lists and mappings objects.
- xlsx: `jw-export.xlsx` (XlsxWriter), one sheet per table, the header row frozen with filters
  on, dates as real dates, money as numbers in the charter's currency format, scores and rates as
  numbers with 2 and 4 decimals, text always as text (never a formula), column widths set.

Every file is jw's own output: written atomically, replaced on the next export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Callable
from decimal import Decimal
from json.encoder import encode_basestring as _json_string
from pathlib import Path
from typing import Any

from jwcli.errors import EnvironmentProblem, UsageError
from jwcli.export.tables import Cell, Column, Export, Table
from jwcli.write.files import make_folder, replace_own, umask

FORMATS = ("csv", "json", "xlsx")
JSON_FILE = "jw-export.json"
XLSX_FILE = "jw-export.xlsx"
LIST_SEPARATOR = "; "
ProgressCallback = Callable[[int, int], None]

# How money looks in the workbook: the symbol for the currencies it is usual for, else the ISO
# code after the amount (`1,234.50 CHF`), as accounting teams write it.
_CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
_EXCEL_TEXT_LIMIT = 32767  # characters in one cell
_PROGRESS_EVERY = 1024
# What makes a spreadsheet read a CSV cell as a formula (OWASP's "CSV injection" list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number: a negative amount is data, and must stay a number for the reader's sums.
_PLAIN_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def money_format(currency: str) -> str:
    """The xlsx number format for amounts in `currency` (ISO 4217)."""
    symbol = _CURRENCY_SYMBOLS.get(currency)
    if symbol is not None:
        return f'"{symbol}"#,##0.00'
    return f'#,##0.00" {currency}"'


def decimal_text(value: Decimal) -> str:
    """The exact digits, never exponent notation (`1E+3` is written 1000)."""
    return format(value, "f")


def cell_text(value: Cell) -> str:
    """A cell as CSV (and the xlsx's text columns) write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dict):
        return LIST_SEPARATOR.join(f"{k}={', '.join(v)}" for k, v in value.items())
    return str(value)


def csv_safe(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet evaluates: a leading `'` before anything that
    starts like a formula, as OWASP recommends. Excel and LibreOffice show the cell as text
    (Excel hides the `'`). A plain number (`-12.50`) is left alone: a spreadsheet reads it as
    the number it is and cannot run it."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER_RE.fullmatch(text):
        return "'" + text
    return text


def _total_rows(export: Export) -> int:
    return sum(len(t.rows) for t in export.tables)


class _Rows:
    """Counts rows written across tables and reports now and then."""

    def __init__(self, export: Export, on_progress: ProgressCallback | None) -> None:
        self.total = _total_rows(export)
        self.done = 0
        self.on_progress = on_progress

    def step(self) -> None:
        self.done += 1
        if self.on_progress is not None and self.done % _PROGRESS_EVERY == 0:
            self.on_progress(self.done, self.total)

    def finish(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.total, self.total)


# -- CSV ---------------------------------------------------------------------------------------


def render_csv(table: Table, rows: _Rows | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_safe(name) for name in table.column_names])
    for row in table.rows:
        writer.writerow([csv_safe(cell_text(v)) for v in row])
        if rows is not None:
            rows.step()
    return buffer.getvalue().encode("utf-8")


def write_csv(export: Export, out: Path, on_progress: ProgressCallback | None = None) -> list[Path]:
    rows = _Rows(export, on_progress)
    written = []
    for table in export.tables:
        path = out / f"{table.name}.csv"
        replace_own(path, render_csv(table, rows))
        written.append(path)
    rows.finish()
    return written


# -- JSON --------------------------------------------------------------------------------------


def _json(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"'
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{_json_string(str(k))}: {_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to the export's JSON")


def _json_cell(kind: str) -> Callable[[Cell], str]:
    """The encoder of one column's cells: chosen once per column, not tested per cell."""
    if kind == "text":
        return lambda v: "null" if v is None else _json_string(str(v))
    if kind in ("money", "number", "score", "rate"):
        return lambda v: decimal_text(v) if isinstance(v, Decimal) else _json(v)
    return _json


def render_json(export: Export, on_progress: ProgressCallback | None = None) -> bytes:
    """The whole export as one JSON document, one row per line so that diffs stay readable."""
    rows = _Rows(export, on_progress)
    head = {
        "relationship": export.relationship,
        "currency": export.currency,
        "as_of": export.as_of,
        "quarter": export.quarter,
        "quarters": export.quarters,
    }
    parts = ["{\n"]
    for key, value in head.items():
        parts.append(f"  {_json(key)}: {_json(value)},\n")
    parts.append('  "tables": {')
    for t_index, table in enumerate(export.tables):
        parts.append("," if t_index else "")
        parts.append(f"\n    {_json(table.name)}: {{\n")
        parts.append(f'      "about": {_json(table.about)},\n')
        columns = [{"name": c.name, "kind": c.kind} for c in table.columns]
        parts.append(f'      "columns": {_json(columns)},\n')
        parts.append('      "rows": [')
        cells = [(f"{_json_string(c.name)}: ", _json_cell(c.kind)) for c in table.columns]
        for r_index, row in enumerate(table.rows):
            body = ", ".join(
                key + encode(value) for (key, encode), value in zip(cells, row, strict=True)
            )
            parts.append((",\n        {" if r_index else "\n        {") + body + "}")
            rows.step()
        parts.append("\n      ]\n    }" if table.rows else "]\n    }")
    parts.append("\n  }\n}\n")
    rows.finish()
    return "".join(parts).encode("utf-8")


def write_json(
    export: Export, out: Path, on_progress: ProgressCallback | None = None
) -> list[Path]:
    path = out / JSON_FILE
    replace_own(path, render_json(export, on_progress))
    return [path]


# -- xlsx --------------------------------------------------------------------------------------

_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _xlsxwriter() -> Any:
    try:
        import xlsxwriter  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a normal dependency; only a broken install lacks it
        raise EnvironmentProblem(
            "writing xlsx needs the XlsxWriter package, which is missing from this installation",
            hint="reinstall jw (pip install --force-reinstall jwcli), or export --format csv",
        ) from None
    return xlsxwriter


CellWriter = Callable[[Any, int, int, Any], int]


def _cell_writer(column: Column, formats: dict[str, Any]) -> CellWriter:
    """How one column's cells are written, chosen once per column; each call writes a non-empty
    cell and returns roughly how many characters it shows, for the column's width."""
    kind = column.kind
    if kind == "date":
        date_format = formats["date"]

        def date(sheet: Any, r: int, c: int, v: Any) -> int:
            sheet.write_datetime(r, c, v, date_format)
            return 10

        return date
    if kind in ("money", "number", "score", "rate", "integer"):
        number_format = formats.get(kind)

        def number(sheet: Any, r: int, c: int, v: Any) -> int:
            if not isinstance(v, Decimal | int) or isinstance(v, bool):
                return text(sheet, r, c, v)
            # xlsx keeps numbers as binary floats; the exact text is in the CSV and JSON exports
            sheet.write_number(r, c, float(v), number_format)
            return len(f"{v:,.2f}") + 2 if kind == "money" else len(str(v))

        return number
    if kind == "bool":

        def boolean(sheet: Any, r: int, c: int, v: Any) -> int:
            sheet.write_boolean(r, c, bool(v))
            return 5

        return boolean
    return text


def text(sheet: Any, r: int, c: int, v: Any) -> int:
    """Text is always written as text: data that starts with `=` is never a formula."""
    shown = cell_text(v)
    if not shown:  # an empty list: an empty cell, as filters expect
        return 0
    if len(shown) > _EXCEL_TEXT_LIMIT:
        shown = shown[: _EXCEL_TEXT_LIMIT - 1] + "…"
    sheet.write_string(r, c, shown)
    return len(shown)


def render_xlsx(
    export: Export, on_progress: ProgressCallback | None = None, target: Path | None = None
) -> bytes:
    """The workbook's bytes, or b"" once written straight to `target` (no copy held in memory)."""
    xlsxwriter = _xlsxwriter()
    rows = _Rows(export, on_progress)
    buffer = io.BytesIO()
    # constant_memory: each row goes to a temporary file once written, instead of every cell of
    # every sheet being held until close (100,000 records: 700 MB peak before, see
    # benchmarks/README.md); rows are written strictly in order, as this mode needs.
    workbook = xlsxwriter.Workbook(
        str(target) if target is not None else buffer, {"constant_memory": True}
    )
    # a fixed creation time: the same data gives the same file
    created = dt.datetime.combine(export.as_of, dt.time())
    scope = f"quarter {export.quarter}" if export.quarter else "every scored quarter"
    workbook.set_properties(
        {
            "title": f"{export.relationship}: jw export",
            "subject": f"{scope}, as of {export.as_of.isoformat()}",
            "created": created,
        }
    )
    header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF4"})
    formats = {
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "money": workbook.add_format({"num_format": money_format(export.currency)}),
        "score": workbook.add_format({"num_format": "0.00"}),
        "rate": workbook.add_format({"num_format": "0.0000"}),
        "integer": workbook.add_format({"num_format": "0"}),
    }
    for table in export.tables:
        sheet = workbook.add_worksheet(table.name)
        writers = [_cell_writer(c, formats) for c in table.columns]
        widths = [len(c.name) + 2 for c in table.columns]  # room for the filter button
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, column.name, header)
        for r, row in enumerate(table.rows, 1):
            for col, value in enumerate(row):
                if value is not None:
                    shown = writers[col](sheet, r, col, value)
                    if shown > widths[col]:
                        widths[col] = shown
            rows.step()
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 1, _MIN_WIDTH), _MAX_WIDTH))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    workbook.close()
    rows.finish()
    return b"" if target is not None else buffer.getvalue()


def write_xlsx(
    export: Export, out: Path, on_progress: ProgressCallback | None = None
) -> list[Path]:
    path = out / XLSX_FILE
    out.mkdir(parents=True, exist_ok=True)
    # written beside the target and moved into place, as replace_own does, without holding the
    # workbook's bytes in memory
    fd, name = tempfile.mkstemp(prefix=f".{XLSX_FILE}.", suffix=".tmp", dir=out)
    os.close(fd)
    temp = Path(name)
    try:
        render_xlsx(export, on_progress, target=temp)
        os.chmod(temp, 0o666 & ~umask())  # mkstemp's 0600 is for secrets, not exports
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return [path]


def write_export(
    export: Export,
    fmt: str,
    out: Path,
    on_progress: ProgressCallback | None = None,
    *,
    root: Path | None = None,
) -> list[Path]:
    """Write the export in `fmt` (csv, json or xlsx) into the folder `out`; the paths written.
    Never through a symbolic link inside the repository at `root` (write.files.make_folder)."""
    if fmt in FORMATS:
        make_folder(out, root)
    if fmt == "csv":
        return write_csv(export, out, on_progress)
    if fmt == "json":
        return write_json(export, out, on_progress)
    if fmt == "xlsx":
        return write_xlsx(export, out, on_progress)
    raise UsageError(f"--format must be csv, json or xlsx, not `{fmt}`")
