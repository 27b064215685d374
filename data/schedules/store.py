"""Schedules stored per user: create, update, delete, list. Each write is one DB transaction
that bumps the owner's data_version; every id is looked up with the owner.

A schedule is checked as the transaction it posts would be (data/writes.py's checks on its
first date: account and category owned and not archived, amount, split parts, tags), and its
rule as recurrence.parse_rule reads it.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from data import validation as v
from data.ownership import bump_version, insert_id, owned_row
from data.schedules.model import WEEKEND_SHIFTS, Schedule, parts_to_json, schedule_from_row
from data.schedules.recurrence import InvalidRule, parse_rule
from data.schema import schedules
from data.validation import FieldErrors, NotFound, ValidationError
from data.writes import check_transaction_in

NAME_TAKEN = "You have a schedule of that name already."


def create_schedule(engine: Engine, user_id: int, schedule: Schedule) -> int:
    """Store a new schedule; returns its id. ValidationError names each wrong field."""
    try:
        with engine.begin() as conn:
            bump_version(conn, user_id)
            values = _checked(conn, user_id, schedule)
            return insert_id(conn, schedules, user_id=user_id, **values)
    except IntegrityError as conflict:
        raise ValidationError({"name": NAME_TAKEN}) from conflict


def update_schedule(engine: Engine, user_id: int, schedule_id: object, schedule: Schedule) -> None:
    """Replace a schedule's values. Its posted and skipped dates stay: a date already decided
    is not due again, whatever the new rule."""
    try:
        with engine.begin() as conn:
            bump_version(conn, user_id)
            row = owned_row(conn, schedules, user_id, schedule_id, "schedule")
            values = _checked(conn, user_id, schedule)
            owned = (schedules.c.id == row.id, schedules.c.user_id == user_id)
            conn.execute(update(schedules).where(*owned).values(**values))
    except IntegrityError as conflict:
        raise ValidationError({"name": NAME_TAKEN}) from conflict


def delete_schedule(engine: Engine, user_id: int, schedule_id: object) -> None:
    """Remove a schedule and its record of dates; transactions it posted stay in the ledger."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        row = owned_row(conn, schedules, user_id, schedule_id, "schedule")
        conn.execute(delete(schedules).where(schedules.c.id == row.id))


def get_schedule(engine: Engine, user_id: int, schedule_id: object) -> Schedule:
    """The schedule with this id if this user owns it; NotFound otherwise."""
    with engine.connect() as conn:
        return owned_schedule(conn, user_id, schedule_id)


def list_schedules(engine: Engine, user_id: int, *, active_only: bool = False) -> list[Schedule]:
    """This user's schedules by name."""
    with engine.connect() as conn:
        return schedules_in(conn, user_id, active_only=active_only)


def schedules_in(conn: Connection, user_id: int, *, active_only: bool = False) -> list[Schedule]:
    """list_schedules inside the caller's transaction."""
    query = select(schedules).where(schedules.c.user_id == user_id).order_by(schedules.c.name)
    if active_only:
        query = query.where(schedules.c.active.is_(True))
    return [schedule_from_row(row._mapping) for row in conn.execute(query)]


def owned_schedule(conn: Connection, user_id: int, schedule_id: object) -> Schedule:
    """owned_row for a schedule inside the caller's transaction; NotFound otherwise."""
    return schedule_from_row(owned_row(conn, schedules, user_id, schedule_id, "schedule")._mapping)


def _checked(conn: Connection, user_id: int, schedule: Schedule) -> dict[str, object]:
    if not isinstance(schedule, Schedule):
        raise TypeError(f"expected a Schedule, got {type(schedule).__name__}")
    errors = FieldErrors()
    name = errors.check("name", v.clean_name, schedule.name)
    starts_on = errors.check("starts_on", v.clean_date, schedule.starts_on)
    shift = errors.check("weekend_shift", v.clean_choice, schedule.weekend_shift, WEEKEND_SHIFTS)
    auto_post = errors.check("auto_post", v.clean_flag, schedule.auto_post)
    active = errors.check("active", v.clean_flag, schedule.active)
    rule = None
    if starts_on is not None:
        try:
            rule = parse_rule(schedule.rrule, starts_on).text
        except InvalidRule as problem:
            errors.add("rrule", str(problem))
        _check_template(conn, user_id, replace(schedule, starts_on=starts_on), errors)
    errors.raise_if_any()
    return {
        "name": name,
        "account_id": schedule.account_id,
        "payee": schedule.payee.strip(),
        "category_id": None if schedule.splits else schedule.category_id,
        "amount_minor": schedule.amount_minor,
        "memo": schedule.memo.replace("\r\n", "\n").strip(),
        "parts": parts_to_json(schedule.splits, schedule.tags),
        "rrule": rule,
        "starts_on": starts_on,
        "weekend_shift": shift,
        "auto_post": auto_post,
        "active": active,
    }


def _check_template(
    conn: Connection, user_id: int, schedule: Schedule, errors: FieldErrors
) -> None:
    """The checks of the transaction it would post, its messages under the same fields."""
    try:
        check_transaction_in(conn, user_id, schedule.transaction_on(schedule.starts_on))
    except ValidationError as refused:
        for field, message in refused.field_errors.items():
            errors.add("starts_on" if field == "date" else field, message)
    except NotFound as missing:
        errors.add("category_id" if "category" in str(missing) else "account_id", str(missing))
