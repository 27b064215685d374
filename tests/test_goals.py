"""data/goals/: progress of account and tag goals, the pace, reaching and archiving, validation
and owner isolation. Both dialects through the `engine` fixture."""

from __future__ import annotations

from datetime import date

import pytest

from data import setup_writes, writes
from data.entries import Split, Transaction, Transfer
from data.goals.pace import ceil_div, goal_statuses, months_left, pace_of
from data.goals.progress import list_goal_progress
from data.goals.store import GoalInput, create_goal, delete_goal, set_goal_archived, update_goal
from data.tags import delete_tag, list_tags, merge_tags
from data.validation import NotFound, ValidationError
from tests.conftest import make_user

TODAY = date(2026, 11, 30)


def status_of(engine, user_id, name, today=TODAY):
    (found,) = [s for s in goal_statuses(engine, user_id, today) if s.goal.name == name]
    return found


@pytest.fixture
def ledger(engine, user_id):
    checking = setup_writes.create_account(engine, user_id, "Checking", "checking", None, 500_00)
    savings = setup_writes.create_account(engine, user_id, "Savings", "savings", None, 1_000_00)
    food = setup_writes.create_category(engine, user_id, "Food", "expense")
    return {"checking": checking, "savings": savings, "food": food}


def test_account_goal_counts_the_balance_and_its_pace(engine, user_id, ledger):
    # 300.00 a month into savings over the last three months (Sep, Oct, Nov).
    for day in (date(2026, 9, 15), date(2026, 10, 15), date(2026, 11, 15)):
        writes.create_transfer(
            engine, user_id, Transfer(ledger["checking"], ledger["savings"], day, 300_00)
        )
    # Older than the pace window: counts toward the balance, not toward the pace.
    writes.create_transaction(
        engine, user_id, Transaction(ledger["savings"], date(2026, 5, 1), 200_00)
    )
    goal = GoalInput("Emergency fund", 6_000_00, date(2027, 11, 30), "account", ledger["savings"])
    create_goal(engine, user_id, goal, TODAY)
    status = status_of(engine, user_id, "Emergency fund")
    # 1000 opening + 200 + 3 * 300 = 2100.00 saved.
    assert status.goal.saved_minor == 2_100_00
    assert status.remaining_minor == 3_900_00
    assert status.percent == 35
    # 12 months to Nov 2027: 3900 / 12 = 325.00.
    assert status.monthly_needed_minor == 325_00
    # 300.00 a month: 13 months to go -> Dec 2027, after the target date.
    assert status.projected_on == date(2027, 12, 30)
    assert status.status == "behind"


def test_monthly_needed_rounds_up_to_the_cent(engine, user_id, ledger):
    goal = GoalInput("Car", 2_000_01, date(2027, 2, 1), "account", ledger["checking"])
    create_goal(engine, user_id, goal, TODAY)
    status = status_of(engine, user_id, "Car")
    # 500.00 opening; 1500.01 left over 3 months: 500.0033... -> 500.01.
    assert status.remaining_minor == 1_500_01
    assert status.monthly_needed_minor == 500_01
    assert status.projected_on is None and status.status == "behind"
    assert ceil_div(10, 3) == 4 and ceil_div(9, 3) == 3
    assert months_left(TODAY, date(2026, 12, 1)) == 1
    assert months_left(TODAY, date(2026, 11, 30)) == 1
    assert months_left(TODAY, date(2026, 1, 1)) == 1


def test_tag_goal_counts_tagged_lines_and_split_parts_once(engine, user_id, ledger):
    savings, checking, food = ledger["savings"], ledger["checking"], ledger["food"]
    tagged = [
        Transaction(savings, date(2026, 10, 1), 400_00, tags=("Holiday",)),
        # A split with one part tagged: only that part counts.
        Transaction(
            savings,
            date(2026, 11, 2),
            150_00,
            splits=(
                Split(100_00, None, tags=("holiday",)),
                Split(50_00, None),
            ),
        ),
        # A split tagged whole (and one of its parts too): counts once, whole.
        Transaction(
            savings,
            date(2026, 11, 3),
            -30_00,
            splits=(Split(-20_00, food, tags=("Holiday",)), Split(-10_00, food)),
            tags=("Holiday",),
        ),
        # Before the goal starts: not counted.
        Transaction(savings, date(2026, 6, 1), 999_00, tags=("Holiday",)),
        # Untagged: not counted.
        Transaction(checking, date(2026, 11, 5), 77_00),
    ]
    for txn in tagged:
        writes.create_transaction(engine, user_id, txn)
    tags = list_tags(engine, user_id)
    holiday = int(tags.loc[tags["name"] == "Holiday", "id"].iloc[0])
    goal = GoalInput("Trip", 2_000_00, None, "tag", tag_id=holiday, starts_on=date(2026, 9, 1))
    create_goal(engine, user_id, goal, TODAY)
    status = status_of(engine, user_id, "Trip")
    # 400 + 100 - 30 = 470.00: money saved is positive, a tagged withdrawal takes from it.
    assert status.goal.saved_minor == 470_00
    assert status.goal.recent_minor == 470_00
    assert status.monthly_needed_minor is None and status.status == "open"
    # 1530 left at 470/3 a month: ceil(1530 * 3 / 470) = 10 months.
    assert status.projected_on == date(2027, 9, 30)


def test_reaching_records_the_day_and_archiving_keeps_it(engine, user_id, ledger):
    savings = ledger["savings"]
    goal_id = create_goal(
        engine, user_id, GoalInput("Bike", 1_500_00, None, "account", savings), TODAY
    )
    writes.create_transaction(engine, user_id, Transaction(savings, date(2026, 10, 1), 300_00))
    assert status_of(engine, user_id, "Bike").status == "open"
    writes.create_transaction(engine, user_id, Transaction(savings, date(2026, 11, 10), 250_00))
    reached = status_of(engine, user_id, "Bike")
    assert reached.status == "reached" and reached.reached_on == date(2026, 11, 10)
    assert reached.remaining_minor == 0 and reached.percent == 103
    set_goal_archived(engine, user_id, goal_id, True, TODAY)
    # Spent after archiving: the goal stays reached on its day.
    writes.create_transaction(engine, user_id, Transaction(savings, date(2026, 11, 20), -900_00))
    archived = status_of(engine, user_id, "Bike")
    assert archived.goal.archived and archived.status == "reached"
    assert archived.reached_on == date(2026, 11, 10)
    set_goal_archived(engine, user_id, goal_id, False, TODAY)
    back = status_of(engine, user_id, "Bike")
    assert not back.goal.archived and back.status == "open" and back.reached_on is None


def test_dipping_below_then_back_moves_the_reached_day(engine, user_id, ledger):
    savings = ledger["savings"]
    create_goal(engine, user_id, GoalInput("Sofa", 1_200_00, None, "account", savings), TODAY)
    for day, amount in ((date(2026, 9, 1), 300_00), (date(2026, 9, 5), -200_00)):
        writes.create_transaction(engine, user_id, Transaction(savings, day, amount))
    writes.create_transaction(engine, user_id, Transaction(savings, date(2026, 10, 1), 150_00))
    assert status_of(engine, user_id, "Sofa").reached_on == date(2026, 10, 1)


def test_validation_messages(engine, user_id, ledger):
    other = make_user(engine, "bob")
    bobs = setup_writes.create_account(engine, other, "Bob's", "savings")
    usd = setup_writes.create_account(engine, user_id, "Dollars", "savings", "USD")
    cases = [
        (GoalInput("", 1, None, "account", ledger["savings"]), "name"),
        (GoalInput("A", 0, None, "account", ledger["savings"]), "target_minor"),
        (GoalInput("A", -5, None, "account", ledger["savings"]), "target_minor"),
        (GoalInput("A", 1.5, None, "account", ledger["savings"]), "target_minor"),
        (GoalInput("A", 100, date(2026, 11, 1), "account", ledger["savings"]), "target_date"),
        (GoalInput("A", 100, "2027-01-01", "account", ledger["savings"]), "target_date"),
        (GoalInput("A", 100, None, "stocks", ledger["savings"]), "source"),
        (GoalInput("A", 100, None, "account", None), "account_id"),
        (GoalInput("A", 100, None, "account", bobs), "account_id"),
        (GoalInput("A", 100, None, "account", usd), "account_id"),
        (GoalInput("A", 100, None, "tag", tag_id=None), "tag_id"),
        (GoalInput("A", 100, None, "tag", tag_id=10**12), "tag_id"),
        (GoalInput("A", 100, None, "account", ledger["savings"], starts_on=date(2027, 1, 1)),
         "starts_on"),
    ]  # fmt: skip
    for goal, field in cases:
        with pytest.raises(ValidationError) as refused:
            create_goal(engine, user_id, goal, TODAY)
        assert field in refused.value.field_errors, (goal, refused.value.field_errors)
    create_goal(engine, user_id, GoalInput("A", 100, None, "account", ledger["savings"]), TODAY)
    with pytest.raises(ValidationError) as taken:
        create_goal(engine, user_id, GoalInput("A", 100, None, "account", ledger["savings"]), TODAY)
    assert taken.value.field_errors == {"name": "You already have a goal with that name."}
    assert [g.name for g in list_goal_progress(engine, user_id, TODAY)] == ["A"]


def test_owner_isolation(engine, user_id, ledger):
    goal_id = create_goal(
        engine, user_id, GoalInput("Mine", 100_00, None, "account", ledger["savings"]), TODAY
    )
    other = make_user(engine, "bob")
    assert goal_statuses(engine, other, TODAY) == []
    edit = GoalInput("Theirs", 1, None, "account", ledger["savings"])
    for attempt in (
        lambda: update_goal(engine, other, goal_id, edit, TODAY),
        lambda: delete_goal(engine, other, goal_id),
        lambda: set_goal_archived(engine, other, goal_id, True, TODAY),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert [g.name for g in list_goal_progress(engine, user_id, TODAY)] == ["Mine"]


def test_edit_delete_and_data_version(engine, user_id, ledger):
    from data.lookups import data_version

    goal_id = create_goal(
        engine, user_id, GoalInput("Old", 100_00, None, "account", ledger["savings"]), TODAY
    )
    before = data_version(engine, user_id)
    writes.create_transaction(
        engine, user_id, Transaction(ledger["savings"], date(2026, 11, 1), 1_00, tags=("Car",))
    )
    car = int(list_tags(engine, user_id)["id"].iloc[0])
    edit = GoalInput("New", 50_00, date(2027, 6, 1), "tag", tag_id=car, starts_on=date(2026, 1, 1))
    update_goal(engine, user_id, goal_id, edit, TODAY)
    (goal,) = list_goal_progress(engine, user_id, TODAY)
    assert (goal.name, goal.source, goal.account_id, goal.tag, goal.saved_minor) == (
        "New", "tag", None, "Car", 1_00,
    )  # fmt: skip
    assert data_version(engine, user_id) == before + 2
    delete_goal(engine, user_id, goal_id)
    assert list_goal_progress(engine, user_id, TODAY) == []


def test_a_tag_a_goal_counts_cannot_be_deleted_and_merging_moves_the_goal(engine, user_id, ledger):
    savings = ledger["savings"]
    for name in ("Car", "Auto"):
        writes.create_transaction(
            engine, user_id, Transaction(savings, date(2026, 11, 1), 10_00, tags=(name,))
        )
    ids = dict(zip(*[list_tags(engine, user_id)[c] for c in ("name", "id")], strict=True))
    goal = GoalInput("Car fund", 100_00, None, "tag", tag_id=int(ids["Car"]),
                     starts_on=date(2026, 1, 1))  # fmt: skip
    create_goal(engine, user_id, goal, TODAY)
    with pytest.raises(ValidationError) as refused:
        delete_tag(engine, user_id, int(ids["Car"]))
    assert "Car fund" in refused.value.field_errors["tag"]
    merge_tags(engine, user_id, int(ids["Car"]), int(ids["Auto"]))
    (moved,) = list_goal_progress(engine, user_id, TODAY)
    assert moved.tag == "Auto" and moved.saved_minor == 20_00
    with pytest.raises(ValidationError):
        delete_tag(engine, user_id, int(ids["Auto"]))


def test_pace_of_a_goal_without_contributions_has_no_date(engine, user_id, ledger):
    create_goal(
        engine, user_id, GoalInput("House", 50_000_00, None, "account", ledger["checking"]), TODAY
    )
    status = status_of(engine, user_id, "House")
    assert status.projected_on is None and status.status == "open"
    assert pace_of(status.goal, TODAY) == status
