"""Screenshots for the README: the running app (demo data), three pages, light and dark.

Usage: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
Serves the app on a free 127.0.0.1 port over a fresh SQLite copy of the demo household and
drives Debian's Chromium with Playwright.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import create_app  # noqa: E402
from dashboard.security.passwords import set_demo_password  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data.db import make_engine  # noqa: E402
from data.migrate import upgrade_to_head  # noqa: E402
from data.seed import load_demo  # noqa: E402

PAGES = (("overview", "/"), ("transactions", "/transactions"), ("budgets", "/budgets"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Done when no Dash callback is pending and every graph on the page has drawn.
SETTLED_JS = """() => {
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  const graphs = document.querySelectorAll('.dash-graph');
  return [...graphs].every(g => g.querySelector('.main-svg'));
}"""


def wait_settled(page, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    page.wait_for_load_state("networkidle")
    while not page.evaluate(SETTLED_JS):
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not settle")
        page.wait_for_timeout(200)
    page.wait_for_timeout(800)  # plotly's transitions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="ft-screens-"))
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    set_demo_password(engine, load_demo(engine))
    engine.dispose()
    app = create_app(Settings(database_url=url, instance_path=workdir, load_demo_data=True))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for theme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 1360, "height": 900})
            page = context.new_page()
            page.goto(base + "/login")
            page.fill("#username", "demo")
            page.fill("#password", "demo")
            page.click("#login-submit")
            page.wait_for_url(base + "/")
            wait_settled(page)
            if theme == "dark":
                page.locator("#theme-switch").check()
                wait_settled(page)
            for name, path in PAGES:
                page.goto(base + path)
                wait_settled(page)
                target = args.out / f"{name}-{theme}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target.relative_to(ROOT))
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
