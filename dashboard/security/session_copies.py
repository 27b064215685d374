"""Copies of session rows in Redis: read first, written through, never required.

The database holds every session (data/sessions.py); Redis, when configured, holds a copy of
each, so a request usually reads its session without a database round trip. Nothing here fails a
request: a Redis error counts as a miss (the database answers), is logged once per outage, and
Redis is left alone for RETRY_AFTER_S, so a dead Redis costs one refused or timed-out call per
worker per back-off. A copy may go stale (written while Redis was down, or kept by appendonly
after its session ended): the version check at user load (dashboard/security/session_store.py)
and the liveness join (data/users.py) make a stale copy harmless.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0


class SessionCopy(NamedTuple):
    user_id: int | None
    data: str
    version: int


class SessionCopies:
    """Session copies under `key_prefix` + sha256 of the id; they expire with the idle timeout."""

    def __init__(self, client: redis.Redis, key_prefix: str, ttl_s: int) -> None:
        self.client, self.key_prefix, self.ttl_s = client, key_prefix, ttl_s
        self.retry_after_s = RETRY_AFTER_S
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._down = False

    def get(self, id_hash: str) -> SessionCopy | None:
        """The copy, or None: missing, unreadable, or Redis unavailable."""
        raw = self._call("read", self.client.get, self.key_prefix + id_hash)
        if raw is None:
            return None
        try:
            copy = json.loads(raw)
            return SessionCopy(copy["user_id"], copy["data"], int(copy["version"]))
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, id_hash: str, copy: SessionCopy) -> None:
        payload = json.dumps(copy._asdict(), separators=(",", ":"))
        self._call("write", self.client.set, self.key_prefix + id_hash, payload, ex=self.ttl_s)

    def delete(self, id_hash: str) -> None:
        self._call("delete", self.client.delete, self.key_prefix + id_hash)

    def _call(self, operation: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._retry_at:
            return None
        try:
            result = call(*args, **kwargs)
        except (RedisError, OSError) as error:
            with self._lock:
                first = not self._down
                self._down = True
                self._retry_at = time.monotonic() + self.retry_after_s
            if first:
                logger.warning(
                    "Redis unavailable for session copies (%s on %s): sessions are read from "
                    "the database until it is back",
                    type(error).__name__,
                    operation,
                )
            return None
        if self._down:
            with self._lock:
                back, self._down = self._down, False
            if back:
                logger.warning("Redis is back: session copies are read from it again")
        return result
