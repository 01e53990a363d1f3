"""The assessment form: an xlsx for one assessor and quarter, filled in offline, read back.

The form has one row per rated party and behaviour: the behaviour's title and what good looks
like, a 1-5 drop-down (or `n/a`, to leave a behaviour unrated on purpose), the ids of the
quarter's records about that party and behaviour to cite as evidence, and a note. The sheet is
protected, so only the answer cells can be changed; every text is written as text, never as a
formula. Reading it back, every cell that is missing or wrong is reported at its address and
nothing is written: a half-filled form is not an assessment.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jwcli.behaviours import BEHAVIOURS
from jwcli.errors import UsageError
from jwcli.importing.sheets import Cell, Sheet, open_workbook
from jwcli.importing.values import float_decimal, is_blank
from jwcli.model.relationship import Relationship
from jwcli.quarters import Quarter
from jwcli.write.assess import GOOD_LOOKS_LIKE, evidence_for
from jwcli.write.records import FieldProblem, clean_text

MARKER = "jw assessment form"
FORM_SHEET = "Form"
RECORDS_SHEET = "Records"
NOT_RATED = frozenset({"n/a", "na", "not rated"})
HEADER = (
    "Party",
    "Party name",
    "Behaviour",
    "Title",
    "What good looks like",
    "Rating (1-5)",
    "Evidence (record ids)",
    "Note",
    "This quarter's records about it",
)
PARTY, NAME, BEHAVIOUR, TITLE, GOOD, RATING, EVIDENCE, NOTE, OFFERED = range(len(HEADER))
HEADER_ROW = 6  # 1-based, as the spreadsheet shows it
_OFFERED_IN_CELL = 12  # ids listed in the row itself; the Records sheet has them all
_WIDTHS = (12, 26, 20, 40, 52, 12, 36, 40, 44)


def form_name(quarter: Quarter, assessor: str) -> str:
    return f"assessment-{quarter}-{assessor}.xlsx"


def write_form(
    rel: Relationship, quarter: Quarter, assessor: str, parties: Sequence[str], today: dt.date
) -> bytes:
    """The form as xlsx bytes (XlsxWriter); the same data on the same day gives the same file."""
    import xlsxwriter  # type: ignore[import-untyped]

    assert rel.charter is not None
    names = {p.id: p.name for p in rel.charter.parties}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties(
        {
            "title": f"{rel.charter.relationship}: assessment of {quarter} by {assessor}",
            "created": dt.datetime.combine(today, dt.time()),
        }
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    header = book.add_format(
        {"bold": True, "bottom": 1, "bg_color": "#E8EEF4", "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    answer = book.add_format(
        {"locked": False, "bg_color": "#FFF7D6", "border": 1, "text_wrap": True, "valign": "top"}
    )
    sheet = book.add_worksheet(FORM_SHEET)
    sheet.write_string(0, 0, MARKER, bold)
    sheet.write_string(
        0, 1, f"{rel.charter.relationship}: {quarter}, rated by {names[assessor]}", title
    )
    sheet.write_string(1, 0, "Quarter", bold)
    sheet.write_string(1, 1, str(quarter))
    sheet.write_string(2, 0, "Assessor", bold)
    sheet.write_string(2, 1, assessor)
    sheet.write_string(
        3,
        0,
        "Rate each behaviour from 1 (poor) to 5 (excellent) in the yellow Rating column, or choose "
        "n/a to leave it unrated. Cite the records that back a rating by their ids, separated by "
        "commas (the quarter's records about each behaviour are listed on the right and on the "
        "Records sheet). Then give the file to jw: jw import assessment FILE.xlsx",
        wrap,
    )
    sheet.set_row(3, 48)
    for col, text in enumerate(HEADER):
        sheet.write_string(HEADER_ROW - 1, col, text, header)
        sheet.set_column(col, col, _WIDTHS[col])
    records = book.add_worksheet(RECORDS_SHEET)
    for col, text in enumerate(("Party", "Behaviour", "Record id", "What it is")):
        records.write_string(0, col, text, header)
    records.set_column(0, 1, 20)
    records.set_column(2, 2, 56)
    records.set_column(3, 3, 90)
    row = HEADER_ROW
    listed = 1
    for party in parties:
        for behaviour, behaviour_title in BEHAVIOURS.items():
            offered = evidence_for(rel, party, behaviour, quarter)
            cells = (
                party,
                names.get(party, party) + (" (self-rating)" if party == assessor else ""),
                behaviour,
                behaviour_title,
                GOOD_LOOKS_LIKE[behaviour],
            )
            for col, text in enumerate(cells):
                sheet.write_string(row, col, text, wrap)
            for col in (RATING, EVIDENCE, NOTE):
                sheet.write_blank(row, col, None, answer)
            shown = [e.id for e in offered[:_OFFERED_IN_CELL]]
            if len(offered) > _OFFERED_IN_CELL:
                shown.append(f"... {len(offered) - _OFFERED_IN_CELL} more on the Records sheet")
            if shown:
                sheet.write_string(row, OFFERED, "\n".join(shown), wrap)
            for item in offered:
                for col, text in enumerate((party, behaviour, item.id, item.line)):
                    records.write_string(listed, col, text)
                listed += 1
            row += 1
    sheet.data_validation(
        HEADER_ROW,
        RATING,
        row - 1,
        RATING,
        {
            "validate": "list",
            "source": ["1", "2", "3", "4", "5", "n/a"],
            "input_title": "Rating",
            "input_message": "1 poor ... 5 excellent; n/a leaves it unrated",
            "error_title": "Not a rating",
            "error_message": "Choose 1, 2, 3, 4, 5 or n/a.",
        },
    )
    sheet.data_validation(
        HEADER_ROW,
        EVIDENCE,
        row - 1,
        EVIDENCE,
        {
            "validate": "any",
            "input_title": "Evidence",
            "input_message": "Record ids, separated by commas (see the right-hand column)",
        },
    )
    sheet.freeze_panes(HEADER_ROW, 0)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    records.protect("", {"autofilter": True, "sort": True})
    records.autofilter(0, 0, max(listed - 1, 1), 3)
    records.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


# -- reading a filled-in form -----------------------------------------------------------------


@dataclass
class FilledForm:
    quarter: Quarter | None = None
    assessor: str | None = None
    # party -> behaviour -> (rating, evidence ids, note)
    ratings: dict[str, dict[str, tuple[int, list[str], str | None]]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, message)


def _text(cell: Cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float):
        return format(float_decimal(value), "f")
    return str(value).strip()


def _rating(cell: Cell) -> int | str | None:
    """1..5, None for n/a, or the text of what is there instead (a problem)."""
    value = cell.value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and 1 <= value <= 5:
        return value
    if isinstance(value, float) and value.is_integer() and 1 <= value <= 5:
        return int(value)
    text = _text(cell)
    if text.lower() in NOT_RATED:
        return None
    if text in ("1", "2", "3", "4", "5"):
        return int(text)
    return text


def read_form(data: bytes, shown: str, rel: Relationship) -> FilledForm:
    """Every rating of a filled-in form, or every cell that keeps it from being one."""
    book = open_workbook(data, shown)
    try:
        if FORM_SHEET not in book.sheetnames:
            raise UsageError(
                f"{shown}: has no `{FORM_SHEET}` sheet, so it is not a jw assessment form",
                hint="make one with `jw assess --form --quarter Q --assessor PARTY`",
            )
        grid = [tuple(Cell(c.value) for c in row) for row in book[FORM_SHEET].iter_rows()]
    finally:
        book.close()
    sheet = Sheet(shown, FORM_SHEET, HEADER_ROW, HEADER, ())

    def cell(row: int, col: int) -> Cell:
        if row - 1 < len(grid) and col < len(grid[row - 1]):
            return grid[row - 1][col]
        return Cell(None)

    if _text(cell(1, 0)) != MARKER:
        raise UsageError(
            f"{sheet.where(1, 0)}: does not say `{MARKER}`, so this is not a jw assessment form",
            hint="make one with `jw assess --form --quarter Q --assessor PARTY`",
        )
    form = FilledForm()

    def problem(row: int, col: int | None, message: str) -> None:
        form.problems.append((sheet.where(row, col), message))

    parties = rel.charter.party_ids() if rel.charter else []
    form.quarter = Quarter.from_argument(_text(cell(2, 1)))
    if form.quarter is None:
        problem(2, 1, f"`{_text(cell(2, 1))}` is not a quarter: the form's quarter was changed")
    assessor = _text(cell(3, 1))
    if assessor in parties:
        form.assessor = assessor
    else:
        problem(3, 1, f"`{assessor}` is not a party of the charter; known: {', '.join(parties)}")
    seen: dict[tuple[str, str], int] = {}
    for row in range(HEADER_ROW + 1, len(grid) + 1):
        party, behaviour = _text(cell(row, PARTY)), _text(cell(row, BEHAVIOUR))
        answers = [cell(row, c) for c in (RATING, EVIDENCE, NOTE)]
        if not party and not behaviour and all(is_blank(c) for c in answers):
            continue
        if party not in parties:
            problem(row, PARTY, f"`{party}` is not a party of the charter")
            continue
        if behaviour not in BEHAVIOURS:
            problem(row, BEHAVIOUR, f"`{behaviour}` is not one of the ten behaviours")
            continue
        if (party, behaviour) in seen:
            problem(
                row,
                BEHAVIOUR,
                f"{party} {behaviour} is rated twice (also row {seen[(party, behaviour)]})",
            )
            continue
        seen[(party, behaviour)] = row
        _read_row(rel, form, problem, row, party, behaviour, answers)
    if not seen and not form.problems:
        problem(HEADER_ROW + 1, RATING, "the form has no rows to rate")
    return form


def _read_row(
    rel: Relationship,
    form: FilledForm,
    problem: Any,
    row: int,
    party: str,
    behaviour: str,
    answers: list[Cell],
) -> None:
    rating_cell, evidence_cell, note_cell = answers
    rating = _rating(rating_cell)
    ids = [i for i in re.split(r"[\s,;]+", _text(evidence_cell)) if i]
    unknown = [i for i in ids if i not in rel.records]
    if unknown:
        listed = ", ".join(f"`{i}`" for i in unknown)
        problem(
            row,
            EVIDENCE,
            f"{listed} name{'s' * (len(unknown) == 1)} no record in records/: cite record ids "
            "(see the right-hand column or the Records sheet)",
        )
    note: str | None = None
    try:
        note = clean_text(_text(note_cell)) or None
    except FieldProblem as exc:
        problem(row, NOTE, f"the note {exc}")
    if is_blank(rating_cell):
        problem(
            row,
            RATING,
            f"{party} {behaviour} is not rated: choose 1 to 5, or n/a to leave it unrated",
        )
        return
    if rating is None:
        if ids:
            problem(row, EVIDENCE, "evidence for a behaviour marked n/a: rate it, or clear this")
        return
    if isinstance(rating, str):
        problem(
            row,
            RATING,
            f"`{rating}` is not a rating: choose a whole number from 1 to 5 (or n/a)",
        )
        return
    if not unknown:
        form.ratings.setdefault(party, {})[behaviour] = (rating, ids, note)


def read_form_file(path: Path, shown: str, rel: Relationship) -> tuple[FilledForm, bytes]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{shown}: cannot be read ({exc.strerror})") from None
    if data[:4] != b"PK\x03\x04":
        raise UsageError(
            f"{shown}: is not an xlsx workbook; an assessment form is the .xlsx that "
            "`jw assess --form` writes"
        )
    return read_form(data, shown, rel), data
