"""Tags: names a person puts on transactions and split parts, any number of each.

A tag is created the first time a name is used and matched by name afterwards, whatever its
case or spacing ("holiday  2026" is the "Holiday 2026" tag). The links are rows of
transaction_tags and split_tags, written in the same DB transaction as the entry they belong
to (data/writes.py). Renaming, merging and deleting are the use cases at the bottom; each is
one DB transaction that starts with bump_version like every write.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, update

from data.db import connection
from data.frames import frame_of
from data.ownership import bump_version, insert_id, owned_row
from data.schema import goals, split_tags, tags, transaction_tags
from data.validation import FieldErrors, Invalid, ValidationError

TAG_MAX = 50
MAX_TAGS = 20


def clean_tag(value: object) -> str:
    """A tag name as stored: single spaces, no control characters, 1..TAG_MAX characters."""
    if not isinstance(value, str):
        raise Invalid("Enter a tag as text.")
    name = " ".join(value.split())
    if not name:
        raise Invalid("Enter a tag name.")
    if len(name) > TAG_MAX:
        raise Invalid(f"A tag has at most {TAG_MAX} characters (this one has {len(name)}).")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in name):
        raise Invalid("Remove the control characters.")
    return name


def clean_tags(values: object) -> tuple[str, ...]:
    """Tag names as stored: each cleaned, the same name (any case) once, sorted for display."""
    if not isinstance(values, tuple | list):
        raise Invalid("Expected a list of tags.")
    names: dict[str, str] = {}
    for value in values:
        name = clean_tag(value)
        names.setdefault(name.casefold(), name)
    if len(names) > MAX_TAGS:
        raise Invalid(f"At most {MAX_TAGS} tags.")
    return tuple(sorted(names.values(), key=str.casefold))


def tag_ids(conn: Connection, user_id: int, names: Sequence[str]) -> list[int]:
    """The ids of these tags of the user, creating those that do not exist yet."""
    if not names:
        return []
    wanted = {name.casefold(): name for name in names}
    # Matched in Python: SQLite's lower() knows ASCII only, and a user has few tags.
    found = {name.casefold(): tag_id for tag_id, name in _user_tags(conn, user_id)}
    for key, name in wanted.items():
        if key not in found:
            found[key] = insert_id(conn, tags, user_id=user_id, name=name)
    return [found[key] for key in wanted]


def link_transaction_tags(
    conn: Connection, user_id: int, transaction_id: int, names: Sequence[str]
) -> None:
    """The transaction's tags become exactly `names`."""
    conn.execute(
        delete(transaction_tags).where(transaction_tags.c.transaction_id == transaction_id)
    )
    for tag_id in tag_ids(conn, user_id, names):
        link = {"user_id": user_id, "transaction_id": transaction_id, "tag_id": tag_id}
        conn.execute(insert(transaction_tags).values(**link))


def link_split_tags(conn: Connection, user_id: int, split_id: int, names: Sequence[str]) -> None:
    """Tags of a part just inserted (parts are replaced, never edited in place)."""
    for tag_id in tag_ids(conn, user_id, names):
        conn.execute(insert(split_tags).values(user_id=user_id, split_id=split_id, tag_id=tag_id))


def names_by_transaction(
    conn: Connection, user_id: int, transaction_ids: Iterable[int]
) -> dict[int, list[str]]:
    """Each transaction's tag names, sorted; transactions without tags are left out."""
    return _names(conn, user_id, transaction_tags, "transaction_id", list(transaction_ids))


def names_by_split(
    conn: Connection, user_id: int, split_ids: Iterable[int]
) -> dict[int, list[str]]:
    """Each part's tag names, sorted; parts without tags are left out."""
    return _names(conn, user_id, split_tags, "split_id", list(split_ids))


def _names(
    conn: Connection, user_id: int, table: Table, owner: str, ids: list[int]
) -> dict[int, list[str]]:
    if not ids:
        return {}
    query = (
        select(table.c[owner], tags.c.name)
        .join(tags, tags.c.id == table.c.tag_id)
        .where(tags.c.user_id == user_id, table.c[owner].in_(ids))
    )
    names: dict[int, list[str]] = {}
    for owner_id, name in conn.execute(query):
        names.setdefault(owner_id, []).append(name)
    return {owner: sorted(found, key=str.casefold) for owner, found in names.items()}


# --- reads and use cases of the Accounts, categories & tags page --------------------------------


def list_tags(engine: Engine, user_id: int) -> pd.DataFrame:
    """DataFrame[id, name, uses]: every tag of the user by name; uses counts transactions and
    parts that carry it."""
    on_transactions = (
        select(func.count())
        .where(transaction_tags.c.tag_id == tags.c.id)
        .correlate(tags)
        .scalar_subquery()
    )
    on_parts = (
        select(func.count())
        .where(split_tags.c.tag_id == tags.c.id)
        .correlate(tags)
        .scalar_subquery()
    )
    query = (
        select(tags.c.id, tags.c.name, (on_transactions + on_parts).label("uses"))
        .where(tags.c.user_id == user_id)
        .order_by(func.lower(tags.c.name), tags.c.id)
    )
    with connection(engine) as conn:
        rows = conn.execute(query).all()
    frame = frame_of(rows, ["id", "name", "uses"])
    return frame.astype({"id": "int64", "uses": "int64"})


def rename_tag(engine: Engine, user_id: int, tag_id: int, name: object) -> None:
    """Rename a tag; a name another tag has (any case) is refused: merge them instead."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        tag = owned_row(conn, tags, user_id, tag_id, "tag")
        errors = FieldErrors()
        new_name = errors.check("name", clean_tag, name)
        if new_name is not None and _other_named(conn, user_id, tag.id, new_name):
            errors.add("name", f"There is a tag named {new_name} already: merge the two instead.")
        errors.raise_if_any()
        conn.execute(update(tags).where(tags.c.id == tag.id).values(name=new_name))


def merge_tags(engine: Engine, user_id: int, source_id: int, target_id: int) -> None:
    """Everything tagged with the source gets the target tag; the source tag is deleted."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        source = owned_row(conn, tags, user_id, source_id, "tag")
        target = owned_row(conn, tags, user_id, target_id, "tag")
        if source.id == target.id:
            raise ValidationError({"target_id": "Choose another tag to merge into."})
        for table, owner in ((transaction_tags, "transaction_id"), (split_tags, "split_id")):
            have_target = select(table.c[owner]).where(table.c.tag_id == target.id)
            conn.execute(
                update(table)
                .where(table.c.tag_id == source.id, table.c[owner].not_in(have_target))
                .values(tag_id=target.id)
            )
        # A goal that counted the source counts the merged tag, which now has its lines.
        conn.execute(
            update(goals)
            .where(goals.c.user_id == user_id, goals.c.tag_id == source.id)
            .values(tag_id=target.id)
        )
        conn.execute(delete(tags).where(tags.c.id == source.id))


def delete_tag(engine: Engine, user_id: int, tag_id: int) -> None:
    """Delete a tag: it comes off every transaction and part; nothing else changes."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        tag = owned_row(conn, tags, user_id, tag_id, "tag")
        # Refused rather than leaving a goal that counts nothing: the person decides what the
        # goal counts instead (or deletes it) on the goals page.
        names = (
            conn.execute(
                select(goals.c.name).where(goals.c.user_id == user_id, goals.c.tag_id == tag.id)
            )
            .scalars()
            .all()
        )
        if names:
            raise ValidationError({"tag": goal_uses_tag_message(tag.name, names)})
        conn.execute(delete(tags).where(tags.c.id == tag.id))


def goal_uses_tag_message(tag: str, goal_names: Sequence[str]) -> str:
    listed = ", ".join(sorted(goal_names))
    noun = "goal" if len(goal_names) == 1 else "goals"
    return (
        f"The {noun} {listed} counts the tag {tag}: change or delete the {noun} on the "
        "goals page first."
    )


def _other_named(conn: Connection, user_id: int, tag_id: int, name: str) -> bool:
    key = name.casefold()
    return any(
        other != tag_id and found.casefold() == key for other, found in _user_tags(conn, user_id)
    )


def _user_tags(conn: Connection, user_id: int) -> list[tuple[int, str]]:
    query = select(tags.c.id, tags.c.name).where(tags.c.user_id == user_id)
    return [(row.id, row.name) for row in conn.execute(query)]
