"""A Redis cache backend that never fails a request: a cache outage only costs speed.

flask-caching already swallows backend errors outside debug mode, but it logs a traceback on
every call and waits a socket timeout each time. This backend answers "miss" at once while Redis
is known to be down, retries after a short back-off, and logs one line per outage.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0

# Deletes a lock only while it still holds the caller's token: a holder whose lock expired and
# was taken by another process never removes the new holder's lock.
_RELEASE_IF_OURS = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads and writes degrade to misses while Redis is unreachable."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _guard(
        self, operation: str, fallback: Any, call: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        if not self.available:
            return fallback
        try:
            return call(*args, **kwargs)
        except (RedisError, OSError) as error:
            with self._lock:
                was_up = self.available
                self._down_until = time.monotonic() + RETRY_AFTER_S
            if was_up:
                logger.warning(
                    "cache unavailable (%s during %s); serving from the database, retry in %.0fs",
                    type(error).__name__,
                    operation,
                    RETRY_AFTER_S,
                )
            return fallback

    def get(self, key: str) -> Any:
        return self._guard("get", None, super().get, key)

    def get_many(self, *keys: str) -> list[Any]:
        return self._guard("get_many", [None] * len(keys), super().get_many, *keys)

    def has(self, key: str) -> bool:
        return self._guard("has", False, super().has, key)

    def set(self, key: str, value: Any, timeout: int | timedelta | None = None) -> Any:
        return self._guard("set", False, super().set, key, value, timeout)

    def set_many(
        self, mapping: dict[str, Any], timeout: int | timedelta | None = None
    ) -> list[Any]:
        return self._guard("set_many", [], super().set_many, mapping, timeout)

    def delete(self, key: str) -> bool:
        return self._guard("delete", False, super().delete, key)

    def delete_many(self, *keys: str) -> list[Any]:
        return self._guard("delete_many", [], super().delete_many, *keys)

    def clear(self) -> bool:
        return self._guard("clear", False, super().clear)

    # --- The lock of dashboard/single_flight.py, under this cache's key prefix ---

    def try_lock(self, name: str, token: str, ttl_ms: int) -> bool:
        """SET NX PX: True when the caller now holds `name`. True too while Redis is down: the
        caller then computes at once, as every request does during an outage."""
        return self._guard(
            "lock",
            True,
            lambda: bool(
                self._write_client.set(self._get_prefix() + name, token, nx=True, px=ttl_ms)
            ),
        )

    def unlock(self, name: str, token: str) -> None:
        """Compare-and-delete: the lock goes only if `token` still holds it."""
        self._guard(
            "unlock",
            0,
            self._write_client.eval,
            _RELEASE_IF_OURS,
            1,
            self._get_prefix() + name,
            token,
        )

    def value_and_lock(self, key: str, name: str) -> tuple[Any, bool]:
        """The value at `key` and whether lock `name` is held, in one round trip. (None, False)
        while Redis is down: the caller stops waiting and computes."""

        def both() -> tuple[Any, bool]:
            pipe = self._read_client.pipeline(transaction=False)
            pipe.get(self._get_prefix() + key)
            pipe.exists(self._get_prefix() + name)
            raw, held = pipe.execute()
            return self.serializer.loads(raw), bool(held)

        return self._guard("poll", (None, False), both)

    def ping(self) -> bool:
        """For /health: a real round trip, whatever the back-off says."""
        try:
            return bool(self._read_client.ping())
        except (RedisError, OSError):
            return False
