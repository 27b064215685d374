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
    overview_goals,
    rules,
    shell,
    transactions,
)


def register_all(app: Dash) -> None:
    for module in (shell, overview, transactions, budgets, imports, rules, accounts):
        module.register(app)
    for module in (goals, overview_goals, budget_rollover):
        module.register(app)
