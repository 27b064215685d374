"""Browser tests: the real app served on 127.0.0.1, driven by Playwright in Debian's Chromium.

Each test gets its own copy of a demo database (loaded once), its own server and a logged-in
page. Console errors fail the test: the issue promises none.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from data.db import make_engine
from data.migrate import upgrade_to_head
from data.seed import load_demo
from tests import layout_ids
from tests.conftest import IN_CI, build_app

CHROMIUM = os.environ.get("FT_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium keeps trying to reach the network this machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000
CLOSE_TIMEOUT_S = 30
# Dash's renderer can fill a callback queued on the page being left against the next page's
# layout, log this and drop the callback (plotly/dash#2300, seen once in a CI run); likewise the
# answer of a background callback (/transactions' model warm-up) that lands after the page was
# left names its `Output`. It names an id that exists on another page; an id that exists
# nowhere is a real fault and still fails.
NAVIGATION_RACE = re.compile(
    r"A nonexistent object was used in an `(?:Input|State|Output)` of a Dash callback\. "
    r"The id of this object is `([^`]+)`"
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A migrated SQLite file holding the demo household, with the demo password set."""
    from dashboard.security.passwords import set_demo_password

    path = tmp_path_factory.mktemp("e2e") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    set_demo_password(engine, load_demo(engine))
    engine.dispose()
    return path


class LiveServer:
    def __init__(self, app) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(demo_template, tmp_path) -> Iterator[LiveServer]:
    database = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, database)
    app = build_app(f"sqlite:///{database}", tmp_path, load_demo_data=True)
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (scripts/install-system-deps)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip("SKIPPED LOUDLY: " + message)
    from playwright.sync_api import sync_playwright

    # Playwright's close has no time limit: a Chromium that does not exit would hang the run's
    # very end (the browser is closed after the last test of the session). Its process tree
    # (Playwright's driver and Chromium) is killed if closing takes longer than this.
    watchdog = threading.Timer(CLOSE_TIMEOUT_S, _kill_children, args=(os.getpid(),))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        watchdog.start()
        browser.close()
    watchdog.cancel()


def _kill_children(pid: int) -> None:
    """Kill what this test process started that still runs: Playwright's driver and browser."""
    import psutil

    for child in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            name = child.name()
            if name == "node" or name.startswith(("chrom", "headless_shell")):
                child.kill()


def login(page, base_url: str, username: str = "demo", password: str = "demo") -> None:
    page.goto(base_url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(base_url + "/", timeout=TIMEOUT_MS)


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A logged-in page at 1280 px; console errors are collected and fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server.url)
    page.base_url = live_server.url
    page.console_errors = errors
    yield page
    context.close()
    assert real_errors(errors) == [], f"console errors: {errors}"


def real_errors(errors: list[str]) -> list[str]:
    """The console errors less Dash's navigation race (NAVIGATION_RACE) on an id of the app."""
    known = layout_ids.all_ids()
    return [e for e in errors if not ((m := NAVIGATION_RACE.search(e)) and m.group(1) in known)]


def wait_until(page, function_js: str, arg=None, timeout_s: float = TIMEOUT_MS / 1000):
    """Poll `function_js(arg)` in the page until it returns something truthy, and return it.

    Playwright's own wait_for_function compiles its predicate with eval, which our
    Content-Security-Policy (rightly) refuses; evaluate() calls a function without eval.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(function_js, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout_s}s waiting for {function_js!r}({arg!r})"
            )
        page.wait_for_timeout(100)
