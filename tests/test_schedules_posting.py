"""data/schedules/ store, due and posting on SQLite and PostgreSQL: what is due, posting and
skipping a date, at most once however many clicks or workers, automatic posting, owners."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from data import setup_writes, writes
from data.db import make_engine
from data.entries import Split
from data.lookups import stored_transaction
from data.schedules.due import occurrences, scheduled_items, upcoming
from data.schedules.model import Schedule
from data.schedules.posting import (
    NOT_A_DATE_OF_IT,
    PostOverrides,
    post_due,
    post_occurrence,
    skip_occurrence,
)
from data.schedules.store import (
    NAME_TAKEN,
    create_schedule,
    delete_schedule,
    get_schedule,
    list_schedules,
    update_schedule,
)
from data.schema import schedule_occurrences, transactions, users
from data.validation import NotFound, ValidationError
from tests.conftest import make_user

TODAY = date.today()
# A first date two days back: one date overdue, the next ones ahead.
START = TODAY - timedelta(days=2)
ATTEMPTS = 4
JOIN_TIMEOUT_S = 60


@pytest.fixture
def home(engine) -> dict[str, int]:
    user_id = make_user(engine, "alice")
    return {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "rent": setup_writes.create_category(engine, user_id, "Rent", "expense"),
        "fun": setup_writes.create_category(engine, user_id, "Fun", "expense"),
    }


def weekly(home: dict[str, int], name: str = "Rent", **changes: Any) -> Schedule:
    values: dict[str, Any] = {
        "name": name,
        "account_id": home["checking"],
        "amount_minor": -90000,
        "rrule": "FREQ=WEEKLY",
        "starts_on": START,
        "payee": "Landlord",
        "category_id": home["rent"],
    }
    return Schedule(**(values | changes))


def count(engine: Engine, table, user_id: int) -> int:
    query = select(func.count()).select_from(table).where(table.c.user_id == user_id)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def version(engine: Engine, user_id: int) -> int:
    with engine.connect() as conn:
        query = select(users.c.data_version).where(users.c.id == user_id)
        return conn.execute(query).scalar_one()


def test_store_round_trip_bumps_the_version_and_refuses_bad_values(engine, home):
    user = home["user"]
    before = version(engine, user)
    schedule_id = create_schedule(engine, user, weekly(home, tags=("home",)))
    assert version(engine, user) == before + 1
    stored = get_schedule(engine, user, schedule_id)
    assert (stored.name, stored.amount_minor, stored.tags, stored.rrule) == (
        "Rent", -90000, ("home",), "FREQ=WEEKLY",
    )  # fmt: skip
    update_schedule(engine, user, schedule_id, weekly(home, amount_minor=-95000))
    assert get_schedule(engine, user, schedule_id).amount_minor == -95000
    with pytest.raises(ValidationError) as refused:
        create_schedule(engine, user, weekly(home))
    assert refused.value.field_errors == {"name": NAME_TAKEN}
    with pytest.raises(ValidationError) as refused:
        create_schedule(engine, user, weekly(home, "Bad", rrule="FREQ=HOURLY", amount_minor=0))
    assert set(refused.value.field_errors) == {"rrule", "amount_minor"}
    delete_schedule(engine, user, schedule_id)
    assert list_schedules(engine, user) == []


def test_due_dates_and_their_items_by_part(engine, home):
    user = home["user"]
    parts = (Split(-60000, home["rent"]), Split(-30000, home["fun"], tags=("x",)))
    schedule_id = create_schedule(engine, user, weekly(home, splits=parts, category_id=None))
    items = scheduled_items(engine, user, START, START + timedelta(days=7))
    assert [(i.posts_on, i.category_id, i.amount_minor) for i in items] == [
        (START, home["rent"], -60000),
        (START, home["fun"], -30000),
        (START + timedelta(days=7), home["rent"], -60000),
        (START + timedelta(days=7), home["fun"], -30000),
    ]
    listed = upcoming(engine, user, TODAY, days=7)
    assert [(o.posts_on, o.overdue(TODAY)) for o in listed] == [
        (START, True), (START + timedelta(days=7), False),
    ]  # fmt: skip
    assert {o.schedule.id for o in listed} == {schedule_id}


def test_post_and_skip_take_a_date_off_the_due_list(engine, home):
    user = home["user"]
    schedule_id = create_schedule(engine, user, weekly(home, tags=("home",)))
    posted = post_occurrence(engine, user, schedule_id, START)
    assert (posted.status, posted.created) == ("posted", True)
    txn = writes_stored(engine, user, posted.transaction_id)
    assert (txn.date, txn.amount_minor, txn.payee, txn.category_id, txn.tags) == (
        START, -90000, "Landlord", home["rent"], ("home",),
    )  # fmt: skip
    skipped = skip_occurrence(engine, user, schedule_id, START + timedelta(days=7))
    assert (skipped.status, skipped.transaction_id) == ("skipped", None)
    due = occurrences(engine, user, START, START + timedelta(days=14))
    assert [o.due_on for o in due] == [START + timedelta(days=14)]


def writes_stored(engine, user, transaction_id):
    return stored_transaction(engine, user, transaction_id)


def test_a_double_post_returns_the_first(engine, home):
    user = home["user"]
    schedule_id = create_schedule(engine, user, weekly(home))
    first = post_occurrence(engine, user, schedule_id, START)
    again = post_occurrence(engine, user, schedule_id, START)
    assert (again.transaction_id, again.created) == (first.transaction_id, False)
    assert count(engine, transactions, user) == 1
    # A skip of a posted date leaves it posted.
    assert skip_occurrence(engine, user, schedule_id, START).status == "posted"


def test_posting_with_changes_and_refusals(engine, home):
    user = home["user"]
    schedule_id = create_schedule(engine, user, weekly(home, weekend_shift="after"))
    changed = PostOverrides(amount_minor=-91234, posts_on=TODAY)
    decision = post_occurrence(engine, user, schedule_id, START, changed)
    txn = writes_stored(engine, user, decision.transaction_id)
    assert (txn.date, txn.amount_minor) == (TODAY, -91234)
    with pytest.raises(ValidationError) as refused:
        post_occurrence(engine, user, schedule_id, START + timedelta(days=1))
    assert refused.value.field_errors == {"due_on": NOT_A_DATE_OF_IT}
    with pytest.raises(ValidationError):
        post_occurrence(engine, user, schedule_id, START + timedelta(days=7), PostOverrides(0))
    # Nothing half-written: no occurrence row for the refused posting.
    assert count(engine, schedule_occurrences, user) == 1


def test_a_deleted_posted_transaction_does_not_come_back_as_due(engine, home):
    user = home["user"]
    schedule_id = create_schedule(engine, user, weekly(home))
    posted = post_occurrence(engine, user, schedule_id, START)
    writes.delete_transaction(engine, user, posted.transaction_id)
    assert START not in [o.due_on for o in occurrences(engine, user, START, START)]
    again = post_occurrence(engine, user, schedule_id, START)
    assert (again.status, again.transaction_id, again.created) == ("posted", None, False)
    assert count(engine, transactions, user) == 0


def test_post_due_posts_only_automatic_schedules_and_twice_adds_nothing(engine, home):
    user = home["user"]
    create_schedule(engine, user, weekly(home, "Auto", auto_post=True))
    create_schedule(engine, user, weekly(home, "Manual"))
    create_schedule(engine, user, weekly(home, "Paused", auto_post=True, active=False))
    first = post_due(engine, TODAY)
    assert first.posted == [f"user {user}: Auto {START.isoformat()}"]
    assert first.failed == []
    assert count(engine, transactions, user) == 1
    second = post_due(engine, TODAY)
    assert (second.posted, second.already) == ([], 0)
    assert count(engine, transactions, user) == 1
    dry = post_due(engine, TODAY + timedelta(days=7), dry_run=True)
    assert dry.posted == [f"user {user}: Auto {(START + timedelta(days=7)).isoformat()}"]
    assert count(engine, transactions, user) == 1


def test_another_user_cannot_post_skip_or_see_a_schedule(engine, home):
    alice = home["user"]
    bob = make_user(engine, "bob")
    schedule_id = create_schedule(engine, alice, weekly(home))
    for attempt in (
        lambda: post_occurrence(engine, bob, schedule_id, START),
        lambda: skip_occurrence(engine, bob, schedule_id, START),
        lambda: get_schedule(engine, bob, schedule_id),
        lambda: delete_schedule(engine, bob, schedule_id),
        lambda: update_schedule(engine, bob, schedule_id, weekly(home)),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert occurrences(engine, bob, START, TODAY) == []
    # Nor can bob make a schedule on alice's account.
    with pytest.raises(ValidationError) as refused:
        create_schedule(engine, bob, weekly(home))
    assert "account_id" in refused.value.field_errors
    assert count(engine, transactions, alice) == 0


def test_posting_at_the_same_moment_stores_one_transaction(engine, home):
    """Two workers (each its own engine) and a double click post the same date at once."""
    user = home["user"]
    schedule_id = create_schedule(engine, user, weekly(home))
    url = engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(ATTEMPTS)]
    barrier = threading.Barrier(ATTEMPTS, timeout=JOIN_TIMEOUT_S)
    results: list[Any] = [None] * ATTEMPTS

    def run(number: int) -> None:
        barrier.wait()
        try:
            results[number] = post_occurrence(engines[number], user, schedule_id, START)
        except Exception as error:  # noqa: BLE001 - reported as a result, asserted below
            results[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "an attempt did not finish"
    for each in engines:
        each.dispose()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.transaction_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert count(engine, transactions, user) == 1
    assert count(engine, schedule_occurrences, user) == 1
