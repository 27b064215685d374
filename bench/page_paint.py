"""What a person waits for: the overview drawn in headless Chromium, not only the server's answer.

  python -m bench.page_paint                 # the demo household, embedded default (SQLite)
  python -m bench.page_paint --url URL --username U --password P   # a running server

Each round opens "/" and records, in the page's own clock (performance.now(), 0 = navigation
start): when every KPI shows its figure, when the budget meters are shown (HTML, not plotly:
dashboard/budget_meter.py), and when the last plotly graph was drawn with its figure (the page
then stays unchanged for SETTLED_MS with no callback in flight), and how many callback requests
the view sent. A first visit
is a new browser context (empty HTTP cache); warm rounds reload "/" in the same context. Bytes
are what crossed the wire (the responses' encoded sizes, from the DevTools protocol).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from bench.measure import Deadline
from dashboard import ids
from dashboard.settings import PROJECT_ROOT

# The browser tests' Chromium and login: the benchmark drives the page exactly as they do.
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, login
from tests.stack.services import free_port, wait_for

VIEWPORT = {"width": 1440, "height": 900}
SETTLED_MS = 1000
CALLBACK_PATH = "/_dash-update-component"
ROUND_TIMEOUT_S = 60
KPI_IDS = [f"{kpi}-value" for kpi in (ids.KPI_INCOME, ids.KPI_SPENDING, ids.KPI_NET)]
# The budget meters' card holds meters, or the sentence saying there are no budgets yet.
METERS_SHOWN = f"#{ids.GAUGES} [role=meter], #{ids.GAUGES} p"

# Injected before the page's own scripts (by the DevTools protocol, so the page's
# Content-Security-Policy does not apply). Every animation frame it notes the first time all
# KPIs show a figure and the last time any graph got a new figure or a callback was in flight.
WATCH_JS = """
(() => {
  const kpis = KPI_IDS_JSON;
  const seen = new WeakMap();
  const marks = {kpi: null, meters: null, lastChange: 0, graphs: 0};
  window.__ftPaint = marks;
  function frame() {
    const now = performance.now();
    if (marks.kpi === null && kpis.every(id => {
      const e = document.getElementById(id);
      return e && /\\d/.test(e.textContent);
    })) { marks.kpi = now; }
    if (marks.meters === null && document.querySelector(METERS_SHOWN_JSON)) { marks.meters = now; }
    const graphs = document.querySelectorAll('.js-plotly-plot');
    let changed = graphs.length !== marks.graphs;
    graphs.forEach(gd => {
      if (gd._fullLayout && seen.get(gd) !== gd.data) { seen.set(gd, gd.data); changed = true; }
    });
    if (document.querySelector('[data-dash-is-loading="true"]')) { changed = true; }
    if (changed) { marks.lastChange = now; marks.graphs = graphs.length; }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})();
""".replace("KPI_IDS_JSON", json.dumps(KPI_IDS)).replace(
    "METERS_SHOWN_JSON", json.dumps(METERS_SHOWN)
)

SETTLED_JS = """settledMs => {
  const m = window.__ftPaint;
  return !!m && m.kpi !== null && m.meters !== null && m.graphs > 0
    && performance.now() - m.lastChange > settledMs;
}"""


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


class _WireBytes:
    """The encoded bytes of every response of a page, and how many callback requests it sent,
    from the DevTools protocol."""

    def __init__(self, page: Any) -> None:
        self.total = 0
        self.callbacks = 0
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.on("Network.loadingFinished", self._finished)
        self.session.on("Network.requestWillBeSent", self._sent)

    def _finished(self, event: dict[str, Any]) -> None:
        self.total += int(event.get("encodedDataLength", 0))

    def _sent(self, event: dict[str, Any]) -> None:
        if CALLBACK_PATH in event.get("request", {}).get("url", ""):
            self.callbacks += 1


def _one_view(page: Any, url: str, wire: _WireBytes) -> dict[str, float]:
    wire.total = wire.callbacks = 0
    page.goto(url + "/")
    deadline = time.monotonic() + ROUND_TIMEOUT_S
    while not page.evaluate(SETTLED_JS, SETTLED_MS):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the overview did not settle within {ROUND_TIMEOUT_S} s")
        page.wait_for_timeout(100)
    marks = page.evaluate("() => window.__ftPaint")
    return {
        "kpi_ms": round(marks["kpi"], 1),
        "meters_ms": round(marks["meters"], 1),
        "graphs_drawn_ms": round(marks["lastChange"], 1),
        "graphs": marks["graphs"],
        "bytes": wire.total,
        # Every callback request of the view (the frame's and the overview's), once settled.
        "callback_requests": wire.callbacks,
    }


def _logged_in_page(browser: Any, url: str, username: str, password: str) -> Any:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WATCH_JS)
    page = context.new_page()
    login(page, url, username, password)
    return page


def measure_page(
    url: str, username: str, password: str, rounds: int, deadline: Deadline
) -> dict[str, Any]:
    """First visits (a new context each) and warm reloads of "/": medians and every round."""
    from playwright.sync_api import sync_playwright

    first: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(rounds):
                if deadline.passed():
                    break
                # The login page loads the same bundles: a first visit is measured on a cache
                # emptied after logging in, as a person who was sent the overview's link.
                page = _logged_in_page(browser, url, username, password)
                wire = _WireBytes(page)
                wire.session.send("Network.clearBrowserCache")
                first.append(_one_view(page, url, wire))
                for _ in range(3):
                    warm.append(_one_view(page, url, wire))
                page.context.close()
        finally:
            browser.close()
    return {
        "first_visit": _summary(first),
        "warm": _summary(warm),
        "rounds": {"first_visit": first, "warm": warm},
    }


def _summary(views: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "kpi_ms": _median([view["kpi_ms"] for view in views]),
        "meters_ms": _median([view["meters_ms"] for view in views]),
        "graphs_drawn_ms": _median([view["graphs_drawn_ms"] for view in views]),
        "bytes": _median([float(view["bytes"]) for view in views]),
        "callback_requests": _median([float(view["callback_requests"]) for view in views]),
        "graphs": max((int(view["graphs"]) for view in views), default=0),
        "count": len(views),
    }


@contextlib.contextmanager
def demo_server() -> Iterator[str]:
    """`python -m dashboard` (the embedded default: SQLite, demo data) on a free port."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ft-paint-") as scratch:
        environment = {
            **os.environ,
            "FT_INSTANCE_PATH": scratch,
            "SECRET_KEY": "bench-page-paint-" + "0" * 32,
        }
        environment.pop("DATABASE_URL", None)
        environment.pop("REDIS_URL", None)
        log = Path(scratch) / "server.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "dashboard", "--port", str(port)],
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: _answers(url), 120, "the embedded server to answer", every_s=0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/health/live", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_paint", description=__doc__)
    parser.add_argument("--url", help="a running server (default: start the embedded demo)")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--rounds", type=int, default=3, help="first visits (3 warm each)")
    parser.add_argument("--seconds", type=float, default=300, help="the phase's deadline")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(demo_server())
        found = measure_page(url, args.username, args.password, args.rounds, Deadline(args.seconds))
    print(json.dumps({key: found[key] for key in ("first_visit", "warm")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
