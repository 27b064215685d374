"""Goal writes: create, edit, delete, archive. Each is validated, checks the owner of every row it
names, and runs in one DB transaction that starts with bump_version (data/ownership.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, delete, select

from data import validation as v
from data.goals.progress import goal_progress, reached_since
from data.ownership import bump_version, insert_id, owned_row, update_owned
from data.schema import GOAL_SOURCES, accounts, goals, tags
from data.validation import FieldErrors, Invalid, NotFound

# A goal may be years away, unlike a budget or a payment (validation.MAX_DAYS_AHEAD).
MAX_YEARS_AHEAD = 100


@dataclass(frozen=True)
class GoalInput:
    """A goal as the form gives it: values not yet checked (the store checks them all)."""

    name: object
    target_minor: object
    target_date: object
    source: object
    account_id: object = None
    tag_id: object = None
    # A tag goal counts the tagged lines from this day on; None: from today.
    starts_on: object = None


def create_goal(engine: Engine, user_id: int, goal: GoalInput, today: date) -> int:
    with engine.begin() as conn:
        currency = bump_version(conn, user_id)
        values = _checked(conn, user_id, goal, currency, today, None)
        return insert_id(conn, goals, user_id=user_id, **values)


def update_goal(engine: Engine, user_id: int, goal_id: int, goal: GoalInput, today: date) -> None:
    with engine.begin() as conn:
        currency = bump_version(conn, user_id)
        row = owned_row(conn, goals, user_id, goal_id, "goal")
        values = _checked(conn, user_id, goal, currency, today, row.id)
        update_owned(conn, goals, user_id, row.id, **values)


def delete_goal(engine: Engine, user_id: int, goal_id: int) -> None:
    with engine.begin() as conn:
        bump_version(conn, user_id)
        row = owned_row(conn, goals, user_id, goal_id, "goal")
        conn.execute(delete(goals).where(goals.c.id == row.id, goals.c.user_id == user_id))


def set_goal_archived(
    engine: Engine, user_id: int, goal_id: int, archived: bool, today: date
) -> None:
    """Archive a goal (reached or given up) or bring it back. Archiving a reached goal keeps
    the day it was reached, so its badge stays true after the money is spent; bringing it back
    forgets the day, which is derived again while it is active."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        row = owned_row(conn, goals, user_id, goal_id, "goal")
        errors = FieldErrors()
        flag = errors.check("archived", v.clean_flag, archived)
        errors.raise_if_any()
        reached_on = None
        if flag:
            progress = goal_progress(conn, user_id, today, goal_ids=(row.id,))
            if progress and progress[0].saved_minor >= row.target_minor:
                reached_on = reached_since(conn, user_id, progress[0], today)
        update_owned(conn, goals, user_id, row.id, archived=flag, reached_on=reached_on)


def clean_goal_date(value: object, today: date) -> date:
    if not isinstance(value, date) or value < v.EARLIEST_DATE:
        raise Invalid("Enter a date.")
    if value.year > today.year + MAX_YEARS_AHEAD:
        raise Invalid(f"Enter a date at most {MAX_YEARS_AHEAD} years ahead.")
    return value


def _checked(
    conn: Connection,
    user_id: int,
    goal: GoalInput,
    currency: str,
    today: date,
    goal_id: int | None,
) -> dict[str, object]:
    """The goals row's columns, or a ValidationError naming every field that is wrong."""
    errors = FieldErrors()
    name = errors.check("name", v.clean_name, goal.name)
    if name is not None:
        others = select(goals.c.id).where(goals.c.user_id == user_id, goals.c.name == name)
        if goal_id is not None:
            others = others.where(goals.c.id != goal_id)
        if conn.execute(others).first():
            errors.add("name", "You already have a goal with that name.")
    target = errors.check(
        "target_minor", v.clean_amount, goal.target_minor, currency, negative_ok=False,
        zero_ok=False,
    )  # fmt: skip
    target_date = None
    if goal.target_date is not None:
        target_date = errors.check("target_date", clean_goal_date, goal.target_date, today)
    starts_on = today if goal.starts_on is None else goal.starts_on
    starts = errors.check("starts_on", clean_goal_date, starts_on, today)
    if starts is not None and starts > today:
        errors.add("starts_on", "Count from today or an earlier day.")
    if target_date is not None and starts is not None and target_date <= starts:
        errors.add("target_date", "Choose a target date after the day the goal starts.")
    source = errors.check("source", v.clean_choice, goal.source, GOAL_SOURCES)
    account_id = tag_id = None
    if source == "account":
        account_id = _owned_id(conn, user_id, goal.account_id, "account", errors)
        if account_id is not None:
            account = owned_row(conn, accounts, user_id, account_id, "account")
            if account.currency != currency:
                errors.add("account_id", f"Choose an account in {currency}: goals count in it.")
    elif source == "tag":
        tag_id = _owned_id(conn, user_id, goal.tag_id, "tag", errors)
    errors.raise_if_any()
    return {
        "name": name,
        "target_minor": target,
        "target_date": target_date,
        "source": source,
        "account_id": account_id,
        "tag_id": tag_id,
        "starts_on": starts,
    }


def _owned_id(
    conn: Connection, user_id: int, row_id: object, noun: str, errors: FieldErrors
) -> int | None:
    """The id of this user's account or tag, or None after a field error: a form's choice that
    is missing or not theirs reads the same, 'choose one'."""
    field, table = (f"{noun}_id", accounts if noun == "account" else tags)
    if row_id is None:
        errors.add(field, f"Choose the {noun} that counts toward the goal.")
        return None
    try:
        return int(owned_row(conn, table, user_id, row_id, noun).id)
    except NotFound:
        errors.add(field, f"Choose one of your {noun}s.")
        return None
