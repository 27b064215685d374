"""The worker's health check without building the app:
`celery -A dashboard.worker_probe inspect ping -d celery@$HOSTNAME --timeout 10`.

The same broker and key prefix as the worker (dashboard/celery_app.py), so the ping reaches it;
importing this costs Celery and the settings, not Dash, pandas and the app.
"""

from __future__ import annotations

from dashboard.celery_app import make_celery
from dashboard.settings import Settings

celery = make_celery(Settings.from_env())
