"""Replayed and retried writes of /transactions (dashboard/callbacks/transaction_saving.py and the
delete/undo callbacks) on SQLite and PostgreSQL: the same request sent twice, one after the
other or at the same moment through two app instances, stores one entry and gets one answer."""

from __future__ import annotations

import base64
import io
import threading
import uuid
from datetime import date
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from dashboard import ids
from dashboard.callbacks import transaction_delete as deleting
from dashboard.callbacks import transaction_entry as entry
from dashboard.forms import NO_CATEGORY
from data import setup_writes, writes
from data.entries import Transaction
from data.schema import receipts, transactions
from data.validation import SUBMISSION_KEY_INVALID
from tests.conftest import as_user, build_app, make_user

TODAY = date.today()
JOIN_TIMEOUT_S = 60


def new_key() -> str:
    return str(uuid.uuid4())


def png_upload() -> str:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def stored(engine, user_id: int) -> list[tuple]:
    t = transactions.c
    query = (
        select(t.account_id, t.amount_minor, t.payee, t.submission_key, t.receipt_id.is_not(None))
        .where(t.user_id == user_id)
        .order_by(t.id)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def receipt_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(receipts)).scalar_one()


def receipt_files(app) -> list[str]:
    directory = app.server.extensions["ft_settings"].resolved_receipts_dir
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.fixture
def home(engine) -> dict[str, int]:
    user_id = make_user(engine, "alice")
    return {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "savings": setup_writes.create_account(engine, user_id, "Savings", "savings"),
    }


def form(home: dict[str, int], key: Any, mode: str = "transaction", **changes: Any) -> dict:
    """The entry form's values as the submit callback receives them."""
    values = {
        "mode": mode,
        "date": TODAY.isoformat(),
        "amount": "-12.50" if mode == "transaction" else "40",
        "account": str(home["checking"]),
        "to_account": str(home["savings"]),
        "category": NO_CATEGORY,
        "payee": "Bakery" if mode == "transaction" else "Transfer",
        "memo": "",
        "receipt_contents": None,
        "receipt_filename": None,
        "submission_key": key,
    }
    return {**values, **changes}


def submit(app, user_id: int, values: dict) -> entry.FormOutcome:
    with as_user(app, user_id):
        return entry.submit_entry(user_id, values, 3)


# The whole request, as the browser sends it.


def entry_request(app, values: dict[str, Any]) -> dict:
    """The renderer's POST body for the entry form's submit, with values keyed "id.property"."""
    [(output, spec)] = [
        (key, spec)
        for key, spec in app.callback_map.items()
        if spec["inputs"][0] == {"id": ids.ENTRY_FORM, "property": "n_submit"}
    ]

    def filled(items: list[dict]) -> list[dict | list]:
        # A pattern-matching state (the split parts) is the list of its components: none here.
        return [
            [] if item["id"].startswith("{")
            else {**item, "value": values.get(f"{item['id']}.{item['property']}")}
            for item in items
        ]  # fmt: skip

    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in output[2:-2].split("...")
    ]
    return {
        "output": output,
        "outputs": outputs,
        "inputs": filled(spec["inputs"]),
        "state": filled(spec["state"]),
        "changedPropIds": [f"{ids.ENTRY_FORM}.n_submit"],
    }


def test_the_same_entry_request_sent_twice_stores_one_row_and_gets_the_same_answer(
    app, engine, logged_in_client, login_user_id
):
    account = setup_writes.create_account(engine, login_user_id, "Checking", "checking")
    key = new_key()
    body = entry_request(
        app,
        {
            f"{ids.ENTRY_FORM}.n_submit": 1,
            f"{ids.ENTRY_MODE}.value": "transaction",
            f"{ids.ENTRY_DATE}.date": TODAY.isoformat(),
            f"{ids.ENTRY_DATE}.value": TODAY.isoformat(),
            f"{ids.ENTRY_AMOUNT}.value": "-7.25",
            f"{ids.ENTRY_ACCOUNT}.value": str(account),
            f"{ids.ENTRY_CATEGORY}.value": NO_CATEGORY,
            f"{ids.ENTRY_PAYEE}.value": "Kiosk",
            f"{ids.REFRESH_STORE}.data": 4,
            f"{ids.ENTRY_SUBMISSION_KEY}.data": key,
        },
    )
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}

    first = logged_in_client.post("/_dash-update-component", json=body, headers=headers)
    again = logged_in_client.post("/_dash-update-component", json=body, headers=headers)

    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert f"Added -€7.25 · Kiosk on {TODAY.isoformat()}." in first.get_data(as_text=True)
    assert stored(engine, login_user_id) == [(account, -725, "Kiosk", key, False)]


@pytest.mark.parametrize("mode", ["transaction", "transfer"])
def test_a_replay_stores_nothing_and_answers_as_the_first_attempt(app, engine, home, mode):
    key = new_key()
    first = submit(app, home["user"], form(home, key, mode))
    rows = stored(engine, home["user"])
    again = submit(app, home["user"], form(home, key, mode))
    # A retry after the person changed a field: what was stored is what the answer tells.
    other_amount = "-99" if mode == "transaction" else "99"
    changed = submit(app, home["user"], form(home, key, mode, amount=other_amount, payee="Other"))

    assert first.saved and first == again == changed
    assert first.refresh == 4
    assert stored(engine, home["user"]) == rows
    assert len(rows) == (1 if mode == "transaction" else 2)


def test_a_replayed_receipt_is_stored_once_and_its_extra_file_removed(app, engine, home):
    key = new_key()
    values = form(home, key, receipt_contents=png_upload(), receipt_filename="till.png")

    first = submit(app, home["user"], values)
    again = submit(app, home["user"], values)

    assert first.saved and first == again and first.error == ""
    assert stored(engine, home["user"]) == [(home["checking"], -1250, "Bakery", key, True)]
    assert receipt_rows(engine) == 1 and len(receipt_files(app)) == 1


@pytest.mark.parametrize(
    ("mode", "with_receipt"), [("transaction", False), ("transfer", True), ("transaction", True)]
)
def test_replays_at_the_same_moment_through_two_app_instances_store_one_entry(
    engine, home, tmp_path, mode, with_receipt
):
    url = engine.url.render_as_string(hide_password=False)
    # Two apps as two gunicorn workers: a statement timeout apart, so each has its own engine.
    apps = [build_app(url, tmp_path, statement_timeout_ms=15_000 + n) for n in range(2)]
    upload = {"receipt_contents": png_upload(), "receipt_filename": "r.png"} if with_receipt else {}
    values = form(home, new_key(), mode, **upload)
    start = threading.Barrier(len(apps), timeout=JOIN_TIMEOUT_S)
    answers: list[Any] = [None] * len(apps)

    def attempt(number: int) -> None:
        start.wait()
        try:
            answers[number] = submit(apps[number], home["user"], values)
        except Exception as error:  # noqa: BLE001 - reported as an answer, asserted below
            answers[number] = error

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(apps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)

    assert not any(thread.is_alive() for thread in threads)
    assert answers[0].saved and answers[0] == answers[1]
    legs = stored(engine, home["user"])
    assert len(legs) == (1 if mode == "transaction" else 2)
    assert receipt_rows(engine) == int(with_receipt) == len(receipt_files(apps[0]))


@pytest.mark.parametrize("key", [None, "", "not-a-key", "a" * 10_000, 7, {"key": "x"}])
def test_a_missing_or_malformed_key_stores_nothing_and_says_why(app, engine, home, key):
    outcome = submit(app, home["user"], form(home, key))
    assert outcome == entry.FormOutcome(
        saved=False, field_errors={"submission_key": SUBMISSION_KEY_INVALID}
    )
    shown = entry.entry_submitted(outcome)
    assert shown["feedback"] == "" and SUBMISSION_KEY_INVALID in str(shown["errors"])
    assert stored(engine, home["user"]) == []


def test_bob_replaying_alices_key_stores_his_own_entry_and_learns_nothing_of_hers(
    app, engine, home
):
    key = new_key()
    alices = submit(app, home["user"], form(home, key, payee="Alice's secret shop"))
    bob = make_user(engine, "bob")
    bobs_home = {
        "user": bob,
        "checking": setup_writes.create_account(engine, bob, "Wallet", "cash"),
        "savings": setup_writes.create_account(engine, bob, "Jar", "savings"),
    }
    bobs = submit(app, bob, form(bobs_home, key, amount="-3", payee="Bob's kiosk"))

    assert alices.saved and bobs.saved and "secret" not in bobs.message
    assert bobs.message == f"Added -€3.00 · Bob's kiosk on {TODAY.isoformat()}."
    assert stored(engine, bob) == [(bobs_home["checking"], -300, "Bob's kiosk", key, False)]
    assert stored(engine, home["user"]) == [
        (home["checking"], -1250, "Alice's secret shop", key, False)
    ]


# Delete and undo.


def test_a_second_delete_of_the_same_transaction_answers_deleted_not_an_error(app, engine, home):
    saved = writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], TODAY, -500, "Cafe")
    )
    with as_user(app, home["user"]):
        first = deleting.delete_transaction(home["user"], str(saved), 2)
        again = deleting.delete_transaction(home["user"], str(saved), 2)

    assert first["deleted"] and first["message"] == "Transaction deleted." and first["undo"]
    assert again == {**first, "undo": None}
    assert stored(engine, home["user"]) == []


def test_undo_restores_the_entry_with_its_key_once_however_often_it_is_sent(app, engine, home):
    key = new_key()
    first = submit(app, home["user"], form(home, key, mode="transfer"))
    legs = stored(engine, home["user"])
    [out_id] = _ids(engine, home["user"], key)
    with as_user(app, home["user"]):
        deleted = deleting.delete_transaction(home["user"], out_id, 0)
        restored = [deleting.undo_delete(home["user"], deleted["undo"], 1) for _ in range(2)]

    assert deleted["undo"]["submission_key"] == key
    assert restored == [{"restored": True, "message": "Restored.", "refresh": 2}] * 2
    assert stored(engine, home["user"]) == legs
    # A late retry of the entry that first stored it finds it again: still one transfer.
    assert submit(app, home["user"], form(home, key, mode="transfer")) == first
    assert stored(engine, home["user"]) == legs


def test_undo_of_an_entry_stored_without_a_key_gives_it_one(app, engine, home):
    saved = writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], TODAY, -500, "Import")
    )
    with as_user(app, home["user"]):
        deleted = deleting.delete_transaction(home["user"], saved, 0)
        restored = [deleting.undo_delete(home["user"], deleted["undo"], 1) for _ in range(2)]
        keyless = deleting.undo_delete(home["user"], {"legs": deleted["undo"]["legs"]}, 1)

    assert all(result["restored"] for result in restored)
    assert keyless == {"restored": False, "message": "There is nothing to undo."}
    assert stored(engine, home["user"]) == [
        (home["checking"], -500, "Import", deleted["undo"]["submission_key"], False)
    ]


def _ids(engine, user_id: int, key: str) -> list[int]:
    query = select(transactions.c.id).where(
        transactions.c.user_id == user_id, transactions.c.submission_key == key
    )
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())
