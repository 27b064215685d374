"""The stack's job worker, started natively next to gunicorn with compose's web environment.

`celery -A dashboard.worker worker` starts on the private PostgreSQL and the password-protected
Redis, answers the compose health check (`celery inspect ping` of its node) and serves every
background callback of the app under the name the web side queues it by: the import page's
preview and commit and the category model's warm-up, nothing else. test_stack_import.py runs
the import's two through gunicorn and this worker; here a probe callback registered on an app
the test builds with the same environment (tests/background_probe.py) is queued through that
app and run by a worker that registers the same probe, to see whose job it is and which process
ran it.
"""

from __future__ import annotations

import json
import time

import pytest

from dashboard import create_app, ids
from dashboard.background import CeleryJobs, task_names
from dashboard.settings import Settings
from tests.background_probe import register_probe, run_job
from tests.conftest import AuthActions
from tests.stack.conftest import DEMO_PASSWORD, DEMO_USERNAME, start_worker
from tests.stack.services import CeleryWorker

pytestmark = pytest.mark.stack

# The first output of each background callback of the app (Dash names a callback by its
# outputs): the import's preview and commit, and the category model's warm-up on /transactions.
BACKGROUND_CALLBACKS = {
    f"..{ids.IMPORT_GRID}.rowData",
    f"..{ids.IMPORT_RESULT}.children",
    f"{ids.MODEL_WARM_STORE}.data",
}


def web_app(web_env: dict[str, str]):
    """The app as gunicorn builds it from compose's environment, in this process."""
    app = create_app(Settings.from_env(web_env))
    assert isinstance(app.server.extensions["ft_background"], CeleryJobs)
    return app


def background_callbacks(app) -> set[str]:
    """The first output of each of `app`'s background callbacks."""
    return {
        callback_id.split("...")[0]
        for callback_id, spec in app.callback_map.items()
        if spec.get("background")
    }


def test_the_worker_answers_its_health_check_and_knows_every_job(request, stack, web_env, tmp_path):
    worker = start_worker(request, web_env, tmp_path)
    ping = worker.ping()
    assert ping.returncode == 0, ping.stdout + ping.stderr
    assert "pong" in ping.stdout
    # The check fails for a node that is not there (bounded by its --timeout).
    absent = CeleryWorker(web_env, tmp_path / "absent.log")
    assert absent.ping(timeout_s=2).returncode != 0
    registered = worker.inspect("registered")
    served = {name for name in registered if name.startswith("background_callback_")}
    app = web_app(web_env)
    assert background_callbacks(app) == BACKGROUND_CALLBACKS
    assert len(task_names(app)) == len(BACKGROUND_CALLBACKS)
    assert served == task_names(app)


def test_a_background_callback_runs_through_the_worker(request, stack, web_env, tmp_path):
    worker = start_worker(request, web_env, tmp_path, "tests.background_probe_worker")
    app = web_app(web_env)
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
