"""dashboard/health.py: /health, /health/live and /health/ready without a login, no internals."""

from __future__ import annotations

import socket

from tests.conftest import build_app


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_all_probes_answer_200_when_everything_is_up(app):
    client = app.server.test_client()
    health = client.get("/health")
    assert health.status_code == 200
    assert health.get_json() == {"status": "ok", "database": "ok", "cache": "ok", "sessions": "ok"}
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").get_json() == {"status": "ok"}
    assert health.headers["Cache-Control"] == "no-store"


def test_a_database_that_does_not_answer_is_503_and_not_ready(tmp_path):
    dead = f"postgresql://postgres@127.0.0.1:{_closed_port()}/nowhere"
    app = build_app(dead, tmp_path)
    client = app.server.test_client()
    health = client.get("/health")
    assert health.status_code == 503
    assert health.get_json() == {
        "status": "down",
        "database": "down",
        "cache": "ok",
        "sessions": "down",
    }
    assert client.get("/health/ready").status_code == 503
    # The process itself is alive: no restart for a database outage.
    assert client.get("/health/live").status_code == 200
    assert "127.0.0.1" not in health.get_data(as_text=True)


def test_probes_use_their_own_engine_with_one_second_limits(app):
    probe = app.server.extensions["ft_health_engine"]
    requests_engine = app.server.extensions["ft_engine"]
    assert probe is not requests_engine
    assert probe.url == requests_engine.url
    if probe.dialect.name == "postgresql":
        with probe.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1s"
        with requests_engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "15s"


def test_a_redis_that_does_not_answer_degrades_health_but_the_app_stays_ready(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    app = build_app(url, tmp_path, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    client = app.server.test_client()
    health = client.get("/health")
    assert health.status_code == 200
    # Sessions are recorded in the database: signed-in people keep working without Redis.
    assert health.get_json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "down",
        "sessions": "ok",
    }
    # Taking the app out of service for a cache outage would make it an outage of our own.
    ready = client.get("/health/ready")
    assert (ready.status_code, ready.get_json()) == (200, {"status": "ok"})
