"""The named filters of the review templates, and the pack's JSON encoder."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from jwcli.render import filters
from jwcli.render.pack import dumps


def test_number_rounds_half_up_and_groups_thousands() -> None:
    # 2.345 to 2 places: the 5 rounds up (ROUND_HALF_UP), unlike banker's rounding (2.34)
    assert filters.number(Decimal("2.345")) == "2.35"
    assert filters.number(Decimal("1234567.891"), 1) == "1,234,567.9"
    assert filters.number(Decimal("-0.125")) == "−0.13"  # half away from zero, real minus sign
    assert filters.number(3) == "3.00"
    assert filters.number(None) == "—"


def test_plain_keeps_the_figure_as_written() -> None:
    assert filters.plain(Decimal("99.50")) == "99.50"
    assert filters.plain(Decimal("-0.04")) == "−0.04"
    assert filters.plain(7) == "7"
    assert filters.plain(None) == "—"


def test_money_symbols_grouping_rounding_and_sign() -> None:
    assert filters.money(Decimal("420000.00"), "GBP") == "£420,000"
    assert filters.money(Decimal("1200.50"), "EUR", 2) == "€1,200.50"
    # 1200.5 to whole units rounds half up to 1,201
    assert filters.money(Decimal("1200.50"), "USD") == "$1,201"
    assert filters.money(Decimal("-13387.50"), "GBP") == "−£13,388"
    assert filters.money(Decimal("1500"), "CHF") == "1,500 CHF"
    assert filters.money(None, "GBP") == "—"


def test_percent_and_signed_percent() -> None:
    # 0.15345 × 100 = 15.345 -> 15.3 at one place
    assert filters.percent(Decimal("0.15345")) == "15.3%"
    assert filters.percent(Decimal("0.5"), 0) == "50%"
    assert filters.percent(None) == "—"
    assert filters.signed_percent(Decimal("0.04")) == "+4.0%"
    assert filters.signed_percent(Decimal("-0.025")) == "−2.5%"
    assert filters.signed_percent(Decimal("0.00001")) == "0.0%"  # rounds to nothing: no sign
    assert filters.signed_percent(None) == "—"


@pytest.mark.parametrize(
    ("rag", "symbol", "label", "css"),
    [
        ("green", "●", "Green", "rag-green"),
        ("amber", "◆", "Amber", "rag-amber"),
        ("red", "■", "Red", "rag-red"),
        (None, "○", "No data", "rag-none"),
        ("purple", "○", "No data", "rag-none"),
    ],
)
def test_rag_has_a_shape_and_a_word_not_only_a_colour(
    rag: str | None, symbol: str, label: str, css: str
) -> None:
    assert filters.rag_symbol(rag) == symbol
    assert filters.rag_label(rag) == label
    assert filters.rag_text(rag) == f"{symbol} {label}"
    assert filters.rag_class(rag) == css


def test_trend_arrows_and_words() -> None:
    assert [filters.trend_arrow(t) for t in ("up", "level", "down", None)] == ["↑", "→", "↓", ""]
    assert filters.trend_word(None) == "no trend"
    assert filters.trend_word("down") == "down"


def test_dates_plural_and_commit() -> None:
    assert filters.date_long(dt.date(2026, 9, 30)) == "30 September 2026"
    assert filters.date_long("2025-01-05") == "5 January 2025"
    assert filters.date_long(None) == "—"
    assert filters.plural(1, "commitment") == "1 commitment"
    assert filters.plural(0, "commitment") == "0 commitments"
    assert filters.plural(2, "party", "parties") == "2 parties"
    assert filters.short_commit("0123456789abcdef0123") == "0123456789ab"
    assert filters.short_commit(None) == "—"


def _md_unescape(cell: str) -> str:
    """What a Markdown renderer shows for md_cell's output (the inverse of its escaping)."""
    text = cell.replace("<br>", "\n")
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "{{ 7*7 }}",
        "a | b | c",
        "[/bold] and [link](/a/page) ![image](/logo.png)",
        "`code` *em* _u_ ~s~ \\ back",
        "# not a heading",
        "1. not a list",
        "- not a bullet",
        "AT&T &amp; co",
    ],
)
def test_md_cell_is_inert_and_shows_the_text_intact(text: str) -> None:
    cell = filters.md_cell(text)
    assert "|" not in cell.replace("\\|", "")  # no bare pipe can end the table cell
    assert "<" not in cell.replace("<br>", "")  # no raw HTML but the line break
    assert not re.search(r"(?<!\\)[`*_\[\]~]", cell)  # every Markdown marker escaped
    assert _md_unescape(cell) == text


def test_md_cell_keeps_lines_apart_without_breaking_the_row() -> None:
    cell = filters.md_cell("first line\r\nsecond   line\n\n")
    assert "\n" not in cell and "\r" not in cell
    assert cell == "first line<br>second line"
    assert filters.md_cell(None) == "—"


def test_dumps_writes_decimals_exactly_sorted_and_stable() -> None:
    data = {"b": Decimal("12345678901234567.89"), "a": [Decimal("0.10"), 1, None, True], "c": "é"}
    text = dumps(data)
    # a float would lose the last digits of this amount (1.2345678901234568e16)
    assert '"b": 12345678901234567.89' in text
    assert text.index('"a"') < text.index('"b"') < text.index('"c"')
    assert json.loads(text)["a"] == [0.10, 1, None, True]
    assert text == dumps(dict(reversed(list(data.items()))))
    with pytest.raises(ValueError):
        dumps({"x": Decimal("NaN")})
