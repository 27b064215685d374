"""What the budgets page shows for a month: each limit against its spending and pace, the
gauges, and the expense categories that can still get a limit."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc

from dashboard import figures, services
from dashboard.callbacks.budget_month import month_from_store
from dashboard.components import gauge_graph
from dashboard.pages.budgets import (
    BudgetLine,
    budget_table,
    gauge_panel,
    no_categories,
    no_limits,
)
from dashboard.security.auth import current_user_id
from data.money import format_amount, format_money
from data.months import month_start


def budget_page(stored: Any, dark: Any, today: date) -> dict[str, Any]:
    """The month's rows ("table"), its gauges ("gauges"), and the expense categories that can
    still get a limit ("new_category_options")."""
    user_id = current_user_id()
    month = month_from_store(stored, today)
    currency = services.user_currency(user_id)
    categories = services.list_categories(user_id)
    expense = categories[categories["kind"] == "expense"]
    status = services.budget_status(user_id, month, today)
    budgeted = set(status["category_id"])
    options = [
        {"label": row.name, "value": int(row.id)}
        for row in expense.itertuples()
        if int(row.id) not in budgeted
    ]
    if status.empty:
        notice = no_categories() if expense.empty else no_limits(f"{month:%B %Y}")
        return {"table": notice, "gauges": None, "new_category_options": options}
    theme = "dark" if dark else "light"
    lines = [_budget_line(row, currency, month, today) for row in status.itertuples()]
    gauges = [_gauge(row, currency, theme) for row in status.itertuples()]
    return {
        "table": budget_table(lines),
        "gauges": gauge_panel(gauges),
        "new_category_options": options,
    }


def _percent(spent: int, limit: int) -> int:
    """How much of the limit is spent, for the bar; refunds never make it negative."""
    if limit > 0:
        return max(0, spent) * 100 // limit
    return 100 if spent > 0 else 0


def _pace(
    category: str, spent: int, limit: int, projected: int, currency: str, month: date, today: date
) -> str:
    if month > today:
        return "This month has not started yet."
    if month < month_start(today):
        difference = format_money(abs(limit - spent), currency)
        return f"{category} ended the month {difference} {'over' if spent > limit else 'under'}."
    return figures.pace_sentence(category, spent, limit, projected, currency)


def _budget_line(row: Any, currency: str, month: date, today: date) -> BudgetLine:
    spent, limit = int(row.spent_minor), int(row.limit_minor)
    projected, remaining = int(row.projected_minor), int(row.remaining_minor)
    return BudgetLine(
        category_id=int(row.category_id),
        category=row.category,
        state=figures.budget_state(spent, limit, projected),
        limit=format_amount(limit, currency),
        spent=format_money(spent, currency),
        remaining=format_money(remaining, currency),
        overspent=remaining < 0,
        percent=_percent(spent, limit),
        pace=_pace(row.category, spent, limit, projected, currency, month, today),
    )


def _gauge(row: Any, currency: str, theme: str) -> dbc.Col:
    spent, limit, projected = int(row.spent_minor), int(row.limit_minor), int(row.projected_minor)
    figure = figures.budget_gauge(row.category, spent, limit, projected, currency, theme)
    # One per row on phones, as on the overview: two would be too small to read.
    return dbc.Col(gauge_graph(figure, str(int(row.category_id))), xs=12, sm=6, md=4, xl=3)
