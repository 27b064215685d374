"""dashboard/figures_projection.py and the budget meters' pace sentence: valid for plotly, labels
from integers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures, figures_projection
from dashboard.plotly_bundle import BASIC_TRACE_TYPES
from data.projection import Band
from data.schedules.model import ScheduledItem

PATH = pd.DataFrame(
    {
        "date": [date(2025, 3, d) for d in (29, 30, 31)],
        "low_minor": [100_000, 90_000, 80_000],
        "likely_minor": [100_000, 95_000, 85_000],
        "high_minor": [100_000, 99_000, 97_000],
    }
)
RENT = ScheduledItem(7, "Rent", date(2025, 3, 30), date(2025, 3, 30), 1, 2, -5_000, "Landlord")
# Overdue: due before the path's first day, marked on that day.
GYM = ScheduledItem(8, "Gym", date(2025, 3, 20), date(2025, 3, 20), 1, 3, -2_500, "Gym")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_path_is_a_valid_band_with_the_scheduled_items_marked(theme):
    figure = figures_projection.month_end_path(PATH, [GYM, RENT], "EUR", theme)
    go.Figure(figure)
    low, high, likely, marks = figure["data"]
    assert high["fill"] == "tonexty" and low["y"] == [1000.0, 900.0, 800.0]
    assert likely["text"] == ["€1,000.00", "€950.00", "€850.00"]
    assert marks["x"] == ["2025-03-29", "2025-03-30"]
    assert marks["y"] == [1000.0, 950.0], "each on the likely path of its day"
    assert marks["text"] == ["Gym: -€25.00", "Rent: -€50.00"]
    assert {trace["type"] for trace in figure["data"]} <= BASIC_TRACE_TYPES
    # Fixed margins, no automargin (a second layout pass in plotly): room for two-line dates.
    assert "automargin" not in figure["layout"].get("yaxis", {})
    assert figure["layout"]["template"]["layout"]["yaxis"]["automargin"] is False
    assert figure["layout"]["margin"]["b"] > figures.MARGIN["b"]


def test_no_scheduled_items_no_markers_and_no_path_an_empty_figure():
    assert len(figures_projection.month_end_path(PATH, [], "EUR")["data"]) == 3
    empty = figures_projection.month_end_path(PATH.iloc[0:0], [], "EUR")
    go.Figure(empty)
    assert empty["data"] == []


def test_band_text_from_integers_and_a_single_value_alone():
    assert figures_projection.band_text(Band(124_000, 142_000, 161_000), "EUR") == (
        "€1,240.00 – €1,610.00, likely €1,420.00"
    )
    assert figures_projection.band_text(Band(5, 5, 5), "EUR") == "€0.05"


def test_the_pace_sentence_names_the_likely_range():
    sentence = figures.pace_sentence("Dining", 3_000, 5_000, 4_000, "EUR", (3_500, 6_000))
    assert sentence == (
        "At this pace Dining ends the month €10.00 under. Likely €40.00 (€35.00–€60.00)."
    )
    assert figures.pace_sentence("Dining", 3_000, 5_000, 4_000, "EUR", (4_000, 4_000)) == (
        "At this pace Dining ends the month €10.00 under."
    )
