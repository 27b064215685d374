"""The /budgets callbacks, called as plain functions inside a request acting as a user."""

from __future__ import annotations

import json
from datetime import date

import pytest
from dash import html, no_update

from dashboard import figures, ids, services
from dashboard.callbacks import budgets as cb
from data import lookups, setup_writes, writes
from data.entries import Transaction
from tests.conftest import as_user, make_user

# A fixed day in the past keeps projections exact and every month writable.
TODAY = date(2025, 3, 15)
MARCH, FEBRUARY = date(2025, 3, 1), date(2025, 2, 1)


def walk(component):
    """Every component in a layout tree, depth first."""
    if component is None or isinstance(component, str | int | float):
        return
    if isinstance(component, list | tuple):
        for child in component:
            yield from walk(child)
        return
    yield component
    yield from walk(getattr(component, "children", None))


def texts(component) -> str:
    parts = []
    for node in walk(component):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, str):
                parts.append(child)
    return " ".join(parts)


def body_rows(table) -> list[html.Tr]:
    """The table's category rows (not the header row, nor a group's subtotal)."""
    return [
        n
        for n in walk(table)
        if isinstance(n, html.Tr) and "budget-row" in (getattr(n, "className", None) or "").split()
    ]


def group_rows(table) -> list[html.Tr]:
    return [
        n
        for n in walk(table)
        if isinstance(n, html.Tr) and "budget-group-row" in (getattr(n, "className", "") or "")
    ]


def row_names(table) -> list[str]:
    """The first line of each body row's first cell: a category's or a group's name."""
    rows = [n for n in walk(table) if isinstance(n, html.Tr) and getattr(n, "className", None)]
    return [row.children[0].children[0].children for row in rows]


def gauges(component) -> list[dict]:
    """Each budget meter's props (dashboard/budget_meter.py): data-spent, data-limit, ..."""
    return [
        n.to_plotly_json()["props"]
        for n in walk(component)
        if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "gauge"
    ]


def component_key(component_id) -> str:
    """A component id as Dash writes it in requests and responses."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return component_id


def run_callback(client, app, input_id: str, outputs, inputs, state=(), changed=()):
    """POST one callback as the renderer does (found by one of its inputs): (status, response)."""
    [key] = [
        key
        for key, spec in app.callback_map.items()
        if any(input_id in str(i["id"]) for i in spec["inputs"])
    ]
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": list(changed),
    }
    reply = client.post("/_dash-update-component", json=body)
    return reply.status_code, reply.get_json()["response"] if reply.status_code == 200 else None


def limits(engine, user_id: int, month: date) -> dict[int, int]:
    frame = lookups.budgets_for_month(engine, user_id, month)
    return dict(zip(frame["category_id"], frame["limit_minor"], strict=True))


@pytest.fixture
def household(engine):
    """alice with an account, two expense categories and €60.00 of groceries in March 2025."""
    user_id = make_user(engine, "alice")
    account = setup_writes.create_account(engine, user_id, "Checking", "checking")
    groceries = setup_writes.create_category(engine, user_id, "Groceries", "expense")
    dining = setup_writes.create_category(engine, user_id, "Dining", "expense")
    writes.create_transaction(
        engine,
        user_id,
        Transaction(account, date(2025, 3, 10), -6000, "Market", "", groceries),
    )
    return {"user": user_id, "groceries": groceries, "dining": dining}


def test_month_navigation_steps_across_years_and_stays_writable():
    assert cb.shift_month(None, -1, TODAY) == "2025-02"
    assert cb.shift_month("2025-01", -1, TODAY) == "2024-12"
    assert cb.shift_month("2024-12", 1, TODAY) == "2025-01"
    assert cb.month_label(None, TODAY) == "March 2025"
    assert cb.month_label("2024-11", TODAY) == "November 2024"
    for garbage in ("abc", 42, "2025-13", {"month": "2025-01"}, "2025-02-01"):
        assert cb.month_from_store(garbage, TODAY) == MARCH
    # The write side refuses months more than a year ahead: the navigator stops there.
    last = cb.month_bounds(TODAY)[1]
    assert last == date(2026, 3, 1)
    assert cb.shift_month(last.isoformat()[:7], 1, TODAY) == "2026-03"
    assert cb.month_from_store("1969-12", TODAY) == date(1970, 1, 1)


def test_editing_a_limit_changes_the_status_and_the_gauge(app, engine, household):
    user_id, groceries = household["user"], household["groceries"]
    with as_user(app, user_id):
        added = cb.add_limit("2025-03", groceries, "100", TODAY)
        assert added.saved and "€100.00" in added.message
        page = cb.budget_page("2025-03", TODAY)
        table, gauge_row, _options = page["table"], page["gauges"], page["new_category_options"]
        [before] = gauges(gauge_row)

        edited = cb.save_limit("2025-03", groceries, "250.00", TODAY)
        assert edited.saved and edited.field_error == ""
        status = services.budget_status(user_id, MARCH, TODAY)
        page = cb.budget_page("2025-03", TODAY)
        table, gauge_row, _options = page["table"], page["gauges"], page["new_category_options"]
        [after] = gauges(gauge_row)

    assert status["limit_minor"].tolist() == [25000]
    assert status["remaining_minor"].tolist() == [19000]
    # Spent €60.00 by the 15th of 31 days projects €124.00: over €100.00, under €250.00.
    assert before["data-spent"] == after["data-spent"] == 6000
    assert before["data-projected"] == after["data-projected"] == 12400
    assert (before["data-limit"], after["data-limit"]) == (10000, 25000)
    assert (before["data-state"], after["data-state"]) == ("warning", "ok")
    [limit_input] = [
        n
        for n in walk(table)
        if getattr(n, "id", None) == {"type": ids.BUDGET_LIMIT_INPUT, "category": groceries}
    ]
    assert limit_input.value == "250.00"
    assert "€60.00" in texts(table) and "€190.00" in texts(table)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Enter a number such as 1234.56 or -12.50."),
        ("-5", "Enter zero or more."),
        ("1.234", "Use at most 2 decimals for EUR."),
    ],
)
def test_an_invalid_limit_shows_its_message_and_stores_nothing(
    app, engine, household, text, message
):
    user_id, groceries, dining = household["user"], household["groceries"], household["dining"]
    writes.set_budget(engine, user_id, groceries, MARCH, 10000)
    version = lookups.data_version(engine, user_id)
    with as_user(app, user_id):
        edited = cb.save_limit("2025-03", groceries, text, TODAY)
        added = cb.add_limit("2025-03", dining, text, TODAY)
    for outcome in (edited, added):
        assert not outcome.saved
        assert outcome.field_error == message
    assert limits(engine, user_id, MARCH) == {groceries: 10000}
    assert lookups.data_version(engine, user_id) == version


def test_an_unchanged_limit_writes_nothing(app, engine, household):
    """The row inputs are re-rendered after each save: re-sending the value must not write."""
    user_id, groceries = household["user"], household["groceries"]
    writes.set_budget(engine, user_id, groceries, MARCH, 123456)
    version = lookups.data_version(engine, user_id)
    with as_user(app, user_id):
        outcome = cb.save_limit("2025-03", groceries, "1,234.56", TODAY)
    assert outcome == cb.Outcome(False)
    assert lookups.data_version(engine, user_id) == version


def test_an_empty_value_without_a_limit_writes_nothing(app, engine, household):
    user_id = household["user"]
    version = lookups.data_version(engine, user_id)
    with as_user(app, user_id):
        outcome = cb.save_limit("2025-03", household["dining"], "", TODAY)
    assert outcome == cb.Outcome(False)
    assert lookups.data_version(engine, user_id) == version


def test_an_empty_value_clears_the_limit(app, engine, household):
    user_id, groceries, dining = household["user"], household["groceries"], household["dining"]
    writes.set_budget(engine, user_id, groceries, MARCH, 10000)
    writes.set_budget(engine, user_id, dining, MARCH, 5000)
    with as_user(app, user_id):
        outcome = cb.save_limit("2025-03", groceries, "  ", TODAY)
        page = cb.budget_page("2025-03", TODAY)
        _table, _gauges, options = page["table"], page["gauges"], page["new_category_options"]
    assert outcome.saved and outcome.message == "Removed the Groceries limit for March 2025."
    assert limits(engine, user_id, MARCH) == {dining: 5000}
    # The cleared category can get a limit again from the add control.
    assert options == [{"label": "Groceries", "value": groceries}]


def test_copy_last_month_counts_and_never_overwrites(app, engine, household):
    user_id, groceries, dining = household["user"], household["groceries"], household["dining"]
    writes.set_budget(engine, user_id, groceries, FEBRUARY, 10000)
    writes.set_budget(engine, user_id, dining, FEBRUARY, 5000)
    writes.set_budget(engine, user_id, groceries, MARCH, 8000)
    with as_user(app, user_id):
        first = cb.copy_last_month("2025-03", TODAY)
        again = cb.copy_last_month("2025-03", TODAY)
        from_nothing = cb.copy_last_month("2025-02", TODAY)
    assert first == cb.Outcome(True, "Copied 1 limit from February 2025.")
    assert limits(engine, user_id, MARCH) == {groceries: 8000, dining: 5000}
    assert not again.saved and "already set" in again.message
    assert from_nothing == cb.Outcome(False, "January 2025 has no limits to copy.")
    assert limits(engine, user_id, date(2025, 1, 1)) == {}


def test_another_users_category_is_not_found_and_nothing_changes(app, engine, household):
    alice = household["user"]
    bob = make_user(engine, "bob")
    bobs = setup_writes.create_category(engine, bob, "Bob's fun", "expense")
    writes.set_budget(engine, bob, bobs, MARCH, 7000)
    with as_user(app, alice):
        outcomes = [
            cb.save_limit("2025-03", bobs, "1", TODAY),
            cb.save_limit("2025-03", bobs, "", TODAY),
            cb.add_limit("2025-03", bobs, "1", TODAY),
            cb.save_limit("2025-03", "1 OR 1=1", "1", TODAY),
        ]
    for outcome in outcomes:
        assert not outcome.saved
        assert "not found" in outcome.message
    assert limits(engine, bob, MARCH) == {bobs: 7000}
    assert limits(engine, alice, MARCH) == {}


def test_an_over_budget_row_stands_out_with_class_icon_and_words(app, engine, household):
    user_id, groceries, dining = household["user"], household["groceries"], household["dining"]
    writes.set_budget(engine, user_id, groceries, MARCH, 5000)
    writes.set_budget(engine, user_id, dining, MARCH, 5000)
    with as_user(app, user_id):
        page = cb.budget_page("2025-03", TODAY)
        table, gauge_row, _options = page["table"], page["gauges"], page["new_category_options"]
    rows = {texts(row.children[0]).split(" ")[0]: row for row in body_rows(table)}
    over, fine = rows["Groceries"], rows["Dining"]
    # Its colours (assets/budgets.css) are checked for contrast in tests/e2e/test_phone_and_theme.
    assert "budget-row-over" in over.className
    assert any(
        "bi-exclamation-octagon-fill" in (getattr(n, "className", "") or "") for n in walk(over)
    )
    assert "Over budget" in texts(over) and "Groceries is €10.00 over its limit." in texts(over)
    assert "budget-row-ok" in fine.className and "On track" in texts(fine)
    assert len(gauges(gauge_row)) == 2
    assert figures.budget_state(6000, 5000, 12400) == "over"


def test_past_months_say_how_they_ended(app, engine, household):
    user_id, groceries = household["user"], household["groceries"]
    writes.set_budget(engine, user_id, groceries, MARCH, 10000)
    with as_user(app, user_id):
        page = cb.budget_page("2025-03", date(2025, 5, 2))
        table, _gauges, _options = page["table"], page["gauges"], page["new_category_options"]
    assert "Groceries ended the month €40.00 under." in texts(table)


def test_empty_states_lead_to_settings_or_to_the_copy_and_add_controls(app, engine):
    user_id = make_user(engine, "newbie")
    with as_user(app, user_id):
        page = cb.budget_page(None, TODAY)
        nothing, no_gauges, no_options = page["table"], page["gauges"], page["new_category_options"]
        food = setup_writes.create_category(engine, user_id, "Food", "expense")
        setup_writes.create_category(engine, user_id, "Salary", "income")
        page = cb.budget_page(None, TODAY)
        unbudgeted, _gauges, options = page["table"], page["gauges"], page["new_category_options"]
    assert any(getattr(n, "href", None) == "/accounts" for n in walk(nothing))
    assert no_gauges is None and no_options == []
    assert "No limits for March 2025 yet" in texts(unbudgeted)
    assert options == [{"label": "Food", "value": food}]


def test_what_the_page_shows_after_each_write_is_keyed_by_its_outputs():
    no_message = cb.Outcome(False, field_error="Enter a number.")
    refused = cb.limit_added(no_message, 3)
    assert set(refused) == set(cb.ADD_OUTPUTS)
    assert (refused["error"], refused["invalid"], refused["feedback"]) == (
        "Enter a number.",
        True,
        None,
    ), "a refusal without a message clears the last one"
    assert refused["value"] is no_update and refused["refresh"] is no_update

    added = cb.limit_added(cb.Outcome(True, "Added."), 3)
    assert (added["error"], added["invalid"], added["value"], added["refresh"]) == (
        "",
        False,
        "",
        4,
    )
    assert added["feedback"].children == "Added."

    unchanged = cb.after_write(cb.SAVE_OUTPUTS, cb.Outcome(False), 3)
    assert all(value is no_update for value in unchanged.values())
    copied = cb.limits_copied(cb.Outcome(True, "Copied 2 limits."), 7)
    assert set(copied) == set(cb.COPY_OUTPUTS) and copied["refresh"] == 8


def test_add_limit_needs_a_category(app, engine, household):
    with as_user(app, household["user"]):
        outcome = cb.add_limit("2025-03", None, "10", TODAY)
    assert outcome == cb.Outcome(False, "Choose a category to add a limit for.")


def test_next_refresh_counts_up_from_anything():
    assert cb.next_refresh(None) == 1
    assert cb.next_refresh(41) == 42
    assert cb.next_refresh("7") == 1


def test_the_demo_household_renders_a_row_and_a_gauge_per_budget(demo_app):
    today = date.today()
    with as_user(demo_app, 1):
        page = cb.budget_page(None, today)
        table, gauge_row, _options = page["table"], page["gauges"], page["new_category_options"]
        status = services.budget_status(1, today.replace(day=1), today)
    assert not status.empty
    assert len(body_rows(table)) == len(gauges(gauge_row)) == len(status)
    # The demo's groups: Housing, Food, ... each with a subtotal above its categories.
    shown_groups = {row.children[0].children[0].children for row in group_rows(table)}
    assert {"Housing", "Food", "Transport"} <= shown_groups


def test_the_limit_callback_saves_refreshes_and_ignores_rows_appearing(
    app, engine, logged_in_client, login_user_id
):
    groceries = setup_writes.create_category(engine, login_user_id, "Groceries", "expense")
    limit_id = {"category": groceries, "type": ids.BUDGET_LIMIT_INPUT}
    error_id = {"category": groceries, "type": ids.BUDGET_LIMIT_ERROR}
    outputs = [
        [{"id": error_id, "property": "children"}],
        [{"id": limit_id, "property": "invalid"}],
        {"id": ids.BUDGET_FEEDBACK, "property": "children"},
        {"id": ids.REFRESH_STORE, "property": "data"},
    ]
    state = [
        {"id": ids.BUDGET_MONTH_STORE, "property": "data", "value": None},
        {"id": ids.REFRESH_STORE, "property": "data", "value": 3},
    ]

    def edit(value):
        inputs = [[{"id": limit_id, "property": "value", "value": value}]]
        changed = [component_key(limit_id) + ".value"]
        return run_callback(
            logged_in_client, app, ids.BUDGET_LIMIT_INPUT, outputs, inputs, state, changed
        )

    status, refused = edit("abc")
    assert status == 200
    assert refused[component_key(error_id)] == {
        "children": "Enter a number such as 1234.56 or -12.50."
    }
    assert refused[component_key(limit_id)] == {"invalid": True}
    assert ids.REFRESH_STORE not in refused
    status, saved = edit("250")
    assert saved[ids.REFRESH_STORE] == {"data": 4}
    assert saved[component_key(limit_id)] == {"invalid": False}
    assert limits(engine, login_user_id, date.today()) == {groceries: 25000}
    # The rows of another month replace these: the ALL input fires with nothing edited.
    empty = [[], [], *outputs[2:]]
    status, _ = run_callback(logged_in_client, app, ids.BUDGET_LIMIT_INPUT, empty, [[]], state)
    assert status == 204


def test_buttons_act_on_clicks_only(app, engine, logged_in_client, login_user_id):
    setup_writes.create_category(engine, login_user_id, "Groceries", "expense")
    outputs = [
        {"id": ids.BUDGET_FEEDBACK, "property": "children"},
        {"id": ids.REFRESH_STORE, "property": "data"},
    ]
    state = [
        {"id": ids.BUDGET_MONTH_STORE, "property": "data", "value": "2025-03"},
        {"id": ids.REFRESH_STORE, "property": "data", "value": 0},
    ]
    copy = [{"id": ids.BUDGET_COPY, "property": "n_clicks", "value": None}]
    status, _ = run_callback(logged_in_client, app, ids.BUDGET_COPY, outputs, copy, state)
    assert status == 204
    copy[0]["value"] = 1
    changed = [ids.BUDGET_COPY + ".n_clicks"]
    status, response = run_callback(
        logged_in_client, app, ids.BUDGET_COPY, outputs, copy, state, changed
    )
    assert status == 200
    assert "February 2025 has no limits to copy." in json.dumps(response)
    month = {"id": ids.BUDGET_MONTH_STORE, "property": "data"}
    clicks = [
        {"id": ids.BUDGET_PREV, "property": "n_clicks", "value": 2},
        {"id": ids.BUDGET_NEXT, "property": "n_clicks", "value": None},
    ]
    status, response = run_callback(
        logged_in_client,
        app,
        ids.BUDGET_PREV,
        month,
        clicks,
        state[:1],
        [ids.BUDGET_PREV + ".n_clicks"],
    )
    assert response == {ids.BUDGET_MONTH_STORE: {"data": "2025-02"}}


def test_groups_get_subtotals_above_their_categories_and_the_rest_follow(app, engine, household):
    user_id, groceries, dining = household["user"], household["groceries"], household["dining"]
    rent = setup_writes.create_category(engine, user_id, "Rent", "expense")
    food = setup_writes.create_group(engine, user_id, "Food")
    setup_writes.create_group(engine, user_id, "Unbudgeted")
    setup_writes.set_category_group(engine, user_id, groceries, food)
    setup_writes.set_category_group(engine, user_id, dining, food)
    writes.set_budget(engine, user_id, groceries, MARCH, 5000)
    writes.set_budget(engine, user_id, dining, MARCH, 2501)
    writes.set_budget(engine, user_id, rent, MARCH, 90000)
    with as_user(app, user_id):
        table = cb.budget_page("2025-03", TODAY)["table"]
    assert row_names(table) == ["Food", "Dining", "Groceries", "Rent"]
    [subtotal] = group_rows(table)
    cells = [texts(cell) for cell in subtotal.children]
    # Limits 50.00 + 25.01, spent 60.00 + 0, remaining -10.00 + 25.01: exact cents.
    assert cells[1:4] == ["€75.01", "€60.00", "€15.01"]
    assert "Group total" in cells[0] and "budget-group-row" in subtotal.className
    # Its categories are indented under it; Rent, in no group, is not.
    indented = [row.children[0].className for row in body_rows(table)]
    assert ["budget-in-group" in name for name in indented] == [True, True, False]


def test_without_groups_the_table_has_no_subtotals(app, engine, household):
    user_id, groceries = household["user"], household["groceries"]
    writes.set_budget(engine, user_id, groceries, MARCH, 5000)
    with as_user(app, user_id):
        table = cb.budget_page("2025-03", TODAY)["table"]
    assert group_rows(table) == [] and row_names(table) == ["Groceries"]
