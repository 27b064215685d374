"""The export downloads: GET /export/transactions.csv and GET /export/ledger.beancount.

They sit behind the login guard like every route and export the signed-in user's rows only,
selected as the transactions grid selects them. The filter is in the query string:

    from, to      ISO dates (YYYY-MM-DD), inclusive; default: every date
    accounts      comma-separated account ids; default: all
    categories    comma-separated category ids; default: all
    payee         one payee exactly (the overview's cross-filter)
    tags          comma-separated tag ids; default: any tag or none
    match         "all" (a row needs every one of the tags) or "any" (the default)
    q             the grid's search: payee or memo, any case

Any other parameter, a parameter given twice or a value that is not what it should be is a 400
with the reason as plain text. An id of another user's row is no error: it selects nothing of
theirs. The body is streamed (data/export_rows.py reads in batches) as an attachment with a
dated name, never cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import TypeAlias
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, request, stream_with_context
from sqlalchemy import Engine
from werkzeug.datastructures import MultiDict

from dashboard.extensions import get_engine
from dashboard.forms import DATE_FORMAT, parse_iso_date, search_text, search_too_long
from dashboard.security.auth import current_user_id
from data.export_beancount import export_beancount
from data.export_csv import export_csv
from data.export_rows import ExportRequest
from data.filters import Filters
from data.validation import EARLIEST_DATE, MAX_DAYS_AHEAD

CSV_PATH = "/export/transactions.csv"
LEDGER_PATH = "/export/ledger.beancount"
PARAMETERS = ("from", "to", "accounts", "categories", "payee", "q", "tags", "match")
PAYEE_MAX = 200
IDS_MAX = 1_000
ID_MAX = 2**31 - 1
# Never rendered in this origin, even by a browser that ignored the attachment disposition.
DOWNLOAD_CSP = "sandbox; default-src 'none'"
_ID_LIST_RE = re.compile(r"[0-9]{1,10}(?:,[0-9]{1,10})*")

Writer: TypeAlias = Callable[[Engine, int, ExportRequest], Iterator[str]]

bp = Blueprint("export", __name__)


class BadExportRequest(ValueError):
    """str(error) says what is wrong with the query string, for a 400."""


def every_date(today: date) -> Filters:
    """Every date a transaction can have: the export's default."""
    return Filters(EARLIEST_DATE, today + timedelta(days=MAX_DAYS_AHEAD))


def _day(args: MultiDict[str, str], name: str, default: date) -> date:
    if name not in args:
        return default
    day = parse_iso_date(args[name])
    if day is None:
        raise BadExportRequest(f"{name}: not a date: {args[name][:40]!r}; use {DATE_FORMAT}.")
    return day


def _ids(args: MultiDict[str, str], name: str) -> tuple[int, ...]:
    text = args.get(name, "").strip()
    if not text:
        return ()
    if not _ID_LIST_RE.fullmatch(text):
        raise BadExportRequest(f"{name}: a comma-separated list of ids, such as 3,14.")
    ids = tuple(int(part) for part in text.split(","))
    if len(ids) > IDS_MAX or any(not 0 < value <= ID_MAX for value in ids):
        raise BadExportRequest(f"{name}: at most {IDS_MAX:,} ids, each from 1 to {ID_MAX}.")
    return ids


def parse_export_args(args: MultiDict[str, str], today: date) -> ExportRequest:
    """The query string -> what to export; BadExportRequest says what is wrong."""
    unknown = sorted(set(args) - set(PARAMETERS))
    if unknown:
        raise BadExportRequest(
            f"Unknown parameter {unknown[0][:40]!r}; use {', '.join(PARAMETERS)}."
        )
    repeated = [name for name in PARAMETERS if len(args.getlist(name)) > 1]
    if repeated:
        raise BadExportRequest(f"{repeated[0]}: give it once.")
    default = every_date(today)
    date_from = _day(args, "from", default.date_from)
    date_to = _day(args, "to", default.date_to)
    if date_from > date_to:
        raise BadExportRequest(f"from ({date_from}) is after to ({date_to}).")
    payee = args.get("payee")
    if payee is not None and len(payee) > PAYEE_MAX:
        raise BadExportRequest(f"payee: at most {PAYEE_MAX} characters.")
    search = search_text(args.get("q"))
    refused = search_too_long(search)
    if refused:
        raise BadExportRequest(refused)
    match = args.get("match", "any")
    if match not in ("any", "all"):
        raise BadExportRequest("match: 'any' or 'all'.")
    filters = Filters(
        date_from, date_to, _ids(args, "accounts"), _ids(args, "categories"), payee,
        tag_ids=_ids(args, "tags"), all_tags=match == "all",
    )  # fmt: skip
    return ExportRequest(filters, search)


def export_href(path: str, export: ExportRequest) -> str:
    """The download URL of `path` for this selection (what parse_export_args reads back)."""
    filters = export.filters
    params = {"from": filters.date_from.isoformat(), "to": filters.date_to.isoformat()}
    if filters.account_ids:
        params["accounts"] = ",".join(map(str, filters.account_ids))
    if filters.category_ids:
        params["categories"] = ",".join(map(str, filters.category_ids))
    if filters.payee is not None:
        params["payee"] = filters.payee
    if filters.tag_ids:
        params["tags"] = ",".join(map(str, filters.tag_ids))
        params["match"] = "all" if filters.all_tags else "any"
    if export.search:
        params["q"] = export.search
    return f"{path}?{urlencode(params)}"


def _download(writer: Writer, mimetype: str, filename: str) -> Response:
    today = date.today()
    try:
        export = parse_export_args(request.args, today)
    except BadExportRequest as error:
        return Response(str(error) + "\n", status=400, mimetype="text/plain")
    chunks = writer(get_engine(), current_user_id(), export)
    # The first chunk now: a database that does not answer is the app's 503, not a cut file.
    first = next(chunks, "")

    def body() -> Iterator[bytes]:
        yield first.encode("utf-8")
        for chunk in chunks:
            yield chunk.encode("utf-8")

    response = Response(stream_with_context(body()), mimetype=mimetype)
    dated = f"finance-tracker-{filename}-{today.isoformat()}"
    extension = "csv" if mimetype == "text/csv" else "beancount"
    response.headers["Content-Disposition"] = f'attachment; filename="{dated}.{extension}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


@bp.get(CSV_PATH)
def transactions_csv() -> Response:
    """The selected transactions as CSV (data/export_csv.py)."""
    return _download(export_csv, "text/csv", "transactions")


@bp.get(LEDGER_PATH)
def ledger_beancount() -> Response:
    """The ledger in beancount syntax (data/export_beancount.py)."""
    return _download(export_beancount, "text/plain", "ledger")


def init_app(server: Flask) -> None:
    server.register_blueprint(bp)
