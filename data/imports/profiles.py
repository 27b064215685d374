"""Saved CSV mappings: picked again when a file with the same header shape arrives.

A profile belongs to an account and a header signature (data/imports/csv_mapping.py); saving
a mapping for the same account and header replaces the one before. Its name is the person's
handle for it (the CLI's --profile), unique per user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update

from data import validation as v
from data.ownership import insert_id, owned_row
from data.schema import accounts, import_profiles


@dataclass(frozen=True)
class Profile:
    id: int
    account_id: int
    name: str
    header_signature: str
    mapping: dict[str, object]


def save_profile(
    engine: Engine, user_id: int, account_id: int, header_signature: str, mapping: dict
) -> Profile:
    """Store `mapping` (CsvMapping.to_json()) for this account and header; named after the
    account the first time ("Checking CSV", "Checking CSV 2" ...), keeping a name once given."""
    # No bump_version: no read model shows profiles, and an import bumps data_version once,
    # in the transaction that stores its lines.
    with engine.begin() as conn:
        account = owned_row(conn, accounts, user_id, account_id, "account")
        key = (
            import_profiles.c.user_id == user_id,
            import_profiles.c.account_id == account.id,
            import_profiles.c.header_signature == header_signature,
        )
        text = json.dumps(mapping, sort_keys=True)
        current = conn.execute(select(import_profiles).where(*key)).one_or_none()
        if current is not None:
            conn.execute(
                update(import_profiles).where(*key).values(mapping=text, updated_at=func.now())
            )
            return Profile(current.id, account.id, current.name, header_signature, mapping)
        names = set(
            conn.execute(
                select(import_profiles.c.name).where(import_profiles.c.user_id == user_id)
            ).scalars()
        )
        base = f"{account.name} CSV"[: v.NAME_MAX - 4]
        name = next(
            candidate
            for candidate in (base, *(f"{base} {n}" for n in range(2, 1000)))
            if candidate not in names
        )
        profile_id = insert_id(
            conn, import_profiles, user_id=user_id, account_id=account.id, name=name,
            header_signature=header_signature, mapping=text,
        )  # fmt: skip
        return Profile(profile_id, account.id, name, header_signature, mapping)


def find_profile(
    engine: Engine, user_id: int, account_id: int | None, header_signature: str
) -> Profile | None:
    """The profile saved for this header: the account's own first, else any of the user's."""
    query = select(import_profiles).where(
        import_profiles.c.user_id == user_id,
        import_profiles.c.header_signature == header_signature,
    )
    with engine.connect() as conn:
        found = conn.execute(query.order_by(import_profiles.c.updated_at.desc())).all()
    rows = sorted(found, key=lambda row: row.account_id != account_id)
    return _profile(rows[0]) if rows else None


def profile_named(engine: Engine, user_id: int, name: str) -> Profile | None:
    query = select(import_profiles).where(
        import_profiles.c.user_id == user_id,
        func.lower(import_profiles.c.name) == name.strip().lower(),
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return _profile(row) if row is not None else None


def _profile(row: object) -> Profile:
    return Profile(
        row.id,  # type: ignore[attr-defined]
        row.account_id,  # type: ignore[attr-defined]
        row.name,  # type: ignore[attr-defined]
        row.header_signature,  # type: ignore[attr-defined]
        json.loads(row.mapping),  # type: ignore[attr-defined]
    )
