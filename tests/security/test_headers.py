"""Security headers on every response, and error pages that show no internals."""

from __future__ import annotations

import re
import socket

import pytest

from dashboard import ids
from dashboard.security.headers import content_security_policy
from dashboard.settings import Settings
from data.db import make_engine
from tests.conftest import AuthActions, build_app, make_login_user
from tests.security.conftest import dash_update_body, db_url_of

pytestmark = pytest.mark.security

SECRET = "s" * 40


def assert_hardened(response, app) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'self'" in csp
    assert "'unsafe-eval'" not in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1).split()
    assert script_src[0] == "'self'"
    assert set(app.csp_hashes()) <= set(script_src)
    assert "'unsafe-inline'" not in script_src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_callbacks_and_errors_carry_the_headers_and_no_store(app, client, login_user_id):
    anonymous = [client.get("/login"), client.get("/"), client.get("/_dash-layout")]
    assert AuthActions(client).login().status_code == 302
    update = dash_update_body(app, ids.OVERVIEW_TRANSACTIONS)
    signed_in = [client.get("/"), client.post("/_dash-update-component", json=update)]
    for response in anonymous + signed_in:
        assert_hardened(response, app)
        assert response.headers["Cache-Control"] == "no-store"
    assert signed_in[1].status_code == 200


def test_static_bundles_are_public_cacheable_and_still_nosniff(app, logged_in_client, client):
    page = logged_in_client.get("/").get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+\.js)"', page).group(1)
    anonymous = app.server.test_client()
    response = anonymous.get(bundle)
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_policy_allows_eval_only_for_debug_bundles():
    hashes = ["'sha256-abc='"]
    development = content_security_policy(Settings(), hashes)
    debugging = content_security_policy(Settings(debug=True), hashes)
    production = content_security_policy(Settings(env="production", secret_key=SECRET), hashes)
    assert "'unsafe-eval'" not in development and "'unsafe-eval'" not in production
    assert "script-src 'self' 'sha256-abc=' 'unsafe-eval';" in debugging
    with pytest.raises(ValueError, match="FT_DEBUG"):
        Settings(
            env="production", secret_key=SECRET, debug=True, database_url="postgresql://db/x"
        ).validate()


def test_a_crash_is_a_plain_500_page_without_internals(engine, tmp_path):
    app = build_app(db_url_of(engine), tmp_path)

    @app.server.route("/explode")
    def explode():
        raise RuntimeError("internal detail: password=hunter2 at /srv/secret.py")

    make_login_user(engine)
    client = app.server.test_client()
    assert AuthActions(client).login().status_code == 302
    response = client.get("/explode")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret.py", "File "):
        assert leak not in page
    assert_hardened(response, app)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_database_outage_is_a_503_page_not_a_crash(app, logged_in_client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The app's own engines (requests and probes), pointed at a port nothing listens on.
    dead = make_engine(f"postgresql://postgres@127.0.0.1:{port}/x")
    app.server.extensions["ft_engine"] = app.server.extensions["ft_health_engine"] = dead
    page = logged_in_client.get("/")
    update = dash_update_body(app, ids.OVERVIEW_TRANSACTIONS)
    callback = logged_in_client.post("/_dash-update-component", json=update)
    assert (page.status_code, callback.status_code) == (503, 503)
    assert page.headers["Retry-After"] and callback.get_json() == {"error": "Service unavailable"}
    text = page.get_data(as_text=True)
    assert "The database is not answering right now" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert_hardened(page, app)
    assert logged_in_client.get("/health/live").status_code == 200
    assert logged_in_client.get("/health").status_code == 503
