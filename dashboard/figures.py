"""Pure builders: DataFrames in, plotly figures out. No database, no cache, no Flask.

Figures are plain dicts in plotly's JSON schema, not plotly.graph_objects: building and
validating a graph object costs 20-30 ms per figure, which was most of a warm callback. The
tests validate every builder's output with plotly.graph_objects instead, once.

Charts plot floats of major units (exact: amounts stay far below 2**53 minor units); every
number a person reads in a hover label is formatted from the integer.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd
import plotly.io as pio

from data.money import format_money, to_major_float

Figure = dict[str, Any]

FALLBACK_COLORS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
INCOME_COLOR = "#2e9e5b"
SPENDING_COLOR = "#d9534f"
NET_COLOR = "#3b6fd8"


# What the charts take from plotly's own template: the cartesian axes' look, the font's colour,
# the hover mode, and the thin line between bars. The rest of the template (24 trace types,
# 3-D scenes, maps, colour scales: 7 kB per figure) only costs plotly time to merge.
TEMPLATE_LAYOUT_KEYS = (
    "annotationdefaults", "autotypenumbers", "colorway", "font", "hoverlabel", "hovermode",
    "shapedefaults", "title", "xaxis", "yaxis",
)  # fmt: skip

# Fixed margins instead of plotly's automargin, which measures the tick labels after a first
# draw and, when they need more room, draws the whole plot again: on the overview that second
# pass was about a third of plotly's time. Room at the top for the mode bar, so it never covers
# the first bar; at the left for value ticks ("−150k"), at the bottom for the x-axis's ticks.
MARGIN = {"l": 50, "r": 10, "t": 30, "b": 30}
# A horizontal bar chart's left margin holds its longest label: an estimate at the chart's
# 12 px font (wider than the average glyph, so a label is not cut), and a bound so a very long
# name cannot squeeze the bars away (plotly then cuts that label at the left edge).
LABEL_CHAR_PX = 7
LABEL_PAD_PX = 16
LABEL_MARGIN_MAX_PX = 240


@functools.cache
def _template(theme: str) -> dict[str, Any]:
    # plotly.js knows no template names: plotly.py expands them, so we do it once per theme.
    full = pio.templates["plotly_dark" if theme == "dark" else "plotly_white"].to_plotly_json()
    layout = {key: full["layout"][key] for key in TEMPLATE_LAYOUT_KEYS}
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout[axis], "automargin": False}
    bar_line = full["data"]["bar"][0]["marker"]["line"]
    return {"data": {"bar": [{"marker": {"line": bar_line}}]}, "layout": layout}


def _layout(theme: str, **extra: Any) -> dict[str, Any]:
    return {
        "template": _template(theme),
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": MARGIN,
        "font": {"size": 12},
        "hoverlabel": {"namelength": -1},
        "legend": {"orientation": "h", "y": -0.15},
        "uirevision": "keep",
        **extra,
    }


def _label_margin(labels: list[Any]) -> dict[str, int]:
    """The margins of a horizontal bar chart whose y-axis shows `labels`."""
    longest = max((len(str(label)) for label in labels), default=0)
    left = min(LABEL_MARGIN_MAX_PX, LABEL_PAD_PX + LABEL_CHAR_PX * longest)
    return {**MARGIN, "l": left, "b": 25}


def empty_figure(message: str, theme: str = "light") -> Figure:
    annotation = {
        "text": message,
        "showarrow": False,
        "font": {"size": 14},
        "xref": "paper",
        "yref": "paper",
    }
    layout = _layout(
        theme, xaxis={"visible": False}, yaxis={"visible": False}, annotations=[annotation]
    )
    return {"data": [], "layout": layout}


def _major(values: pd.Series, currency: str) -> list[float]:
    return [to_major_float(int(v), currency) for v in values]


def _labels(values: pd.Series, currency: str) -> list[str]:
    return [format_money(int(v), currency) for v in values]


def _color(value: object, index: int) -> str:
    if isinstance(value, str) and value:
        return value
    return FALLBACK_COLORS[index % len(FALLBACK_COLORS)]


def _bar_label_placement(values: pd.Series) -> dict[str, Any]:
    """Amount labels of horizontal bars at the chart's own font size, inside the long bars and
    just past the end of the short ones.

    plotly's "auto" shrinks an inside label to the bar's thickness (under 6 px with eighteen
    categories) and keeps a label inside a bar narrower than itself. A bar at least half as
    long as the longest holds "€100,000.00" even on a phone (a 200 px plot area); past a
    shorter bar's end the label still ends inside the plot.
    """
    longest = max((abs(int(v)) for v in values), default=0)
    positions = ["inside" if longest and abs(int(v)) * 2 >= longest else "outside" for v in values]
    return {"textposition": positions, "constraintext": "none", "cliponaxis": False}


def spending_by_category(
    df: pd.DataFrame,
    currency: str,
    theme: str = "light",
    selected_id: int | None = None,
    selected_group_id: int | None = None,
) -> Figure:
    """Horizontal bars, biggest on top; the cross-filtered category stands out.

    With a group_id column (the group view) a group's bar carries customdata [None, group_id]
    and stands out when it holds the cross-filtered category (`selected_group_id`); the other
    bars carry [category_id] as always.
    """
    if df.empty:
        return empty_figure("No spending in this period", theme)
    df = df.iloc[::-1]
    group_ids = list(df["group_id"]) if "group_id" in df.columns else [None] * len(df)

    def chosen(category_id: Any, group_id: Any) -> bool:
        if selected_id is None:
            return True
        if pd.notna(group_id):
            return int(group_id) == selected_group_id
        return pd.notna(category_id) and int(category_id) == selected_id

    def custom(category_id: Any, group_id: Any) -> list[int | None]:
        own = None if pd.isna(category_id) else int(category_id)
        return [own] if "group_id" not in df.columns else [own, _optional_id(group_id)]

    pairs = list(zip(df["category_id"], group_ids, strict=True))
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": _major(df["spending_minor"], currency),
        "y": list(df["category"]),
        "marker": {
            "color": [_color(c, i) for i, c in enumerate(df["color"])],
            "opacity": [1.0 if chosen(c, g) else 0.35 for c, g in pairs],
        },
        "text": _labels(df["spending_minor"], currency),
        **_bar_label_placement(df["spending_minor"]),
        "customdata": [custom(c, g) for c, g in pairs],
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    return {"data": [bars], "layout": _layout(theme, margin=_label_margin(bars["y"]))}


def _optional_id(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def income_spending_by_month(
    df: pd.DataFrame, currency: str, theme: str = "light", selected_month: str | None = None
) -> Figure:
    """Income and spending bars per month with the net as a line."""
    if df.empty or (df["income_minor"].eq(0).all() and df["spending_minor"].eq(0).all()):
        return empty_figure("No income or spending in this period", theme)
    months = list(df["month"])
    opacity = [1.0 if selected_month in (None, m) else 0.35 for m in months]

    def bars(name: str, column: str, color: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "name": name,
            "x": months,
            "y": _major(df[column], currency),
            "text": _labels(df[column], currency),
            "textposition": "none",
            "marker": {"color": color, "opacity": opacity},
            "hovertemplate": f"%{{x}} {name.lower()}: %{{text}}<extra></extra>",
        }

    net = {
        "type": "scatter",
        "name": "Net",
        "x": months,
        "y": _major(df["net_minor"], currency),
        "text": _labels(df["net_minor"], currency),
        "mode": "lines+markers",
        "line": {"color": NET_COLOR, "width": 2},
        "hovertemplate": "%{x} net: %{text}<extra></extra>",
    }
    data = [
        bars("Income", "income_minor", INCOME_COLOR),
        bars("Spending", "spending_minor", SPENDING_COLOR),
        net,
    ]
    return {"data": data, "layout": _layout(theme, barmode="group", xaxis={"type": "category"})}


def spending_over_time(
    wide: pd.DataFrame, colors: dict[str, str], currency: str, theme: str = "light"
) -> Figure:
    """Monthly spending stacked by category (wide frame: index month, a column per category)."""
    if wide.empty or wide.to_numpy().sum() == 0:
        return empty_figure("No spending in this period", theme)
    order = wide.sum().sort_values(ascending=False).index
    months = list(wide.index)
    data = [
        {
            "type": "bar",
            "name": str(name),
            "x": months,
            "y": _major(wide[name], currency),
            "text": _labels(wide[name], currency),
            "textposition": "none",
            "marker": {"color": _color(colors.get(name), i)},
            "hovertemplate": f"{name} %{{x}}: %{{text}}<extra></extra>",
        }
        for i, name in enumerate(order)
    ]
    return {"data": data, "layout": _layout(theme, barmode="stack", xaxis={"type": "category"})}


def net_worth(balances: pd.DataFrame, currency: str, theme: str = "light") -> Figure:
    """End-of-month balance per account, and the net worth as their sum."""
    if balances.empty:
        return empty_figure("No accounts yet", theme)
    data = []
    for i, (account, rows) in enumerate(balances.groupby("account", sort=True)):
        data.append(
            {
                "type": "scatter",
                "name": str(account),
                "x": list(rows["month"]),
                "y": _major(rows["balance_minor"], currency),
                "text": _labels(rows["balance_minor"], currency),
                "mode": "lines",
                "line": {"width": 1.5, "color": FALLBACK_COLORS[i % len(FALLBACK_COLORS)]},
                "hovertemplate": f"{account} %{{x}}: %{{text}}<extra></extra>",
            }
        )
    total = balances.groupby("month", sort=True)["balance_minor"].sum()
    data.append(
        {
            "type": "scatter",
            "name": "Net worth",
            "x": list(total.index),
            "y": _major(total, currency),
            "text": _labels(total, currency),
            "mode": "lines+markers",
            "line": {"width": 3, "color": NET_COLOR},
            "hovertemplate": "Net worth %{x}: %{text}<extra></extra>",
        }
    )
    return {"data": data, "layout": _layout(theme, xaxis={"type": "category"})}


def top_payees(
    df: pd.DataFrame, currency: str, theme: str = "light", selected: str | None = None
) -> Figure:
    if df.empty:
        return empty_figure("No spending in this period", theme)
    df = df.iloc[::-1]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": _major(df["spending_minor"], currency),
        "y": list(df["payee"]),
        "marker": {
            "color": SPENDING_COLOR,
            "opacity": [1.0 if selected in (None, p) else 0.35 for p in df["payee"]],
        },
        "text": _labels(df["spending_minor"], currency),
        "customdata": [int(n) for n in df["transactions"]],
        **_bar_label_placement(df["spending_minor"]),
        "hovertemplate": "%{y}: %{text} in %{customdata} transactions<extra></extra>",
    }
    return {"data": [bars], "layout": _layout(theme, margin=_label_margin(bars["y"]))}


def spending_by_tag(
    df: pd.DataFrame, currency: str, theme: str = "light", selected_id: int | None = None
) -> Figure:
    """Horizontal bars per tag, biggest on top; a line with two tags is in both bars."""
    if df.empty:
        return empty_figure("No tagged spending in this period", theme)
    df = df.iloc[::-1]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": _major(df["spending_minor"], currency),
        "y": list(df["tag"]),
        "marker": {
            "color": NET_COLOR,
            "opacity": [
                1.0 if selected_id in (None, int(tag_id)) else 0.35 for tag_id in df["tag_id"]
            ],
        },
        "text": _labels(df["spending_minor"], currency),
        "customdata": [[int(tag_id)] for tag_id in df["tag_id"]],
        **_bar_label_placement(df["spending_minor"]),
        "hovertemplate": "#%{y}: %{text}<extra></extra>",
    }
    return {"data": [bars], "layout": _layout(theme, margin=_label_margin(bars["y"]))}


def budget_state(spent: int, limit: int, projected: int) -> str:
    """'over' once spent passes the limit, 'warning' if the pace ends the month over, else 'ok'."""
    if spent > limit:
        return "over"
    if projected > limit:
        return "warning"
    return "ok"


def pace_sentence(
    category: str,
    spent: int,
    limit: int,
    projected: int,
    currency: str,
    band: tuple[int, int] | None = None,
) -> str:
    """'At this pace Dining ends the month €55.00 over.' (or under); given a projection's band
    (low, high), followed by 'Likely €105.00 (€90.00–€130.00).'"""
    difference = projected - limit
    if spent > limit:
        sentence = f"{category} is {format_money(spent - limit, currency)} over its limit."
    elif difference > 0:
        over = format_money(difference, currency)
        sentence = f"At this pace {category} ends the month {over} over."
    else:
        under = format_money(-difference, currency)
        sentence = f"At this pace {category} ends the month {under} under."
    if band is None or band[0] >= band[1]:
        return sentence
    low, high = (format_money(value, currency) for value in band)
    return f"{sentence} Likely {format_money(projected, currency)} ({low}–{high})."
