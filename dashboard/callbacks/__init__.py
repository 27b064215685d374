"""Callbacks, one module per page: plain functions (unit-testable) plus register(app)."""

from __future__ import annotations

from dash import Dash

from dashboard.callbacks import (
    accounts,
    budget_rollover,
    budgets,
    goals,
    imports,
    overview,
    overview_page,
    overview_upcoming,
    rates,
    rules,
    schedules,
    shell,
    transactions,
    transfer_currencies,
)


def register_all(app: Dash) -> None:
    modules = (
        shell,
        overview,
        overview_page,
        overview_upcoming,
        transactions,
        transfer_currencies,
        budgets,
        imports,
        rules,
        schedules,
        goals,
        budget_rollover,
        rates,
        accounts,
    )
    for module in modules:
        module.register(app)
