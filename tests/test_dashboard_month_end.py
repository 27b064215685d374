"""The overview's end-of-month card and the gauges' projection, called as the callbacks call them
(as_user, real SQLite): the numbers data/projection*.py computes (tested on both dialects in
tests/test_projection.py), shown with their band, following the account filter and a write."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pytest
from dash import html
from sqlalchemy import insert

from dashboard.callbacks import budget_view, overview, overview_month_end
from data.entries import Transaction
from data.filters import Filters
from data.months import add_months
from data.ownership import bump_version
from data.schema import schedule_occurrences, schedules
from data.setup_writes import create_account, create_category
from data.writes import create_transaction, set_budget
from tests.conftest import as_user, make_user

TODAY = date(2025, 3, 15)
# Groceries after the 15th of each month from March 2024: p10 €1, p50 €6, p90 €11.
AFTER = [100, 200, 0, 600, 400, 500, 700, 800, 900, 1000, 1100, 1200]

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def texts(component) -> list[str]:
    """Every string in a component tree, depth first."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [text for child in component for text in texts(child)]
    children = getattr(component, "children", None)
    return texts(children) if children is not None else []


@pytest.fixture
def household(engine):
    user = make_user(engine, "alice")
    checking = create_account(engine, user, "Checking", "checking", opening_balance_minor=200_000)
    savings = create_account(engine, user, "Savings", "savings", opening_balance_minor=50_000)
    groceries = create_category(engine, user, "Groceries", "expense")

    def spend(day: date, amount: int, account: int = checking) -> None:
        txn = Transaction(account_id=account, date=day, amount_minor=-amount, category_id=groceries)
        create_transaction(engine, user, txn)

    for index, amount in enumerate(AFTER):
        first = add_months(date(2024, 3, 1), index)
        spend(first, 1_000)
        if amount:
            spend(first.replace(day=25), amount)
    spend(date(2025, 3, 2), 2_000)
    set_budget(engine, user, groceries, date(2025, 3, 1), 4_000)
    return {"user": user, "checking": checking, "savings": savings, "groceries": groceries}


def card(app, household, account_ids=()):
    with as_user(app, household["user"]):
        return overview_month_end.month_end_card(household["user"], account_ids, "light", TODAY)


@sqlite_only
def test_the_card_shows_each_accounts_band_the_net_and_a_valid_path(app, household):
    shown = card(app, household)
    words = texts(shown["body"])
    balance = 200_000 - 12 * 1_000 - sum(AFTER) - 2_000
    assert "Checking" in words and "Savings" in words
    assert f"€{balance / 100:,.2f}" in words
    # Checking's rest of March: -€11 to -€1, likely -€6.
    low, likely, high = (f"€{(balance - cut) / 100:,.2f}" for cut in (1_100, 600, 100))
    assert f"{low} – {high}, likely {likely}" in words
    assert "€500.00" in words, "Savings has nothing coming: one amount"
    assert "-€31.00 – -€21.00, likely -€26.00" in words, "March's net: -€20 so far, then the rest"
    assert any("last 12 months" in word for word in words)
    go.Figure(shown["figure"])
    assert shown["figure"]["data"][2]["name"] == "Likely"


@sqlite_only
def test_the_card_follows_the_account_filter(app, household):
    words = texts(card(app, household, (household["savings"],))["body"])
    assert "Savings" in words and "Checking" not in words


@sqlite_only
def test_a_write_shows_at_once(app, engine, household):
    before = texts(card(app, household)["body"])
    txn = Transaction(account_id=household["checking"], date=date(2025, 3, 20), amount_minor=-5_000)
    create_transaction(engine, household["user"], txn)
    after = texts(card(app, household)["body"])
    assert before != after
    assert "-€81.00 – -€71.00, likely -€76.00" in after, "the booked €50 counts in the net"


@sqlite_only
def test_no_accounts_says_so_with_a_valid_figure(app, engine):
    user = make_user(engine, "dave")
    with as_user(app, user):
        shown = overview_month_end.month_end_card(user, (), "dark", TODAY)
    assert texts(shown["body"]) == ["No open accounts to project."]
    go.Figure(shown["figure"])


@sqlite_only
def test_the_gauges_show_the_projection_and_its_band(app, household):
    filters = Filters(date(2025, 3, 1), date(2025, 3, 31))
    with as_user(app, household["user"]):
        gauges = overview.gauges(household["user"], filters, TODAY)
    meter, sentence = gauges.children[0].children
    props = meter.to_plotly_json()["props"]
    assert props["data-projected"] == 2_000 + 600, "spent + nothing scheduled + p50"
    assert props["data-band"] == "2100,3100"
    assert isinstance(sentence, html.Div)
    assert sentence.children.endswith("Likely €26.00 (€21.00–€31.00).")


@sqlite_only
def test_the_budgets_page_shows_the_same_projection(app, household):
    with as_user(app, household["user"]):
        page = budget_view.budget_page("2025-03", TODAY)
    words = texts(page["table"])
    assert any(word.endswith("Likely €26.00 (€21.00–€31.00).") for word in words)


def gauge_of(app, household) -> tuple[float, float]:
    """The Groceries gauge's spent and projected marker, as the overview shows them."""
    filters = Filters(date(2025, 3, 1), date(2025, 3, 31))
    with as_user(app, household["user"]):
        gauges = overview.gauges(household["user"], filters, TODAY)
    meter = gauges.children[0].children[0].to_plotly_json()["props"]
    return meter["data-spent"] / 100, meter["data-projected"] / 100


def add_schedule(engine, household, name: str, amount: int) -> int:
    """A monthly schedule on the 20th in Groceries, as data/schedules/ stores one."""
    with engine.begin() as conn:
        bump_version(conn, household["user"])
        return conn.execute(
            insert(schedules)
            .values(
                user_id=household["user"],
                name=name,
                account_id=household["checking"],
                category_id=household["groceries"],
                amount_minor=amount,
                rrule="FREQ=MONTHLY;BYMONTHDAY=20",
                starts_on=date(2025, 1, 20),
            )
            .returning(schedules.c.id)
        ).scalar_one()


def decide(engine, household, schedule_id: int, status: str, transaction_id=None) -> None:
    """What the schedules' posting and skipping store for 20 March, in one write."""
    with engine.begin() as conn:
        bump_version(conn, household["user"])
        conn.execute(
            insert(schedule_occurrences).values(
                user_id=household["user"],
                schedule_id=schedule_id,
                due_on=date(2025, 3, 20),
                status=status,
                transaction_id=transaction_id,
            )
        )


@sqlite_only
def test_an_upcoming_occurrence_moves_the_projection_and_posting_it_makes_it_spent(
    app, engine, household
):
    assert gauge_of(app, household) == (20.0, 26.0)
    veg_box = add_schedule(engine, household, "Veg box", -1_500)
    assert gauge_of(app, household) == (20.0, 41.0), "spent + the €15 to come + p50 €6"
    shown = card(app, household)
    assert shown["figure"]["data"][3]["text"] == ["Veg box: -€15.00"]
    assert any(word.startswith("1 scheduled item") for word in texts(shown["body"]))

    txn = Transaction(
        account_id=household["checking"],
        date=date(2025, 3, 20),
        amount_minor=-1_500,
        category_id=household["groceries"],
    )
    decide(engine, household, veg_box, "posted", create_transaction(engine, household["user"], txn))
    assert gauge_of(app, household) == (35.0, 41.0), "posted: spent now, no longer to come"
    assert len(card(app, household)["figure"]["data"]) == 3, "no scheduled item left to mark"


@sqlite_only
def test_a_skipped_occurrence_leaves_the_projection(app, engine, household):
    gym = add_schedule(engine, household, "Gym", -3_000)
    assert gauge_of(app, household) == (20.0, 56.0)
    decide(engine, household, gym, "skipped")
    assert gauge_of(app, household) == (20.0, 26.0)
