"""plotly.js's partial "basic" bundle (1.2 MB, 0.4 MB compressed) instead of the full one
(4.6 MB): every figure of the app is a scatter, bar or pie trace (dashboard/figures*.py).

Dash adds the full bundle in `Dash._setup_plotlyjs` as an async entry of dcc's resources
(namespace "plotly"); dcc.Graph draws with `window.Plotly` when it is defined and otherwise
loads the full bundle from a fixed URL. `use_basic_bundle` swaps that entry for a plain script of
our own namespace (dashboard/vendor/), so:
- Dash lists it in the page before its renderer, fingerprinted (Cache-Control a year, like every
  bundle; compressed once per process by dashboard/compression.py), and `window.Plotly` is
  defined before any graph mounts: the fixed URL is never asked for;
- the full bundle is no longer a registered path: Dash answers a request for it with 404.
"""

from __future__ import annotations

from typing import Any

from dash import dcc

from dashboard import vendor

# The trace types the basic bundle registers (plotly.js's lib/index-basic.js).
BASIC_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})
BUNDLE = "plotly-basic.min.js"
NAMESPACE = vendor.__name__
ENTRY: dict[str, Any] = {"relative_package_path": BUNDLE, "namespace": NAMESPACE}


def use_basic_bundle() -> None:
    """Replace Dash's plotly.js entry by the basic bundle. Dash appends its entry to dcc's
    module-level list for every app built, so this runs after each `Dash(...)`; idempotent."""
    kept = [entry for entry in dcc._js_dist if entry.get("namespace") not in {"plotly", NAMESPACE}]  # noqa: SLF001
    dcc._js_dist[:] = [*kept, ENTRY]  # noqa: SLF001
