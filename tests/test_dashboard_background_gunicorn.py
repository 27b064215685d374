"""The embedded mode (FT_BACKGROUND=diskcache) under gunicorn as configured: jobs forked from
gthread request threads, results on disk shared by two worker processes, each poll on a new
connection (so either worker may answer it), the user fixed at queue time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests

from dashboard.settings import PROJECT_ROOT
from data.db import make_engine
from data.migrate import upgrade_to_head
from tests.background_probe import PROBE_OUT, probe_body
from tests.conftest import TEST_PASSWORD, csrf_token_in, make_login_user
from tests.stack.services import free_port, wait_for

JOBS = 6


@pytest.fixture
def served(tmp_path):
    url = f"sqlite:///{tmp_path / 'finance.sqlite3'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    make_login_user(engine, "alice")
    engine.dispose()
    port = free_port()
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": url,
        "FT_INSTANCE_PATH": str(tmp_path / "instance"),
        "LOAD_DEMO_DATA": "false",
        "FT_BACKGROUND": "diskcache",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    with (tmp_path / "gunicorn.log").open("ab") as log:
        process = subprocess.Popen(
            [*command, "tests.background_probe_wsgi:server"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(base + "/health/live", timeout=2).ok, 60, "gunicorn")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_jobs_fork_from_request_threads_and_polls_reach_either_worker(served):
    http = requests.Session()
    http.headers.update({"Connection": "close", "Origin": served})
    token = csrf_token_in(http.get(served + "/login", timeout=10).text)
    form = {"username": "alice", "password": TEST_PASSWORD, "csrf_token": token}
    assert http.post(served + "/login", data=form, allow_redirects=False, timeout=10).is_redirect
    pids = set()
    for claimed in range(JOBS):
        queued = http.post(served + "/_dash-update-component", json=probe_body(claimed), timeout=10)
        assert queued.status_code == 200, queued.text
        handles = queued.json()
        path = f"/_dash-update-component?cacheKey={handles['cacheKey']}&job={handles['job']}"

        def result(path=path):
            answer = http.post(served + path, json=probe_body(None), timeout=10)
            assert answer.status_code == 200, answer.text
            return answer.json().get("response")

        found = wait_for(result, 30, "the job's result", every_s=0.02)[PROBE_OUT]["children"]
        assert (found["username"], found["claimed"]) == ("alice", claimed)
        assert found["request_context"] is False
        pids.add(found["pid"])
    assert len(pids) == JOBS, "each job runs in a process of its own"
