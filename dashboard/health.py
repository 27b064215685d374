"""Health routes: /health (the seed's), /health/live and /health/ready. No login needed.

They report states, never versions, hosts or error texts: those help an attacker, not a probe.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from dashboard import services
from dashboard.extensions import get_health_engine

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def database_ok() -> bool:
    try:
        with get_health_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("health: database unreachable (%s)", type(error).__name__)
        return False


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/health")
def health() -> tuple[Response, int]:
    """200 while the database answers (a down cache only degrades); 503 otherwise. Sessions are
    recorded in the database (Redis holds copies): they work exactly while it answers."""
    db_ok = database_ok()
    cache_ok = services.cache_ping()
    status = "ok" if db_ok and cache_ok else ("degraded" if db_ok else "down")
    body = {
        "status": status,
        "database": "ok" if db_ok else "down",
        "cache": "ok" if cache_ok else "down",
        "sessions": "ok" if db_ok else "down",
    }
    return _no_store(jsonify(body)), 200 if db_ok else 503


@bp.get("/health/live")
def live() -> Response:
    return _no_store(jsonify({"status": "ok"}))


@bp.get("/health/ready")
def ready() -> tuple[Response, int]:
    """Ready to take traffic: the database answers. Not Redis: without it every request still
    works (slower), and taking every pod out of service for a Redis outage would be an outage
    of our own."""
    ok = database_ok()
    body = {"status": "ok" if ok else "unavailable"}
    return _no_store(jsonify(body)), 200 if ok else 503
