"""Fixtures of the security suite: a user with data that must never leak, sessions with and
without Redis copies, a Redis that does not answer, and the body of a real Dash callback
request."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from sqlalchemy import insert

from data.schema import accounts, transactions
from tests.conftest import build_app

# Distinctive enough that finding it in a response can only mean the user's data leaked.
SECRET_PAYEE = "Zanzibar Quokka Bakery 7f3c"


def db_url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def secret_user(engine, login_user_id) -> int:
    """alice (login_user_id) with one transaction today, paid to SECRET_PAYEE."""
    user_id = login_user_id
    with engine.begin() as conn:
        account_id = conn.execute(
            insert(accounts)
            .values(user_id=user_id, name="Checking", type="checking", currency="EUR")
            .returning(accounts.c.id)
        ).scalar_one()
        conn.execute(
            insert(transactions).values(
                user_id=user_id,
                account_id=account_id,
                date=date.today(),
                amount_minor=-1234,
                payee=SECRET_PAYEE,
            )
        )
    return user_id


@pytest.fixture(params=["database-only", "redis-copies"])
def store_options(request) -> dict:
    """Settings for both session set-ups: the database alone (the embedded default), or the
    database with copies in a real Redis."""
    if request.param == "database-only":
        return {}
    request.applymarker(pytest.mark.redis)
    return {
        "redis_url": request.getfixturevalue("redis_url"),
        "cache_key_prefix": request.getfixturevalue("redis_key_prefix"),
    }


@pytest.fixture
def store_app(engine, tmp_path, store_options):
    """The app on the parametrised database and session set-up."""
    return build_app(db_url_of(engine), tmp_path, **store_options)


@pytest.fixture
def unreachable_redis_url() -> str:
    """A Redis URL on a local port nothing listens on: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def dash_update_body(app, output_id: str) -> dict:
    """The JSON the browser POSTs to /_dash-update-component for the callback of `output_id`
    (one of its outputs, if it has several), with every input at its initial (empty) value."""
    key = next(k for k in app.callback_map if output_id in _output_ids(k))
    callback = app.callback_map[key]
    outputs = [
        {"id": out.rsplit(".", 1)[0], "property": out.rsplit(".", 1)[1].split("@")[0]}
        for out in key.strip(".").split("...")
    ]
    inputs = [{**item, "value": None} for item in callback["inputs"]]
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": [{**item, "value": None} for item in callback["state"]],
    }


def _output_ids(key: str) -> list[str]:
    """The component ids of a callback map key: `id.prop` or `..id.prop...id.prop..`."""
    return [out.rsplit(".", 1)[0] for out in key.strip(".").split("...")]
