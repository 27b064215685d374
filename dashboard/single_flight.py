"""Single flight for cold read models: concurrent misses of one cache key compute it once.

After a write every read model of the user misses at once, and a page fires its callbacks in
parallel (the browser's six connections, and other tabs or devices): without this, each of
them would run the same aggregate. The key already names the user, the data_version and the
arguments, so whoever computes it computes exactly what every waiter asked for.

- Redis (shared by every gunicorn worker): a lock key `flight:<key>` set with NX and a TTL,
  holding a random token and released by compare-and-delete. The others poll the value key
  (and whether the lock is still held) in one round trip, with a growing pause; a waiter whose
  holder is a thread of its own process waits on that holder's event instead, woken the moment
  the value is stored (a cold overview's request waits for the reads its worker's warm-up
  threads hold: a poll overslept each of them by up to POLL_MAX_S).
- In-process cache (the embedded default, one process): a lock per key.

Nothing waits without bound. A holder that raises releases its lock, and the next waiter takes
it over; a holder that died leaves a lock that expires after LOCK_TTL_MS; past MAX_WAIT_S a
waiter computes on its own. A cache outage makes every caller compute, as before.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from dashboard.cache_backend import ResilientRedisCache
from dashboard.extensions import cache

T = TypeVar("T")

# Longer than a cold read takes at 1M rows (about 1.5 s for the whole overview), so a lock
# expires only when its holder died; a holder slower than this shares the work with one more.
LOCK_TTL_MS = 10_000
# A waiter computes on its own after this: never a wait near gunicorn's 30 s timeout.
MAX_WAIT_S = 10.0
# Waiters poll Redis first after 2 ms (a warm-ish read), then at most every 10 ms: a cold
# view's overview request waits for the reads its page request started (callbacks/
# overview_warmup.py), and a 50 ms step let it oversleep a read by up to 50 ms. A poll is one
# round trip of ~0.1 ms.
POLL_FIRST_S = 0.002
POLL_MAX_S = 0.01


def compute_once(key: str, compute: Callable[[], T]) -> T:
    """The value cached at `key`, computed by `compute()` and stored by one caller at a time."""
    backend = cache.cache
    if isinstance(backend, ResilientRedisCache):
        return _shared(backend, key, compute)
    return _in_process(backend, key, compute)


def _store(key: str, compute: Callable[[], T]) -> T:
    value = compute()
    cache.set(key, value)
    return value


class _LocalHolders:
    """The Redis locks held by threads of this process, each with an event set once its holder
    has stored the value (or failed) and released the lock."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._events: dict[Hashable, threading.Event] = {}

    @contextlib.contextmanager
    def holding(self, key: Hashable) -> Iterator[None]:
        done = threading.Event()
        with self._guard:
            self._events[key] = done
        try:
            yield
        finally:
            with self._guard:
                if self._events.get(key) is done:
                    del self._events[key]
            done.set()

    def event_of(self, key: Hashable) -> threading.Event | None:
        with self._guard:
            return self._events.get(key)

    def __len__(self) -> int:
        with self._guard:
            return len(self._events)


_local_holders = _LocalHolders()


def _shared(backend: ResilientRedisCache, key: str, compute: Callable[[], T]) -> T:
    lock, token = f"flight:{key}", secrets.token_hex(16)
    # By backend too: tests build several apps in one process, each with its own prefix.
    local = (id(backend), key)
    deadline = time.monotonic() + MAX_WAIT_S
    pause = POLL_FIRST_S
    while time.monotonic() < deadline:
        if backend.try_lock(lock, token, LOCK_TTL_MS):
            with _local_holders.holding(local):
                try:
                    # A holder may have stored it between our miss and our lock.
                    value = cache.get(key)
                    return _store(key, compute) if value is None else value
                finally:
                    backend.unlock(lock, token)
        held_here = _local_holders.event_of(local)
        if held_here is not None:
            # The holder is a thread of this process: woken when it is done, no polling.
            held_here.wait(max(0.0, deadline - time.monotonic()))
            value = cache.get(key)
            if value is not None:
                return value
            continue  # it failed: take the lock over
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(pause, left))
            pause = min(pause * 2, POLL_MAX_S)
            value, held = backend.value_and_lock(key, lock)
            if value is not None:
                return value
            if not held:
                break  # the holder failed or expired: take the lock over
            if _local_holders.event_of(local) is not None:
                break  # a thread of this process took it as we polled: wait on its event
    return _store(key, compute)


class _KeyLocks:
    """A lock per key, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Hashable, tuple[threading.Lock, list[int]]] = {}

    @contextlib.contextmanager
    def held(self, key: Hashable, timeout: float) -> Iterator[bool]:
        """Yields whether the lock was taken within `timeout` seconds."""
        with self._guard:
            lock, users = self._locks.setdefault(key, (threading.Lock(), [0]))
            users[0] += 1
        taken = False
        try:
            taken = lock.acquire(timeout=timeout)
            yield taken
        finally:
            if taken:
                lock.release()
            with self._guard:
                users[0] -= 1
                if not users[0]:
                    del self._locks[key]

    def __len__(self) -> int:
        with self._guard:
            return len(self._locks)


_local_locks = _KeyLocks()


def _in_process(backend: Any, key: str, compute: Callable[[], T]) -> T:
    # By backend too: tests (and the CLI) build several apps, each with its own cache.
    with _local_locks.held((id(backend), key), MAX_WAIT_S) as taken:
        if taken:
            value = cache.get(key)
            if value is not None:
                return value
        return _store(key, compute)
