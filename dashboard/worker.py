"""The stack's job worker: `celery -A dashboard.worker worker --loglevel=INFO --concurrency=2`.

It builds the same Dash app as gunicorn (create_app, every callback registered), so each
background callback is a Celery task here under the name the web side queues it by:
`background_callback_<key>`, the key a hash of the callback's outputs and source code. Web and
worker must therefore run the same code (the same image) and the same settings.
"""

from __future__ import annotations

from dashboard import create_app
from dashboard.background import worker_celery

# `celery -A dashboard.worker` finds this name (and must find no `app`: that would be Dash's).
celery = worker_celery(create_app())
