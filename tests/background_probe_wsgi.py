"""gunicorn's entry for the probe (dashboard/wsgi.py plus the test-only probe callback of
tests/background_probe.py): `gunicorn -c gunicorn.conf.py tests.background_probe_wsgi:server`."""

from __future__ import annotations

from dashboard import create_app
from tests.background_probe import register_probe

dash_app = create_app()
register_probe(dash_app)
server = dash_app.server
