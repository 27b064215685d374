"""The /schedules page and the overview's Upcoming card: the editor's values parsed into a
Schedule (and refused, per field), saving, editing, prefilling from a transaction, deleting,
and Post / Skip on the upcoming dates, called as plain functions inside a request acting as a
user, on both dialects."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dashboard import ids, routing
from dashboard.callbacks import overview_upcoming as upcoming_cb
from dashboard.callbacks import schedules as cb
from dashboard.callbacks.schedules_form import schedule_from_form
from dashboard.callbacks.shell import PAGES_WITHOUT_FILTERS
from dashboard.callbacks.transaction_edit import make_schedule_href
from dashboard.shell import NAV_ITEMS
from data import setup_writes, writes
from data.entries import Transaction
from data.lookups import stored_transaction
from data.schedules import store
from data.schedules.due import upcoming
from data.schema import schedule_occurrences
from tests.conftest import as_user, make_user
from tests.test_dashboard_budgets import texts, walk

TODAY = date.today()


@pytest.fixture
def home(engine) -> dict[str, int]:
    user = make_user(engine, "alice")
    return {
        "user": user,
        "checking": setup_writes.create_account(engine, user, "Checking", "checking"),
        "rent": setup_writes.create_category(engine, user, "Rent", "expense"),
    }


def form(home: dict[str, int], **changes) -> dict:
    values = {**cb.EMPTY_FORM, "name": "Rent", "account_id": str(home["checking"]),
              "payee": "Landlord", "category_id": str(home["rent"]), "amount_minor": "-950.00",
              "starts_on": TODAY.isoformat(), "frequency": "monthly", "day": "31"}  # fmt: skip
    return values | changes


def test_the_page_answers_at_schedules_and_is_in_the_navbar():
    assert routing.PAGES["/schedules"].TITLE == "Schedules"
    shown = {
        c.id
        for c in walk(routing.render_page("/schedules"))
        if isinstance(getattr(c, "id", None), str)
    }
    assert {ids.SCHEDULES_LIST, ids.SCHEDULE_SAVE, *ids.SCHEDULE_FIELDS.values()} <= shown
    assert "/schedules" in [href for href, _label, _icon in NAV_ITEMS]
    assert "/schedules" in PAGES_WITHOUT_FILTERS
    overview = {
        c.id for c in walk(routing.render_page("/")) if isinstance(getattr(c, "id", None), str)
    }
    assert ids.UPCOMING_LIST in overview


def test_the_form_parses_exact_amounts_and_the_rule():
    currencies = {3: "EUR"}
    values = {**cb.EMPTY_FORM, "name": " Rent ", "account_id": "3", "amount_minor": "-1,234.56",
              "starts_on": "2027-01-31", "frequency": "monthly", "day": "31", "end": "count",
              "count": "12", "weekend_shift": "before", "auto_post": True}  # fmt: skip
    schedule, problems = schedule_from_form(values, currencies)
    assert problems == {}
    assert schedule.amount_minor == -123456
    assert schedule.rrule == "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;COUNT=12"
    assert (schedule.weekend_shift, schedule.auto_post, schedule.category_id) == (
        "before",
        True,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount_minor": "12.345"}, "amount_minor", "at most 2 decimals"),
        ({"amount_minor": "0"}, "amount_minor", "other than zero"),
        ({"account_id": "999"}, "account_id", "Choose an account"),
        ({"starts_on": "2027-02-30"}, "starts_on", "Not a date"),
        ({"day": "32"}, "day", "Day of the month"),
        ({"day": "x"}, "day", "whole number"),
        ({"end": "until", "until": ""}, "until", "Enter a date"),
        ({"frequency": "custom", "custom": "FREQ=HOURLY"}, "custom", "FREQ must be"),
    ],
)
def test_the_form_refuses_per_field(changes, field, message):
    values = {**cb.EMPTY_FORM, "name": "Rent", "account_id": "3", "amount_minor": "-9.00",
              "starts_on": "2027-01-31", **changes}  # fmt: skip
    schedule, problems = schedule_from_form(values, {3: "EUR"})
    assert schedule is None
    assert message in problems[field]


def test_save_edit_and_delete_through_the_callbacks(app, engine, home):
    with as_user(app, home["user"]):
        outcome, target = cb.save_schedule({"schedule": None, "from": None}, form(home))
        assert outcome.saved, outcome
        schedule_id = target["schedule"]
        listed = texts(cb.schedules_list(TODAY))
        assert "Rent" in listed and "-€950.00" in listed
        shown = cb.editor_for(search=f"?edit={schedule_id}")
        assert shown["values"]["amount_minor"] == "-950.00"
        assert shown["values"]["day"] == "31"
        changed = {**shown["values"], "amount_minor": "-990.00"}
        outcome, _ = cb.save_schedule(shown["target"], changed)
        assert outcome.saved
        assert store.get_schedule(engine, home["user"], schedule_id).amount_minor == -99000
        refused, _ = cb.save_schedule({"schedule": None}, form(home))
        assert refused.field_errors == {"name": store.NAME_TAKEN}
        assert cb.field_messages(refused)["messages"]["name"] == store.NAME_TAKEN
        assert cb.delete_schedule(schedule_id).saved
    assert store.list_schedules(engine, home["user"]) == []


def test_a_transaction_prefills_the_editor_only_for_its_owner(app, engine, home):
    txn_id = writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], TODAY, -1599, "Netflix", tags=("tv",))
    )
    assert make_schedule_href(txn_id) == f"/schedules?from={txn_id}"
    with as_user(app, home["user"]):
        shown = cb.editor_for(search=f"?from={txn_id}", today=TODAY)
        assert shown["values"]["name"] == "Netflix"
        assert shown["values"]["amount_minor"] == "-15.99"
        assert shown["target"] == {"schedule": None, "from": txn_id}
        outcome, target = cb.save_schedule(shown["target"], shown["values"])
        assert outcome.saved, outcome
        assert store.get_schedule(engine, home["user"], target["schedule"]).tags == ("tv",)
    bob = make_user(engine, "bob")
    with as_user(app, bob):
        shown = cb.editor_for(search=f"?from={txn_id}")
        assert shown["message"] == "That transaction was not found."
        assert shown["values"]["name"] == ""
        assert cb.editor_for(search=f"?edit={target['schedule']}")["values"]["name"] == ""
        assert not cb.delete_schedule(target["schedule"]).saved


def test_upcoming_lists_posts_and_skips(app, engine, home):
    with as_user(app, home["user"]):
        outcome, target = cb.save_schedule(
            None, form(home, frequency="weekly", starts_on=(TODAY - timedelta(days=1)).isoformat())
        )
        assert outcome.saved, outcome
        schedule_id = target["schedule"]
        shown = upcoming_cb.upcoming_view(home["user"], TODAY)
        posts = [c.id for c in walk(shown) if isinstance(getattr(c, "id", None), dict)
                 and c.id["type"] == ids.UPCOMING_POST]  # fmt: skip
        first = (TODAY - timedelta(days=1)).isoformat()
        assert posts[0] == {"type": ids.UPCOMING_POST, "schedule": schedule_id, "due": first}
        assert "overdue" in texts(shown)
        assert upcoming_cb.decide("post", schedule_id, first) == (
            True, f"Posted the {first} transaction.",
        )  # fmt: skip
        assert upcoming_cb.decide("post", schedule_id, first) == (
            True,
            "That date was posted already.",
        )
        second = (TODAY + timedelta(days=6)).isoformat()
        assert upcoming_cb.decide("skip", schedule_id, second)[0]
        assert upcoming_cb.decide("post", schedule_id, "2020-13-01") == (
            False,
            "That date was not found.",
        )
        assert upcoming_cb.decide("post", schedule_id, TODAY.isoformat())[1].startswith(
            "Not posted"
        )
    due = [o.due_on for o in upcoming(engine, home["user"], TODAY, 30)]
    assert first not in [d.isoformat() for d in due] and second not in [d.isoformat() for d in due]
    bob = make_user(engine, "bob")
    with as_user(app, bob):
        third = (TODAY + timedelta(days=13)).isoformat()
        assert upcoming_cb.decide("post", schedule_id, third) == (
            False,
            "That schedule was not found.",
        )
        assert "Nothing due" in texts(upcoming_cb.upcoming_view(bob, TODAY))


def test_a_posted_date_makes_the_transaction(app, engine, home):
    with as_user(app, home["user"]):
        _, target = cb.save_schedule(None, form(home, frequency="weekly"))
        upcoming_cb.decide("post", target["schedule"], TODAY.isoformat())
    assert upcoming(engine, home["user"], TODAY, 6) == []
    with engine.connect() as conn:
        txn_id = conn.execute(select(schedule_occurrences.c.transaction_id)).scalar_one()
    txn = stored_transaction(engine, home["user"], txn_id)
    assert (txn.amount_minor, txn.payee, txn.category_id) == (-95000, "Landlord", home["rent"])


def string_ids(path: str) -> set[str]:
    return {
        c.id for c in walk(routing.render_page(path)) if isinstance(getattr(c, "id", None), str)
    }


def test_every_output_of_the_schedules_callbacks_is_on_its_page(app):
    """A message output without its element is an error in the browser's console."""
    on_page, on_overview = string_ids("/schedules"), string_ids("/")
    for output in app.callback_map:
        for part in output.strip(".").split("..."):
            name = part.rsplit(".", 1)[0].split("@")[0]
            if name.startswith("schedule"):
                assert name in on_page, name
            if name.startswith("upcoming"):
                assert name in on_overview, name
