"""The stack's job worker, started natively next to gunicorn with compose's web environment.

`celery -A dashboard.worker worker` starts on the private PostgreSQL and the password-protected
Redis, answers the compose health check (`celery inspect ping` of its node) and serves every
background callback of the app under the name the web side queues it by. A background callback
runs through a worker: until the import page's callbacks exist, a probe callback registered on
an app the test builds with the same environment (tests/background_probe.py) is queued through
that app and run by a worker that registers the same probe.
"""

from __future__ import annotations

import json
import time

import pytest

from dashboard import create_app
from dashboard.background import CeleryJobs, task_names
from dashboard.settings import Settings
from tests.background_probe import register_probe, run_job
from tests.conftest import AuthActions
from tests.stack.conftest import DEMO_PASSWORD, DEMO_USERNAME, _logs
from tests.stack.services import CeleryWorker

pytestmark = pytest.mark.stack


def _start_worker(request, environment, tmp_path, module: str) -> CeleryWorker:
    log = tmp_path / f"{module}.log"
    _logs.append(log)
    worker = CeleryWorker(environment, log, module=module, concurrency=2)
    request.addfinalizer(worker.stop)
    worker.start()
    return worker


def _web_app(web_env: dict[str, str]):
    """The app as gunicorn builds it from compose's environment, in this process."""
    app = create_app(Settings.from_env(web_env))
    assert isinstance(app.server.extensions["ft_background"], CeleryJobs)
    return app


def test_the_worker_answers_its_health_check_and_knows_every_job(request, stack, web_env, tmp_path):
    worker = _start_worker(request, web_env, tmp_path, "dashboard.worker")
    ping = worker.ping()
    assert ping.returncode == 0, ping.stdout + ping.stderr
    assert "pong" in ping.stdout
    # The check fails for a node that is not there (bounded by its --timeout).
    absent = CeleryWorker(web_env, tmp_path / "absent.log")
    assert absent.ping(timeout_s=2).returncode != 0
    registered = worker.inspect("registered")
    served = {name for name in registered if name.startswith("background_callback_")}
    assert served == task_names(_web_app(web_env))


def test_a_background_callback_runs_through_the_worker(request, stack, web_env, tmp_path):
    worker = _start_worker(request, web_env, tmp_path, "tests.background_probe_worker")
    app = _web_app(web_env)
    register_probe(app)
    client = app.server.test_client()
    assert AuthActions(client).login(DEMO_USERNAME, DEMO_PASSWORD).status_code == 302
    pool = worker.pool_pids()
    timings = []
    for claimed in (None, 1, 2):
        started = time.perf_counter()
        result = run_job(client, claimed)
        timings.append(time.perf_counter() - started)
        assert result["username"] == DEMO_USERNAME
        assert result["pid"] in pool
    print("stack celery job, queue to result (ms):", json.dumps([round(t * 1000) for t in timings]))
