"""Pure builders: DataFrames in, plotly Figures out. No database, no cache, no Flask.

Charts plot floats of major units (exact: amounts stay far below 2**53 minor units); every
number a person reads in a hover label is formatted from the integer.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data.money import format_money, to_major_float

FALLBACK_COLORS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
INCOME_COLOR = "#2e9e5b"
SPENDING_COLOR = "#d9534f"
NET_COLOR = "#3b6fd8"


def _base_layout(theme: str, **extra) -> dict:
    dark = theme == "dark"
    return {
        "template": "plotly_dark" if dark else "plotly_white",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        # Room at the top for the mode bar, so it never covers the first bar.
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "font": {"size": 12},
        "hoverlabel": {"namelength": -1},
        "legend": {"orientation": "h", "y": -0.15},
        "uirevision": "keep",
        **extra,
    }


def empty_figure(message: str, theme: str = "light") -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        **_base_layout(theme),
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": message,
                "showarrow": False,
                "font": {"size": 14},
                "xref": "paper",
                "yref": "paper",
            }
        ],
    )
    return figure


def _major(values: pd.Series, currency: str) -> list[float]:
    return [to_major_float(int(v), currency) for v in values]


def _labels(values: pd.Series, currency: str) -> list[str]:
    return [format_money(int(v), currency) for v in values]


def _color(value: object, index: int) -> str:
    return (
        value if isinstance(value, str) and value else FALLBACK_COLORS[index % len(FALLBACK_COLORS)]
    )


def spending_by_category(
    df: pd.DataFrame, currency: str, theme: str = "light", selected_id: int | None = None
) -> go.Figure:
    """Horizontal bars, biggest on top; the cross-filtered category stands out."""
    if df.empty:
        return empty_figure("No spending in this period", theme)
    df = df.iloc[::-1]
    colors = [_color(c, i) for i, c in enumerate(df["color"])]
    opacity = [
        1.0 if selected_id is None or (pd.notna(cid) and int(cid) == selected_id) else 0.35
        for cid in df["category_id"]
    ]
    figure = go.Figure(
        go.Bar(
            x=_major(df["spending_minor"], currency),
            y=list(df["category"]),
            orientation="h",
            marker={"color": colors, "opacity": opacity},
            text=_labels(df["spending_minor"], currency),
            textposition="auto",
            customdata=[[None if pd.isna(c) else int(c)] for c in df["category_id"]],
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(**_base_layout(theme), yaxis={"automargin": True}, xaxis={"title": None})
    return figure


def income_spending_by_month(
    df: pd.DataFrame, currency: str, theme: str = "light", selected_month: str | None = None
) -> go.Figure:
    """Income and spending bars per month with the net as a line."""
    if df.empty or (df["income_minor"].eq(0).all() and df["spending_minor"].eq(0).all()):
        return empty_figure("No income or spending in this period", theme)
    months = list(df["month"])
    opacity = [1.0 if selected_month in (None, m) else 0.35 for m in months]
    figure = go.Figure(
        [
            go.Bar(
                name="Income",
                x=months,
                y=_major(df["income_minor"], currency),
                text=_labels(df["income_minor"], currency),
                marker={"color": INCOME_COLOR, "opacity": opacity},
                hovertemplate="%{x} income: %{text}<extra></extra>",
                textposition="none",
            ),
            go.Bar(
                name="Spending",
                x=months,
                y=_major(df["spending_minor"], currency),
                text=_labels(df["spending_minor"], currency),
                marker={"color": SPENDING_COLOR, "opacity": opacity},
                hovertemplate="%{x} spending: %{text}<extra></extra>",
                textposition="none",
            ),
            go.Scatter(
                name="Net",
                x=months,
                y=_major(df["net_minor"], currency),
                text=_labels(df["net_minor"], currency),
                mode="lines+markers",
                line={"color": NET_COLOR, "width": 2},
                hovertemplate="%{x} net: %{text}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(**_base_layout(theme), barmode="group", xaxis={"type": "category"})
    return figure


def spending_over_time(
    wide: pd.DataFrame, colors: dict[str, str], currency: str, theme: str = "light"
) -> go.Figure:
    """Monthly spending stacked by category (wide frame: index month, a column per category)."""
    if wide.empty or wide.to_numpy().sum() == 0:
        return empty_figure("No spending in this period", theme)
    order = wide.sum().sort_values(ascending=False).index
    traces = [
        go.Bar(
            name=str(name),
            x=list(wide.index),
            y=_major(wide[name], currency),
            text=_labels(wide[name], currency),
            marker={"color": _color(colors.get(name), i)},
            hovertemplate=f"{name} %{{x}}: %{{text}}<extra></extra>",
            textposition="none",
        )
        for i, name in enumerate(order)
    ]
    figure = go.Figure(traces)
    figure.update_layout(**_base_layout(theme), barmode="stack", xaxis={"type": "category"})
    return figure


def net_worth(balances: pd.DataFrame, currency: str, theme: str = "light") -> go.Figure:
    """End-of-month balance per account, and the net worth as their sum."""
    if balances.empty:
        return empty_figure("No accounts yet", theme)
    traces = []
    for i, (account, rows) in enumerate(balances.groupby("account", sort=True)):
        traces.append(
            go.Scatter(
                name=str(account),
                x=list(rows["month"]),
                y=_major(rows["balance_minor"], currency),
                text=_labels(rows["balance_minor"], currency),
                mode="lines",
                line={"width": 1.5, "color": FALLBACK_COLORS[i % len(FALLBACK_COLORS)]},
                hovertemplate=f"{account} %{{x}}: %{{text}}<extra></extra>",
            )
        )
    total = balances.groupby("month", sort=True)["balance_minor"].sum()
    traces.append(
        go.Scatter(
            name="Net worth",
            x=list(total.index),
            y=_major(total, currency),
            text=_labels(total, currency),
            mode="lines+markers",
            line={"width": 3, "color": NET_COLOR},
            hovertemplate="Net worth %{x}: %{text}<extra></extra>",
        )
    )
    figure = go.Figure(traces)
    figure.update_layout(**_base_layout(theme), xaxis={"type": "category"})
    return figure


def top_payees(
    df: pd.DataFrame, currency: str, theme: str = "light", selected: str | None = None
) -> go.Figure:
    if df.empty:
        return empty_figure("No spending in this period", theme)
    df = df.iloc[::-1]
    opacity = [1.0 if selected in (None, p) else 0.35 for p in df["payee"]]
    figure = go.Figure(
        go.Bar(
            x=_major(df["spending_minor"], currency),
            y=list(df["payee"]),
            orientation="h",
            marker={"color": SPENDING_COLOR, "opacity": opacity},
            text=_labels(df["spending_minor"], currency),
            customdata=list(df["transactions"]),
            textposition="auto",
            hovertemplate="%{y}: %{text} in %{customdata} transactions<extra></extra>",
        )
    )
    figure.update_layout(**_base_layout(theme), yaxis={"automargin": True})
    return figure


def budget_state(spent: int, limit: int, projected: int) -> str:
    """'over' once spent passes the limit, 'warning' if the pace ends the month over, else 'ok'."""
    if spent > limit:
        return "over"
    if projected > limit:
        return "warning"
    return "ok"


STATE_COLORS = {"ok": "#2e9e5b", "warning": "#f0ad4e", "over": "#d9534f"}


def budget_gauge(
    category: str, spent: int, limit: int, projected: int, currency: str, theme: str = "light"
) -> go.Figure:
    """Spent against the limit, coloured by state, with a marker at the projected month end."""
    state = budget_state(spent, limit, projected)
    top = max(limit, spent, projected, 1)
    figure = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=to_major_float(spent, currency),
            number={"valueformat": ",.2f", "font": {"size": 20}},
            title={"text": category, "font": {"size": 13}},
            gauge={
                "axis": {"range": [0, to_major_float(int(top * 1.1), currency)]},
                "bar": {"color": STATE_COLORS[state]},
                "steps": [
                    {
                        "range": [0, to_major_float(limit, currency)],
                        "color": "rgba(128,128,128,0.15)",
                    }
                ],
                "threshold": {
                    "line": {"color": "#444" if theme != "dark" else "#ddd", "width": 3},
                    "thickness": 0.85,
                    "value": to_major_float(projected, currency),
                },
            },
        )
    )
    figure.update_layout(**_base_layout(theme, margin={"l": 20, "r": 20, "t": 40, "b": 0}))
    return figure


def pace_sentence(category: str, spent: int, limit: int, projected: int, currency: str) -> str:
    """'At this pace Dining ends the month €55.00 over.' (or under)."""
    difference = projected - limit
    if spent > limit:
        return f"{category} is {format_money(spent - limit, currency)} over its limit."
    if difference > 0:
        return f"At this pace {category} ends the month {format_money(difference, currency)} over."
    return f"At this pace {category} ends the month {format_money(-difference, currency)} under."
