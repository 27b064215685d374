"""Fixtures of the deploy tests: the compose file and the Kubernetes objects as parsed, and
gunicorn.conf.py loaded with a given environment."""

from __future__ import annotations

import runpy

import pytest
import yaml

from tests.deploy.tools import (
    GUNICORN_CONF,
    K8S,
    ROOT,
    kustomization,
)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict]:
    """The kustomization's resources by (kind, name), read straight from the files."""
    docs = {}
    for resource in kustomization()["resources"]:
        for doc in yaml.safe_load_all((K8S / resource).read_text()):
            if doc:
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


_GUNICORN_VARS = (
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_PRELOAD",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_KEEPALIVE",
    "STATEMENT_TIMEOUT_MS",
)


@pytest.fixture
def load_gunicorn_conf(monkeypatch):
    def load(**env: str) -> dict:
        for name in _GUNICORN_VARS:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(GUNICORN_CONF))

    return load
