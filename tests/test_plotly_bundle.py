"""dashboard/plotly_bundle.py: the page loads plotly.js's basic bundle, of plotly.py's plotly.js
version, fingerprinted and compressed, never the full bundle, and every figure fits in it."""

from __future__ import annotations

import re
from pathlib import Path

import brotli
from plotly.offline import get_plotlyjs_version

from dashboard import plotly_bundle, vendor
from dashboard.plotly_bundle import BASIC_TRACE_TYPES
from dashboard.settings import PROJECT_ROOT

BR = {"Accept-Encoding": "gzip, deflate, br, zstd"}
BUNDLE_FILE = Path(vendor.__file__).parent / plotly_bundle.BUNDLE
FULL_BUNDLE = "/_dash-component-suites/plotly/package_data/plotly.min.js"
# Values of "type" that name an axis type, not a trace.
AXIS_TYPES = {"category", "date", "linear", "log"}


def scripts(client) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', client.get("/").get_data(as_text=True))


def test_the_vendored_bundle_is_the_basic_one_of_plotly_pys_version():
    version = get_plotlyjs_version()
    assert vendor.__version__ == version
    header = BUNDLE_FILE.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{version}" in header
    assert (BUNDLE_FILE.parent / "plotly.js.LICENSE").read_text().startswith("MIT License")


def test_every_trace_type_the_figures_write_is_in_the_basic_bundle():
    """Read from the builders' source, so a new trace type fails here before a browser shows
    an empty chart (the built figures are checked too, in test_dashboard_figures*.py)."""
    written: set[str] = set()
    for source in sorted((PROJECT_ROOT / "dashboard").glob("figures*.py")):
        written |= set(re.findall(r'"type":\s*"(\w+)"', source.read_text(encoding="utf-8")))
    assert written - AXIS_TYPES <= BASIC_TRACE_TYPES
    assert {"bar", "scatter"} <= written, "the scan found the builders' traces"


def test_the_page_loads_the_basic_bundle_fingerprinted_and_cached_for_a_year(logged_in_client):
    found = [src for src in scripts(logged_in_client) if "plotly" in src]
    assert len(found) == 1, found
    [src] = found
    version = vendor.__version__.replace(".", "_")
    assert re.fullmatch(
        rf"/_dash-component-suites/dashboard\.vendor/plotly-basic\.v{version}m\d+\.min\.js", src
    )
    answer = logged_in_client.get(src, headers=BR)
    assert answer.status_code == 200
    assert "max-age=31536000" in answer.headers["Cache-Control"]
    assert answer.headers["Content-Encoding"] == "br"
    body = brotli.decompress(answer.get_data())
    assert body == BUNDLE_FILE.read_bytes()
    assert len(answer.get_data()) < 500_000, "the basic bundle is ~0.4 MB over the wire"


def test_the_bundle_runs_before_the_renderer_starts_so_graphs_find_window_plotly(
    logged_in_client,
):
    # dcc.Graph loads the full bundle from a fixed URL when window.Plotly is undefined. A plain
    # script (no async, no defer) listed before the renderer's start has run by then.
    page = logged_in_client.get("/").get_data(as_text=True)
    tag = re.search(r"<script src=\"[^\"]*plotly-basic[^\"]*\"></script>", page)
    assert tag is not None, "no plain script tag for the bundle"
    assert tag.start() < page.index("new DashRenderer(")


def test_the_full_bundle_is_not_served(logged_in_client):
    answer = logged_in_client.get(FULL_BUNDLE)
    assert answer.status_code == 404
    assert len(answer.get_data()) < 10_000


def test_swapping_twice_keeps_one_entry():
    from dash import dcc

    plotly_bundle.use_basic_bundle()
    plotly_bundle.use_basic_bundle()
    namespaces = [entry.get("namespace") for entry in dcc._js_dist]
    assert namespaces.count(plotly_bundle.NAMESPACE) == 1
    assert "plotly" not in namespaces
