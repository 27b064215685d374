"""Phones and themes in a real browser (issue 9, items 3, 4 and 9).

Every page at 375 x 800, light and dark: nothing wider than the screen, the inputs of the budget
and accounts tables wide enough for "12,345.67", gauge and bar labels whole and readable, the
over-budget rows and the import's review at WCAG AA contrast, the sign-in page in the stored
theme, and a grid that logs no AG Grid warning.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date

import pytest

from dashboard import ids
from dashboard.security.passwords import DEMO_USERNAME
from data import receipt_writes, setup_writes, users, writes
from data.demo_household import CHECKING
from data.entries import Transaction
from data.months import month_start
from tests.e2e.conftest import TIMEOUT_MS, login, wait_until
from tests.e2e.test_goals import store_a_goal
from tests.e2e.test_rules import store_a_rule

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1440, "height": 900}
PAGES = (
    "/", "/transactions", "/budgets", "/goals", "/accounts", "/import", "/rules", "/schedules",
    "/rates", "/login",
)  # fmt: skip
# What shows that a page has drawn its data, so that it is measured whole.
READY = {
    "/": f"#{ids.GAUGES} [role=meter]",
    "/transactions": f"#{ids.GRID} .ag-row",
    "/budgets": f"#{ids.BUDGET_GAUGES} [role=meter]",
    "/accounts": f"#{ids.ACCOUNTS_TABLE} input",
    "/import": f"#{ids.IMPORT_HISTORY} > *",
    "/rules": f"#{ids.RULES_LIST} table",
    "/schedules": f"#{ids.SCHEDULES_LIST} table",
    "/goals": f"#{ids.GOALS_LIST} .goal-card",
    "/rates": f"#{ids.RATES_NEEDED} > *",
    "/login": "#username",
}
# /import with a file under review: its rows in the grid, the CSV reading's controls shown.
IMPORT_REVIEWED = f"#{ids.IMPORT_MAPPING_CARD}[style*='block'] ~ * #{ids.IMPORT_GRID} .ag-row"
# Day or month first? The review asks (an alert), and shows every count and line.
IMPORT_CSV = """Datum;Betrag;Empfänger
01/02/2026;-12,34;Bakery with a rather long name for a phone screen
03/04/2026;-56,78;Grocer
"""
WIDEST_AMOUNT = "12,345.67"
AA_CONTRAST = 4.5
# Where the theme switch keeps its value (Dash persistence), read by assets/stored-theme.js.
THEME_KEY = f"_dash_persistence.{ids.THEME_SWITCH}.value.true"

# Elements wider than the viewport, or table cells reaching past its edges (a scrolling table
# keeps the page's scrollWidth but still hides its columns).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const cells = Array.from(document.querySelectorAll('td, input, select, button'))
    .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden, .ag-root-wrapper'))
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([, box]) => box.width > 0 && (box.left < -0.5 || box.right > width + 0.5))
    .map(([e, box]) => `${e.tagName} ${(e.id || e.innerText || '').slice(0, 40)} `
                       + `${Math.round(box.left)}..${Math.round(box.right)}`);
  return {scrollWidth: document.documentElement.scrollWidth, width, cells};
}"""
# Each input's rendered width against what "12,345.67" needs in its own font and padding.
INPUT_ROOM_JS = """args => Array.from(document.querySelectorAll(args[0]))
  .filter(input => input.offsetParent !== null)
  .map(input => {
    const style = getComputedStyle(input);
    const probe = document.createElement('span');
    for (const name of ['fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'letterSpacing',
                        'fontVariantNumeric']) probe.style[name] = style[name];
    probe.style.position = 'absolute';
    probe.style.whiteSpace = 'pre';
    probe.textContent = args[1];
    document.body.appendChild(probe);
    const text = probe.getBoundingClientRect().width;
    probe.remove();
    const chrome = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']
      .reduce((sum, name) => sum + parseFloat(style[name]), 0);
    return {id: input.id, width: input.getBoundingClientRect().width, needed: text + chrome};
  })"""
# The texts of every budget meter (dashboard/budget_meter.py: name, amount, limit) that leave
# its box, once every meter is drawn; and each meter's width as a share of its card's.
GAUGE_TEXT_JS = """selector => {
  const meters = Array.from(document.querySelectorAll(selector + ` [id*='"type":"gauge"']`));
  if (!meters.length || !meters.every(meter => meter.querySelector('[role=meter]'))) return null;
  const card = document.querySelector(selector).getBoundingClientRect();
  const clipped = [];
  let texts = 0;
  for (const meter of meters) {
    const box = meter.getBoundingClientRect();
    for (const text of meter.querySelectorAll('.budget-meter-head > span')) {
      texts += 1;
      const t = text.getBoundingClientRect();
      if (t.width === 0 || t.left < box.left - 0.5 || t.right > box.right + 0.5
          || t.top < box.top - 0.5 || t.bottom > box.bottom + 0.5) clipped.push(text.textContent);
    }
  }
  const shares = meters.map(meter => meter.getBoundingClientRect().width / card.width);
  return {meters: meters.length, texts, clipped, shares};
}"""
# The amount labels of a bar chart: the size they are drawn at (plotly shrinks a label with a
# transform) and whether they stay inside the chart.
BAR_LABELS_JS = """id => {
  const graph = document.querySelector(`[id="${id}"] .js-plotly-plot`);
  if (!graph) return null;
  const box = graph.querySelector('.main-svg').getBoundingClientRect();
  return Array.from(graph.querySelectorAll('text.bartext')).map(text => {
    const drawn = text.getBoundingClientRect();
    const scale = drawn.height / text.getBBox().height;
    return {text: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * scale,
            inside: drawn.left >= box.left - 0.5 && drawn.right <= box.right + 0.5};
  });
}"""
# WCAG 2 contrast of every piece of text in the rows or blocks `selector` matches against what
# is painted under it: background colours composited from the root down (alpha included).
# Colours come as rgb()/rgba() or, where a stylesheet mixes them (AG Grid's header), as
# color(srgb r g b) with components from 0 to 1.
CONTRAST_JS = """selector => {
  const rgba = value => {
    const parts = value.match(/[\\d.]+/g).map(Number);
    const scale = value.startsWith('color(srgb') ? 255 : 1;
    return [parts[0] * scale, parts[1] * scale, parts[2] * scale,
            parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const backdrop = element => {
    const chain = [];
    for (let e = element; e; e = e.parentElement) chain.unshift(e);
    let colour = [255, 255, 255];
    for (const e of chain) {
      const own = rgba(getComputedStyle(e).backgroundColor);
      if (own[3] > 0) colour = over(own, colour);
    }
    return colour;
  };
  const luminance = rgb => {
    const [r, g, b] = rgb.map(v => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const results = [];
  for (const row of document.querySelectorAll(selector)) {
    for (const e of row.querySelectorAll('*')) {
      const ownText = Array.from(e.childNodes)
        .filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('').trim();
      const text = e.tagName === 'INPUT' ? e.value : ownText;
      if (!text || e.offsetParent === null || e.closest('.visually-hidden')) continue;
      const under = backdrop(e);
      const colour = over(rgba(getComputedStyle(e).color), under);
      results.push({text: text.slice(0, 40), ratio: ratio(colour, under)});
    }
    for (const cell of row.querySelectorAll('td[data-label]')) {
      const label = getComputedStyle(cell, '::before');
      if (label.content === 'none' || label.display === 'none') continue;
      const under = backdrop(cell);
      results.push({text: cell.dataset.label + ' (label)',
                    ratio: ratio(over(rgba(label.color), under), under)});
    }
  }
  return results;
}"""


@pytest.fixture
def household(live_server) -> dict[str, int]:
    """Three budgets of this month written into the live database: one far over its limit
    (a row that must read well), and two of €150 and €1,000 (whose plotly gauges once had their
    end labels cut, "15", "100"); plus a receipt, so the grid draws its link column."""
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = users.user_id_by_username(engine, DEMO_USERNAME)
    today = date.today()
    account = setup_writes.create_account(engine, user_id, "Phone test account", "checking", "EUR")
    created = {}
    for name, limit, spent in (
        ("Over the top", 100, 5_000),
        ("Ends at 150", 15_000, 6_067),
        ("Ends at 1000", 100_000, 91_301),
    ):
        category = setup_writes.create_category(engine, user_id, name, "expense")
        writes.set_budget(engine, user_id, category, month_start(today), limit)
        txn = Transaction(account, today, -spent, f"{name} shop", "", category)
        created[name] = writes.create_transaction(engine, user_id, txn)
    receipt_writes.attach_receipt(
        engine,
        user_id,
        created["Over the top"],
        storage_name=f"{secrets.token_hex(16)}.png",
        original_name="receipt.png",
        content_type="image/png",
        size_bytes=8,
        sha256="0" * 64,
    )
    # A rule with a long summary: its row on the rules page must fit a phone.
    store_a_rule(engine)
    # A goal: its card on the goals page and the overview must fit a phone.
    store_a_goal(engine)
    return created


class Browsing:
    """A signed-in browser context of one size and theme, with its console kept."""

    def __init__(self, browser, base_url: str, viewport: dict[str, int], dark: bool) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._keep)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        login(self.page, base_url)
        if dark:
            self.choose_dark()

    def _keep(self, message) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text}")

    def choose_dark(self) -> None:
        """Flip the navbar's switch as a person does (behind the menu button on a phone)."""
        switch = self.page.locator(f"#{ids.THEME_SWITCH}")
        switch.wait_for(state="attached")
        if not switch.is_visible():
            self.page.locator("#navbar-toggler").click()
        # A click, then the stored choice: check() asserts the box's state the moment the click
        # returns, and a controlled input shows its new state only once Dash re-renders it,
        # which waits while the page is still drawing its charts.
        switch.click()
        wait_until(self.page, "key => localStorage.getItem(key) === '[true,false]'", THEME_KEY)

    def open(self, path: str) -> None:
        if path == "/login":
            # Signed out, the browser's storage (and so the chosen theme) kept.
            self.context.clear_cookies()
        self.page.goto(self.base_url + path)
        self.page.locator(READY[path]).first.wait_for()

    def theme(self) -> str | None:
        return self.page.evaluate("() => document.documentElement.getAttribute('data-bs-theme')")


@pytest.fixture(params=["light", "dark"])
def phone(request, browser, live_server, household) -> Iterator[Browsing]:
    browsing = Browsing(browser, live_server.url, PHONE, dark=request.param == "dark")
    browsing.dark = request.param == "dark"
    yield browsing
    browsing.context.close()


@pytest.fixture(params=["light", "dark"])
def desktop(request, browser, live_server, household) -> Iterator[Browsing]:
    browsing = Browsing(browser, live_server.url, DESKTOP, dark=request.param == "dark")
    browsing.dark = request.param == "dark"
    yield browsing
    browsing.context.close()


def wait_for_gauges(page, selector: str) -> dict:
    return wait_until(page, GAUGE_TEXT_JS, selector)


def assert_gauge_labels_whole(page, selector: str, one_per_row: bool) -> None:
    found = wait_for_gauges(page, selector)
    assert found["texts"] >= 2 * found["meters"] >= 6, found
    assert found["clipped"] == [], f"meter labels out of the meter's box: {found['clipped']}"
    if one_per_row:  # a phone: each meter as wide as its card (less the gutters)
        assert min(found["shares"]) > 0.9, found["shares"]
    else:
        assert max(found["shares"]) < 0.5, found["shares"]


def assert_over_budget_rows_read_well(page) -> None:
    page.mouse.move(0, 0)  # a hovered row has its own colours
    results = page.evaluate(CONTRAST_JS, "tr.budget-row-over")
    assert results, "no over-budget row on the page"
    low = [r for r in results if r["ratio"] < AA_CONTRAST]
    assert low == [], f"below WCAG AA {AA_CONTRAST}:1: {low}"


def review_an_import(page, tmp_path) -> None:
    """Choose the account and upload a small CSV, as a person does; wait for its review."""
    page.select_option(f"#{ids.IMPORT_ACCOUNT}", str(CHECKING))
    path = tmp_path / "statement.csv"
    path.write_bytes(IMPORT_CSV.encode("cp1252"))
    page.set_input_files(f"#{ids.IMPORT_UPLOAD} input[type=file]", str(path))
    page.locator(IMPORT_REVIEWED).first.wait_for()
    wait_until(page, "id => document.getElementById(id).innerText", ids.IMPORT_QUESTIONS)


def assert_fits(page, path: str) -> None:
    fit = page.evaluate(OVERFLOW_JS)
    assert fit["scrollWidth"] <= fit["width"], f"{path} is {fit['scrollWidth']} px wide"
    assert fit["cells"] == [], f"{path}: cut off at the screen's edge: {fit['cells']}"


def test_every_page_fits_a_phone(phone, tmp_path):
    for path in PAGES:
        phone.open(path)
        if path in ("/", "/budgets"):
            wait_for_gauges(phone.page, f"#{ids.GAUGES if path == '/' else ids.BUDGET_GAUGES}")
        assert_fits(phone.page, path)
        if path == "/import":
            review_an_import(phone.page, tmp_path)
            assert_fits(phone.page, f"{path} (a file under review)")
        if path == "/rules":
            phone.page.locator(f"#{ids.RULES_LIST} button", has_text="Edit").first.click()
            phone.page.locator(f"#{ids.RULE_TEST}").click()
            phone.page.locator(f"#{ids.RULE_TEST_RESULT} .alert").wait_for()
            assert_fits(phone.page, f"{path} (the editor open, tested)")
        # Dash's pages write "light" themselves; the sign-in page leaves the default.
        assert phone.theme() in (("dark",) if phone.dark else (None, "light")), path
    assert phone.console == []


def test_the_import_review_reads_at_aa_contrast(phone, tmp_path):
    """Every text of the import page's cards (the question, the counts, the reading's
    controls, the history) against what is painted under it, light and dark."""
    phone.open("/import")
    review_an_import(phone.page, tmp_path)
    phone.page.mouse.move(0, 0)
    results = phone.page.evaluate(CONTRAST_JS, ".card-body")
    texts = " ".join(r["text"] for r in results)
    # (CONTRAST_JS keeps 40 characters of each text)
    assert "Is 01/02/2026" in texts and "Import 0 new lines" in texts, texts
    low = [r for r in results if r["ratio"] < AA_CONTRAST]
    assert low == [], f"below WCAG AA {AA_CONTRAST}:1: {low}"
    assert phone.console == []


@pytest.mark.parametrize(
    ("path", "inputs"),
    [
        ("/budgets", "input[id*='budget-limit-input']"),
        ("/accounts", "input[id*='settings-account-name'], input[id*='settings-category-name']"),
    ],
)
def test_table_inputs_on_a_phone_hold_an_amount(phone, path, inputs):
    phone.open(path)
    measured = phone.page.evaluate(INPUT_ROOM_JS, [inputs, WIDEST_AMOUNT])
    assert len(measured) >= 3
    narrow = [m for m in measured if m["width"] < m["needed"]]
    assert narrow == [], f"narrower than {WIDEST_AMOUNT!r} needs: {narrow[:3]}"
    if path == "/budgets":
        assert_over_budget_rows_read_well(phone.page)


def test_over_budget_rows_read_at_aa_contrast(desktop):
    desktop.open("/budgets")
    assert_over_budget_rows_read_well(desktop.page)
    assert desktop.console == []


def test_budget_meters_and_their_pace_lines_read_at_aa_contrast(desktop):
    """The meters' texts (an over-budget one among them) in the light and the dark theme."""
    desktop.open("/")
    wait_for_gauges(desktop.page, f"#{ids.GAUGES}")
    desktop.page.mouse.move(0, 0)
    results = desktop.page.evaluate(CONTRAST_JS, f"#{ids.GAUGES} .gauge-cell")
    texts = " ".join(r["text"] for r in results)
    assert "Over the top" in texts and "over its limit" in texts, texts
    low = [r for r in results if r["ratio"] < AA_CONTRAST]
    assert low == [], f"below WCAG AA {AA_CONTRAST}:1: {low}"
    assert desktop.console == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_gauge_and_bar_labels_are_whole_and_readable(browser, live_server, household, viewport):
    browsing = Browsing(browser, live_server.url, viewport, dark=False)
    try:
        browsing.open("/")
        phone = viewport == PHONE
        assert_gauge_labels_whole(browsing.page, f"#{ids.GAUGES}", phone)
        labels = wait_until(browsing.page, BAR_LABELS_JS, ids.CHART_CATEGORY)
        small = [label for label in labels if label["px"] < 11]
        assert small == [], f"bar labels drawn below 11 px: {small}"
        assert all(label["inside"] for label in labels), labels
        browsing.open("/budgets")
        assert_gauge_labels_whole(browsing.page, f"#{ids.BUDGET_GAUGES}", phone)
        assert browsing.console == []
    finally:
        browsing.context.close()


def test_the_sign_in_page_keeps_the_chosen_theme(desktop):
    desktop.page.goto(desktop.base_url + "/logout")
    desktop.page.click("#logout-submit")
    desktop.page.wait_for_url("**/login?signed_out=1")
    # Set by a script in <head>, before the body is parsed: no light flash first.
    desktop.page.goto(desktop.base_url + "/login", wait_until="domcontentloaded")
    assert desktop.theme() in (("dark",) if desktop.dark else (None, "light"))
    background = desktop.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(43, 48, 53)") is desktop.dark, background
    assert desktop.console == []


def test_the_grid_with_a_receipt_link_logs_no_warning(desktop):
    desktop.open("/transactions")
    link = desktop.page.locator(f"#{ids.GRID} .ag-cell[col-id='receipt_link'] a").first
    link.wait_for()
    assert link.get_attribute("href").startswith("/receipts/")
    assert desktop.console == []
