"""Hostile uploads: polyglots, SVG and HTML in disguise, path-traversal names, oversize files and
requests, decompression bombs, active PDFs. Each is refused with a message for a person and
leaves nothing behind, or is stored re-encoded with its payload gone."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from sqlalchemy import select

from dashboard import ids
from dashboard.receipts.files import (
    NOT_ALLOWED,
    PDF_ACTIVE,
    PDF_ENCRYPTED,
    TOO_MANY_PIXELS,
    too_large_message,
)
from data.lookups import get_transaction
from data.schema import receipts
from tests.conftest import AuthActions, build_app, make_login_user, make_user
from tests.security.conftest import db_url_of
from tests.test_dashboard_receipts import (
    data_url,
    files_in,
    image_bytes,
    make_ledger,
    pdf_bytes,
    receipt_rows,
    receipts_dir,
    upload,
)

pytestmark = pytest.mark.security

SCRIPT = b"<script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"


@pytest.fixture
def ledger(engine):
    return make_ledger(engine, make_user(engine, "alice"))


def assert_refused(app, engine, ledger, result, message: str) -> None:
    assert result == {"done": False, "error": message}
    assert files_in(app) == [], "a refused upload left a file (or a temporary one)"
    assert receipt_rows(engine) == []
    assert get_transaction(engine, ledger.user, ledger.txn)["receipt_id"] is None


def stored_bytes(app) -> bytes:
    [name] = files_in(app)
    return (receipts_dir(app) / name).read_bytes()


# Polyglots: stored only as freshly encoded pixels or rewritten pages, the payload gone.


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe payload-in-the-zip")
    return out.getvalue()


def png_with_text_chunk_and_trailer() -> bytes:
    png = image_bytes("PNG")
    return png[:33] + png_chunk(b"tEXt", b"Comment\x00" + SCRIPT) + png[33:] + HTML


POLYGLOTS = {
    "jpeg+html": (lambda: image_bytes("JPEG") + HTML, [SCRIPT, b"<html"]),
    "gifar jpeg+zip": (lambda: image_bytes("JPEG") + zip_archive(), [b"PK\x03\x04", b"Evil"]),
    "png text chunk+html": (png_with_text_chunk_and_trailer, [SCRIPT, b"tEXt", b"<html"]),
    "webp+html": (lambda: image_bytes("WEBP") + HTML, [SCRIPT]),
    "pdf+html": (lambda: pdf_bytes() + HTML, [SCRIPT, b"<html"]),
}


@pytest.mark.parametrize("case", POLYGLOTS)
def test_a_polyglot_is_stored_without_its_payload(app, engine, ledger, case):
    make, payloads = POLYGLOTS[case]
    original = make()
    assert all(payload in original for payload in payloads)
    result = upload(app, ledger.user, ledger.txn, original, "receipt.jpg", declared="image/jpeg")
    assert result["done"], result
    stored = stored_bytes(app)
    assert not any(payload in stored for payload in payloads)
    assert len(receipt_rows(engine)) == 1


# Wrong types, whatever their name or declared type says.


DISGUISES = {
    "svg with script": (SVG, "drawing.svg", "image/svg+xml"),
    "svg renamed .png": (SVG, "drawing.png", "image/png"),
    "html renamed .jpg": (HTML, "photo.jpg", "image/jpeg"),
    "jpeg magic then html": (b"\xff\xd8\xff\xe0" + HTML, "photo.jpg", "image/jpeg"),
    "png magic then html": (b"\x89PNG\r\n\x1a\n" + HTML, "scan.png", "image/png"),
    "pdf magic then html": (b"%PDF-1.7\n" + HTML, "invoice.pdf", "application/pdf"),
    "zip renamed .pdf": (zip_archive(), "invoice.pdf", "application/pdf"),
    "gif": (image_bytes("GIF"), "receipt.gif", "image/gif"),
    "plain text": (b"just some text", "notes.txt", "text/plain"),
    "html prefix before a real jpeg": (HTML + image_bytes("JPEG"), "photo.jpg", "image/jpeg"),
}


@pytest.mark.parametrize("case", DISGUISES)
def test_a_file_that_is_not_an_accepted_type_is_refused(app, engine, ledger, case):
    data, name, declared = DISGUISES[case]
    result = upload(app, ledger.user, ledger.txn, data, name, declared=declared)
    assert_refused(app, engine, ledger, result, NOT_ALLOWED)


# Names are displayed, never used for storage.


NAMES = {
    "../../etc/passwd.jpg": "passwd.jpg",
    "..\\..\\x.png": "x.png",
    "/etc/shadow.png": "shadow.png",
    "C:\\Windows\\win.ini.png": "win.ini.png",
    "evil\x00.png.html": "evil.png.html",
    "bidi\u202egnp.exe": "bidignp.exe",
    "..": "receipt",
    "line\r\nbreak.png": "linebreak.png",
    "x" * 300 + ".png": "x" * 255,
}


def test_path_traversal_names_are_only_displayed_and_sanitised(app, engine, ledger, tmp_path):
    for name, shown in NAMES.items():
        result = upload(app, ledger.user, ledger.txn, image_bytes("PNG"), name)
        assert result["done"] and result["receipt"]["name"] == shown, name
        [row] = receipt_rows(engine)
        assert row.original_name == shown
        assert (receipts_dir(app) / row.storage_name).is_file()
        assert files_in(app) == [row.storage_name]
    everything = {path.name for path in tmp_path.rglob("*")}
    assert not everything & {"passwd.jpg", "x.png", "shadow.png", "win.ini.png", "evil.png.html"}


# Size: a clear message for a file over the limit, 413 for a request over it.


LIMIT = 4096


@pytest.fixture
def small_app(engine, tmp_path):
    return build_app(db_url_of(engine), tmp_path, receipt_max_bytes=LIMIT)


def test_a_file_over_the_limit_is_refused_with_its_size_in_the_message(small_app, engine, ledger):
    just_over = image_bytes("PNG") + b"\x00" * LIMIT
    just_over = just_over[: LIMIT + 1]
    result = upload(small_app, ledger.user, ledger.txn, just_over, "big.png")
    assert_refused(small_app, engine, ledger, result, too_large_message(LIMIT))
    assert result["error"] == "That file is larger than 4 KB. Upload a smaller one."


def test_a_request_over_the_limit_is_a_413_before_it_is_read(small_app, engine):
    user_id = make_login_user(engine)
    ledger = make_ledger(engine, user_id)
    client = small_app.server.test_client()
    assert AuthActions(client).login().status_code == 302
    body = upload_body(small_app, ledger.txn, data_url(b"\xff" * 2 * 1024 * 1024))
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 413
    assert response.get_json() == {"error": "Upload too large"}
    assert b"Traceback" not in response.data
    assert files_in(small_app) == [] and receipt_rows(engine) == []
    page = client.post("/login", data={"padding": "x" * 2 * 1024 * 1024})
    assert page.status_code == 413
    assert "a receipt may be at most 4 KB" in page.get_data(as_text=True)


def upload_body(app, transaction_id: int, contents: str) -> dict:
    """The JSON the browser POSTs for the edit modal's upload callback."""
    key, spec = next(
        (key, spec)
        for key, spec in app.callback_map.items()
        if spec["inputs"][0] == {"id": ids.EDIT_RECEIPT_READY, "property": "data"}
    )
    outputs = [dict(zip(("id", "property"), item.rsplit(".", 1), strict=True))
               for item in key[2:-2].split("...")]  # fmt: skip
    values = {
        (ids.EDIT_RECEIPT, "contents"): contents,
        (ids.EDIT_RECEIPT, "filename"): "big.png",
        ("edit-transaction-id", "data"): transaction_id,
        ("refresh-store", "data"): 1,
    }
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{**spec["inputs"][0], "value": 1}],
        "changedPropIds": [f"{ids.EDIT_RECEIPT_READY}.data"],
        "state": [
            {**item, "value": values[(item["id"], item["property"])]} for item in spec["state"]
        ],
    }


def test_an_upload_through_the_real_callback_endpoint_is_checked_the_same_way(
    app, engine, login_user_id, logged_in_client
):
    ledger = make_ledger(engine, login_user_id)
    disguised = upload_body(app, ledger.txn, data_url(HTML, "image/jpeg"))
    refused = logged_in_client.post("/_dash-update-component", json=disguised)
    assert refused.status_code == 200 and NOT_ALLOWED in refused.get_data(as_text=True)
    assert files_in(app) == [] and receipt_rows(engine) == []
    genuine = upload_body(app, ledger.txn, data_url(image_bytes("PNG")))
    assert logged_in_client.post("/_dash-update-component", json=genuine).status_code == 200
    assert len(files_in(app)) == len(receipt_rows(engine)) == 1


# Decompression bombs: refused from the declared size, before any pixel is decoded.


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height zeros: tiny on disk, width*height pixels decoded.
    Compressed row by row, so making it needs no more memory than one row."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + -(-width // 8))
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + (png_chunk(b"IEND", b""))
    )


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR claims width x height (its CRC fixed, so only the size lies)."""
    png = bytearray(image_bytes("PNG", size=(8, 8)))
    ihdr = struct.pack(">II", width, height) + png[24:29]
    png[16:29] = ihdr
    png[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)))
    return bytes(png)


BOMBS = {
    "1-bit 30000x30000 png": lambda: png_bomb(30000, 30000),
    "patched ihdr 100000x100000": lambda: png_declaring(100_000, 100_000),
    "48 megapixels (under Pillow's own limit)": lambda: png_declaring(8000, 6000),
}


@pytest.mark.parametrize("case", BOMBS)
def test_a_decompression_bomb_is_refused(app, engine, ledger, case):
    bomb = BOMBS[case]()
    assert len(bomb) < 200_000
    result = upload(app, ledger.user, ledger.txn, bomb, "bomb.png")
    assert_refused(app, engine, ledger, result, TOO_MANY_PIXELS)


# Active PDFs.


def _open_action(action: DictionaryObject):
    def change(writer):
        writer._root_object[NameObject("/OpenAction")] = action

    return change


def _link_with_javascript(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


ACTIVE_PDFS = {
    "document javascript": lambda w: w.add_open_action(JavaScript("app.alert(1)")),
    "open action launching a program": _open_action(
        DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc")}
        )
    ),
    "open action submitting a form": _open_action(
        DictionaryObject({NameObject("/S"): NameObject("/SubmitForm")})
    ),
    "embedded file": lambda w: w.add_attachment("payload.exe", b"MZ payload"),
    "javascript behind a link on page 1": _link_with_javascript,
}


@pytest.mark.parametrize("case", ACTIVE_PDFS)
def test_an_active_pdf_is_refused(app, engine, ledger, case):
    result = upload(app, ledger.user, ledger.txn, pdf_bytes(change=ACTIVE_PDFS[case]), "a.pdf")
    assert_refused(app, engine, ledger, result, PDF_ACTIVE)


def test_encrypted_and_overlong_pdfs_are_refused(app, engine, ledger):
    encrypted = pdf_bytes(change=lambda writer: writer.encrypt("secret"))
    result = upload(app, ledger.user, ledger.txn, encrypted, "locked.pdf")
    assert_refused(app, engine, ledger, result, PDF_ENCRYPTED)
    result = upload(app, ledger.user, ledger.txn, pdf_bytes(pages=51), "long.pdf")
    assert_refused(app, engine, ledger, result, "That PDF has more than 50 pages.")


def test_an_open_action_that_only_opens_page_one_is_accepted(app, engine, ledger):
    # The control for the cases above: a destination is not an action.
    def open_at_first_page(writer):
        destination = [writer.pages[0].indirect_reference, NameObject("/Fit")]
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(destination)

    result = upload(app, ledger.user, ledger.txn, pdf_bytes(change=open_at_first_page), "ok.pdf")
    assert result["done"]
    assert b"/OpenAction" not in stored_bytes(app), "the rewrite keeps the pages only"


def test_the_row_records_the_sniffed_type_not_the_declared_one(app, engine, ledger):
    # A real PNG the browser calls a PDF: stored and later served as what it is.
    upload(app, ledger.user, ledger.txn, image_bytes("PNG"), "x.pdf", declared="application/pdf")
    with engine.connect() as conn:
        stored = conn.execute(select(receipts.c.content_type, receipts.c.storage_name)).one()
    assert stored.content_type == "image/png" and stored.storage_name.endswith(".png")


def test_a_page_tree_that_understates_its_count_is_counted_by_its_pages(app, engine, ledger):
    def lie_about_the_count(writer):
        writer._root_object["/Pages"].get_object()[NameObject("/Count")] = NumberObject(1)

    result = upload(app, ledger.user, ledger.txn, pdf_bytes(51, lie_about_the_count), "x.pdf")
    assert result["done"] is False
    assert files_in(app) == [] and receipt_rows(engine) == []
