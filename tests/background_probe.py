"""A background callback for tests only, registered on a test-built app (never in production
code), and a client that runs a job through HTTP as the Dash renderer does: the POST that queues
it, then the polls with the signed cacheKey and job handles until the result arrives.

The Celery worker of the tests imports this module too (tests/background_probe_worker.py): the
task's name is a hash of the callback's outputs and source, so both sides must register this
very function.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

from dash import Dash, Input, Output
from dash._callback_context import context_value
from flask import has_request_context

from dashboard import create_app
from dashboard.background import DiskcacheJobs, job_user_id
from dashboard.extensions import get_engine
from dashboard.settings import Settings
from data.users import session_user

PROBE_IN = "background-probe-in"
PROBE_OUT = "background-probe-out"
JOB_TIMEOUT_S = 60
POLL_EVERY_S = 0.02
# The input value that makes the probe job outlast any time limit.
SLEEP = "sleep"


def create_probe_app(settings: Settings) -> Dash:
    """create_app with the probe: how an embedded job's process builds this app again."""
    app = create_app(settings)
    register_probe(app)
    return app


def register_probe(app: Dash) -> None:
    """A background callback whose input claims a user id; it answers whose job it is."""
    manager = app.server.extensions["ft_background"]
    if isinstance(manager, DiskcacheJobs):
        manager.app_factory = "tests.background_probe:create_probe_app"

    @app.callback(
        Output(PROBE_OUT, "children"),
        Input(PROBE_IN, "value"),
        background=True,
        prevent_initial_call=True,
    )
    def whose_job(claimed: Any) -> dict[str, Any]:
        if claimed == SLEEP:
            time.sleep(JOB_TIMEOUT_S)
        user_id = job_user_id()
        found = session_user(get_engine(), user_id)
        return {
            "user_id": user_id,
            "username": found.username if found is not None else None,
            "claimed": claimed,
            "pid": os.getpid(),
            "request_context": has_request_context(),
            "context_has_cookies": bool(context_value.get().get("cookies")),
            "parent_pid": os.getppid(),
            "open_files": _open_files(),
        }


def _open_files() -> list[str]:
    """What this process has open ("pipe:[123]", paths), from /proc."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
    return found


def probe_body(claimed: Any) -> dict[str, Any]:
    """The renderer's body for the probe callback, its input holding `claimed`."""
    return {
        "output": f"{PROBE_OUT}.children",
        "outputs": {"id": PROBE_OUT, "property": "children"},
        "inputs": [{"id": PROBE_IN, "property": "value", "value": claimed}],
        "changedPropIds": [f"{PROBE_IN}.value"],
        "state": [],
    }


def queue_job(client: Any, claimed: Any) -> dict[str, str]:
    """POST the callback; a background callback answers with its signed handles."""
    response = client.post("/_dash-update-component", json=probe_body(claimed))
    assert response.status_code == 200, response.get_data(as_text=True)
    handles = response.get_json()
    assert set(handles) >= {"cacheKey", "job"}, handles
    return handles


def poll_path(handles: dict[str, str]) -> str:
    return f"/_dash-update-component?cacheKey={handles['cacheKey']}&job={handles['job']}"


def await_result(client: Any, handles: dict[str, str], claimed: Any) -> dict[str, Any]:
    """Poll as the renderer does (inputs' values nulled) until the output arrives."""
    body = probe_body(claimed)
    body["inputs"][0]["value"] = None
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        response = client.post(poll_path(handles), json=body)
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True))
        data = response.get_json()
        if "response" in data:
            return data["response"][PROBE_OUT]["children"]
        time.sleep(POLL_EVERY_S)
    raise AssertionError(f"no result of job {handles['job']} within {JOB_TIMEOUT_S}s")


def run_job(client: Any, claimed: Any) -> dict[str, Any]:
    return await_result(client, queue_job(client, claimed), claimed)
