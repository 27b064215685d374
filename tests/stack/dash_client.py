"""An HTTP client that talks to the served app as the browser does: the login form with its CSRF
token, then Dash's JSON endpoints with the request bodies the Dash renderer sends, background
callbacks included (the POST that queues the job, then the polls with its signed handles)."""

from __future__ import annotations

import copy
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.conftest import csrf_token_in

REQUEST_TIMEOUT_S = 20
JOB_TIMEOUT_S = 60
_DASH_CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


@dataclass
class BackgroundRun:
    """A background callback as the renderer saw it: the final answer, and on the way."""

    answer: dict[str, Any]
    polls: int
    seconds: float
    progress: list[dict[str, Any]] = field(default_factory=list)


class DashClient:
    """A requests.Session with the session cookie, asking for a new connection every time (so
    gunicorn hands consecutive requests to whichever worker accepts first)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Connection"] = "close"
        self._callbacks: list[dict[str, Any]] | None = None
        # The page load's signed token, echoed on every callback (background handles are
        # bound to it); None until open_page().
        self.end_id: str | None = None

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.base_url + path, timeout=REQUEST_TIMEOUT_S, **kwargs)

    def login(self, username: str, password: str) -> requests.Response:
        page = self.get("/login")
        assert page.status_code == 200, f"GET /login answered {page.status_code}: {page.text}"
        form = {"username": username, "password": password, "csrf_token": csrf_token_in(page.text)}
        response = self.http.post(
            self.base_url + "/login",
            data=form,
            headers={"Origin": self.base_url},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT_S,
        )
        assert response.status_code == 302, f"login answered {response.status_code}"
        return response

    def open_page(self, path: str) -> dict[str, Any]:
        """GET a page as the browser loads it: its Dash config, whose end_id later callbacks
        echo."""
        page = self.get(path)
        assert page.status_code == 200, f"GET {path} answered {page.status_code}"
        found = _DASH_CONFIG.search(page.text)
        assert found, f"no _dash-config in {path}"
        config = json.loads(html.unescape(found.group(1)))
        self.end_id = config.get("end_id")
        return config

    def callbacks(self) -> list[dict[str, Any]]:
        if self._callbacks is None:
            response = self.get("/_dash-dependencies")
            assert response.status_code == 200, response.text
            self._callbacks = response.json()
        return self._callbacks

    def callback_spec(self, output: str) -> dict[str, Any]:
        """The one callback that has `output` ("id.property") among its outputs, or whose
        whole output string (as the renderer names it) is `output`."""
        found = [
            spec
            for spec in self.callbacks()
            if output == spec["output"] or output in _output_keys(spec["output"])
        ]
        assert len(found) == 1, f"{len(found)} callbacks output {output!r}"
        return found[0]

    def callback_of_input(self, key: str) -> str:
        """The output string of the one callback with the input `key` ("id.property"): names
        a callback whose outputs other callbacks share (allow_duplicate)."""
        found = [
            spec["output"]
            for spec in self.callbacks()
            if key in (f"{item['id']}.{item['property']}" for item in spec["inputs"])
        ]
        assert len(found) == 1, f"{len(found)} callbacks have the input {key!r}"
        return found[0]

    def update_body(
        self, output: str, values: dict[str, Any], changed: list[str]
    ) -> dict[str, Any]:
        """The body the renderer POSTs for the callback of `output` (as captured from Chromium):
        inputs and state with a "value" only where the component has one (`values`, keyed
        "id.property"), and the ids of the inputs that changed."""
        spec = self.callback_spec(output)
        output = spec["output"]

        def with_values(items: list[dict[str, Any]]) -> list[Any]:
            found: list[Any] = []
            for item in items:
                key = f"{item['id']}.{item['property']}"
                if item["id"].startswith("{"):
                    # A pattern-matching ALL (the split parts): the components on the page,
                    # none unless `values` gives them.
                    found.append(values.get(key, []))
                    continue
                found.append({**item, "value": values[key]} if key in values else dict(item))
            return found

        outputs = [_output_item(key) for key in _output_keys(output)]
        body = {
            "output": output,
            "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": with_values(spec["inputs"]),
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        if spec["state"]:
            body["state"] = with_values(spec["state"])
        return body

    def update(
        self, output: str, values: dict[str, Any], changed: list[str] | None = None
    ) -> requests.Response:
        """POST /_dash-update-component; by default the first input counts as changed."""
        if changed is None:
            first = self.callback_spec(output)["inputs"][0]
            changed = [f"{first['id']}.{first['property']}"]
        return self.post_update(self.update_body(output, values, changed))

    def post_update(
        self, body: dict[str, Any], handles: dict[str, str] | None = None
    ) -> requests.Response:
        """POST a renderer body, with the page's endId and a job's handles as query arguments
        (the renderer's order: endId, cacheKey, job)."""
        params = {"endId": self.end_id} if self.end_id else {}
        if handles:
            params.update(cacheKey=handles["cacheKey"], job=handles["job"])
        return self.http.post(
            self.base_url + "/_dash-update-component",
            params=params,
            json=body,
            headers={"Origin": self.base_url, "Sec-Fetch-Site": "same-origin"},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT_S,
        )

    def run_background(
        self,
        output: str,
        values: dict[str, Any],
        changed: list[str],
        every_s: float = 0.3,
        on_poll: Callable[[], None] | None = None,
    ) -> BackgroundRun:
        """A background callback as the renderer runs it: the POST that queues the job and
        answers its signed handles, then a poll every `every_s` (the callback's interval), with
        every input and state value nulled, until the answer arrives. `on_poll` runs after
        each poll (to look at the processes meanwhile)."""
        body = self.update_body(output, values, changed)
        started = time.perf_counter()
        queued = self.post_update(body)
        assert queued.status_code == 200, f"queueing answered {queued.status_code}: {queued.text}"
        handles = queued.json()
        assert {"cacheKey", "job"} <= set(handles), f"not a background answer: {handles}"
        poll_body = _nulled(body)
        run = BackgroundRun(answer={}, polls=0, seconds=0.0)
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while time.monotonic() < deadline:
            time.sleep(every_s)
            response = self.post_update(poll_body, handles)
            run.polls += 1
            assert response.status_code == 200, f"poll answered {response.status_code}"
            data = response.json()
            if on_poll is not None:
                on_poll()
            if "progress" in data:
                run.progress.append(data["progress"])
            if "response" in data:
                run.answer, run.seconds = data, time.perf_counter() - started
                return run
        raise AssertionError(f"no answer of {output} within {JOB_TIMEOUT_S}s ({run.polls} polls)")

    def close(self) -> None:
        self.http.close()


def _nulled(body: dict[str, Any]) -> dict[str, Any]:
    """A poll's body: the renderer sends the callback's again, each input's and state's value
    set to null (a pattern-matching list is a JS array there: left as it was)."""
    poll = copy.deepcopy(body)
    for item in [*poll["inputs"], *poll.get("state", [])]:
        if isinstance(item, dict):
            item["value"] = None
    return poll


def _output_keys(output: str) -> list[str]:
    """'..a.children...b.children..' (several outputs) or 'a.figure' (one); an output that
    allows duplicates ends in '@<hash>'."""
    if output.startswith(".."):
        return output[2:-2].split("...")
    return [output]


def _output_item(key: str) -> dict[str, str]:
    component_id, prop = key.rsplit(".", 1)
    return {"id": component_id, "property": prop}
