"""Signed-in callback requests with a body Dash cannot use: a 400 with the reason and one log
line, never a 500 with a traceback. And the bodies a browser sends still pass, every callback."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest

from data.db import make_engine
from data.migrate import upgrade_to_head
from tests.conftest import AuthActions, build_app, make_login_user
from tests.security.conftest import dash_update_body
from tests.security.test_isolation import alice_and_bob
from tests.security.test_isolation_requests import Sweep, callback_specs, sendable

pytestmark = pytest.mark.security

UPDATE = "/_dash-update-component"
SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
# A callback with one input and one state (navbar-collapse.is_open <- navbar-toggler.n_clicks).
WITH_STATE = "navbar-collapse"
# A callback whose input is a pattern-matching ALL id.
PATTERN_OUTPUT = '{"id":["ALL"],"type":"settings-account-name-error"}'


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def base(app) -> dict:
    return dash_update_body(app, WITH_STATE)


def pattern_body(app) -> dict:
    """The settings rename callback with one account row, as the browser sends it."""
    key = next(k for k in app.callback_map if PATTERN_OUTPUT in k)
    spec = app.callback_map[key]
    row = {"type": "settings-account-name", "id": 1}
    outputs = []
    for item in key[2:-2].split("..."):
        id_text, prop = item.rsplit(".", 1)
        if id_text.startswith("{"):
            pattern = json.loads(id_text)
            outputs.append([{"id": {**pattern, "id": 1}, "property": prop}])
        else:
            outputs.append({"id": id_text, "property": prop})
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [[{"id": row, "property": "value", "value": "Renamed"}]],
        "changedPropIds": [json.dumps(row, sort_keys=True, separators=(",", ":")) + ".value"],
        "state": [{**item, "value": 1} for item in spec["state"]],
    }


def edited(make, change):
    """A body builder: the valid body of `make`, then `change` applied to it."""

    def build(app):
        body = make(app)
        change(body)
        return body

    return build


def without(key: str):
    return edited(base, lambda body: body.pop(key))


def replaced(key: str, value, make=base):
    return edited(make, lambda body: body.__setitem__(key, value))


def set_input_id(value):
    return edited(base, lambda body: body["inputs"][0].__setitem__("id", value))


def set_pattern_row_id(value):
    return edited(pattern_body, lambda body: body["inputs"][0][0].__setitem__("id", value))


# name -> the raw body (str) or a builder of a JSON body from the app
MALFORMED = {
    "nested 10000 deep": lambda app: nested(10_000),
    "nested 10000 deep in a value": lambda app: (
        '{"output": "navbar-collapse.is_open", "inputs": [{"value": ' + nested(10_000) + "}]}"
    ),
    "nested 500 deep in a value": edited(
        base, lambda body: body["inputs"][0].__setitem__("value", json.loads(nested(500)))
    ),
    "not JSON": lambda app: "{output: nope",
    "a JSON array": lambda app: [],
    "a JSON array of bodies": lambda app: [base(app)],
    "null": lambda app: "null",
    "a JSON string": lambda app: '"navbar-collapse.is_open"',
    "unknown output": replaced("output", "nope.children"),
    "output not a string": replaced("output", ["navbar-collapse.is_open"]),
    "a clientside callback's output": replaced("output", "theme-switch.id"),
    "no output": without("output"),
    "no inputs": without("inputs"),
    "inputs a string": replaced("inputs", "navbar-toggler.n_clicks"),
    "inputs an object": replaced("inputs", {"id": "navbar-toggler", "property": "n_clicks"}),
    "inputs with a non-object item": replaced("inputs", [1]),
    "inputs too many": edited(base, lambda body: body["inputs"].append(body["inputs"][0])),
    "input without an id": edited(base, lambda body: body["inputs"][0].pop("id")),
    "input without a property": edited(base, lambda body: body["inputs"][0].pop("property")),
    "input id a number": set_input_id(7),
    "input id a list": set_input_id(["navbar-toggler"]),
    "input id another component": set_input_id("filter-bar"),
    "input property a number": edited(
        base, lambda body: body["inputs"][0].__setitem__("property", 3)
    ),
    "known callback without its state": without("state"),
    "state empty": replaced("state", []),
    "state a string": replaced("state", "navbar-collapse.is_open"),
    "no outputs": without("outputs"),
    "outputs of another callback": replaced("outputs", {"id": "filter-bar", "property": "style"}),
    "outputs a list of one": replaced(
        "outputs", [{"id": "navbar-collapse", "property": "is_open"}]
    ),
    "multi outputs too short": replaced("outputs", [], make=pattern_body),
    "changedPropIds a string": replaced("changedPropIds", "navbar-toggler.n_clicks"),
    "changedPropIds with a number": replaced("changedPropIds", [1]),
    "changedPropIds not an input": replaced("changedPropIds", ["filter-bar.style"]),
    "changedPropIds with a broken pattern id": replaced(
        "changedPropIds", ['{"type": .value'], make=pattern_body
    ),
    "pattern input not a list": edited(
        pattern_body, lambda body: body["inputs"].__setitem__(0, body["inputs"][0][0])
    ),
    "pattern row id a string": set_pattern_row_id("settings-account-name"),
    "pattern row id with other keys": set_pattern_row_id({"type": "settings-account-name"}),
    "pattern row id of another type": set_pattern_row_id({"type": "budget-limit", "id": 1}),
    "pattern row id with an object value": set_pattern_row_id(
        {"type": "settings-account-name", "id": {"$ne": 1}}
    ),
    "huge list of inputs": replaced("inputs", [{"id": "x", "property": "y"}] * 200_000),
}


@pytest.fixture(scope="module")
def shape_app(tmp_path_factory):
    """One app on a SQLite file for the module: the shape check reads no database, and the
    cases need no rows of their own."""
    path = tmp_path_factory.mktemp("shape")
    url = f"sqlite:///{path / 'finance.sqlite3'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    make_login_user(engine)
    engine.dispose()
    return build_app(url, path)


@pytest.fixture(scope="module")
def shape_client(shape_app):
    client = shape_app.server.test_client()
    assert AuthActions(client).login().status_code == 302
    return client


@pytest.fixture
def signed_in(shape_client, caplog):
    """alice's client; the log captured from here on."""
    caplog.set_level(logging.INFO)
    caplog.clear()
    return shape_client


def post(client, app, body_or_builder):
    body = body_or_builder(app) if callable(body_or_builder) else body_or_builder
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(UPDATE, data=data, content_type="application/json", headers=SAME_ORIGIN)


def assert_one_line_without_traceback(caplog) -> logging.LogRecord:
    records = caplog.records
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text
    return records[0]


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_callback_body_is_a_400_with_its_reason(shape_app, signed_in, caplog, name):
    response = post(signed_in, shape_app, MALFORMED[name])
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert answer["error"] == "Malformed callback request"
    assert 0 < len(answer["reason"]) <= 200
    record = assert_one_line_without_traceback(caplog)
    assert record.levelno == logging.WARNING
    assert answer["reason"] in record.getMessage()


def test_a_body_over_the_size_limit_is_a_413_with_one_line(shape_app, signed_in, caplog):
    limit = shape_app.server.config["MAX_CONTENT_LENGTH"]
    body = base(shape_app)
    body["inputs"][0]["value"] = "x" * limit
    response = post(signed_in, shape_app, body)
    assert response.status_code == 413
    assert response.get_json()["error"]
    assert_one_line_without_traceback(caplog)


def test_a_browser_shaped_body_still_answers(shape_app, signed_in, caplog):
    body = dash_update_body(shape_app, WITH_STATE)
    body["inputs"][0]["value"] = 1
    response = post(signed_in, shape_app, body)
    assert response.status_code == 200
    assert WITH_STATE in response.get_data(as_text=True)
    assert caplog.records == []


def test_a_large_but_well_formed_body_still_answers(shape_app, signed_in):
    # Near the size limit, in a value no callback reads: the shape check does not refuse it.
    body = dash_update_body(shape_app, WITH_STATE)
    body["inputs"][0]["value"] = 1
    body["inputs"][0]["padding"] = ["a" * 1000] * 10_000
    response = post(signed_in, shape_app, body)
    assert response.status_code == 200


def test_a_value_nested_90_deep_still_answers(shape_app, signed_in):
    # The body, its inputs list and the input itself are three levels more: 93 of 100.
    body = dash_update_body(shape_app, WITH_STATE)
    body["inputs"][0]["value"] = 1
    body["inputs"][0]["padding"] = json.loads(nested(90))
    response = post(signed_in, shape_app, body)
    assert response.status_code == 200


def test_a_pattern_matching_body_still_answers(shape_app, signed_in):
    response = post(signed_in, shape_app, pattern_body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_every_callback_body_a_browser_sends_passes_the_shape_check(app, engine):
    """The isolation sweep's bodies (the browser's shape for every server callback, each input
    in turn the one that changed, and empty pattern rows): none is refused as malformed."""
    alice, _bob = alice_and_bob(engine)
    specs = callback_specs(app, "alice")
    client = app.server.test_client()
    assert AuthActions(client).login("alice").status_code == 302
    refused = []
    for sweep, every_trigger in (
        (Sweep(alice, date.today()), True),
        (Sweep(None, date.today()), False),
    ):
        for spec in specs:
            if not sendable(spec, sweep):
                continue
            for body in sweep.bodies(spec, every_trigger):
                response = client.post(UPDATE, json=body, headers=SAME_ORIGIN)
                if response.status_code == 400:
                    refused.append((spec["output"][:60], response.get_json()))
    assert refused == []
