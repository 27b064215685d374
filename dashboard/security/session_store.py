"""Server-side sessions and their life: started at login, checked per request, ended at logout.

The cookie holds only a random session id. The record of every session is a database row keyed
by the id's sha256 (data/sessions.py), so sessions outlive a Redis outage. With REDIS_URL set,
Redis holds a copy of each row, read first and written through
(dashboard/security/session_copies.py); without it (the embedded default) the database alone
serves them: one code path either way.

Revocation never depends on Redis: the signed-in user is loaded joined to the session's row
(live_user), so a session deleted by a logout, a password change or expiry is refused in every
worker at once, even while Redis serves an old copy of it; a copy of another version than the
row's is replaced from the database. A signed-in request costs one SQL statement either way.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
import time
from datetime import timedelta
from typing import Any, cast

import redis
from flask import Flask, Request, Response, current_app, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from flask_login import login_user, logout_user
from werkzeug.datastructures import CallbackDict
from werkzeug.local import LocalProxy

from dashboard.extensions import get_engine
from dashboard.security.headers import DATABASE_UNAVAILABLE_ERRORS
from dashboard.security.session_copies import SessionCopies, SessionCopy
from dashboard.settings import Settings
from data import sessions, users
from data.users import SessionUser

COOKIE_NAME = "ft_session"
# Keys of our own next to Flask-Login's: the user's epoch at login, and two Unix times.
EPOCH, LOGIN_AT, SEEN_AT = "ft_epoch", "ft_login_at", "ft_seen_at"
# The idle clock is written back at most this often: one Dash page load makes a dozen requests,
# and each write is a database round trip.
SEEN_AT_RESOLUTION_S = 60
# New sessions (per process) between two prunes of expired rows: bounded, amortised work.
PRUNE_EVERY = 100
# What secrets.token_urlsafe(32) makes; any other cookie value is no session at all.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")


def hash_of(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def session_config(settings: Settings) -> dict[str, Any]:
    """Flask's cookie settings: attributes and lifetime (the idle timeout, pushed back by
    touch() as requests come)."""
    return {
        "SESSION_COOKIE_NAME": COOKIE_NAME,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure,
        "PERMANENT_SESSION_LIFETIME": timedelta(seconds=settings.session_idle_timeout_s),
        "SESSION_REFRESH_EACH_REQUEST": False,
    }


def init_app(server: Flask, settings: Settings) -> None:
    server.config.update(session_config(settings))
    copies = None
    if settings.redis_url:
        timeout = settings.redis_socket_timeout_s
        client = redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
        )
        prefix = settings.cache_key_prefix + "session:"
        copies = SessionCopies(client, prefix, settings.session_idle_timeout_s)
    server.session_interface = RecordedSessionInterface(copies, settings.session_idle_timeout_s)


class StoredSession(CallbackDict, SessionMixin):
    """A session's values with what the store knows of it: its id, owner and version."""

    # Every session lasts the idle timeout (Flask's "permanent"), without a key of its own.
    permanent = True

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        sid: str | None = None,
        owner_id: int | None = None,
        version: int = 0,
    ) -> None:
        def on_update(_self: StoredSession) -> None:
            _self.modified = True

        super().__init__(data or {}, on_update)
        self.sid = sid or secrets.token_urlsafe(32)
        self.is_new = sid is None
        self.owner_id, self.version = owner_id, version
        self.modified = False
        # The user row read in the same query as the session: the user loader needs no other.
        self.loaded_user: SessionUser | None = None
        # A database error met while reading or saving: the guard raises it (a 503 page), and
        # the session is not saved over what the database holds.
        self.failure: Exception | None = None

    @property
    def id_hash(self) -> str:
        return hash_of(self.sid)

    def renew(self) -> None:
        """A new id for these values; the store has nothing under it yet."""
        self.sid, self.is_new = secrets.token_urlsafe(32), True
        self.owner_id, self.version, self.loaded_user = None, 0, None
        self.modified = True

    def replace(self, data: dict[str, Any], version: int) -> None:
        """The values as the database holds them (the copy read was stale); not a change."""
        self.clear()
        self.update(data)
        self.version, self.modified = version, False


class RecordedSessionInterface(SessionInterface):
    """Sessions recorded in the database, copied to Redis when there is one."""

    serializer = TaggedJSONSerializer()

    def __init__(self, copies: SessionCopies | None, idle_timeout_s: int) -> None:
        self.copies = copies
        self.idle_timeout_s = idle_timeout_s
        self.prune_every = PRUNE_EVERY
        self._inserts = itertools.count()

    def open_session(self, app: Flask, request: Request) -> StoredSession:
        sid = request.cookies.get(self.get_cookie_name(app), "")
        if not SESSION_ID.fullmatch(sid):
            return StoredSession()
        copy = self.copies.get(hash_of(sid)) if self.copies else None
        if copy is not None:
            return StoredSession(self.serializer.loads(copy.data), sid, copy.user_id, copy.version)
        try:
            record = sessions.read_session(get_engine(), hash_of(sid), int(time.time()))
        except DATABASE_UNAVAILABLE_ERRORS as error:
            unread = StoredSession()
            unread.failure = error
            return unread
        if record is None:
            # Unknown, ended or expired: a new session, never under an id the client chose.
            return StoredSession()
        stored = StoredSession(self.serializer.loads(record.data), sid, record.user_id)
        stored.version, stored.loaded_user = record.version, record.user
        self._copy(stored, record.data)
        return stored

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, StoredSession)
        if session.failure is not None:
            return
        try:
            self._save(session)
        except DATABASE_UNAVAILABLE_ERRORS as error:
            # Flask saves once more after the error page: that attempt must not write either.
            session.failure = error
            raise
        if not session:
            if session.modified:
                response.delete_cookie(
                    self.get_cookie_name(app),
                    domain=self.get_cookie_domain(app),
                    path=self.get_cookie_path(app),
                    secure=self.get_cookie_secure(app),
                    httponly=self.get_cookie_httponly(app),
                    samesite=self.get_cookie_samesite(app),
                )
            return
        if session.modified:
            response.set_cookie(
                self.get_cookie_name(app),
                session.sid,
                expires=self.get_expiration_time(app, session),
                domain=self.get_cookie_domain(app),
                path=self.get_cookie_path(app),
                secure=self.get_cookie_secure(app),
                httponly=self.get_cookie_httponly(app),
                samesite=self.get_cookie_samesite(app),
            )

    def _save(self, session: StoredSession) -> None:
        if not session:
            if not session.is_new:
                self._delete(session.id_hash)
            return
        if not session.modified:
            return
        owner_id = _owner_of(session)
        if not session.is_new and owner_id != session.owner_id:
            # A session changes hands only under a new id: an id known before is worth nothing.
            self.regenerate(session)
        now = int(time.time())
        data = self.serializer.dumps(dict(session))
        expires_at = now + self.idle_timeout_s
        engine = get_engine()
        version: int | None
        if session.is_new:
            version = sessions.insert_session(engine, session.id_hash, owner_id, data, expires_at)
            if next(self._inserts) % self.prune_every == 0:
                sessions.prune_expired(engine, now)
        else:
            version = sessions.update_session(engine, session.id_hash, data, expires_at)
            if version is None:
                # Ended meanwhile (a logout elsewhere, a password change): never written back.
                session.modified = False
                return
        session.is_new, session.owner_id, session.version = False, owner_id, version
        self._copy(session, data)

    def regenerate(self, session: StoredSession) -> None:
        """A new id for this session's values; the old id's row and copy are deleted."""
        if not session.is_new:
            self._delete(session.id_hash)
        session.renew()

    def refresh(self, session: StoredSession) -> bool:
        """Replace values read from a stale copy with the database's; False if the row is gone."""
        record = sessions.read_session(get_engine(), session.id_hash, int(time.time()))
        if record is None:
            return False
        session.replace(self.serializer.loads(record.data), record.version)
        self._copy(session, record.data)
        return True

    def _copy(self, session: StoredSession, data: str) -> None:
        if self.copies is not None:
            copy = SessionCopy(session.owner_id, data, session.version)
            self.copies.put(session.id_hash, copy)

    def _delete(self, id_hash: str) -> None:
        sessions.delete_session(get_engine(), id_hash)
        if self.copies is not None:
            self.copies.delete(id_hash)


def _owner_of(values: StoredSession) -> int | None:
    user_id = values.get("_user_id")
    return int(user_id) if isinstance(user_id, str) and user_id.isdigit() else None


def _stored_session() -> StoredSession:
    """The object behind flask.session, which Flask types as the bare SessionMixin although it
    is a proxy: a StoredSession, the only kind RecordedSessionInterface.open_session makes."""
    proxy = cast("LocalProxy[SessionMixin]", session)
    return cast(StoredSession, proxy._get_current_object())


def _interface() -> RecordedSessionInterface:
    """The app's session interface, typed by Flask as the base class; install() sets ours."""
    return cast(RecordedSessionInterface, current_app.session_interface)


def raise_if_unreadable() -> None:
    """The database error met reading this request's session, raised where its 503 handler
    answers (the guard), not inside Flask's session opening, where it would be a 500."""
    failure = _stored_session().failure
    if failure is not None:
        raise failure


def live_user(user_id: int) -> SessionUser | None:
    """The user of this request's session while that session is live in the database, or None.

    The row came with the session when the database served it; after a Redis read it is one
    query joined to the session's row, whose version tells whether the copy was stale.
    """
    current = _stored_session()
    if not isinstance(current, StoredSession) or current.is_new:
        return None
    if current.loaded_user is not None:
        return current.loaded_user if current.loaded_user.id == user_id else None
    found = users.live_session_user(get_engine(), user_id, current.id_hash, int(time.time()))
    if found is None or found.session_version == current.version:
        return found
    return found if _interface().refresh(current) else None


def start_session(user: Any, now: float) -> None:
    """Log `user` in under a new session id: an id handed out before login is worth nothing."""
    session.clear()
    login_user(user)
    session[EPOCH] = user.session_epoch
    session[LOGIN_AT] = session[SEEN_AT] = int(now)
    _interface().regenerate(_stored_session())


def end_session() -> None:
    """Log out and delete the session's row and copy; its cookie is cleared in the response."""
    if session:
        # A fresh id first, so whatever this request still writes never lands under the old one.
        _interface().regenerate(_stored_session())
    logout_user()
    session.clear()


def is_current(user: Any, settings: Settings, now: float) -> bool:
    """False when the password changed since login, or a timeout has passed."""
    return (
        session.get(EPOCH) == user.session_epoch
        and now - session.get(LOGIN_AT, 0) <= settings.session_absolute_timeout_s
        and now - session.get(SEEN_AT, 0) <= settings.session_idle_timeout_s
    )


def touch(now: float) -> None:
    """Restart the idle clock (and the row's and copy's expiry with it)."""
    if now - session.get(SEEN_AT, 0) >= SEEN_AT_RESOLUTION_S:
        session[SEEN_AT] = int(now)
