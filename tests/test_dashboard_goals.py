"""The /goals callbacks, the overview's goal cards and the budgets page's rollover toggle and
labels, called as plain functions inside a request acting as a user."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import pytest

from dashboard import routing, shell
from dashboard.callbacks import budget_rollover as rollover_cb
from dashboard.callbacks import budget_view, overview_goals
from dashboard.callbacks import goals as cb
from dashboard.callbacks.goals_form import parse_goal_form
from dashboard.callbacks.overview import gauges as overview_gauges
from data import setup_writes, writes
from data.budget_rollover import rollover_category_ids
from data.entries import Transaction, Transfer
from data.filters import Filters
from data.goals.pace import goal_statuses
from tests.conftest import as_user, make_user
from tests.test_dashboard_budgets import gauges as meters
from tests.test_dashboard_budgets import texts, walk

TODAY = date(2026, 11, 30)


@pytest.fixture
def household(engine):
    user_id = make_user(engine, "alice")
    checking = setup_writes.create_account(engine, user_id, "Checking", "checking", None, 800_00)
    savings = setup_writes.create_account(engine, user_id, "Savings", "savings", None, 1_000_00)
    for month in (9, 10, 11):
        writes.create_transfer(
            engine, user_id, Transfer(checking, savings, date(2026, month, 1), 200_00)
        )
    return {"user": user_id, "checking": checking, "savings": savings}


def form(**values):
    base = {"name": "House", "target": "5,000.00", "target_date": "2027-11-30",
            "source": "account", "account": None, "tag": None, "starts_on": ""}  # fmt: skip
    return base | values


def test_goals_is_routed_and_in_the_navigation():
    assert "/goals" in routing.PAGES
    assert any(href == "/goals" for href, _label, _icon in shell.NAV_ITEMS)


def test_parse_goal_form_reads_amounts_like_the_entry_form():
    parsed = parse_goal_form(form(account=" 7 "), "EUR")
    assert not isinstance(parsed, dict)
    assert (parsed.target_minor, parsed.target_date, parsed.account_id) == (
        500_000, date(2027, 11, 30), 7,
    )  # fmt: skip
    assert parse_goal_form(form(target="12.345"), "EUR") == {
        "target": "Use at most 2 decimals for EUR."
    }
    assert parse_goal_form(form(target="0"), "EUR") == {"target": "Enter a target above zero."}
    assert parse_goal_form(form(target=""), "EUR") == {"target": "Enter an amount."}
    assert parse_goal_form(form(target_date="30/11/2027"), "EUR") == {
        "target_date": "Not a date: use YYYY-MM-DD."
    }
    assert parse_goal_form(form(target_date=""), "EUR").target_date is None


def test_creating_a_goal_shows_it_with_its_texts(app, engine, household):
    with as_user(app, household["user"]):
        outcome = cb.save_goal(None, form(account=str(household["savings"])), TODAY)
        assert outcome.saved, outcome
        page = cb.goals_page(None, TODAY)
    shown = texts(page["list"])
    # 1000 + 3 * 200 = 1600 of 5000; 3400 over 12 months = 283.34 (rounded up).
    assert "€1,600.00 of €5,000.00" in shown
    assert "€283.34/month needed" in shown
    # 200 a month: 17 months -> Apr 2028.
    assert "at this pace: Apr 2028" in shown
    assert "Behind" in shown
    assert page["archived"] is None
    assert [o["label"] for o in page["account_options"]] == ["Checking", "Savings"]
    assert page["toast_open"] is False


def test_validation_messages_reach_their_fields(app, engine, household):
    with as_user(app, household["user"]):
        missing = cb.save_goal(None, form(name=" "), TODAY)
        assert not missing.saved
        assert missing.field_errors == {
            "name": "Enter a name.",
            "account": "Choose the account that counts toward the goal.",
        }
        outputs = cb.saved_outputs(missing, 3, 0)
        assert outputs["name_message"] == "Enter a name." and outputs["name_invalid"] is True
        assert outputs["account_message"].startswith("Choose the account")
        assert outputs["target_message"] == ""
        bad_amount = cb.save_goal(None, form(target="abc"), TODAY)
        assert bad_amount.field_errors == {"target": "Enter a number such as 1234.56 or -12.50."}
        other = make_user(engine, "bob")
        bobs = setup_writes.create_account(engine, other, "Bob's", "savings")
        theirs = cb.save_goal(None, form(account=str(bobs)), TODAY)
        assert theirs.field_errors == {"account": "Choose one of your accounts."}
    assert goal_statuses(engine, household["user"], TODAY) == []


def test_edit_archive_restore_delete(app, engine, household):
    user_id = household["user"]
    with as_user(app, user_id):
        cb.save_goal(None, form(account=household["savings"], target="1,500"), TODAY)
        [status] = goal_statuses(engine, user_id, TODAY)
        goal_id = status.goal.id
        values = cb.goal_to_edit(goal_id, TODAY)
        assert values["target"] == "1,500.00" and values["account"] == household["savings"]
        assert cb.goal_to_edit(goal_id + 1000, TODAY) is None
        assert cb.form_outputs(values, goal_id)["title"] == "Edit House"
        # Reached: 1600 of 1500; the toast shows once per browser.
        page = cb.goals_page(None, TODAY)
        assert page["toast_open"] and "You reached House" in page["toast"]
        assert page["celebrated"] == [goal_id]
        assert "Reached on 1 Nov 2026" in texts(page["list"])
        assert cb.goals_page(page["celebrated"], TODAY)["toast_open"] is False
        renamed = cb.save_goal(goal_id, {**values, "name": "Home"}, TODAY)
        assert renamed.saved and renamed.message == "Saved the goal Home."
        assert cb.goal_action(goal_id, "archive", TODAY).message == "Archived the goal Home."
        page = cb.goals_page([goal_id], TODAY)
        assert "Home" not in texts(page["list"]) and "Home" in texts(page["archived"])
        assert "Reached on 1 Nov 2026" in texts(page["archived"])
        assert cb.goal_action(goal_id, "unarchive", TODAY).saved
        assert cb.goal_action(goal_id, "explode", TODAY).message == "That goal was not found."
        assert cb.goal_action(goal_id, "delete", TODAY).message == "Deleted the goal Home."
        assert cb.goal_action(goal_id, "delete", TODAY).message == "That goal was not found."
        assert "No goals yet" in texts(cb.goals_page(None, TODAY)["list"])


def test_another_users_goal_is_not_found(app, engine, household):
    with as_user(app, household["user"]):
        cb.save_goal(None, form(account=household["savings"]), TODAY)
    [status] = goal_statuses(engine, household["user"], TODAY)
    bob = make_user(engine, "bob")
    with as_user(app, bob):
        assert cb.goal_to_edit(status.goal.id, TODAY) is None
        assert cb.goal_action(status.goal.id, "delete", TODAY).message == "That goal was not found."
        edit = cb.save_goal(status.goal.id, form(account=household["savings"]), TODAY)
        assert not edit.saved
        assert "House" not in texts(cb.goals_page(None, TODAY)["list"])
        assert overview_goals.goal_cards(bob, TODAY) is None
    assert goal_statuses(engine, household["user"], TODAY)[0].goal.name == "House"


def test_overview_shows_a_card_per_active_goal(app, engine, household):
    with as_user(app, household["user"]):
        assert overview_goals.goal_cards(household["user"], TODAY) is None
        cb.save_goal(None, form(account=household["savings"]), TODAY)
        cb.save_goal(None, form(name="Old", account=household["checking"], target="1"), TODAY)
        [old] = [s for s in goal_statuses(engine, household["user"], TODAY) if s.goal.name == "Old"]
        cb.goal_action(old.goal.id, "archive", TODAY)
        card = overview_goals.goal_cards(household["user"], TODAY)
    shown = texts(card)
    assert "House" in shown and "Old" not in shown
    assert "€1,600.00 of €5,000.00" in shown and "€283.34/month needed" in shown
    assert "at this pace: Apr 2028" in shown
    bars = [n for n in walk(card) if getattr(n, "role", None) == "progressbar"]
    assert len(bars) == 1


@pytest.fixture
def budgeted(engine):
    """Food (rollover) with a 40.00 limit in October and November 2026; 27.70 spent in
    October, so 12.30 carries into November."""
    user_id = make_user(engine, "alice")
    account = setup_writes.create_account(engine, user_id, "Checking", "checking")
    food = setup_writes.create_category(engine, user_id, "Food", "expense")
    salary = setup_writes.create_category(engine, user_id, "Salary", "income")
    for month in (date(2026, 10, 1), date(2026, 11, 1)):
        writes.set_budget(engine, user_id, food, month, 40_00)
    writes.create_transaction(
        engine, user_id, Transaction(account, date(2026, 10, 3), -27_70, category_id=food)
    )
    writes.create_transaction(
        engine, user_id, Transaction(account, date(2026, 11, 3), 1_000_00, category_id=salary)
    )
    return {"user": user_id, "food": food}


def test_rollover_toggle_and_the_carried_label(app, engine, budgeted):
    user_id, food = budgeted["user"], budgeted["food"]
    with as_user(app, user_id):
        before = budget_view.budget_page("2026-11", TODAY)
        assert "carried" not in texts(before["table"])
        [toggle] = [n for n in walk(before["table"]) if isinstance(n, dbc.Switch)]
        assert toggle.value is False and toggle.id == {"type": "budget-rollover-toggle",
                                                    "category": food}  # fmt: skip
        outcome = rollover_cb.toggle_rollover(food, True)
        assert outcome.saved and "carries into the next" in outcome.message
        # The same value again (the rows drawn anew) writes nothing.
        assert rollover_cb.toggle_rollover(food, True).saved is False
        assert rollover_category_ids(engine, user_id) == (food,)
        after = budget_view.budget_page("2026-11", TODAY)
        shown = texts(after["table"])
        assert "€40.00 limit + €12.30 carried" in shown
        # Remaining uses what is available: 40.00 + 12.30, nothing spent in November.
        assert "€52.30" in shown
        # The meters' limit is what is available, on /budgets and on the overview.
        [gauge] = meters(after["gauges"])
        assert gauge["data-limit"] == 5230
        card = overview_gauges(user_id, Filters(date(2026, 11, 1), TODAY), TODAY)
        [overview_gauge] = meters(card)
        assert overview_gauge["data-limit"] == 5230
        assert texts(card).count("of €52.30 available") == 1
        assert rollover_cb.toggle_rollover(food, False).saved
        assert "carried" not in texts(budget_view.budget_page("2026-11", TODAY)["table"])
        assert rollover_cb.toggle_rollover(10**9, True).message == ("That category was not found.")
        assert rollover_cb.toggle_rollover(food, "rollover").saved is False


def test_available_to_budget_on_the_budgets_page(app, engine, budgeted):
    with as_user(app, budgeted["user"]):
        shown = texts(rollover_cb.available_to_budget("2026-11", TODAY))
    assert "Available to budget:" in shown and "€960.00" in shown
    assert "income €1,000.00 minus limits €40.00" in shown


def test_deleting_a_tag_a_goal_counts_says_which_goal(app, engine, household):
    from dashboard.callbacks import accounts as accounts_cb
    from data.tags import list_tags

    user_id = household["user"]
    writes.create_transaction(
        engine, user_id,
        Transaction(household["savings"], date(2026, 11, 2), 5_00, tags=("Bike",)),
    )  # fmt: skip
    bike = int(list_tags(engine, user_id)["id"].iloc[0])
    with as_user(app, user_id):
        saved = cb.save_goal(None, form(source="tag", tag=str(bike), starts_on="2026-11-01"), TODAY)
        assert saved.saved, saved
        refused = accounts_cb.delete_tag(bike)
        assert not refused.saved
        assert refused.message == (
            "The goal House counts the tag Bike: change or delete the goal on the goals page first."
        )
        assert "House" in texts(accounts_cb.alert(refused))
    assert list(list_tags(engine, user_id)["name"]) == ["Bike"]
