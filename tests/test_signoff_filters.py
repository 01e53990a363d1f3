"""The pack's filters for signed-off figures."""

from __future__ import annotations

from decimal import Decimal

from jwcli.model.signoff import ChangedFigure
from jwcli.render import filters


def test_figure_value_shows_scores_and_whether_a_trigger_fired() -> None:
    assert filters.figure_value(Decimal("3.5")) == "3.50"
    assert filters.figure_value(True) == "fired"
    assert filters.figure_value(False) == "not fired"
    assert filters.figure_value(None) == "—"


def test_figure_name_names_the_party_and_the_figure() -> None:
    health = ChangedFigure(None, "health", Decimal(2), Decimal(3), ())
    trigger = ChangedFigure("acme", "trigger:red-kpis", True, False, ())
    behaviour = ChangedFigure("north", "cost-optimisation", Decimal(3), Decimal(2), ())
    assert filters.figure_name(health) == "health"
    assert filters.figure_name(trigger) == "acme trigger red-kpis"
    assert filters.figure_name(behaviour) == "north cost-optimisation"


def test_signed_off_json_keeps_trigger_states_as_booleans() -> None:
    changed = ChangedFigure("acme", "trigger:red-kpis", True, False, ("x-1",))
    assert changed.to_json() == {
        "party": "acme",
        "figure": "trigger:red-kpis",
        "was": True,
        "now": False,
        "causes": ["x-1"],
    }
    score = ChangedFigure("acme", "overall", Decimal("1.00"), Decimal("2.25"), ())
    assert (score.to_json()["was"], score.to_json()["now"]) == (1.0, 2.25)
