"""data/sessions.py and the session side of data/users.py: the rows behind every session, on
both dialects."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, select, text

from data import sessions
from data.db import make_engine
from data.migrate import alembic_config, upgrade_to_head
from data.schema import user_sessions, users
from data.users import live_session_user, set_password_hash
from tests.conftest import make_user

NOW = 1_900_000_000
LATER = NOW + 3600


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(user_sessions)).scalar_one()


def test_a_session_is_read_with_its_user_in_one_row(engine, user_id):
    sessions.insert_session(engine, "a" * 64, user_id, '{"k":1}', LATER)
    record = sessions.read_session(engine, "a" * 64, NOW)
    assert (record.user_id, record.data, record.version) == (user_id, '{"k":1}', 1)
    assert (record.user.id, record.user.username, record.user.session_version) == (
        user_id,
        "alice",
        1,
    )


def test_an_anonymous_session_has_no_user(engine):
    sessions.insert_session(engine, "b" * 64, None, "{}", LATER)
    record = sessions.read_session(engine, "b" * 64, NOW)
    assert (record.user_id, record.user) == (None, None)


def test_an_update_bumps_the_version_and_never_revives_a_deleted_session(engine, user_id):
    sessions.insert_session(engine, "a" * 64, user_id, "{}", LATER)
    assert sessions.update_session(engine, "a" * 64, '{"x":2}', LATER) == 2
    assert sessions.read_session(engine, "a" * 64, NOW).data == '{"x":2}'
    sessions.delete_session(engine, "a" * 64)
    assert sessions.update_session(engine, "a" * 64, '{"x":3}', LATER) is None
    assert sessions.read_session(engine, "a" * 64, NOW) is None
    assert _count(engine) == 0


def test_an_expired_session_is_not_read(engine, user_id):
    sessions.insert_session(engine, "a" * 64, user_id, "{}", NOW)
    assert sessions.read_session(engine, "a" * 64, NOW) is None
    assert live_session_user(engine, user_id, "a" * 64, NOW) is None
    assert sessions.read_session(engine, "a" * 64, NOW - 1) is not None


def test_the_user_of_a_live_session_comes_joined_to_that_session_only(engine, user_id):
    bob = make_user(engine, "bob")
    sessions.insert_session(engine, "a" * 64, user_id, "{}", LATER)
    sessions.insert_session(engine, "b" * 64, bob, "{}", LATER)
    found = live_session_user(engine, user_id, "a" * 64, NOW)
    assert (found.id, found.session_version) == (user_id, 1)
    # bob's session never loads alice, nor an unknown session anybody.
    assert live_session_user(engine, user_id, "b" * 64, NOW) is None
    assert live_session_user(engine, user_id, "c" * 64, NOW) is None


def test_a_password_change_deletes_every_session_of_that_user_only(engine, user_id):
    bob = make_user(engine, "bob")
    for n, owner in enumerate([user_id, user_id, bob, None]):
        sessions.insert_session(engine, str(n) * 64, owner, "{}", LATER)
    set_password_hash(engine, user_id, "$argon2id$new")
    with engine.connect() as conn:
        left = conn.execute(select(user_sessions.c.user_id)).scalars().all()
        epoch = conn.execute(select(users.c.session_epoch).where(users.c.id == user_id))
        assert epoch.scalar_one() == 1
    assert sorted(left, key=str) == sorted([bob, None], key=str)


def test_deleting_a_user_deletes_their_sessions(engine, user_id):
    sessions.insert_session(engine, "a" * 64, user_id, "{}", LATER)
    with engine.begin() as conn:
        conn.execute(users.delete().where(users.c.id == user_id))
    assert _count(engine) == 0


def test_pruning_deletes_expired_rows_in_bounded_batches(engine, user_id, monkeypatch):
    for n in range(3):
        sessions.insert_session(engine, str(n) * 64, user_id, "{}", NOW - n)
    sessions.insert_session(engine, "f" * 64, user_id, "{}", LATER)
    monkeypatch.setattr(sessions, "PRUNE_BATCH", 2)
    assert sessions.prune_expired(engine, NOW) == 2
    assert sessions.prune_expired(engine, NOW) == 1
    assert sessions.prune_expired(engine, NOW) == 0
    assert sessions.read_session(engine, "f" * 64, NOW) is not None


@pytest.fixture(params=["sqlite", "postgresql"])
def url_at_0002(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_database_factory")()
    return f"sqlite:///{tmp_path / 'old.sqlite3'}"


def test_a_database_at_0002_upgrades_with_its_users_kept_and_no_sessions(url_at_0002):
    engine = make_engine(url_at_0002)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(text("INSERT INTO users (username) VALUES ('kept')"))
    upgrade_to_head(engine)
    with engine.connect() as conn:
        assert conn.execute(select(users.c.username)).scalars().all() == ["kept"]
    assert _count(engine) == 0
    engine.dispose()
