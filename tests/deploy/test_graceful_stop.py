"""A stop leaves gunicorn its graceful timeout: compose's stop_grace_period is above it for the
environment compose gives `web`, and gunicorn runs the worker that refuses new connections at
once on SIGTERM (gunicorn_worker.py; its behaviour is measured in tests/stack)."""

from __future__ import annotations

import importlib
import re

import pytest
from gunicorn.workers.gthread import ThreadWorker

from tests.deploy.tools import seconds

pytestmark = pytest.mark.deploy

# Time for gunicorn's master to reap its workers and exit after the graceful timeout.
EXIT_MARGIN_S = 5
_DEFAULTED = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def with_compose_defaults(value: str) -> str:
    """${NAME:-default} as compose reads it with NAME unset (a required ${NAME:?} is "set")."""
    return _DEFAULTED.sub(
        lambda m: m.group(3) if m.group(2) == "-" else ("set" if m.group(2) == "?" else ""),
        value,
    )


def test_compose_waits_longer_than_gunicorns_graceful_timeout(compose, load_gunicorn_conf):
    web = compose["services"]["web"]
    environment = {
        name: with_compose_defaults(str(value)) for name, value in web["environment"].items()
    }
    gunicorn_env = {
        name: value
        for name, value in environment.items()
        if value and (name.startswith("GUNICORN_") or name in {"PORT", "STATEMENT_TIMEOUT_MS"})
    }
    graceful_s = load_gunicorn_conf(**gunicorn_env)["graceful_timeout"]
    assert seconds(web["stop_grace_period"]) >= graceful_s + EXIT_MARGIN_S


def test_gunicorn_runs_the_worker_that_stops_taking_connections_first(load_gunicorn_conf):
    module_name, class_name = load_gunicorn_conf()["worker_class"].rsplit(".", 1)
    worker = getattr(importlib.import_module(module_name), class_name)
    assert issubclass(worker, ThreadWorker)
    assert worker.set_accept_enabled is not ThreadWorker.set_accept_enabled
