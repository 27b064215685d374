"""Receipts (dashboard/receipts/stored.py, download.py, files.py) through the transactions page's
callbacks and the download route, on real databases and a real receipts directory."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import stat
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from dash import no_update
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from dashboard.callbacks import transaction_delete as deleting
from dashboard.callbacks import transaction_entry as entry
from dashboard.callbacks import transaction_receipt as attaching
from dashboard.callbacks import transactions as grid
from dashboard.forms import NO_CATEGORY
from dashboard.receipts import stored
from dashboard.receipts.files import (
    NOT_ALLOWED,
    NOT_INTACT,
    ReceiptRefused,
    decode_upload,
    too_large_message,
)
from dashboard.settings import MIB, Settings, SettingsError
from data import setup_writes, writes
from data.entries import Transaction, Transfer
from data.lookups import get_transaction
from data.schema import receipts as receipts_table
from data.schema import transactions
from data.validation import NotFound, ValidationError
from tests.conftest import as_user, build_app, make_user

TODAY = date.today()
MAGIC = {"JPEG": b"\xff\xd8\xff", "PNG": b"\x89PNG\r\n\x1a\n", "WEBP": b"RIFF", "PDF": b"%PDF-"}
STORAGE_NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp|pdf)")


# Sample files, made here with Pillow and pypdf (the security tests use them too).


def image_bytes(fmt: str, size=(40, 30), mode: str = "RGB", **save_options) -> bytes:
    out = io.BytesIO()
    color = "teal" if mode in ("RGB", "RGBA") else 1
    Image.new(mode, size, color).save(out, fmt, **save_options)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A 40x30 JPEG whose EXIF has a camera make, GPS coordinates and 'rotate 90°'."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (2.0, 17.0, 40.2),
    }
    return image_bytes("JPEG", exif=exif, icc_profile=b"SECRET-ICC" * 20)


def pdf_bytes(pages: int = 1, change=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 300)
    if change is not None:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def data_url(data: bytes, declared: str = "application/octet-stream") -> str:
    """What dcc.Upload hands the callback: a data URL with the browser's declared type."""
    return f"data:{declared};base64,{base64.b64encode(data).decode()}"


SAMPLES = {
    "JPEG": (lambda: image_bytes("JPEG"), "receipt.jpg", "image/jpeg", "jpg"),
    "PNG": (lambda: image_bytes("PNG", mode="RGBA"), "receipt.png", "image/png", "png"),
    "WEBP": (lambda: image_bytes("WEBP"), "receipt.webp", "image/webp", "webp"),
    "PDF": (lambda: pdf_bytes(2), "invoice.pdf", "application/pdf", "pdf"),
}


# Helpers over the app's receipts directory and the receipts table.


def receipts_dir(app):
    return app.server.extensions["ft_settings"].resolved_receipts_dir


def files_in(app) -> list[str]:
    """Every entry of the receipts directory, temporary files included."""
    directory = receipts_dir(app)
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def receipt_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(receipts_table).order_by(receipts_table.c.id)).all()


def make_ledger(engine, user_id: int) -> SimpleNamespace:
    account = setup_writes.create_account(engine, user_id, "Checking", "checking")
    txn = Transaction(account, TODAY, -1250, "Bakery")
    return SimpleNamespace(
        user=user_id, account=account, txn=writes.create_transaction(engine, user_id, txn)
    )


def upload(app, user_id: int, transaction_id: int, data: bytes, name: str = "r.png", **kw):
    """The edit modal's upload callback, as the browser's data URL reaches it."""
    with as_user(app, user_id):
        return attaching.upload_receipt(user_id, transaction_id, data_url(data, **kw), name, 0)


@pytest.fixture
def ledger(engine) -> SimpleNamespace:
    """alice with a checking account and one transaction, no receipt yet."""
    return make_ledger(engine, make_user(engine, "alice"))


# Upload, storage and metadata.


@pytest.mark.parametrize("kind", SAMPLES)
def test_an_upload_is_stored_cleaned_under_a_random_name_with_its_metadata(
    app, engine, ledger, kind
):
    make, name, content_type, extension = SAMPLES[kind]
    result = upload(app, ledger.user, ledger.txn, make(), name)
    assert result["done"] and result["error"] == "" and result["refresh"] == 1
    [row] = receipt_rows(engine)
    [stored_name] = files_in(app)
    stored = (receipts_dir(app) / stored_name).read_bytes()
    assert STORAGE_NAME.fullmatch(stored_name) and stored_name.endswith("." + extension)
    assert (row.storage_name, row.original_name, row.user_id) == (stored_name, name, ledger.user)
    assert (row.content_type, row.size_bytes) == (content_type, len(stored))
    assert row.sha256 == hashlib.sha256(stored).hexdigest()
    assert stored.startswith(MAGIC[kind])
    if kind == "PDF":
        assert len(PdfReader(io.BytesIO(stored), strict=True).pages) == 2
    else:
        assert Image.open(io.BytesIO(stored)).format == kind
    assert get_transaction(engine, ledger.user, ledger.txn)["receipt_id"] == row.id
    assert result["receipt"] == {"id": row.id, "name": name, "url": f"/receipts/{row.id}"}
    assert "Its receipt will be deleted too." in result["confirm"]


def test_a_jpeg_loses_its_exif_gps_and_icc_and_is_turned_upright(app, engine, ledger):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    upload(app, ledger.user, ledger.txn, original, "photo.jpg")
    stored = (receipts_dir(app) / files_in(app)[0]).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"SpyCam" not in stored and b"SECRET-ICC" not in stored and b"Exif" not in stored
    assert image.size == (30, 40), "the orientation tag was applied before it was dropped"


def png_and_webp_with_metadata() -> dict[str, bytes]:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "SECRET-TEXT")
    common = {"exif": exif, "icc_profile": b"SECRET-ICC" * 20}
    return {
        "PNG": image_bytes("PNG", pnginfo=text, **common),
        "WEBP": image_bytes("WEBP", xmp=b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>", **common),
    }


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_lose_their_exif_icc_text_and_xmp(app, engine, ledger, kind):
    original = png_and_webp_with_metadata()[kind]
    assert {"exif", "icc_profile"} <= Image.open(io.BytesIO(original)).info.keys()
    upload(app, ledger.user, ledger.txn, original, "image")
    stored = (receipts_dir(app) / files_in(app)[0]).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif() and not {"exif", "icc_profile", "xmp", "Comment"} & image.info.keys()
    assert not any(secret in stored for secret in (b"SpyCam", b"SECRET-ICC", b"SECRET-"))


def test_the_receipts_directory_is_private_and_nothing_temporary_stays(app, ledger):
    upload(app, ledger.user, ledger.txn, image_bytes("PNG"))
    directory = receipts_dir(app)
    [stored_name] = files_in(app)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / stored_name).stat().st_mode) == 0o600
    assert not stored_name.startswith(".")


def entry_form(account: int, amount: str, contents: str, filename: str, **fields: str) -> dict:
    """The entry form's values, with a receipt and a fresh submission key."""
    return {
        "mode": "transaction", "date": TODAY.isoformat(), "amount": amount,
        "account": str(account), "to_account": "", "category": NO_CATEGORY, "payee": "",
        "memo": "", "receipt_contents": contents, "receipt_filename": filename,
        "submission_key": str(uuid.uuid4()), **fields,
    }  # fmt: skip


def test_the_entry_form_saves_a_transaction_with_its_receipt(app, engine, ledger):
    with as_user(app, ledger.user):
        typed = entry_form(ledger.account, "-4.20", data_url(image_bytes("PNG"), "image/png"),
                           "kiosk.png", payee="Kiosk")  # fmt: skip
        outcome = entry.submit_entry(ledger.user, typed, 7)
    assert outcome.saved and outcome.error == "" and outcome.refresh == 8
    [row] = receipt_rows(engine)
    linked = [t for t in _transactions(engine, ledger.user) if t["receipt_id"] == row.id]
    assert [(t["amount_minor"], t["payee"]) for t in linked] == [(-420, "Kiosk")]
    assert row.original_name == "kiosk.png" and files_in(app) == [row.storage_name]


def test_a_transfer_keeps_its_receipt_on_the_outflow_leg(app, engine, ledger):
    savings = setup_writes.create_account(engine, ledger.user, "Savings", "savings")
    with as_user(app, ledger.user):
        typed = entry_form(ledger.account, "50", data_url(pdf_bytes()), "slip.pdf",
                           mode="transfer", to_account=str(savings))  # fmt: skip
        outcome = entry.submit_entry(ledger.user, typed, 0)
    assert outcome.saved
    [row] = receipt_rows(engine)
    [leg] = [t for t in _transactions(engine, ledger.user) if t["receipt_id"] == row.id]
    assert leg["amount_minor"] == -5000 and leg["account_id"] == ledger.account


def test_a_refused_receipt_stores_no_transaction_and_shows_both_messages(app, engine, ledger):
    before = _transactions(engine, ledger.user)
    html = data_url(b"<html><script>alert(1)</script></html>", "image/jpeg")
    with as_user(app, ledger.user):
        only_receipt = entry.submit_entry(
            ledger.user, entry_form(ledger.account, "-1", html, "photo.jpg"), 0
        )
        both = entry.submit_entry(
            ledger.user, entry_form(ledger.account, "abc", html, "photo.jpg"), 0
        )
    assert only_receipt == entry.FormOutcome(saved=False, field_errors={"receipt": NOT_ALLOWED})
    assert both.field_errors["receipt"] == NOT_ALLOWED and "amount" in both.field_errors
    assert _transactions(engine, ledger.user) == before
    assert receipt_rows(engine) == [] and files_in(app) == []


def _transactions(engine, user_id: int) -> list[dict]:
    with engine.connect() as conn:
        query = select(transactions).where(transactions.c.user_id == user_id)
        return [dict(row) for row in conn.execute(query.order_by(transactions.c.id)).mappings()]


# Replace, remove, delete: rows first, then files.


def test_replacing_a_receipt_removes_the_old_file_after_the_new_one_is_committed(
    app, engine, ledger
):
    upload(app, ledger.user, ledger.txn, image_bytes("PNG"), "first.png")
    [first] = receipt_rows(engine)
    result = upload(app, ledger.user, ledger.txn, pdf_bytes(), "second.pdf")
    [second] = receipt_rows(engine)
    assert result["done"] and second.original_name == "second.pdf"
    assert second.storage_name != first.storage_name
    assert files_in(app) == [second.storage_name]
    assert get_transaction(engine, ledger.user, ledger.txn)["receipt_id"] == second.id


def test_removing_a_receipt_deletes_its_row_and_file(app, engine, ledger):
    upload(app, ledger.user, ledger.txn, image_bytes("JPEG"))
    with as_user(app, ledger.user):
        result = attaching.remove_receipt(ledger.user, ledger.txn, 4)
    assert result["done"] and result["receipt"] is None and result["refresh"] == 5
    assert "receipt" not in result["confirm"]
    assert receipt_rows(engine) == [] and files_in(app) == []
    assert get_transaction(engine, ledger.user, ledger.txn)["receipt_id"] is None


def test_deleting_a_transaction_deletes_its_receipt_row_and_file(app, engine, ledger):
    upload(app, ledger.user, ledger.txn, image_bytes("WEBP"))
    with as_user(app, ledger.user):
        deleted = deleting.delete_transaction(ledger.user, ledger.txn, 0)
    assert deleted["deleted"]
    assert receipt_rows(engine) == [] and files_in(app) == []


def test_deleting_a_transfer_from_either_leg_deletes_the_receipt_of_the_other(app, engine, ledger):
    savings = setup_writes.create_account(engine, ledger.user, "Savings", "savings")
    out_id, in_id = writes.create_transfer(
        engine, ledger.user, Transfer(ledger.account, savings, TODAY, 700)
    )
    upload(app, ledger.user, in_id, image_bytes("PNG"))
    with as_user(app, ledger.user):
        deleted = deleting.delete_transaction(ledger.user, out_id, 0)
    assert deleted["message"] == "Transfer deleted."
    assert receipt_rows(engine) == [] and files_in(app) == []


# Failures leave no file without a row, and no row without a file.


def test_a_refused_row_removes_the_file_it_was_for(app, engine, ledger):
    bob = make_ledger(engine, make_user(engine, "bob"))
    with as_user(app, ledger.user):
        clean = stored.check_upload(data_url(image_bytes("PNG")), "x.png")
        with pytest.raises(NotFound):
            stored.store_receipt(ledger.user, bob.txn, clean)
    assert files_in(app) == [] and receipt_rows(engine) == []


def test_attaching_to_a_transaction_that_has_a_receipt_leaves_only_the_first(app, engine, ledger):
    upload(app, ledger.user, ledger.txn, image_bytes("PNG"), "kept.png")
    before = files_in(app)
    with as_user(app, ledger.user):
        clean = stored.check_upload(data_url(image_bytes("JPEG")), "refused.jpg")
        with pytest.raises(ValidationError, match="already has a receipt"):
            stored.store_receipt(ledger.user, ledger.txn, clean)
    assert files_in(app) == before
    assert [row.original_name for row in receipt_rows(engine)] == ["kept.png"]


def test_a_failed_file_write_leaves_no_row(engine, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the receipts directory's parent should be")
    app = build_app(
        engine.url.render_as_string(hide_password=False),
        tmp_path,
        receipts_dir=blocker / "receipts",
    )
    ledger = make_ledger(engine, make_user(engine, "alice"))
    result = upload(app, ledger.user, ledger.txn, image_bytes("PNG"))
    assert result == {"done": False, "error": attaching.RECEIPT_NOT_STORED}
    assert receipt_rows(engine) == []
    assert get_transaction(engine, ledger.user, ledger.txn)["receipt_id"] is None


# The grid and the download route.


def test_the_grid_links_a_receipt_to_its_download_route(app, engine, ledger):
    upload(app, ledger.user, ledger.txn, image_bytes("PNG"))
    [row] = receipt_rows(engine)
    with as_user(app, ledger.user):
        response, *_ = grid.grid_page(ledger.user, {}, {"preset": "all"}, {}, None, TODAY)
    [shown] = response["rowData"]
    assert shown["receipt_link"] == f'[📎](/receipts/{row.id} "Open the receipt")'
    assert grid.receipt_link(None) == ""


def test_the_owner_downloads_the_stored_bytes_as_an_attachment(
    app, engine, logged_in_client, login_user_id
):
    ledger = make_ledger(engine, login_user_id)
    upload(app, ledger.user, ledger.txn, pdf_bytes(), "scan.pdf")
    [row] = receipt_rows(engine)
    response = logged_in_client.get(f"/receipts/{row.id}")
    assert response.status_code == 200
    assert response.data == (receipts_dir(app) / row.storage_name).read_bytes()
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="receipt-{row.id}.pdf"'
    )


# Decoding, limits and settings.


def test_decoding_is_strict_and_measures_before_it_decodes():
    limit = 300
    assert decode_upload(data_url(b"x" * limit), limit) == b"x" * limit
    for refused in ("", None, "x" * 10, "data:image/png,abc", "data:;base64,@@@@", "data:;base64,"):
        with pytest.raises(ReceiptRefused) as caught:
            decode_upload(refused, limit)
        assert str(caught.value) in (NOT_INTACT, "That file is empty.")
    with pytest.raises(ReceiptRefused, match="larger than 300 bytes"):
        decode_upload(data_url(b"x" * (limit + 1)), limit)
    # Invalid base64 that is also too long: refused for its size, so it was never decoded.
    with pytest.raises(ReceiptRefused, match="larger than"):
        decode_upload("data:;base64," + "@" * 1000, limit)


def test_the_size_limit_sets_flask_max_content_length_for_one_base64_upload(engine, tmp_path):
    settings = Settings.from_env({"RECEIPT_MAX_BYTES": "3000000"})
    assert settings.receipt_max_bytes == 3_000_000
    assert settings.max_request_bytes == 4_000_000 + MIB
    assert Settings().receipt_max_bytes == 10 * MIB
    for bad in ("12", "999999999"):
        with pytest.raises(SettingsError, match="RECEIPT_MAX_BYTES"):
            Settings.from_env({"RECEIPT_MAX_BYTES": bad})
    app = build_app(
        engine.url.render_as_string(hide_password=False), tmp_path, receipt_max_bytes=3000
    )
    assert app.server.config["MAX_CONTENT_LENGTH"] == 4000 + MIB
    assert too_large_message(10 * MIB) == "That file is larger than 10 MB. Upload a smaller one."


def test_the_receipt_and_delete_views_fill_their_outputs_by_name():
    refused = attaching.uploaded_view({"done": False, "error": "Too big."})
    assert set(refused) == set(attaching.UPLOAD_OUTPUTS)
    assert refused["message"] == "Too big." and refused["current"] is no_update
    assert (refused["contents"], refused["name"]) == (None, attaching.RECEIPT_PROMPT)
    receipt = {"name": "r.png", "url": "/receipts/1"}
    shown = attaching.receipt_view(
        {"done": True, "receipt": receipt, "confirm": "Delete?", "refresh": 4}
    )
    assert set(shown) == set(attaching.RECEIPT_OUTPUTS)
    assert (shown["message"], shown["confirm"], shown["refresh"]) == ("", "Delete?", 4)
    assert shown["remove_style"] == {}

    kept = deleting.deleted_view({"deleted": False, "message": "Not found."})
    assert set(kept) == set(deleting.DELETE_OUTPUTS)
    assert kept["errors"] == "Not found." and kept["modal_open"] is no_update
    gone = deleting.deleted_view(
        {"deleted": True, "message": "Deleted.", "undo": {"legs": []}, "refresh": 2}
    )
    assert (gone["modal_open"], gone["undo_open"], gone["undo"], gone["refresh"]) == (
        False,
        True,
        {"legs": []},
        2,
    )
    failed = deleting.undone_view({"restored": False, "message": "Could not undo: gone"})
    assert set(failed) == set(deleting.UNDO_OUTPUTS)
    assert (failed["undo"], failed["refresh"]) == (None, no_update)
    restored = deleting.undone_view({"restored": True, "message": "Restored.", "refresh": 3})
    assert (restored["undo_message"], restored["refresh"]) == ("Restored.", 3)
