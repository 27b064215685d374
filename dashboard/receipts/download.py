"""The receipt download route: GET /receipts/<id> serves a stored file to its owner only, as
an attachment that cannot run in this origin; plus the request size limit and its 413 answer,
and the link (receipt_url, receipt_summary) the pages show for a stored receipt.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, abort, request, send_file

from dashboard.extensions import get_engine, get_settings
from dashboard.receipts.files import EXTENSION_BY_CONTENT_TYPE, human_size
from dashboard.receipts.storage import stored_path
from dashboard.receipts.stored import receipts_dir
from dashboard.security.auth import current_user_id
from dashboard.security.headers import error_response
from dashboard.settings import Settings
from data.lookups import get_receipt

logger = logging.getLogger(__name__)

DOWNLOAD_ENDPOINT = "receipts.download"
# Even if a browser ignored the attachment disposition, the file would render with no script,
# no plugin and no access to this origin.
DOWNLOAD_CSP = "sandbox; default-src 'none'"

bp = Blueprint("receipts", __name__)


def receipt_url(receipt_id: int) -> str:
    return f"/receipts/{int(receipt_id)}"


def receipt_summary(user_id: int, receipt_id: object) -> dict[str, object] | None:
    """{"id", "name", "url"} of this user's receipt, for display; None if there is none."""
    row = get_receipt(get_engine(), user_id, receipt_id)
    if row is None:
        return None
    return {"id": row["id"], "name": row["original_name"], "url": receipt_url(row["id"])}


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
