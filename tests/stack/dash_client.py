"""An HTTP client that talks to the served app as the browser does: the login form with its CSRF
token, then Dash's JSON endpoints with the request bodies the Dash renderer sends."""

from __future__ import annotations

from typing import Any

import requests

from tests.conftest import csrf_token_in

REQUEST_TIMEOUT_S = 20


class DashClient:
    """A requests.Session with the session cookie, asking for a new connection every time (so
    gunicorn hands consecutive requests to whichever worker accepts first)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Connection"] = "close"
        self._callbacks: list[dict[str, Any]] | None = None

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

    def callbacks(self) -> list[dict[str, Any]]:
        if self._callbacks is None:
            response = self.get("/_dash-dependencies")
            assert response.status_code == 200, response.text
            self._callbacks = response.json()
        return self._callbacks

    def callback_spec(self, output: str) -> dict[str, Any]:
        """The one callback that has `output` ("id.property") among its outputs."""
        found = [spec for spec in self.callbacks() if output in _output_keys(spec["output"])]
        assert len(found) == 1, f"{len(found)} callbacks output {output!r}"
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
        return self.http.post(
            self.base_url + "/_dash-update-component",
            json=self.update_body(output, values, changed),
            headers={"Origin": self.base_url, "Sec-Fetch-Site": "same-origin"},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT_S,
        )

    def close(self) -> None:
        self.http.close()


def _output_keys(output: str) -> list[str]:
    """'..a.children...b.children..' (several outputs) or 'a.figure' (one); an output that
    allows duplicates ends in '@<hash>'."""
    if output.startswith(".."):
        return output[2:-2].split("...")
    return [output]


def _output_item(key: str) -> dict[str, str]:
    component_id, prop = key.rsplit(".", 1)
    return {"id": component_id, "property": prop}
