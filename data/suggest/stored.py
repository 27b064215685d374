"""Each user's category model kept in the database (table category_models), so the web
workers and the background worker share one, trained off the request path.

A model learned from an older data_version is still the user's habits: the entry form uses it
rather than train during a request (`train=False`); the background jobs train a new one.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from data.schema import category_models
from data.suggest.history import train_for_user
from data.suggest.model import CategoryModel

# The bytes stored for "no model": too little history to guess from.
NO_MODEL = b""


def model_for(engine: Engine, user_id: int, version: int, *, train: bool) -> CategoryModel | None:
    """The model of `version` (trained and stored now if `train` and it is missing), else
    the last one stored, else None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(category_models.c.data_version, category_models.c.model).where(
                category_models.c.user_id == user_id
            )
        ).first()
    if row is not None and (row.data_version == version or not train):
        return _loaded(bytes(row.model))
    if not train:
        return None
    model = train_for_user(engine, user_id)
    stored = NO_MODEL if model is None else model.to_bytes()
    try:
        with engine.begin() as conn:
            conn.execute(delete(category_models).where(category_models.c.user_id == user_id))
            conn.execute(
                insert(category_models).values(user_id=user_id, data_version=version, model=stored)
            )
    except IntegrityError:
        pass  # another process stored one at the same moment: either is the user's
    return model


def stored_version(engine: Engine, user_id: int) -> int | None:
    """The data_version the stored model learned from, or None without one."""
    query = select(category_models.c.data_version).where(category_models.c.user_id == user_id)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def _loaded(data: bytes) -> CategoryModel | None:
    return None if data == NO_MODEL else CategoryModel.from_bytes(data)
