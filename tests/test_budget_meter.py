"""dashboard/budget_meter.py: a budget's meter shows spent, limit, projection and its band from the
integers, with the values a screen reader hears, in every state and currency."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from dash import html

from dashboard.budget_meter import BudgetMonth, budget_meter


def parts(meter: html.Div) -> dict[str, object]:
    """The meter's pieces: the head, the track (role=meter) and where the shapes drawn on it
    sit (its CSS custom properties, assets/budget-meter.css), as left and width."""
    head, track = meter.children
    assert getattr(track, "children", None) is None, "the shapes are the track's own CSS"
    style = track.style
    found: dict[str, object] = {"head": head, "track": track}
    found["limit"] = {"width": style["--limit"]}
    found["fill"] = {"width": style["--fill"]}
    found["marker"] = {"left": style["--marker"]}
    if "--band-from" in style:
        low, high = (float(style[name].rstrip("%")) for name in ("--band-from", "--band-to"))
        found["band"] = {"left": style["--band-from"], "width": f"{high - low:.2f}%"}
    return found


def attrs(component: object) -> dict[str, object]:
    return component.to_plotly_json()["props"]


def dining(spent: int, limit: int, projected: int, **extra: object) -> BudgetMonth:
    return BudgetMonth("Dining", spent, limit, projected, "EUR", **extra)


@pytest.mark.parametrize(
    ("spent", "limit", "projected", "state"),
    [(1_000, 5_000, 4_000, "ok"), (3_000, 5_000, 5_500, "warning"), (6_000, 5_000, 7_000, "over")],
)
def test_the_meter_carries_its_values_and_its_state(spent, limit, projected, state):
    meter = budget_meter(dining(spent, limit, projected), "7")
    props = attrs(meter)
    assert props["id"] == {"type": "gauge", "key": "7"}
    assert props["className"] == f"budget-meter state-{state}"
    assert (props["data-spent"], props["data-limit"], props["data-projected"]) == (
        spent,
        limit,
        projected,
    )
    assert props["data-state"] == state


def test_positions_are_shares_of_the_scale_with_headroom():
    # The largest value shown is the projection, €70.00: the track ends at €77.00.
    found = parts(budget_meter(dining(6_000, 5_000, 7_000), "1"))
    assert found["limit"] == {"width": "64.94%"}  # 50 / 77
    assert found["fill"] == {"width": "77.92%"}  # 60 / 77
    assert found["marker"] == {"left": "90.91%"}  # 70 / 77
    assert "band" not in found, "no band without a likely range"


def test_the_band_spans_the_likely_range_and_widens_the_scale():
    month = dining(3_000, 5_000, 4_000, band=(3_500, 6_000))
    assert month.scale_top == 6_600, "the band's top fits on the track"
    found = parts(budget_meter(month, "1"))
    assert found["band"] == {"left": "53.03%", "width": "37.88%"}  # 35/66 .. 60/66
    assert attrs(budget_meter(month, "1"))["data-band"] == "3500,6000"
    assert "band" not in parts(budget_meter(dining(3_000, 5_000, 4_000, band=(4_000, 4_000)), "1"))


def test_a_screen_reader_hears_a_meter_within_its_range_and_the_whole_story():
    track = parts(budget_meter(dining(6_000, 5_000, 7_000, band=(6_500, 8_000)), "1"))["track"]
    props = attrs(track)
    assert props["role"] == "meter"
    assert props["aria-label"] == "Dining"
    assert (props["aria-valuemin"], props["aria-valuemax"]) == (0, 50.0)
    assert props["aria-valuenow"] == 50.0, "clamped to the range, as ARIA asks"
    assert props["aria-valuetext"] == (
        "€60.00 spent of €50.00, 120 %, over by €10.00, month end likely €70.00 (€65.00 to €80.00)"
    )


def test_a_rollover_limit_is_what_is_available_and_says_so():
    month = dining(2_000, 7_500, 3_000, carried=2_500)
    meter = budget_meter(month, "1")
    head = parts(meter)["head"]
    _name, amount = head.children
    strong, _space, limit = amount.children
    assert (strong.children, limit.children) == ("€20.00", "of €75.00 available")
    assert attrs(parts(meter)["track"])["aria-valuenow"] == 20.0


def test_nothing_available_still_makes_a_valid_range():
    # Overspending carried in can leave nothing (or less) to spend this month.
    props = attrs(parts(budget_meter(dining(1_000, -500, 1_000, carried=-5_500), "1"))["track"])
    assert props["aria-valuemax"] == 0.01 and props["aria-valuenow"] == 0.01
    assert props["aria-valuetext"].startswith("€10.00 spent of -€5.00 available, over by €15.00")


@pytest.mark.parametrize(
    ("currency", "spent_text"),
    [("EUR", "€55.00"), ("USD", "$55.00"), ("SEK", "55.00 SEK"), ("JPY", "¥5,500")],
)
def test_amounts_are_written_in_the_users_currency(currency, spent_text):
    month = BudgetMonth("Dining", 5_500, 5_000, 6_000, currency)
    _name, amount = parts(budget_meter(month, "1"))["head"].children
    assert amount.children[0].children == spent_text


def test_a_row_of_the_read_model_becomes_a_month():
    row = SimpleNamespace(
        category="Dining",
        spent_minor=1_200,
        available_minor=4_000,
        projected_minor=3_000,
        projected_low_minor=2_000,
        projected_high_minor=3_500,
        carried_minor=-1_000,
    )
    assert BudgetMonth.of_row(row, "EUR") == BudgetMonth(
        "Dining", 1_200, 4_000, 3_000, "EUR", (2_000, 3_500), -1_000
    )
