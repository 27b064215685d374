"""Writes to what a ledger is filed under: users, accounts, categories and their groups.

One function per use case, each validated and in one DB transaction that starts with
bump_version (see data/ownership.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Table, delete, func, select, update

from data import validation as v
from data.ownership import bump_version, insert_id, owned_row, update_owned
from data.schema import ACCOUNT_TYPES, CATEGORY_KINDS, accounts, categories, category_groups, users
from data.validation import FieldErrors

# A group's name is often a category's too (Food, Transport): say which kind of name is taken.
_NAME_TAKEN = {category_groups.name: "You already have a group with that name."}


def create_user(
    engine: Engine,
    username: str,
    display_name: str = "",
    currency: str = "EUR",
    password_hash: str | None = None,
) -> int:
    """A new user; without a password_hash they cannot log in until one is set."""
    errors = FieldErrors()
    values = {
        "username": errors.check("username", v.clean_username, username),
        "display_name": errors.check("display_name", v.clean_text, display_name, v.NAME_MAX),
        "currency": errors.check("currency", v.clean_currency, currency),
    }
    if password_hash is not None:
        values["password_hash"] = errors.check(
            "password_hash", v.clean_required_text, password_hash, 255, "Set a password."
        )
    with engine.begin() as conn:
        if values["username"] is not None:
            # Case-insensitive, so "Alice" cannot pass for "alice".
            same = func.lower(users.c.username) == values["username"].lower()
            if conn.execute(select(users.c.id).where(same)).first():
                errors.add("username", "That username is taken.")
        errors.raise_if_any()
        return insert_id(conn, users, **values)


def create_account(
    engine: Engine,
    user_id: int,
    name: str,
    type: str,
    currency: str | None = None,
    opening_balance_minor: int = 0,
) -> int:
    """A new account; its currency defaults to the user's."""
    with engine.begin() as conn:
        user_currency = bump_version(conn, user_id)
        errors = FieldErrors()
        code = errors.check(
            "currency", v.clean_currency, user_currency if currency is None else currency
        )
        values: dict[str, object] = {
            "name": _unique_name(conn, accounts, user_id, name, errors),
            "type": errors.check("type", v.clean_choice, type, ACCOUNT_TYPES),
            "currency": code,
        }
        if code is not None:
            values["opening_balance_minor"] = errors.check(
                "opening_balance_minor", v.clean_amount, opening_balance_minor, code
            )
        errors.raise_if_any()
        return insert_id(conn, accounts, user_id=user_id, **values)


def rename_account(engine: Engine, user_id: int, account_id: int, name: str) -> None:
    _rename(engine, user_id, accounts, account_id, name, "account")


def set_account_archived(engine: Engine, user_id: int, account_id: int, archived: bool) -> None:
    _set_archived(engine, user_id, accounts, account_id, archived, "account")


def create_category(
    engine: Engine,
    user_id: int,
    name: str,
    kind: str,
    parent_id: int | None = None,
    color: str | None = None,
) -> int:
    with engine.begin() as conn:
        bump_version(conn, user_id)
        errors = FieldErrors()
        values = {
            "name": _unique_name(conn, categories, user_id, name, errors),
            "kind": errors.check("kind", v.clean_choice, kind, CATEGORY_KINDS),
            "color": errors.check("color", v.clean_color, color),
        }
        if parent_id is not None:
            parent = owned_row(conn, categories, user_id, parent_id, "category")
            # Reports roll a subcategory up into its parent: mixing kinds would corrupt totals.
            if values["kind"] is not None and parent.kind != values["kind"]:
                errors.add("parent_id", "A subcategory must be of the same kind as its parent.")
            values["parent_id"] = parent.id
        errors.raise_if_any()
        return insert_id(conn, categories, user_id=user_id, **values)


def rename_category(engine: Engine, user_id: int, category_id: int, name: str) -> None:
    _rename(engine, user_id, categories, category_id, name, "category")


def set_category_archived(engine: Engine, user_id: int, category_id: int, archived: bool) -> None:
    _set_archived(engine, user_id, categories, category_id, archived, "category")


def create_group(engine: Engine, user_id: int, name: str) -> int:
    """A new category group (Housing, Food): named like a category, unique per user."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        errors = FieldErrors()
        clean = _unique_name(conn, category_groups, user_id, name, errors)
        errors.raise_if_any()
        return insert_id(conn, category_groups, user_id=user_id, name=clean)


def rename_group(engine: Engine, user_id: int, group_id: int, name: str) -> None:
    _rename(engine, user_id, category_groups, group_id, name, "group")


def delete_group(engine: Engine, user_id: int, group_id: int) -> None:
    """Delete a group; its categories stay, without a group."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        group = owned_row(conn, category_groups, user_id, group_id, "group")
        # Explicit, not left to ON DELETE SET NULL: the same on both dialects, and visible here.
        conn.execute(
            update(categories)
            .where(categories.c.user_id == user_id, categories.c.group_id == group.id)
            .values(group_id=None)
        )
        owned = (category_groups.c.id == group.id, category_groups.c.user_id == user_id)
        conn.execute(delete(category_groups).where(*owned))


def set_category_group(
    engine: Engine, user_id: int, category_id: int, group_id: int | None
) -> None:
    """Put a category in one of the user's groups, or (None) in none."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        category = owned_row(conn, categories, user_id, category_id, "category")
        group = None
        if group_id is not None:
            group = owned_row(conn, category_groups, user_id, group_id, "group").id
        update_owned(conn, categories, user_id, category.id, group_id=group)


def _unique_name(
    conn: Connection,
    table: Table,
    user_id: int,
    name: object,
    errors: FieldErrors,
    renaming_id: int | None = None,
) -> str | None:
    """The cleaned name; a field error if another row of this user already has it."""
    clean = errors.check("name", v.clean_name, name)
    if clean is None:
        return None
    others = select(table.c.id).where(table.c.user_id == user_id, table.c.name == clean)
    if renaming_id is not None:
        others = others.where(table.c.id != renaming_id)
    if conn.execute(others).first():
        errors.add("name", _NAME_TAKEN.get(table.name, "That name is already in use."))
    return clean


def _rename(engine: Engine, user_id: int, table: Table, row_id: int, name: str, noun: str) -> None:
    with engine.begin() as conn:
        bump_version(conn, user_id)
        row = owned_row(conn, table, user_id, row_id, noun)
        errors = FieldErrors()
        clean = _unique_name(conn, table, user_id, name, errors, renaming_id=row.id)
        errors.raise_if_any()
        update_owned(conn, table, user_id, row.id, name=clean)


def _set_archived(
    engine: Engine, user_id: int, table: Table, row_id: int, archived: bool, noun: str
) -> None:
    with engine.begin() as conn:
        bump_version(conn, user_id)
        row = owned_row(conn, table, user_id, row_id, noun)
        errors = FieldErrors()
        flag = errors.check("archived", v.clean_flag, archived)
        errors.raise_if_any()
        update_owned(conn, table, user_id, row.id, archived=flag)
