"""A budget's meter: what a category spent against what the month may spend, as HTML and CSS
(assets/budget-meter.css), on the overview and on /budgets.

It replaced a plotly indicator figure per budget: 14 of them were most of the overview's
rendering time in the browser (~1.2 s of main thread on the demo household), and plotly's full
bundle was needed only for them. The meter shows what the gauge showed: the amount spent (bar,
coloured by state), the limit (the shaded part of the track; "available" when a rollover category
carried an amount in), the projected month end (a marker) and its likely range (a band). The
colours come from Bootstrap's variables, so the light and dark themes need no callback.

For assistive technology the track is a `role="meter"` from 0 to the limit, with the whole story
in aria-valuetext; the integers it was drawn from ride along as data-* attributes, which the
browser tests read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import html

from dashboard.figures import budget_state
from dashboard.html_attrs import html_attrs
from data.money import format_money, to_major_float

# The track runs 10 % past the largest value it shows, so neither the bar nor the marker ends
# flush with its right edge (the plotly gauge's arc did the same).
HEADROOM = 1.1
METER_TYPE = "gauge"  # the pattern-matching id's type: {"type": "gauge", "key": <category id>}


@dataclass(frozen=True)
class BudgetMonth:
    """One budgeted category's month, in integer minor units of `currency`."""

    category: str
    spent: int
    limit: int  # what the month may spend: the limit plus what a rollover category carried in
    projected: int  # where the month likely ends (services.budget_projection)
    currency: str
    band: tuple[int, int] = (0, 0)  # the projection's likely range (p10, p90); empty if low >= high
    carried: int = 0

    @classmethod
    def of_row(cls, row: Any, currency: str) -> BudgetMonth:
        """From a row of services.budget_projection's frame."""
        return cls(
            category=str(row.category),
            spent=int(row.spent_minor),
            limit=int(row.available_minor),
            projected=int(row.projected_minor),
            currency=currency,
            band=(int(row.projected_low_minor), int(row.projected_high_minor)),
            carried=int(getattr(row, "carried_minor", 0)),
        )

    @property
    def state(self) -> str:
        return budget_state(self.spent, self.limit, self.projected)

    @property
    def has_band(self) -> bool:
        return self.band[0] < self.band[1]

    @property
    def scale_top(self) -> int:
        """The track's right end in minor units: every value shown fits, with headroom."""
        largest = max(self.limit, self.spent, self.projected, self.band[1] if self.has_band else 0)
        return max(int(largest * HEADROOM), 1)

    def position(self, minor: int) -> float:
        """Where an amount sits on the track, in percent of its width (0 to 100)."""
        return round(100 * min(max(minor, 0), self.scale_top) / self.scale_top, 2)

    def limit_text(self) -> str:
        word = " available" if self.carried else ""
        return f"of {format_money(self.limit, self.currency)}{word}"

    def value_text(self) -> str:
        """What a screen reader hears after the meter's name."""
        money = self.money
        parts = [f"{money(self.spent)} spent {self.limit_text()}"]
        if self.limit > 0:
            parts.append(f"{round(100 * self.spent / self.limit)} %")
        if self.spent > self.limit:
            parts.append(f"over by {money(self.spent - self.limit)}")
        likely = f"month end likely {money(self.projected)}"
        if self.has_band:
            likely += f" ({money(self.band[0])} to {money(self.band[1])})"
        parts.append(likely)
        return ", ".join(parts)

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency)


def track_style(month: BudgetMonth) -> dict[str, str]:
    """Where the track's shapes sit, as CSS custom properties (assets/budget-meter.css draws the
    limit and band as its background, the fill and the marker as its ::before and ::after):
    a meter is a few components, not one per shape, and the overview shows a dozen of them."""
    style = {
        "--limit": _pct(month, month.limit),
        "--fill": _pct(month, month.spent),
        "--marker": _pct(month, month.projected),
    }
    if month.has_band:
        low, high = month.band
        style |= {"--band-from": _pct(month, low), "--band-to": _pct(month, high)}
    return style


def budget_meter(month: BudgetMonth, key: str) -> html.Div:
    """The meter of one budget; `key` (the category id) makes its id {"type": "gauge", ...}."""
    limit_major = to_major_float(max(month.limit, 1), month.currency)
    return html.Div(
        [
            html.Div(
                [
                    html.Span(month.category, className="budget-meter-name"),
                    html.Span(
                        [
                            html.Strong(month.money(month.spent)),
                            " ",
                            html.Span(month.limit_text(), className="text-body-secondary"),
                        ],
                        className="budget-meter-amount",
                    ),
                ],
                className="budget-meter-head",
            ),
            html.Div(
                className="budget-meter-track",
                style=track_style(month),
                role="meter",
                **html_attrs(
                    {
                        "aria-label": month.category,
                        "aria-valuemin": 0,
                        "aria-valuemax": limit_major,
                        # Within [min, max] as ARIA asks; the text says when it is past the limit.
                        "aria-valuenow": min(
                            to_major_float(max(month.spent, 0), month.currency), limit_major
                        ),
                        "aria-valuetext": month.value_text(),
                    }
                ),
            ),
        ],
        id={"type": METER_TYPE, "key": key},
        className=f"budget-meter state-{month.state}",
        **html_attrs(
            {
                "data-spent": month.spent,
                "data-limit": month.limit,
                "data-projected": month.projected,
                "data-band": f"{month.band[0]},{month.band[1]}" if month.has_band else "",
                "data-state": month.state,
            }
        ),
    )


def _pct(month: BudgetMonth, minor: int) -> str:
    return f"{month.position(minor):.2f}%"
