"""Figures and texts of the month-end projection (data/projection_month_end.py): pure builders,
plain plotly JSON dicts as in dashboard/figures.py, labels formatted from the integers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard.figures import MARGIN, NET_COLOR, Figure, _layout, empty_figure
from data.money import format_money, to_major_float

if TYPE_CHECKING:  # the types only: the callbacks pass what the read model returned
    from data.projection import Band
    from data.schedules.model import ScheduledItem

BAND_FILL = "rgba(59,111,216,0.18)"
SCHEDULED_COLOR = "#f28e2b"


def band_text(band: Band, currency: str) -> str:
    """'€1,240.00 – €1,610.00, likely €1,420.00'; one amount when the band is a single value."""
    likely = format_money(band.likely_minor, currency)
    if band.low_minor == band.high_minor:
        return likely
    low, high = format_money(band.low_minor, currency), format_money(band.high_minor, currency)
    return f"{low} – {high}, likely {likely}"


def month_end_path(
    path: pd.DataFrame,
    scheduled: Sequence[ScheduledItem],
    currency: str,
    theme: str = "light",
) -> Figure:
    """The accounts' total from today to the month's end: the p10–p90 band as a filled area,
    the likely path as a line, and each scheduled item as a point on it (its name on hover)."""
    if path.empty:
        return empty_figure("No open accounts to project", theme)
    days = [day.isoformat() for day in path["date"]]

    def trace(column: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "scatter",
            "x": days,
            "y": [to_major_float(int(v), currency) for v in path[column]],
            "text": [format_money(int(v), currency) for v in path[column]],
            "mode": "lines",
            **extra,
        }

    low = trace(
        "low_minor",
        name="Low (p10)",
        line={"width": 0, "color": NET_COLOR},
        showlegend=False,
        hovertemplate="%{x} low: %{text}<extra></extra>",
    )
    high = trace(
        "high_minor",
        name="Likely range",
        line={"width": 0, "color": NET_COLOR},
        fill="tonexty",
        fillcolor=BAND_FILL,
        hovertemplate="%{x} high: %{text}<extra></extra>",
    )
    likely = trace(
        "likely_minor",
        name="Likely",
        line={"width": 2, "color": NET_COLOR},
        hovertemplate="%{x} likely: %{text}<extra></extra>",
    )
    data = [low, high, likely]
    if scheduled:
        data.append(_scheduled_points(path, scheduled, currency))
    # Two lines of date ticks ("Dec 6" over "2026") below the plot.
    layout = _layout(theme, xaxis={"type": "date"}, margin={**MARGIN, "b": 45})
    return {"data": data, "layout": layout}


def _scheduled_points(
    path: pd.DataFrame, scheduled: Sequence[ScheduledItem], currency: str
) -> dict[str, Any]:
    """A point per scheduled item on the likely path, on its day (an overdue one on today)."""
    first = path["date"].iloc[0]
    likely = dict(zip(path["date"], path["likely_minor"], strict=True))
    days = [max(item.posts_on, first) for item in scheduled]
    return {
        "type": "scatter",
        "name": "Scheduled",
        "mode": "markers",
        "x": [day.isoformat() for day in days],
        "y": [to_major_float(int(likely[day]), currency) for day in days],
        "text": [f"{item.name}: {format_money(item.amount_minor, currency)}" for item in scheduled],
        "marker": {"color": SCHEDULED_COLOR, "size": 9, "symbol": "diamond"},
        "hovertemplate": "%{x} %{text}<extra></extra>",
    }
