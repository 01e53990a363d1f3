"""A CSV or xlsx file as a header and rows of cells, each cell knowing its address.

CSV files come in whatever encoding people send: UTF-8 with or without a byte-order mark, or
Windows-1252 (what Excel's "CSV" save writes on most European machines), separated by `,` or `;`
(the second where the decimal separator is a comma). xlsx files are read with openpyxl in
read-only mode: it streams the sheet instead of building the whole workbook in memory, it is pure
Python and well kept, and formulas come back as their text, never evaluated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jwcli.errors import UsageError

MAX_BYTES = 64 * 1024 * 1024  # a bigger spreadsheet is not a ledger extract; refuse it early
MAX_UNPACKED = 512 * 1024 * 1024  # an xlsx is a zip: what its parts claim once unpacked
_SEPARATORS = (",", ";", "\t")
_SIMPLE_SHEET_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")

# What a cell may hold once read: text from a CSV; from xlsx also numbers, dates, true/false.
Value = str | int | float | bool | dt.datetime | dt.date | dt.time | None


@dataclass(frozen=True, slots=True)
class Cell:
    value: Value
    formula: bool = False  # an xlsx formula cell: `value` is its text, never its result


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # 1-based, as the spreadsheet shows it (the header is row 1 of a CSV)
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: the file's name as the person gave it, the sheet's (xlsx only), the header
    row's number and cells, and the data rows below it (entirely blank rows left out)."""

    file: str
    sheet: str | None
    header_row: int
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str = "utf-8"
    separator: str = ","

    def where(self, row: int, column: int | None = None) -> str:
        """`FILE:ROW:COLUMN` for a CSV (`FILE:ROW` for a whole row), `FILE:SHEET!C7` for xlsx."""
        if self.sheet is None:
            return f"{self.file}:{row}" + ("" if column is None else f":{column + 1}")
        name = self.sheet if _SIMPLE_SHEET_RE.match(self.sheet) else _quoted(self.sheet)
        if column is None:
            return f"{self.file}:{name}!{row}:{row}"
        return f"{self.file}:{name}!{column_letter(column)}{row}"


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_sheet(path: Path, shown: str, sheet: str | None = None) -> Sheet:
    """Read `path` (CSV or xlsx, by its content) as one table; UsageError when it cannot be."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UsageError(f"{shown}: cannot be read ({exc.strerror})") from None
    if not path.is_file():
        raise UsageError(f"{shown}: is not a file")
    if size > MAX_BYTES:
        raise UsageError(f"{shown}: is {size // (1024 * 1024)} MB; jw reads files up to 64 MB")
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, shown, sheet)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UsageError(
            f"{shown}: is an old Excel .xls workbook, which jw does not read",
            hint="save it as .xlsx (Excel Workbook) or CSV and import that",
        )
    if sheet is not None:
        raise UsageError(f"--sheet: {shown} is a CSV file, which has no sheets")
    return read_csv_bytes(data, shown)


# -- CSV ------------------------------------------------------------------------------------

# What makes a spreadsheet take a CSV cell for a formula; `jw export` (and careful people) write
# such text after a `'`, which spreadsheets hide and read as "this is text".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unguarded(text: str) -> str:
    """A cell's text without the `'` that guards formula-like text (`'=SUM(A1)` is `=SUM(A1)`),
    so that what `jw export` wrote imports back as it was."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def decode(data: bytes, shown: str) -> tuple[str, str]:
    """The text and the encoding it was read as: UTF-8 (a BOM is dropped), UTF-16 with its BOM,
    else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" is UTF-16
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UsageError(f"{shown}: starts as UTF-16 text but is not valid UTF-16") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        return data.decode("utf-8"), encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{shown}: byte {exc.start + 1} is neither UTF-8 nor Windows-1252 text",
            hint="save the file as CSV UTF-8 from your spreadsheet and import that",
        ) from None


def _separator(text: str) -> str:
    """The separator the header line uses most, counted outside quotes."""
    first = text.split("\n", 1)[0]
    outside = re.sub(r'"[^"]*"', "", first)
    counts = {sep: outside.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_csv_bytes(data: bytes, shown: str) -> Sheet:
    text, encoding = decode(data, shown)
    if "\x00" in text:
        raise UsageError(f"{shown}: holds NUL bytes, so it is not a text file (CSV)")
    sep = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: tuple[str, ...] | None = None
    header_row = 1
    rows: list[Row] = []
    try:
        for number, record in enumerate(reader, 1):
            if header is None:
                if not any(c.strip() for c in record):
                    continue  # blank lines above the header
                header, header_row = tuple(record), number
                continue
            if not any(c.strip() for c in record):
                continue
            rows.append(Row(number, tuple(Cell(_unguarded(c)) for c in record)))
    except csv.Error as exc:
        raise UsageError(f"{shown}:{reader.line_num}: not readable as CSV: {exc}") from None
    if header is None:
        raise UsageError(f"{shown}: is empty: the first row must name the columns")
    return Sheet(shown, None, header_row, header, tuple(rows), encoding, sep)


# -- xlsx -----------------------------------------------------------------------------------


def open_workbook(data: bytes, shown: str) -> Any:
    """An openpyxl workbook, read-only, formulas as text (never their cached results)."""
    import zipfile

    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a normal dependency; only a broken install lacks it
        from jwcli.errors import EnvironmentProblem

        raise EnvironmentProblem(
            "reading xlsx needs the openpyxl package, which is missing from this installation",
            hint="reinstall jw (pip install --force-reinstall jwcli), or import a CSV file",
        ) from None
    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UsageError(f"{shown}: is not a readable xlsx workbook ({exc})") from None
    if unpacked > MAX_UNPACKED:
        # a few MB of zip can claim gigabytes once unpacked; a ledger extract never does
        raise UsageError(
            f"{shown}: unpacks to {unpacked // (1024 * 1024)} MB; jw reads workbooks up to "
            f"{MAX_UNPACKED // (1024 * 1024)} MB unpacked",
            hint="save only the sheet to import, or export it as CSV",
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UsageError(
            f"{shown}: is not a readable xlsx workbook ({type(exc).__name__}: {exc})",
            hint="open it in your spreadsheet and save it again as .xlsx",
        ) from None


def _xlsx_value(cell: Any) -> Cell:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return Cell(str(value), formula=True)
    if isinstance(value, str | int | float | bool | dt.datetime | dt.date | dt.time):
        return Cell(value)
    if value is None:
        return Cell(None)
    return Cell(str(value))


def _blank(cell: Cell) -> bool:
    return cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def _read_xlsx(data: bytes, shown: str, sheet: str | None) -> Sheet:
    book = open_workbook(data, shown)
    try:
        names = list(book.sheetnames)
        if sheet is None:
            name = names[0]
        elif sheet in names:
            name = sheet
        else:
            raise UsageError(
                f"--sheet `{sheet}`: {shown} has no such sheet; its sheets: {', '.join(names)}"
            )
        header: tuple[str, ...] | None = None
        header_row = 1
        rows: list[Row] = []
        for number, raw in enumerate(book[name].iter_rows(), 1):
            cells = tuple(_xlsx_value(c) for c in raw)
            if all(_blank(c) for c in cells):
                continue
            if header is None:
                header = tuple("" if c.value is None else str(c.value) for c in cells)
                header_row = number
                continue
            rows.append(Row(number, cells))
    finally:
        book.close()
    if header is None:
        raise UsageError(f"{shown}: sheet `{name}` is empty: its first row must name the columns")
    while header and not header[-1].strip():
        header = header[:-1]
    return Sheet(shown, name, header_row, header, tuple(rows), "xlsx", "")
