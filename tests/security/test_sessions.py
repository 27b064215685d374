"""Server-side sessions, on the database alone and with copies in a real Redis: a new id at
login, dead at logout, all of a user's sessions ended by a password change, idle and absolute
timeouts, and nothing stored from which a cookie could be rebuilt."""

from __future__ import annotations

import hashlib
import socket
import time

import pytest
from sqlalchemy import select

from dashboard.security import passwords
from dashboard.security.session_store import COOKIE_NAME, EPOCH, LOGIN_AT, SEEN_AT
from data import sessions, users
from data.schema import user_sessions
from tests.conftest import TEST_PASSWORD, AuthActions, build_app, make_login_user
from tests.security.conftest import db_url_of

pytestmark = pytest.mark.security


def session_id(client) -> str | None:
    cookie = client.get_cookie(COOKIE_NAME)
    return None if cookie is None else cookie.value


def replay(app, sid: str):
    """A fresh client presenting a stolen session id."""
    thief = app.server.test_client()
    thief.set_cookie(COOKIE_NAME, sid)
    return thief


def logged_in(app) -> AuthActions:
    actions = AuthActions(app.server.test_client())
    assert actions.login().status_code == 302
    return actions


def is_logged_in(client) -> bool:
    status = client.get("/_dash-layout").status_code
    assert status in (200, 401)
    return status == 200


def test_login_issues_a_new_session_id_and_the_old_one_is_worthless(store_app, login_user_id):
    actions = AuthActions(store_app.server.test_client())
    actions.client.get("/login")
    before = session_id(actions.client)
    assert before, "the login page keeps its CSRF token in a session"
    assert actions.login().status_code == 302
    after = session_id(actions.client)
    assert after and after != before
    assert is_logged_in(actions.client)
    assert not is_logged_in(replay(store_app, before))


def test_logout_deletes_the_session_so_its_cookie_replays_as_anonymous(store_app, login_user_id):
    actions = logged_in(store_app)
    sid = session_id(actions.client)
    response = actions.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?signed_out=1"
    assert session_id(actions.client) is None
    thief = replay(store_app, sid)
    assert not is_logged_in(thief)
    assert thief.get("/").headers["Location"] == "/login"


def test_a_password_change_ends_every_session_of_that_user(store_app, engine, login_user_id):
    laptop, phone = logged_in(store_app), logged_in(store_app)
    bob = make_login_user(engine, "bob")
    bobs = AuthActions(store_app.server.test_client())
    assert bobs.login("bob").status_code == 302
    passwords.set_password(engine, login_user_id, "a brand new passphrase")
    assert not is_logged_in(laptop.client)
    assert not is_logged_in(phone.client)
    assert is_logged_in(bobs.client), f"user {bob}'s sessions are not alice's"
    assert laptop.login(password=TEST_PASSWORD).status_code == 200
    assert laptop.login(password="a brand new passphrase").status_code == 302


def test_the_absolute_timeout_ends_a_busy_session(store_app, login_user_id):
    actions = logged_in(store_app)
    with actions.client.session_transaction() as session:
        session[LOGIN_AT] -= 12 * 3600 + 1
    assert not is_logged_in(actions.client)
    assert session_id(actions.client) is None


def test_the_idle_timeout_ends_a_quiet_session_and_each_request_restarts_it(
    store_app, login_user_id
):
    idle = 2 * 3600
    actions = logged_in(store_app)
    with actions.client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - idle + 120
    assert is_logged_in(actions.client)
    with actions.client.session_transaction() as session:
        assert session[SEEN_AT] >= int(time.time()) - 5
        session[SEEN_AT] = int(time.time()) - idle - 1
    assert not is_logged_in(actions.client)


def test_the_cookie_is_http_only_same_site_lax_and_secure_when_configured(
    engine, tmp_path, login_user_id
):
    for secure in (False, True):
        app = build_app(db_url_of(engine), tmp_path / str(secure), session_cookie_secure=secure)
        cookie = AuthActions(app.server.test_client()).login().headers["Set-Cookie"]
        assert cookie.startswith(f"{COOKIE_NAME}=")
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def _session_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(select(user_sessions.c.id_hash, user_sessions.c.user_id)).all()


@pytest.mark.redis
def test_sessions_are_rows_under_the_ids_hash_with_a_copy_in_redis_under_their_own_prefix(
    engine, tmp_path, redis_url, redis_key_prefix, login_user_id
):
    import redis

    app = build_app(
        db_url_of(engine), tmp_path, redis_url=redis_url, cache_key_prefix=redis_key_prefix
    )
    actions = logged_in(app)
    sid = session_id(actions.client)
    id_hash = hashlib.sha256(sid.encode()).hexdigest()
    assert _session_rows(engine) == [(id_hash, login_user_id)]
    client = redis.Redis.from_url(redis_url)
    key = f"{redis_key_prefix}session:{id_hash}"
    assert client.exists(key) == 1
    assert 0 < client.ttl(key) <= 2 * 3600
    # Neither a dump of the table nor of Redis holds the cookie's value.
    assert not [k for k in client.scan_iter(match=redis_key_prefix + "*") if sid.encode() in k]
    assert sid.encode() not in client.get(key)
    actions.logout()
    assert client.exists(key) == 0
    assert _session_rows(engine) == []
    client.close()


def test_a_new_session_prunes_expired_rows(store_app, engine, login_user_id):
    store_app.server.session_interface.prune_every = 1
    sessions.insert_session(engine, "e" * 64, login_user_id, "{}", int(time.time()) - 1)
    actions = logged_in(store_app)
    id_hash = hashlib.sha256(session_id(actions.client).encode()).hexdigest()
    assert _session_rows(engine) == [(id_hash, login_user_id)]


def test_a_session_that_changes_hands_without_a_login_gets_a_new_id(
    store_app, engine, login_user_id
):
    client = store_app.server.test_client()
    client.get("/login")
    before = session_id(client)
    epoch = users.session_user(engine, login_user_id).session_epoch
    with client.session_transaction() as values:
        # What a login that forgot to rotate the id would leave behind.
        values.update({"_user_id": str(login_user_id), EPOCH: epoch, LOGIN_AT: int(time.time())})
        values[SEEN_AT] = values[LOGIN_AT]
    after = session_id(client)
    assert after and after != before
    assert is_logged_in(client)
    assert not is_logged_in(replay(store_app, before))


def test_a_database_that_does_not_answer_is_the_503_page_not_a_500(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"postgresql://postgres@127.0.0.1:{probe.getsockname()[1]}/nowhere"
    app = build_app(dead, tmp_path)
    client = app.server.test_client()
    client.set_cookie(COOKIE_NAME, "x" * 43)
    page = client.get("/")
    assert page.status_code == 503
    assert "The database is not answering right now" in page.get_data(as_text=True)
    callback = client.post("/_dash-update-component", json={})
    assert (callback.status_code, callback.get_json()) == (503, {"error": "Service unavailable"})
    assert client.get("/health/live").status_code == 200
