"""Cross-site requests are refused: Dash's POSTs only as same-origin JSON, forms only with their
CSRF token. The logged-in client's cookie would otherwise ride along with them."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from tests.conftest import csrf_token_in
from tests.security.conftest import SECRET_PAYEE, dash_update_body

pytestmark = pytest.mark.security

UPDATE = "/_dash-update-component"


@pytest.fixture
def update_body(app) -> dict:
    return dash_update_body(app, ids.OVERVIEW_TRANSACTIONS)


@pytest.fixture
def alice(logged_in_client, secret_user):
    return logged_in_client


def assert_forbidden(response) -> None:
    assert response.status_code == 403
    assert SECRET_PAYEE.encode() not in response.data


def test_a_same_origin_json_callback_is_answered(alice, update_body):
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    response = alice.post(UPDATE, json=update_body, headers=headers)
    assert response.status_code == 200
    assert SECRET_PAYEE in response.get_data(as_text=True)


def test_a_callback_from_another_origin_is_refused(alice, update_body):
    assert_forbidden(
        alice.post(UPDATE, json=update_body, headers={"Origin": "https://evil.example"})
    )
    assert_forbidden(alice.post(UPDATE, json=update_body, headers={"Origin": "null"}))
    assert_forbidden(alice.post(UPDATE, json=update_body, headers={"Sec-Fetch-Site": "cross-site"}))
    assert_forbidden(alice.post(UPDATE, json=update_body, headers={"Sec-Fetch-Site": "same-site"}))


def test_a_callback_a_plain_form_could_send_is_refused(alice, update_body):
    text = json.dumps(update_body)
    assert_forbidden(alice.post(UPDATE, data=text, content_type="text/plain"))
    assert_forbidden(alice.post(UPDATE, data={"payload": text}))


def test_login_without_its_csrf_token_is_refused(client, login_user_id):
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": "x" * 10})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)


def test_login_posted_from_another_origin_is_refused(client, login_user_id):
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    form = {"username": "alice", "password": "correct horse battery", "csrf_token": token}
    response = client.post("/login", data=form, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert client.get("/_dash-layout").status_code == 401


def test_logout_needs_a_post_with_its_csrf_token(alice):
    assert alice.get("/logout").status_code == 200
    assert alice.get("/_dash-layout").status_code == 200, "a GET never logs out"
    assert alice.post("/logout").status_code == 400
    assert alice.get("/_dash-layout").status_code == 200
