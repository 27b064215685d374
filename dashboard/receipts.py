"""Receipts on the web side: storing a cleaned upload with its row, removing files after their
rows are gone, the upload size limit, and the authorised download route.

Order of operations, so a failure never leaves a row without its file:
- store: the file is written (fsynced, renamed into place) first, then its row is committed;
  if the row is refused or the database fails, the file is removed again. An entry saved with
  its receipt records both in one DB transaction (staged_receipt).
- replace, remove, delete: the rows go in one DB transaction; the old files are unlinked only
  after that commit. A crash between the commit and the unlink leaves an orphan file that no
  row names: it is never served (downloads go through a row) nor backed up (backups list rows),
  it only takes space until someone sweeps files that no row names.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from string import Template
from typing import TypedDict

from flask import Blueprint, Flask, Response, abort, request, send_file

from dashboard.extensions import get_engine, get_settings
from dashboard.receipt_files import (
    EXTENSION_BY_CONTENT_TYPE,
    CleanReceipt,
    clean_receipt,
    encoded_length,
    human_size,
    too_large_message,
)
from dashboard.receipt_storage import remove_files, stored_path, write_file
from dashboard.security.auth import current_user_id
from dashboard.security.headers import error_response
from dashboard.settings import Settings
from data import lookups, receipt_writes, writes
from data.lookups import get_receipt, receipt_stored_as

logger = logging.getLogger(__name__)

DOWNLOAD_ENDPOINT = "receipts.download"
# Even if a browser ignored the attachment disposition, the file would render with no script,
# no plugin and no access to this origin.
DOWNLOAD_CSP = "sandbox; default-src 'none'"

bp = Blueprint("receipts", __name__)

# In the browser, when a file is chosen: show its name, or drop it with the server's message if
# it is too large, so an oversize file is never posted (the server checks everything again).
# With $signals, the last output tells the server-side callback that a file is ready.
_UPLOAD_CHECK_JS = Template("""
function(contents, filename) {
    const skip = window.dash_clientside.no_update;
    const signal = (value) => $signals ? [value] : [];
    if (!contents) { return [$prompt, skip, skip, ...signal(skip)]; }
    const encoded = contents.length - contents.indexOf(',') - 1;
    if (encoded > $max_encoded) { return [$prompt, $too_large, null, ...signal(skip)]; }
    return [filename || $prompt, '', skip, ...signal(Date.now())];
}
""")


def receipt_url(receipt_id: int) -> str:
    return f"/receipts/{int(receipt_id)}"


def upload_check_js(max_bytes: int, prompt: str, signals_ready: bool) -> str:
    """The clientside size check of a receipt upload (see _UPLOAD_CHECK_JS); `prompt` is the
    drop zone's text without a file."""
    return _UPLOAD_CHECK_JS.substitute(
        signals="true" if signals_ready else "false",
        prompt=json.dumps(prompt),
        max_encoded=encoded_length(max_bytes),
        too_large=json.dumps(too_large_message(max_bytes)),
    )


def receipts_dir() -> Path:
    return get_settings().resolved_receipts_dir


def check_upload(contents: object, filename: object) -> CleanReceipt:
    """The upload cleaned and ready to store; raises ReceiptRefused with a message."""
    return clean_receipt(contents, filename, get_settings().receipt_max_bytes)


class ReceiptFileValues(TypedDict):
    """A stored receipt file's columns, as receipt_writes.attach_receipt takes them."""

    storage_name: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


def _row_values(storage_name: str, receipt: CleanReceipt) -> ReceiptFileValues:
    return {
        "storage_name": storage_name,
        "original_name": receipt.display_name,
        "content_type": receipt.kind.content_type,
        "size_bytes": receipt.size_bytes,
        "sha256": receipt.sha256,
    }


@contextmanager
def staged_receipt(
    user_id: int, receipt: CleanReceipt | None
) -> Iterator[ReceiptFileValues | None]:
    """Write the receipt's file for a write that records it in its own DB transaction (an entry
    saved with its receipt): yields the row values, None without a receipt. The file is removed
    again if the body raises, or if no row of this user names it afterwards (a replayed entry,
    answered with the receipt its first attempt stored)."""
    if receipt is None:
        yield None
        return
    directory = receipts_dir()
    storage_name = write_file(directory, receipt.data, receipt.kind.extension)
    try:
        yield _row_values(storage_name, receipt)
    except BaseException:
        remove_files(directory, [storage_name])
        raise
    if not receipt_stored_as(get_engine(), user_id, storage_name):
        remove_files(directory, [storage_name])


def store_receipt(
    user_id: int, transaction_id: int, receipt: CleanReceipt, replace: bool = False
) -> int:
    """Write the file, then its row (replacing the transaction's receipt if `replace`);
    returns the new receipt's id. Any failure removes the file again and is raised."""
    directory = receipts_dir()
    storage_name = write_file(directory, receipt.data, receipt.kind.extension)
    file = _row_values(storage_name, receipt)
    try:
        if replace:
            receipt_id, old_name = receipt_writes.replace_receipt(
                get_engine(), user_id, transaction_id, **file
            )
        else:
            receipt_id, old_name = (
                receipt_writes.attach_receipt(get_engine(), user_id, transaction_id, **file),
                None,
            )
    except BaseException:
        remove_files(directory, [storage_name])
        raise
    if old_name is not None:
        remove_files(directory, [old_name])
    return receipt_id


def remove_receipt(user_id: int, transaction_id: int) -> bool:
    """Delete the transaction's receipt, row then file; False if it had none."""
    old_name = receipt_writes.detach_receipt(get_engine(), user_id, transaction_id)
    if old_name is not None:
        remove_files(receipts_dir(), [old_name])
    return old_name is not None


def delete_transaction(user_id: int, transaction_id: int) -> None:
    """writes.delete_transaction (both legs of a transfer), then the files of the receipts it
    deleted. Their names are read first: once the rows are gone nothing names the files."""
    names = _receipt_names(user_id, _receipt_ids_of(user_id, transaction_id))
    deleted = writes.delete_transaction(get_engine(), user_id, transaction_id)
    for receipt_id in set(deleted) - set(names):
        # Replaced between the read and the delete: its file stays behind as an orphan.
        logger.warning("the file of deleted receipt %s was not removed", receipt_id)
    remove_files(receipts_dir(), [names[i] for i in deleted if i in names])


def receipt_summary(user_id: int, receipt_id: object) -> dict[str, object] | None:
    """{"id", "name", "url"} of this user's receipt, for display; None if there is none."""
    row = get_receipt(get_engine(), user_id, receipt_id)
    if row is None:
        return None
    return {"id": row["id"], "name": row["original_name"], "url": receipt_url(row["id"])}


def _receipt_ids_of(user_id: int, transaction_id: int) -> list[int]:
    txn = lookups.get_transaction(get_engine(), user_id, transaction_id)
    legs = [txn] if txn else []
    if txn and txn["transfer_peer_id"] is not None:
        peer = lookups.get_transaction(get_engine(), user_id, txn["transfer_peer_id"])
        if peer:
            legs.append(peer)
    return [int(leg["receipt_id"]) for leg in legs if leg and leg["receipt_id"] is not None]


def _receipt_names(user_id: int, receipt_ids: Iterable[int]) -> dict[int, str]:
    rows = [get_receipt(get_engine(), user_id, receipt_id) for receipt_id in receipt_ids]
    return {row["id"]: row["storage_name"] for row in rows if row is not None}


@bp.get("/receipts/<int:receipt_id>")
def download(receipt_id: int) -> Response:
    """The file, to its owner only: anyone else's id, or a missing one, is the same 404."""
    row = get_receipt(get_engine(), current_user_id(), receipt_id)
    if row is None:
        abort(404)
    path = stored_path(receipts_dir(), row["storage_name"])
    if not path.is_file():
        logger.warning("receipt %s has a row but no file %s", row["id"], row["storage_name"])
        abort(404)
    # The stored type came from sniffing; anything else (an old or restored row) is bytes.
    extension = EXTENSION_BY_CONTENT_TYPE.get(row["content_type"])
    mimetype = row["content_type"] if extension else "application/octet-stream"
    response = send_file(path, mimetype=mimetype, conditional=False, etag=False, max_age=None)
    # Always a download, never rendered in this origin; the name is ours, not the uploader's.
    filename = f"receipt-{row['id']}.{extension or 'bin'}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _download_headers(response: Response) -> Response:
    """A download is never rendered in our origin: a sandbox policy and no caching. The
    app-wide header hook keeps both (it only adds what a response does not set)."""
    if request.endpoint == DOWNLOAD_ENDPOINT and response.status_code == 200:
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


def _upload_too_large(_error: Exception) -> Response:
    limit = human_size(get_settings().receipt_max_bytes)
    return error_response(
        413, "Upload too large", f"That upload is too large: a receipt may be at most {limit}."
    )


def init_app(server: Flask, settings: Settings) -> None:
    """The request size limit, its 413 answer, the download route and its headers. Call it
    before dashboard.security.headers.init_app (see _download_headers)."""
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    server.register_error_handler(413, _upload_too_large)
    server.register_blueprint(bp)
    server.after_request(_download_headers)
