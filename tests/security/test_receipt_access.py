"""GET /receipts/<id>: the file to its owner only, as a download that cannot run in our origin;
anyone else's id is the same 404 as an id that never existed, and nobody unsigned gets in."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from data.receipt_writes import attach_receipt
from data.schema import receipts
from tests.conftest import AuthActions, make_login_user
from tests.security.test_guard import is_public
from tests.test_dashboard_receipts import (
    files_in,
    image_bytes,
    make_ledger,
    receipt_rows,
    receipts_dir,
    upload,
)

pytestmark = pytest.mark.security

RULE = "/receipts/<int:receipt_id>"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.fixture
def alices_receipt(app, engine, login_user_id):
    """alice (logged in by logged_in_client) with one stored PNG receipt; its row."""
    ledger = make_ledger(engine, login_user_id)
    assert upload(app, login_user_id, ledger.txn, image_bytes("PNG"), "../secret.png")["done"]
    [row] = receipt_rows(engine)
    return row


@pytest.fixture
def bob_client(app, engine):
    make_login_user(engine, "bob")
    client = app.server.test_client()
    assert AuthActions(client).login("bob").status_code == 302
    return client


def assert_download_headers(response, receipt_id: int, content_type: str, extension: str):
    headers = response.headers
    assert headers["Content-Type"] == content_type
    assert headers["X-Content-Type-Options"] == "nosniff"
    disposition = f'attachment; filename="receipt-{receipt_id}.{extension}"'
    assert headers["Content-Disposition"] == disposition
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_owner_gets_the_file_as_a_sandboxed_attachment(app, logged_in_client, alices_receipt):
    row = alices_receipt
    response = logged_in_client.get(f"/receipts/{row.id}")
    assert response.status_code == 200
    assert response.data == (receipts_dir(app) / row.storage_name).read_bytes()
    assert_download_headers(response, row.id, "image/png", "png")
    assert "secret" not in response.headers["Content-Disposition"]


def test_another_users_receipt_is_the_same_404_as_a_missing_one(app, alices_receipt, bob_client):
    stored = (receipts_dir(app) / alices_receipt.storage_name).read_bytes()
    theirs = bob_client.get(f"/receipts/{alices_receipt.id}")
    missing = bob_client.get(f"/receipts/{alices_receipt.id + 1000}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.data == missing.data
    assert stored not in theirs.data and b"\x89PNG" not in theirs.data
    assert "attachment" not in theirs.headers.get("Content-Disposition", "")


def test_without_a_login_the_route_redirects_and_sends_nothing(app, client, alices_receipt):
    response = client.get(f"/receipts/{alices_receipt.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/receipts/{alices_receipt.id}"
    assert b"\x89PNG" not in response.data
    rules = {rule.rule for rule in app.server.url_map.iter_rules()}
    # The guard sweep (test_guard.py) walks the url_map: the route is in it and not public.
    assert RULE in rules and not is_public(RULE)


def test_a_row_with_a_type_we_never_sniff_is_served_as_plain_bytes(
    app, engine, login_user_id, logged_in_client
):
    # Rows from elsewhere (a restore, an old version) are not trusted to name a safe type.
    ledger = make_ledger(engine, login_user_id)
    directory = receipts_dir(app)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "planted.html").write_bytes(HTML)
    receipt_id = attach_receipt(
        engine, login_user_id, ledger.txn, storage_name="planted.html", original_name="x.html",
        content_type="text/html", size_bytes=len(HTML), sha256="0" * 64,
    )  # fmt: skip
    response = logged_in_client.get(f"/receipts/{receipt_id}")
    assert response.status_code == 200
    assert_download_headers(response, receipt_id, "application/octet-stream", "bin")


def test_a_row_whose_file_is_gone_is_a_404_not_a_crash(
    app, engine, login_user_id, logged_in_client
):
    with engine.begin() as conn:
        receipt_id = conn.execute(
            insert(receipts)
            .values(
                user_id=login_user_id, storage_name="gone.png", original_name="gone.png",
                content_type="image/png", size_bytes=1, sha256="0" * 64,
            )
            .returning(receipts.c.id)
        ).scalar_one()  # fmt: skip
    response = logged_in_client.get(f"/receipts/{receipt_id}")
    assert response.status_code == 404
    assert b"Traceback" not in response.data
    assert files_in(app) == []
