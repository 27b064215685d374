"""Isolation, route by route: every rule of the url_map that takes an id answers bob's request
for alice's row with the same 404 as for a row that does not exist, and no page shows bob
anything of alice's. The rules come from app.server.url_map, so a new route is covered at once.
"""

from __future__ import annotations

import re

import pytest
from dash import Dash
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from tests.conftest import AuthActions
from tests.security.test_isolation import (
    Household,
    alice_and_bob,
    alice_leaks,
    owned_rows,
    receipt_bytes,
    store_receipt_file,
)

pytestmark = pytest.mark.security

SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MISSING_ID = 987_654
# Which of a household's rows an id argument names. A route with an id argument not listed here
# fails test_every_route_that_takes_an_id_answers_404_to_another_users_id until it is added.
ROW_BY_ARGUMENT = {
    "receipt_id": "receipt",
    "transaction_id": "purchase",
    "account_id": "checking",
    "category_id": "groceries",
}
# Routes with arguments that are not rows: bundles and pages everyone may ask for.
NOT_ROWS = ("/static/", "/assets/", "/_dash-component-suites/", "/<path:path>")


def takes_an_id(rule: Rule) -> bool:
    if rule.rule.startswith(NOT_ROWS):
        return False
    converters = rule._converters  # noqa: SLF001 - werkzeug has no public accessor
    return any(
        isinstance(converters.get(name), IntegerConverter) or name.endswith("id")
        for name in rule.arguments
    )


def url_for_rows(rule: Rule, h: Household | None) -> str:
    """The rule's path with each id argument set to h's row (a missing id for None)."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        assert name in ROW_BY_ARGUMENT, f"{rule.rule}: which row does <{name}> name? Add it."
        return str(MISSING_ID if h is None else getattr(h, ROW_BY_ARGUMENT[name]))

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule.rule)


@pytest.fixture
def households(app, engine):
    """alice and bob, with their receipt files where the app keeps receipts."""
    alice, bob = alice_and_bob(engine)
    for h in (alice, bob):
        store_receipt_file(app, engine, h)
    return alice, bob


def logged_in(app: Dash, username: str) -> FlaskClient:
    client = app.server.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def test_every_route_that_takes_an_id_answers_404_to_another_users_id(app, engine, households):
    alice, bob = households
    before = owned_rows(engine, alice.user_id)
    as_alice, as_bob = logged_in(app, "alice"), logged_in(app, "bob")
    rules = [rule for rule in app.server.url_map.iter_rules() if takes_an_id(rule)]
    assert "/receipts/<int:receipt_id>" in {rule.rule for rule in rules}
    for rule in rules:
        alices, missing = url_for_rows(rule, alice), url_for_rows(rule, None)
        for method in (m for m in METHODS if m in rule.methods):
            replay = as_bob.open(alices, method=method, headers=SAME_ORIGIN)
            absent = as_bob.open(missing, method=method, headers=SAME_ORIGIN)
            assert replay.status_code == 404, (method, alices)
            # The same answer as for no row at all: nothing tells bob that alice's exists.
            assert replay.get_data() == absent.get_data(), (method, alices)
            assert receipt_bytes(alice) not in replay.get_data()
            assert alice_leaks(replay.get_data(as_text=True)) == [], (method, alices)
        if "GET" in rule.methods:
            # The control: the owners do get their rows at these URLs.
            assert as_alice.get(alices).status_code == 200, alices
            assert as_bob.get(url_for_rows(rule, bob)).status_code == 200, rule.rule
    assert as_alice.get(f"/receipts/{alice.receipt}").get_data() == receipt_bytes(alice)
    assert owned_rows(engine, alice.user_id) == before


def test_no_page_or_dash_endpoint_shows_bob_anything_of_alices(app, households):
    as_alice, as_bob = logged_in(app, "alice"), logged_in(app, "bob")
    paths = ["/", "/transactions", "/budgets", "/accounts", "/settings", "/no-such-page"]
    paths += [
        rule.rule
        for rule in app.server.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
    ]
    for path in paths:
        response = as_bob.get(path)
        assert response.status_code < 500, path
        # Binary answers too (the favicon): decoded leniently, a leak would still show.
        assert alice_leaks(response.get_data().decode(errors="replace")) == [], path
        assert receipt_bytes(households[0]) not in response.get_data(), path
    # The control: the first HTML of alice's own overview carries her totals.
    assert alice_leaks(as_alice.get("/").get_data(as_text=True)) != []
