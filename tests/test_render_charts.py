"""Inline SVG charts: well-formed, labelled in text (not only colour), self-contained."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from jwcli.render import charts
from jwcli.render.pack import (
    Cell,
    FunnelStage,
    FunnelView,
    KpiView,
    PartyScoreView,
    ProjectView,
    RunCostView,
    ScorecardView,
    SeriesPoint,
)


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter("text")]


def _cell(behaviour: str, score: str | None, rag: str | None, trend: str | None) -> Cell:
    return Cell(
        behaviour,
        behaviour,
        behaviour.title(),
        Decimal(score) if score else None,
        rag,
        trend,
        None,
        None,
        None,
        None,
        None,
        0,
        0,
        "",
    )


CARD = ScorecardView(
    behaviours=(
        ("objectives-met", "Objectives are met", "Objectives met"),
        ("innovation", "Innovation", "Innovation"),
    ),
    parties=(
        PartyScoreView(
            "north",
            "North <Council> & Co",
            Decimal("2.40"),
            "red",
            (_cell("objectives-met", "2.40", "red", "down"), _cell("innovation", None, None, None)),
        ),
        PartyScoreView(
            "acme",
            "Acme",
            Decimal("4.10"),
            "green",
            (
                _cell("objectives-met", "4.10", "green", "up"),
                _cell("innovation", "3.00", "amber", "level"),
            ),
        ),
    ),
    alignment=(),
    green_at=Decimal("3.5"),
    amber_at=Decimal("2.5"),
)


def test_heatmap_carries_score_shape_and_trend_as_text() -> None:
    svg = str(charts.heatmap(CARD, "h"))
    texts = _texts(svg)
    assert "2.40 ■ ↓" in texts  # red: square and a falling arrow
    assert "4.10 ● ↑" in texts
    assert "3.00 ◆ →" in texts
    assert "no data" in texts
    assert "Overall" in texts
    # the party name is escaped text, not markup
    assert "&lt;Council&gt; &amp; Co" in svg and "<Council>" not in svg
    # red and amber cells are hatched as well as coloured
    assert 'fill="url(#h-red)"' in svg and 'fill="url(#h-amber)"' in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find("title") is not None and root.find("desc") is not None


def test_kpi_trend_marks_gaps_and_target() -> None:
    series = tuple(
        SeriesPoint(q, Decimal(v) if v else None, rag)
        for q, v, rag in (
            ("2025-Q1", "70", "red"),
            ("2025-Q2", None, None),
            ("2025-Q3", "77", "amber"),
            ("2025-Q4", "82", "green"),
        )
    )
    kpi = KpiView(
        "ftf",
        "First-time fix",
        "acme",
        "Acme",
        "percent",
        "higher",
        None,
        Decimal(80),
        Decimal(5),
        None,
        Decimal(82),
        "green",
        None,
        Decimal(77),
        series,
    )
    svg = str(charts.kpi_trend(kpi, "k1"))
    texts = _texts(svg)
    assert "target 80 (higher is better)" in texts
    assert {"70", "77", "82", "–"} <= set(texts)
    # a line joins Q3 to Q4 only: the unmeasured Q2 breaks it
    assert len(re.findall(r'<line [^>]*stroke="#2f5d8a"', svg)) == 1
    # one marker per RAG shape: square (red), diamond (amber), circle (green)
    assert svg.count("<polygon") == 1 and svg.count('r="4.5"') == 1
    assert "2025-Q1: 70 (Red)" in ET.fromstring(svg).find("desc").text  # type: ignore[union-attr]


def test_cost_bars_say_above_or_below_baseline_in_words() -> None:
    rows = (
        RunCostView(
            "desk",
            "Service desk",
            "north",
            "North",
            Decimal(400000),
            Decimal(100000),
            Decimal(90000),
            Decimal(10000),
            Decimal("0.1"),
            Decimal("0.2"),
            Decimal("0.5"),
            (),
        ),
        RunCostView(
            "desk",
            "Service desk",
            "south",
            "South",
            Decimal(200000),
            Decimal(50000),
            Decimal(52000),
            Decimal(-2000),
            Decimal("-0.04"),
            Decimal("0.2"),
            Decimal(0),
            (),
        ),
    )
    svg = str(charts.cost_bars(rows, "GBP", "c"))
    texts = _texts(svg)
    assert "10.0% below baseline (target 20.0%)" in texts
    assert "4.0% above baseline (target 20.0%)" in texts
    assert 'fill="url(#c-red)"' in svg  # the overspend is hatched


def test_project_and_funnel_labels() -> None:
    project = ProjectView(
        "dc",
        "desk",
        "acme",
        "Acme",
        Decimal(100000),
        Decimal("0.1"),
        Decimal(110000),
        Decimal(55000),
        Decimal(115000),
        Decimal("1.15"),
        "over-tolerance",
        dt.date(2025, 6, 1),
        dt.date(2026, 9, 30),
        True,
    )
    texts = _texts(str(charts.project_bars([project], "GBP")))
    assert "£115,000 of £100,000 (115.0%), over tolerance" in texts
    view = FunnelView(
        stages=tuple(
            FunnelStage(s, Decimal(a), n)
            for s, a, n in (
                ("identified", 60000, 3),
                ("agreed", 50000, 2),
                ("implemented", 20000, 1),
                ("realised", 20000, 1),
            )
        ),
        one_off_realised=Decimal(0),
        target_annual=Decimal(120000),
        measured_annual=Decimal(32000),
        realised_vs_target=Decimal("0.1667"),
        realised_vs_measured=Decimal(-12000),
        implemented_vs_measured=Decimal(-12000),
    )
    texts = _texts(str(charts.funnel(view, "GBP")))
    assert "£60,000 a year (3 savings)" in texts
    assert "target: £120,000 a year" in texts
    assert "measured from costs: £32,000 a year" in texts


def test_charts_are_self_contained_and_deterministic() -> None:
    first = str(charts.heatmap(CARD)) + str(charts.legend())
    assert first == str(charts.heatmap(CARD)) + str(charts.legend())
    for ref in re.findall(r'(?:href|src)="([^"]*)"|url\(([^)]*)\)', first):
        target = ref[0] or ref[1]
        assert target.startswith("#"), target
    assert "<script" not in first and "http" not in first
