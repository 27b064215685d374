"""The one guard: every route in the url_map refuses an anonymous request and leaks nothing."""

from __future__ import annotations

import re

import pytest

from dashboard import ids
from tests.security.conftest import SECRET_PAYEE, dash_update_body

pytestmark = pytest.mark.security

PUBLIC_RULES = {"/login", "/health", "/health/live", "/health/ready", "/_favicon.ico"}
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
SAMPLE_BY_CONVERTER = {"int": "1", "path": "transactions"}


def concrete_path(rule: str) -> str:
    """A URL the rule matches: each <converter:name> replaced by a sample value."""
    return re.sub(
        r"<(?:(\w+):)?\w+>",
        lambda match: SAMPLE_BY_CONVERTER.get(match.group(1) or "", "x"),
        rule,
    )


def is_public(rule: str) -> bool:
    return rule in PUBLIC_RULES or rule.startswith(PUBLIC_PREFIXES)


def test_every_route_refuses_anonymous_requests_without_leaking_data(app, client, secret_user):
    update = dash_update_body(app, ids.OVERVIEW_TRANSACTIONS)
    guarded = set()
    for rule in app.server.url_map.iter_rules():
        path = concrete_path(rule.rule)
        for method in sorted(rule.methods & METHODS):
            response = client.open(path, method=method, json=None if method == "GET" else update)
            assert SECRET_PAYEE.encode() not in response.data, (method, path)
            if is_public(rule.rule):
                continue
            guarded.add(rule.rule)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), (method, path)
            else:
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.get_json() == {"error": "login required"}
    dash_routes = {"/_dash-update-component", "/_dash-layout", "/_dash-dependencies"}
    assert dash_routes | {"/_reload-hash", "/", "/<path:path>", "/logout"} <= guarded


def test_the_same_callback_request_does_return_the_data_once_logged_in(app, secret_user, auth):
    # The control for the test above: its request body really asks for the secret.
    assert auth.login().status_code == 302
    response = auth.client.post(
        "/_dash-update-component", json=dash_update_body(app, ids.OVERVIEW_TRANSACTIONS)
    )
    assert response.status_code == 200
    assert SECRET_PAYEE in response.get_data(as_text=True)


def test_dash_json_endpoints_answer_401_and_pages_redirect_with_next(client, secret_user):
    for path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        response = client.get(path)
        assert (response.status_code, response.get_json()) == (401, {"error": "login required"})
    response = client.get("/transactions?preset=all")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/transactions?preset%3Dall"
    assert client.get("/").headers["Location"] == "/login"


def test_public_routes_answer_without_a_login(client, secret_user):
    assert client.get("/login").status_code == 200
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
    assert client.get("/_favicon.ico").status_code == 200
