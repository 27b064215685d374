"""The benchmark's own keys in the shared Redis: a prefix of its own, never anyone else's keys."""

from __future__ import annotations

import secrets

import redis


class BenchCache:
    """Keys under `ft-bench-<random>:`; the session copies under `<prefix>session:` (see
    dashboard/security/session_copies.py) survive a flush, so "cold" measures the read models
    alone."""

    def __init__(self, redis_url: str) -> None:
        self.url = redis_url
        self.prefix = f"ft-bench-{secrets.token_hex(4)}:"
        self.client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.client.ping()

    def _keys(self) -> list[bytes]:
        return list(self.client.scan_iter(match=self.prefix + "*", count=1000))

    def read_model_keys(self) -> list[bytes]:
        sessions = (self.prefix + "session:").encode()
        return [key for key in self._keys() if not key.startswith(sessions)]

    def flush_read_models(self) -> int:
        """Delete every cached read model of this run: the next overview is cold."""
        keys = self.read_model_keys()
        if keys:
            self.client.delete(*keys)
        return len(keys)

    def close(self) -> None:
        keys = self._keys()
        if keys:
            self.client.delete(*keys)
        self.client.close()
