"""The tests' Celery worker: `celery -A tests.background_probe_worker worker`, the app built as
dashboard/worker.py builds it, plus the probe callback the test registers on its own app."""

from __future__ import annotations

from dashboard import create_app
from dashboard.background import worker_celery
from tests.background_probe import register_probe

dash_app = create_app()
register_probe(dash_app)
celery = worker_celery(dash_app)
