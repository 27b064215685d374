"""Static files a browser keeps: a warm page load asks the server only for what changes.

Dash fingerprints its own bundles (a year's Cache-Control) and the assets folder's files
(`?m=<mtime>`), but serves the latter, and its favicon (`?v=<dash version>`), with no lifetime:
every page load revalidated a dozen CSS and JS files, one round trip each, and the scripts among
them held back Dash's renderer (~150 ms of a warm overview on this machine, in headless Chromium).

- A file of `/assets/` or `/_favicon.ico` asked for with its fingerprint is cached for a year.
  The fingerprint changes with the file, so a new release is fetched at once; asked for without
  one, it is revalidated as before.
- dcc's lazy chunks (the graph and dropdown code) have no fingerprint and must stay revalidated
  (a cached chunk of an older dcc would load beside a newer main bundle). They are preloaded
  from the page's head, so their revalidation overlaps the bundles' instead of waiting for the
  first graph or dropdown to be drawn: the dropdowns' on every page (the filter bar), the
  graphs' where the page first drawn has charts (a preload left unused is a console warning).
"""

from __future__ import annotations

from collections.abc import Callable

from dash import Dash
from flask import Response, request

IMMUTABLE = "public, max-age=31536000, immutable"
FINGERPRINT_ARGS = ("m", "v")
FINGERPRINTED_PREFIXES = ("/assets/", "/_favicon.ico")
# dcc's chunks: the filter bar's dropdowns, on every page, and the charts'.
DROPDOWN_CHUNK = "dash/dcc/async-dropdown.js"
GRAPH_CHUNK = "dash/dcc/async-graph.js"


def preloaded_chunks(has_charts: bool) -> tuple[str, ...]:
    return (DROPDOWN_CHUNK, GRAPH_CHUNK) if has_charts else (DROPDOWN_CHUNK,)


def preload_links(app: Dash, chunks: tuple[str, ...]) -> str:
    return "".join(
        f'<link rel="preload" as="script" '
        f'href="{app.get_relative_path("/_dash-component-suites/" + chunk)}">'
        for chunk in chunks
    )


def init_app(app: Dash, has_charts: Callable[[str], bool]) -> None:
    """`has_charts(path)`: whether the page at `path` draws plotly graphs."""
    render_index = app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        # Next to the stylesheets, which the browser fetches first.
        chunks = preloaded_chunks(has_charts(request.path))
        parts["css"] = parts["css"] + preload_links(app, chunks)
        return render_index(**parts)

    # Dash's hook for the index page (as dashboard/index_summary.py uses it).
    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]

    @app.server.after_request
    def cache_fingerprinted(response: Response) -> Response:
        if (
            response.status_code in (200, 304)
            and request.path.startswith(FINGERPRINTED_PREFIXES)
            and any(request.args.get(name) for name in FINGERPRINT_ARGS)
        ):
            response.headers["Cache-Control"] = IMMUTABLE
        return response
