"""Callbacks, one module per page: plain functions (unit-testable) plus register(app)."""

from __future__ import annotations

from dash import Dash

from dashboard.callbacks import (
    accounts,
    budgets,
    imports,
    overview,
    overview_month_end,
    rules,
    shell,
    transactions,
)


def register_all(app: Dash) -> None:
    for module in (
        shell,
        overview,
        overview_month_end,
        transactions,
        budgets,
        imports,
        rules,
        accounts,
    ):
        module.register(app)
