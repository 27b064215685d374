"""Callbacks, one module per page: plain functions (unit-testable) plus register(app)."""

from __future__ import annotations

from dash import Dash

from dashboard.callbacks import (
    accounts,
    budgets,
    imports,
    overview,
    overview_currencies,
    rates,
    rules,
    shell,
    transactions,
    transfer_currencies,
)


def register_all(app: Dash) -> None:
    for module in (
        shell, overview, transactions, budgets, imports, rules, accounts, rates,
        overview_currencies, transfer_currencies,
    ):  # fmt: skip
        module.register(app)
