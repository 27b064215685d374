"""What the settings page shows: the accounts with their balances, the categories, a new
user's first hint, and the currency a new account starts with."""

from __future__ import annotations

import re
from typing import Any

from dashboard import services
from dashboard.pages.settings import (
    AccountLine,
    CategoryLine,
    accounts_table,
    category_table,
    start_here,
)
from dashboard.security.auth import current_user_id
from data.money import format_money

_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")


def settings_tables() -> dict[str, Any]:
    """The accounts table with balances ("accounts"), the categories table ("categories") and a
    new user's first hint ("start_here")."""
    user_id = current_user_id()
    balances = services.account_balances(user_id, None, True)
    accounts = [
        AccountLine(
            id=int(row.account_id),
            name=row.account,
            type=row.type,
            currency=row.currency,
            balance=format_money(int(row.balance_minor), row.currency),
            archived=bool(row.archived),
        )
        for row in balances.itertuples()
    ]
    categories = [
        CategoryLine(
            id=int(row.id),
            name=row.name,
            kind=row.kind,
            color=_swatch_color(row.color),
            archived=bool(row.archived),
        )
        for row in services.list_categories(user_id, True).itertuples()
    ]
    hint = start_here() if not accounts else None
    return {
        "accounts": accounts_table(accounts),
        "categories": category_table(categories),
        "start_here": hint,
    }


def default_currency() -> str:
    return services.user_currency(current_user_id())


def _swatch_color(value: Any) -> str | None:
    # Only a colour the write side would accept goes into a style attribute.
    return value if isinstance(value, str) and _COLOR_RE.fullmatch(value) else None
