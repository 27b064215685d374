"""Extensions created once and bound to the app in create_app(): the cache and the database."""

from __future__ import annotations

from flask import Flask, current_app
from flask_caching import Cache
from sqlalchemy import Engine

from dashboard.settings import Settings
from data.db import shared_engine

cache = Cache()


def cache_config(settings: Settings) -> dict[str, object]:
    """Redis when REDIS_URL is set (bounded socket timeouts), an in-process cache otherwise."""
    common = {
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout_s,
        "CACHE_KEY_PREFIX": settings.cache_key_prefix,
    }
    if not settings.redis_url:
        return {**common, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    return {
        **common,
        "CACHE_TYPE": "dashboard.cache_backend.ResilientRedisCache",
        "CACHE_REDIS_URL": settings.redis_url,
        "CACHE_OPTIONS": {
            "socket_timeout": settings.redis_socket_timeout_s,
            "socket_connect_timeout": settings.redis_socket_timeout_s,
            "health_check_interval": 30,
        },
    }


# Probes answer within about a second: a database that takes longer is not ready.
HEALTH_TIMEOUT_MS = 1000


def init_database(app: Flask, settings: Settings) -> Engine:
    engine = shared_engine(settings.resolved_database_url, settings.statement_timeout_ms)
    app.extensions["ft_engine"] = engine
    app.extensions["ft_health_engine"] = shared_engine(
        settings.resolved_database_url, HEALTH_TIMEOUT_MS, connect_timeout_s=1
    )
    return engine


def get_health_engine() -> Engine:
    """An engine of its own for the probes: 1 s to connect, 1 s per query, its own pool, so a
    probe never waits behind busy request connections."""
    return current_app.extensions["ft_health_engine"]


def get_engine() -> Engine:
    """The engine of the app handling this request (or CLI command)."""
    return current_app.extensions["ft_engine"]


def get_settings() -> Settings:
    return current_app.extensions["ft_settings"]
