"""The named filters of the review templates: every bit of formatting a template needs.

Templates receive a prepared view model and do no arithmetic; what is left (formatting numbers,
money, dates, RAG and trend symbols, escaping Markdown table cells) lives here, typed and tested.
Numbers arrive as Decimal (or int) and are rounded half-up, never through float.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_DASH = "—"
_MINUS = "−"  # U+2212: a real minus sign lines up with digits and is not mistaken for a hyphen
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
_RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
# Shape and letter as well as colour: a pack printed in black and white still says which is which.
_RAG_SYMBOLS = {"green": "●", "amber": "◆", "red": "■"}
_TRENDS = {"up": "↑", "down": "↓", "level": "→"}
_TREND_WORDS = {"up": "up", "down": "down", "level": "level"}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

Numeric = Decimal | int


def _quantize(value: Numeric, places: int) -> Decimal:
    exponent = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    whole, _, fraction = digits.partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{fraction}" if fraction else grouped


def number(value: Numeric | None, places: int = 2) -> str:
    """`value` rounded half-up to `places`, thousands grouped; a dash when there is no value."""
    if value is None:
        return _DASH
    rounded = _quantize(value, places)
    text = _group(str(abs(rounded)))
    return f"{_MINUS}{text}" if rounded < 0 else text


def plain(value: Numeric | None) -> str:
    """A figure as the data wrote it (no grouping, no added or dropped decimals)."""
    if value is None:
        return _DASH
    text = str(value)
    return _MINUS + text[1:] if text.startswith("-") else text


def money(value: Numeric | None, currency: str, places: int = 0) -> str:
    """`£420,000`, `−€1,200.50` or `1,200 CHF`; a dash when there is no value."""
    if value is None:
        return _DASH
    rounded = _quantize(value, places)
    digits = _group(str(abs(rounded)))
    sign = _MINUS if rounded < 0 else ""
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


def percent(rate: Numeric | None, places: int = 1) -> str:
    """A rate in [0, 1] (or beyond) as a percentage: Decimal('0.1534') -> `15.3%`."""
    if rate is None:
        return _DASH
    return number(Decimal(rate) * 100, places) + "%"


def signed_percent(rate: Numeric | None, places: int = 1) -> str:
    """A change as a percentage with its sign: `+4.0%`, `−2.5%`, `0.0%`."""
    if rate is None:
        return _DASH
    text = percent(rate, places)
    return (
        text
        if text.startswith(_MINUS) or _quantize(Decimal(rate) * 100, places) == 0
        else "+" + text
    )


def rag_label(rag: str | None) -> str:
    """`Green`, `Amber`, `Red`, or `No data`."""
    return _RAG_LABELS.get(rag or "", "No data")


def rag_symbol(rag: str | None) -> str:
    """A shape per RAG so that colour is never the only carrier: ● green, ◆ amber, ■ red, ○ none."""
    return _RAG_SYMBOLS.get(rag or "", "○")


def rag_text(rag: str | None) -> str:
    """Symbol and word together, e.g. `◆ Amber`."""
    return f"{rag_symbol(rag)} {rag_label(rag)}"


def rag_class(rag: str | None) -> str:
    """The CSS class of a RAG value: `rag-green`, `rag-amber`, `rag-red`, `rag-none`."""
    return f"rag-{rag}" if rag in _RAG_LABELS else "rag-none"


def trend_arrow(trend: str | None) -> str:
    """↑ up, ↓ down, → level; empty when there is no trend."""
    return _TRENDS.get(trend or "", "")


def trend_word(trend: str | None) -> str:
    """`up`, `down`, `level`, or `no trend`."""
    return _TREND_WORDS.get(trend or "", "no trend")


def date_long(day: dt.date | str | None) -> str:
    """`30 September 2026` from a date or an ISO date string; a dash when absent."""
    if day is None:
        return _DASH
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 commitment`, `3 commitments`, `2 quarters` (pass `plural_form` when it is irregular)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def short_commit(commit: str | None) -> str:
    """The first 12 hex digits of a commit id, which git accepts as an abbreviation."""
    return commit[:12] if commit else _DASH


def figure_value(value: object) -> str:
    """A signed-off or current figure: a score, or whether a trigger fired."""
    if isinstance(value, bool):
        return "fired" if value else "not fired"
    if isinstance(value, Decimal | int):
        return number(value)
    return _DASH


def figure_name(changed: Any) -> str:
    """Which figure changed: `health`, or `<party> <behaviour or overall or trigger>`."""
    figure = str(changed.figure)
    if figure.startswith("trigger:"):
        figure = f"trigger {figure[len('trigger:') :]}"
    return figure if changed.party is None else f"{changed.party} {figure}"


# Markdown: characters that GitHub-flavoured Markdown would read as syntax inside inline text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")
# What a git host's Markdown turns into a live link by itself (GFM's autolinks): anything with a
# scheme (`https://`, `ftp://`, `javascript://`) and `www.`. Shown as a code span, it is never a
# link: a reader who wants to go there copies it on purpose.
_MD_URL = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]*://|\bwww\.)[^\s`<>]*", re.IGNORECASE)


def md_cell(text: object) -> str:
    """Data as inert inline Markdown, safe in a table cell or after a list marker.

    Markdown syntax characters are backslash-escaped and HTML special characters become entities,
    so `<script>`, `[/bold]`, `{{ 7*7 }}`, `![x](https://…)` and `a | b` display exactly as
    written and do nothing; a bare URL becomes a code span, so no git host makes it a live link.
    Newlines become `<br>` (the one tag every git host renders in a table cell) and runs of spaces
    collapse, so a multi-line note cannot break the table row.
    """
    if text is None:
        return _DASH
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    pos = 0
    for url in _MD_URL.finditer(value):
        # trailing punctuation stays text, as it does for a git host's own link detection
        link = url.group().rstrip(".,:;!?'\")]*_~")
        parts.append(_md_inline(value[pos : url.start()]))
        # inside a code span nothing is syntax; only a table's `|` still needs its backslash
        parts.append("`" + link.replace("|", "\\|") + "`")
        pos = url.start() + len(link)
    parts.append(_md_inline(value[pos:]))
    value = "".join(parts)
    lines = [" ".join(line.split()) for line in value.split("\n")]
    lines = [_MD_LINE_START.sub(_escape_line_start, line) for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return "<br>".join(lines) if lines else ""


def _md_inline(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def _escape_line_start(match: re.Match[str]) -> str:
    lead, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{lead}{marker[:-1]}\\{marker[-1]}"
    return f"{lead}\\{marker}"


FILTERS = {
    "number": number,
    "plain": plain,
    "money": money,
    "percent": percent,
    "signed_percent": signed_percent,
    "rag_label": rag_label,
    "rag_symbol": rag_symbol,
    "rag_text": rag_text,
    "rag_class": rag_class,
    "trend_arrow": trend_arrow,
    "trend_word": trend_word,
    "date_long": date_long,
    "plural": plural,
    "short_commit": short_commit,
    "figure_value": figure_value,
    "figure_name": figure_name,
}
