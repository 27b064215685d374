"""The page's answer with the filter bar's options (dashboard/routing.py): a navigation draws the
page, a write refreshes the options alone, and the options follow the user's data."""

from __future__ import annotations

import pytest
from dash import no_update
from sqlalchemy.exc import OperationalError

from dashboard import ids, routing
from dashboard.callbacks import shell
from data.setup_writes import create_account, create_category
from tests.conftest import as_user

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
PATHNAME = f"{ids.URL}.pathname"
REFRESH = f"{ids.REFRESH_STORE}.data"
# The page callback's stores (routing.overview_page's arguments) as a first load sends them.
NO_STORES = {"filter_store": None, "cross_store": {}, "refresh": None, "dark": False}


def labels(options: list[dict]) -> list[str]:
    return [option["label"] for option in options]


def test_a_navigation_draws_the_page_and_brings_the_options(app, engine, user_id):
    create_account(engine, user_id, "Checking", "checking")
    with as_user(app, user_id):
        answer = routing.page_and_options("/budgets", NO_STORES, "/", {PATHNAME})
        first_load = routing.page_and_options("/rules", NO_STORES, None, set())
    assert answer["page"] is not no_update and answer["shown"] == "/budgets"
    assert labels(answer["accounts"]) == ["Checking"]
    assert first_load["page"] is not no_update and first_load["shown"] == "/rules"


def test_a_write_refreshes_the_options_and_leaves_the_page_as_it_is(app, engine, user_id):
    with as_user(app, user_id):
        before = routing.page_and_options("/transactions", NO_STORES, None, set())
    create_account(engine, user_id, "Savings", "savings")
    create_category(engine, user_id, "Groceries", "expense")
    create_category(engine, user_id, "Moves", "transfer")
    with as_user(app, user_id):
        after = routing.page_and_options("/transactions", NO_STORES, "/transactions", {REFRESH})
    assert before["accounts"] == [] and before["categories"] == []
    assert after["page"] is no_update and after["shown"] is no_update
    assert labels(after["accounts"]) == ["Savings"]
    # Transfers are no spending category.
    assert labels(after["categories"]) == ["Groceries"]


def test_a_write_during_a_navigation_still_draws_the_new_page(app, user_id):
    # The renderer dropped the navigation's answer: the page shown is still the old one.
    with as_user(app, user_id):
        answer = routing.page_and_options("/rules", NO_STORES, "/", {REFRESH})
    assert answer["page"] is not no_update and answer["shown"] == "/rules"


def test_the_page_comes_when_the_options_cannot_be_read(app, user_id, monkeypatch):
    def unavailable(_user_id: int) -> dict:
        raise OperationalError("SELECT", {}, Exception("down"))

    monkeypatch.setattr(shell, "filter_options", unavailable)
    with as_user(app, user_id):
        answer = routing.page_and_options("/rules", NO_STORES, None, {PATHNAME})
    assert answer["page"] is not no_update
    assert all(answer[name] is no_update for name in shell.OPTION_OUTPUTS)
