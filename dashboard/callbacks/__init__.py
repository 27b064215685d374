"""Callbacks, one module per page: plain functions (unit-testable) plus register(app)."""

from __future__ import annotations

from dash import Dash

from dashboard.callbacks import (
    accounts,
    budgets,
    imports,
    overview,
    overview_upcoming,
    rules,
    schedules,
    shell,
    transactions,
)


def register_all(app: Dash) -> None:
    modules = (shell, overview, overview_upcoming, transactions, budgets, imports, rules,
               schedules, accounts)  # fmt: skip
    for module in modules:
        module.register(app)
