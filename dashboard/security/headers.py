"""What every response carries: security headers, and plain error pages that never leak.

The Content-Security-Policy allows scripts from this origin plus the hashes of Dash's own inline
scripts (app.csp_hashes(), clientside callbacks included), so an injected inline script or
event handler does not run.
"""

from __future__ import annotations

import logging

from dash import Dash
from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from dashboard.settings import Settings

logger = logging.getLogger(__name__)

# Rules (not paths) of routes that serve the same bytes to everyone: cacheable, no login.
STATIC_BUNDLE_PREFIXES = ("/assets/", "/_dash-component-suites/")
STATIC_BUNDLE_RULES = {"/_favicon.ico"}
# Dash's own JSON endpoints: they answer errors as JSON, never as a page.
DATA_ENDPOINT_PREFIXES = ("/_dash-", "/_reload-hash")
DATABASE_UNAVAILABLE_RETRY_S = 10
# What a database that is down, restarting or overloaded raises (PEP 249's OperationalError:
# "not necessarily under the control of the programmer"), and a pool with no free connection.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, PoolTimeoutError)


def matched_rule() -> str | None:
    return request.url_rule.rule if request.url_rule is not None else None


def is_static_bundle(rule: str | None) -> bool:
    return rule is not None and (
        rule.startswith(STATIC_BUNDLE_PREFIXES) or rule in STATIC_BUNDLE_RULES
    )


def is_data_endpoint(rule: str | None) -> bool:
    return rule is not None and rule.startswith(DATA_ENDPOINT_PREFIXES)


def content_security_policy(settings: Settings, script_hashes: list[str]) -> str:
    # Dash's development bundles (debug mode only, which production refuses) are built with
    # eval. The production bundles run without it: checked in headless Chromium on every page
    # (plotly charts and gauges, AG Grid, the clientside theme callback), no violation. Plotly's
    # WebGL traces (scattergl...) and AG Grid's plain-string expressions would need it.
    script_src = ["'self'", *script_hashes] + (["'unsafe-eval'"] if settings.debug else [])
    directives = {
        "default-src": ["'self'"],
        "script-src": script_src,
        # Dash, dash-bootstrap-components and plotly set style attributes from script.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def error_response(
    status: int,
    title: str,
    message: str,
    back_to: str = "/",
    headers: dict[str, str] | None = None,
) -> Response:
    """A plain page (or JSON for Dash's endpoints) saying what happened, and nothing else."""
    if is_data_endpoint(matched_rule()) or request.path.startswith("/_"):
        response = jsonify(error=title)
    else:
        page = render_template("error.html", title=title, message=message, back_to=back_to)
        response = Response(page)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def database_unavailable(error: Exception) -> Response:
    """503 while the database does not answer: one log line per request, not a traceback."""
    cause = getattr(error, "orig", None) or error
    first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    logger.warning("database unavailable (%s: %s)", type(cause).__name__, first_line)
    return error_response(
        503,
        "Service unavailable",
        "The database is not answering right now. Try again in a moment.",
        headers={"Retry-After": str(DATABASE_UNAVAILABLE_RETRY_S)},
    )


def init_app(app: Dash, settings: Settings) -> None:
    server: Flask = app.server
    hashes: list[str] = []

    def policy() -> str:
        # Computed at the first response, once every clientside callback is registered.
        if not hashes:
            hashes.extend(app.csp_hashes())
        return content_security_policy(settings, hashes)

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        # A route with a stricter policy of its own (a receipt download's sandbox) keeps it.
        headers.setdefault("Content-Security-Policy", policy())
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        private = "no-store" in headers.get("Cache-Control", "")
        if not private and not is_static_bundle(matched_rule()):
            headers["Cache-Control"] = "no-store"
        return response

    server.register_error_handler(HTTPException, _http_error)
    for error_class in DATABASE_UNAVAILABLE_ERRORS:
        server.register_error_handler(error_class, database_unavailable)
    server.register_error_handler(InternalServerError, _server_error)
    # A bundle Dash does not list (the full plotly.js since dashboard/plotly_bundle.py, a made-up
    # path): Dash raises, which would be a logged 500 for what is a 404.
    server.register_error_handler(DependencyException, _unknown_bundle)


def _http_error(error: HTTPException) -> Response:
    return error_response(error.code or 500, error.name, error.description or error.name)


def _unknown_bundle(_error: DependencyException) -> Response:
    return _http_error(NotFound())


def _server_error(error: InternalServerError) -> Response:
    # Errors raised outside a view (saving the session) arrive here wrapped, whatever their kind.
    original = getattr(error, "original_exception", None)
    if isinstance(original, DATABASE_UNAVAILABLE_ERRORS):
        return database_unavailable(original)
    return error_response(
        500,
        "Something went wrong",
        "The server could not finish this request. It has been logged; please try again.",
    )
