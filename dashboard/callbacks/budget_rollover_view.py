"""What the budgets page shows of rollover: a category row's toggle and the "€40.00 limit +
€12.30 carried" note, and the month's available to budget (data/budget_rollover.py)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from data.budget_rollover import AvailableToBudget
from data.money import format_money


def carried_note(limit: int, carried: int, currency: str) -> str:
    """'€40.00 limit + €12.30 carried' ('- €5.00 carried' when an overspent month carried in);
    nothing when nothing carried."""
    if carried == 0:
        return ""
    sign = "+" if carried > 0 else "−"
    amount = format_money(abs(carried), currency)
    return f"{format_money(limit, currency)} limit {sign} {amount} carried"


def rollover_toggle(category_id: int, category: str, on: bool) -> dbc.Switch:
    """The row's 'Roll over' switch (as the rules' On switch: dcc.Checklist draws an input inside
    an ARIA option, which axe rightly refuses); its label names the category."""
    label = html.Span(["Roll over", html.Span(f" {category}", className="visually-hidden")])
    return dbc.Switch(
        id={"type": ids.BUDGET_ROLLOVER_TOGGLE, "category": category_id},
        value=on,
        label=label,
        label_class_name="small text-muted",
        class_name="mt-1 mb-0 budget-rollover-toggle",
    )


def available_line(available: AvailableToBudget, currency: str, month_label: str) -> html.Div:
    """The month's income minus what its limits assign, as the envelope budgeter reads it."""
    left = available.available_minor
    words = "left to assign" if left >= 0 else "assigned beyond income"
    return html.Div(
        [
            html.Span("Available to budget: ", className="fw-semibold"),
            html.Span(format_money(left, currency), className="budget-available-amount"),
            html.Span(
                f" {words} in {month_label}: income "
                f"{format_money(available.income_minor, currency)} minus limits "
                f"{format_money(available.assigned_minor, currency)} (carried amounts were "
                "assigned in their own months).",
                className="small text-muted",
            ),
        ],
        className="budget-available mb-2" + (" text-danger" if left < 0 else ""),
    )
