"""dashboard/figures.py: every builder gives a figure plotly accepts, labelled from integers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import figures
from dashboard.plotly_bundle import BASIC_TRACE_TYPES


def valid(figure: dict) -> go.Figure:
    """plotly's own validation: raises on any property the schema does not know."""
    return go.Figure(figure)


CATEGORIES = pd.DataFrame(
    {
        "category_id": pd.array([1, 2, None], dtype="Int64"),
        "category": ["Rent", "Groceries", "Uncategorised"],
        "color": ["#ff7f0e", None, None],
        "spending_minor": [120_000, 30, 10],
    }
)
MONTHS = pd.DataFrame(
    {
        "month": ["2026-01", "2026-02"],
        "income_minor": [300_000, 0],
        "spending_minor": [10, 20],
        "net_minor": [299_990, -20],
    }
)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_builder_makes_a_valid_figure(theme):
    wide = pd.DataFrame({"Rent": [100, 0], "Food": [5, 7]}, index=["2026-01", "2026-02"])
    balances = pd.DataFrame(
        {
            "month": ["2026-01", "2026-01", "2026-02", "2026-02"],
            "account_id": [1, 2, 1, 2],
            "account": ["Checking", "Card", "Checking", "Card"],
            "balance_minor": [10_000, -500, 12_000, -700],
        }
    )
    payees = pd.DataFrame(
        {"payee": ["Landlord", "Lidl"], "spending_minor": [9, 3], "transactions": [1, 2]}
    )
    built = [
        figures.spending_by_category(CATEGORIES, "EUR", theme, 2),
        figures.income_spending_by_month(MONTHS, "EUR", theme, "2026-02"),
        figures.spending_over_time(wide, {"Rent": "#ff0000"}, "EUR", theme),
        figures.net_worth(balances, "EUR", theme),
        figures.top_payees(payees, "EUR", theme, "Lidl"),
        figures.empty_figure("Nothing here", theme),
    ]
    full = pio.templates["plotly_dark" if theme == "dark" else "plotly_white"].layout
    for figure in built:
        checked = valid(figure)
        # The theme's look of cartesian charts: its font colour, axes and bar outlines.
        template = checked.layout.template
        assert template.layout.font == full.font
        assert template.layout.colorway == full.colorway
        assert template.layout.xaxis.gridcolor == full.xaxis.gridcolor
        assert template.layout.yaxis.zerolinecolor == full.yaxis.zerolinecolor
        assert template.data.bar[0].marker.line.color == (
            pio.templates["plotly_dark" if theme == "dark" else "plotly_white"]
            .data.bar[0]
            .marker.line.color
        )
        # The browser has plotly.js's basic bundle only (dashboard/plotly_bundle.py).
        assert {trace["type"] for trace in figure["data"]} <= BASIC_TRACE_TYPES


def _automargins(value):
    """Every `automargin` key anywhere in a figure's JSON, with its value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "automargin":
                yield item
            yield from _automargins(item)
    elif isinstance(value, list):
        for item in value:
            yield from _automargins(item)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_figure_asks_plotly_for_a_second_layout_pass(theme):
    """automargin makes plotly draw a chart, measure its labels and draw it again: the figures
    set fixed margins instead, and their template (plotly's own enables it) turns it off."""
    wide = pd.DataFrame({"Rent": [100, 0]}, index=["2026-01", "2026-02"])
    built = [
        figures.spending_by_category(CATEGORIES, "EUR", theme),
        figures.income_spending_by_month(MONTHS, "EUR", theme),
        figures.spending_over_time(wide, {}, "EUR", theme),
        figures.top_payees(
            pd.DataFrame({"payee": ["Lidl"], "spending_minor": [3], "transactions": [1]}),
            "EUR",
            theme,
        ),
        figures.empty_figure("Nothing here", theme),
    ]
    for figure in built:
        assert set(_automargins(figure)) == {False}
        assert set(figure["layout"]["margin"]) == {"l", "r", "t", "b"}
        # Only the cartesian look: no 3-D scenes, maps or colour scales to merge.
        assert set(figure["layout"]["template"]["layout"]) == set(figures.TEMPLATE_LAYOUT_KEYS)
        assert set(figure["layout"]["template"]["data"]) == {"bar"}


def test_a_bar_charts_left_margin_holds_its_longest_label():
    def left(names):
        frame = pd.DataFrame(
            {"payee": names, "spending_minor": [3] * len(names), "transactions": [1] * len(names)}
        )
        return figures.top_payees(frame, "EUR")["layout"]["margin"]["l"]

    short, longer = left(["Aldi"]), left(["Aldi", "Lindenhof Property Management"])
    assert short < longer
    assert longer >= figures.LABEL_CHAR_PX * len("Lindenhof Property Management")
    assert left(["x" * 500]) == figures.LABEL_MARGIN_MAX_PX


def test_hover_labels_come_from_the_integers():
    figure = figures.spending_by_category(CATEGORIES, "EUR")
    bars = figure["data"][0]
    # Biggest on top: plotly draws the last point highest.
    assert bars["y"] == ["Uncategorised", "Groceries", "Rent"]
    assert bars["text"] == ["€0.10", "€0.30", "€1,200.00"]
    assert bars["x"] == [0.1, 0.3, 1200.0]
    assert bars["customdata"] == [[None], [2], [1]]


def test_the_cross_filtered_category_stands_out():
    bars = figures.spending_by_category(CATEGORIES, "EUR", selected_id=2)["data"][0]
    assert bars["marker"]["opacity"] == [0.35, 1.0, 0.35]


def test_month_chart_has_income_spending_and_net():
    data = figures.income_spending_by_month(MONTHS, "EUR")["data"]
    assert [trace["name"] for trace in data] == ["Income", "Spending", "Net"]
    assert data[2]["text"] == ["€2,999.90", "-€0.20"]


def test_empty_inputs_say_so_instead_of_drawing_nothing():
    empty = CATEGORIES.iloc[0:0]
    figure = figures.spending_by_category(empty, "EUR")
    assert figure["data"] == []
    assert figure["layout"]["annotations"][0]["text"] == "No spending in this period"


@pytest.mark.parametrize(
    ("spent", "limit", "projected", "state", "sentence"),
    [
        (1_000, 5_000, 4_000, "ok", "At this pace Dining ends the month €10.00 under."),
        (3_000, 5_000, 5_500, "warning", "At this pace Dining ends the month €5.00 over."),
        (6_000, 5_000, 7_000, "over", "Dining is €10.00 over its limit."),
    ],
)
def test_budget_states_and_their_sentences(spent, limit, projected, state, sentence):
    assert figures.budget_state(spent, limit, projected) == state
    assert figures.pace_sentence("Dining", spent, limit, projected, "EUR") == sentence


def test_bar_labels_keep_their_size_inside_long_bars_and_past_short_ones():
    bars = figures.spending_by_category(CATEGORIES, "EUR")["data"][0]
    # Rent is the longest bar; the two others are far shorter than half of it.
    assert bars["textposition"] == ["outside", "outside", "inside"]
    # plotly's default shrinks a label to the bar's thickness: under 6 px with many bars.
    assert bars["constraintext"] == "none"
    payees = pd.DataFrame(
        {"payee": ["A", "B"], "spending_minor": [60, 100], "transactions": [1, 1]}
    )
    assert figures.top_payees(payees, "EUR")["data"][0]["textposition"] == ["inside", "inside"]


GROUPED = pd.DataFrame(
    {
        "category_id": pd.array([None, 9, None], dtype="Int64"),
        "group_id": pd.array([4, None, None], dtype="Int64"),
        "category": ["Housing", "Gifts", "Uncategorised"],
        "color": [None, "#123456", None],
        "spending_minor": [150_000, 2_000, 10],
    }
)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_group_bars_make_a_valid_figure_and_carry_their_group(theme):
    bars = valid(figures.spending_by_category(GROUPED, "EUR", theme))["data"][0]
    figure = figures.spending_by_category(GROUPED, "EUR", theme)["data"][0]
    assert list(bars.y) == ["Uncategorised", "Gifts", "Housing"]
    assert figure["customdata"] == [[None, None], [9, None], [None, 4]]
    assert figure["text"] == ["€0.10", "€20.00", "€1,500.00"]


def test_the_group_holding_the_cross_filtered_category_stands_out():
    in_housing = figures.spending_by_category(GROUPED, "EUR", "light", 3, 4)["data"][0]
    assert in_housing["marker"]["opacity"] == [0.35, 0.35, 1.0]
    gifts = figures.spending_by_category(GROUPED, "EUR", "light", 9, None)["data"][0]
    assert gifts["marker"]["opacity"] == [0.35, 1.0, 0.35]
