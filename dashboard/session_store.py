"""Server-side sessions and their life: started at login, checked per request, ended at logout.

The cookie holds only a random session id. The data lives in Redis when REDIS_URL is set (under
its own key prefix), else in files under instance/sessions: the embedded default. A store that
cannot be reached is an answer, not a traceback: SessionStoreUnavailable (503).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import redis
from cachelib.file import FileSystemCache
from flask import Flask, Request, Response, current_app, session
from flask.sessions import SessionInterface, SessionMixin
from flask_login import login_user, logout_user
from flask_session import Session
from flask_session.base import ServerSideSession, ServerSideSessionInterface
from redis.exceptions import RedisError
from werkzeug.exceptions import ServiceUnavailable

from dashboard.settings import Settings

logger = logging.getLogger(__name__)

COOKIE_NAME = "ft_session"
# Keys of our own next to Flask-Login's: the user's epoch at login, and two Unix times.
EPOCH, LOGIN_AT, SEEN_AT = "ft_epoch", "ft_login_at", "ft_seen_at"
# The idle clock is written back at most this often: one Dash page load makes a dozen requests,
# and each write is a store round trip.
SEEN_AT_RESOLUTION_S = 60
# Sessions kept in files before the oldest expired ones are pruned (embedded default only).
FILE_STORE_THRESHOLD = 5000
STORE_ERRORS = (RedisError, OSError)


class SessionStoreUnavailable(ServiceUnavailable):
    description = "Sign-in service unavailable, try again shortly."


def session_config(settings: Settings) -> dict[str, Any]:
    """Flask and Flask-Session settings: cookie attributes, lifetime and the store."""
    config: dict[str, Any] = {
        "SESSION_COOKIE_NAME": COOKIE_NAME,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure,
        "SESSION_PERMANENT": True,
        # The store's expiry is the idle timeout; touch() pushes it back as requests come.
        "PERMANENT_SESSION_LIFETIME": timedelta(seconds=settings.session_idle_timeout_s),
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_KEY_PREFIX": settings.cache_key_prefix + "session:",
    }
    if settings.redis_url:
        timeout = settings.redis_socket_timeout_s
        config["SESSION_TYPE"] = "redis"
        config["SESSION_REDIS"] = redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
        )
    else:
        config["SESSION_TYPE"] = "cachelib"
        config["SESSION_CACHELIB"] = FileSystemCache(
            str(settings.instance_path / "sessions"), threshold=FILE_STORE_THRESHOLD
        )
    return config


def init_app(server: Flask, settings: Settings) -> None:
    server.config.update(session_config(settings))
    Session().init_app(server)
    server.session_interface = ResilientSessionInterface(server.session_interface)


class ResilientSessionInterface(SessionInterface):
    """Flask-Session's interface, with store failures turned into SessionStoreUnavailable.

    A session that could not be read is marked `store_unavailable` (the guard answers 503 for
    any route that needs it) and is never written back over what the store holds.
    """

    def __init__(self, store: ServerSideSessionInterface) -> None:
        self.store = store

    def open_session(self, app: Flask, request: Request) -> ServerSideSession:
        try:
            return self.store.open_session(app, request)
        except STORE_ERRORS as error:
            logger.warning("session store unreachable on read (%s)", type(error).__name__)
            unread = self.store.session_class(sid=None, permanent=True)
            unread.store_unavailable = True
            return unread

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if getattr(session, "store_unavailable", False):
            return
        try:
            self.store.save_session(app, session, response)
        except STORE_ERRORS as error:
            logger.warning("session store unreachable on write (%s)", type(error).__name__)
            # Flask saves again after the error page; this marks that second attempt as futile.
            session.store_unavailable = True
            raise SessionStoreUnavailable() from error

    def reachable(self) -> bool:
        """A round trip to Redis (the file store is always there), before a page that writes."""
        client = getattr(self.store, "client", None)
        if client is None:
            return True
        try:
            return bool(client.ping())
        except STORE_ERRORS as error:
            logger.warning("session store unreachable on ping (%s)", type(error).__name__)
            return False

    def regenerate(self, session: ServerSideSession) -> None:
        """A new id for this session's data; the old id is deleted from the store."""
        try:
            self.store.regenerate(session)
        except STORE_ERRORS as error:
            raise SessionStoreUnavailable() from error


def store_unavailable(will_write: bool = False) -> bool:
    """True if this request's session could not be read, or (`will_write`, for a page that
    stores something in a session not saved yet) the store does not answer now."""
    current = session._get_current_object()
    if getattr(current, "store_unavailable", False):
        return True
    return will_write and not current and not current_app.session_interface.reachable()


def start_session(user: Any, now: float) -> None:
    """Log `user` in under a new session id: an id handed out before login is worth nothing."""
    session.clear()
    login_user(user)
    session[EPOCH] = user.session_epoch
    session[LOGIN_AT] = session[SEEN_AT] = int(now)
    current_app.session_interface.regenerate(session._get_current_object())


def end_session() -> None:
    """Log out and delete the session from the store; its cookie is cleared in the response."""
    if session:
        # A fresh id first, so whatever this request still writes never lands under the old one.
        current_app.session_interface.regenerate(session._get_current_object())
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
    """Restart the idle clock (and the store's expiry with it)."""
    if now - session.get(SEEN_AT, 0) >= SEEN_AT_RESOLUTION_S:
        session[SEEN_AT] = int(now)
