"""axe-core's WCAG 2.0 and 2.1 A/AA rules on every page, light and dark: no violation.

Pages: the overview, /transactions (also with the edit modal open and with a field's message
shown), /budgets, /goals (with a goal), /accounts, /rates, /import (with a file's review shown:
its question, the CSV reading's controls, the grid and the counts), the /logout confirmation and
/login (also after a wrong password).
axe-core comes with axe-playwright-python (its axe.min.js, no network). A failure lists each
violation as page, rule id, node and axe's summary of what is wrong, so it says what to fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from dashboard import ids
from data.demo_household import CHECKING
from tests.e2e.conftest import TIMEOUT_MS, wait_until
from tests.e2e.test_goals import store_a_goal
from tests.e2e.test_rules import store_a_rule

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Dash marks a component it is updating with data-dash-is-loading; the page is settled when its
# own content is there and no callback is in flight, seen at five polls 100 ms apart.
SETTLED_JS = """selector => !!document.querySelector(selector)
  && !document.querySelector('[data-dash-is-loading="true"]')"""
QUIET_POLLS = 5
# What each page shows once its callbacks have filled it.
READY = {
    "/": f"#{ids.GAUGES} [role=meter]",
    "/transactions": f"#{ids.GRID} .ag-row [col-id='payee']",
    "/budgets": f"#{ids.BUDGET_TABLE} .progress",
    "/accounts": f"#{ids.ACCOUNTS_TABLE} input",
    "/import": f"#{ids.IMPORT_ACCOUNT} option[value='{CHECKING}']",
    "/rules": f"#{ids.RULES_LIST} table",
    "/schedules": f"#{ids.SCHEDULES_LIST} table",
    "/goals": f"#{ids.GOALS_LIST} .goal-card",
    "/rates": f"#{ids.RATES_NEEDED} > *",
}
# /import once a file is under review: its rows in the grid, the reading's controls shown.
IMPORT_REVIEWED = f"#{ids.IMPORT_MAPPING_CARD}[style*='block'] ~ * #{ids.IMPORT_GRID} .ag-row"
# Day or month first? The review asks, and shows each line as an error until it is answered:
# the question, the reading's controls, the grid and every count show.
IMPORT_CSV = """Datum;Betrag;Empfänger
01/02/2026;-12,34;Bakery
03/04/2026;-56,78;Grocer
05/06/2026;100,00;Refund
"""
THEMES = ("light", "dark")
THEME_IS_JS = "theme => document.documentElement.getAttribute('data-bs-theme') === theme"


def axe_violations(page) -> list[dict[str, Any]]:
    page.evaluate(AXE_SCRIPT)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def violation_report(found: dict[str, list[dict[str, Any]]]) -> str:
    """One line per failing node: where, rule, node, axe's summary of what to fix."""
    lines = []
    for where, violations in found.items():
        for violation in violations:
            for node in violation["nodes"]:
                target = " ".join(str(part) for part in node["target"])
                summary = " ".join((node.get("failureSummary") or "").split())
                lines.append(
                    f"{where}: {violation['id']} ({violation['impact']}): {target}: {summary}"
                )
    return f"{len(lines)} failing nodes:\n" + "\n".join(lines)


def wait_settled(page, ready_selector: str) -> None:
    """Wait (bounded) until the page shows its content and Dash has nothing in flight."""
    for _ in range(QUIET_POLLS):
        wait_until(page, SETTLED_JS, ready_selector)
        page.wait_for_timeout(100)


def set_theme(page, theme: str) -> None:
    """The navbar's switch, as a person uses it (it is remembered in localStorage)."""
    switch = page.locator(f"#{ids.THEME_SWITCH}")
    if switch.is_checked() != (theme == "dark"):
        switch.click()
    wait_until(page, THEME_IS_JS, theme)


def open_edit_modal(page) -> None:
    """Click the first row, as a person does, and wait for the modal to show its values."""
    page.locator(f"#{ids.GRID} .ag-row[row-index='0'] [col-id='payee']").click()
    page.locator(f"#{ids.EDIT_MODAL}").wait_for(state="visible")
    wait_until(page, "id => document.getElementById(id).value", ids.EDIT_AMOUNT)
    wait_settled(page, f".modal.show #{ids.EDIT_MODAL}")


def show_a_field_error(page) -> None:
    """An amount with too many decimals: the entry form shows its message under the field."""
    page.locator(f"#{ids.EDIT_MODAL}").wait_for(state="hidden")
    page.fill(f"#{ids.ENTRY_AMOUNT}", "12.345")
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    wait_until(
        page, "id => document.getElementById(id).textContent", f"{ids.ENTRY_AMOUNT}-feedback"
    )
    wait_settled(page, f"#{ids.ENTRY_AMOUNT}.is-invalid")


def rules_views(page) -> dict[str, list[dict[str, Any]]]:
    """/rules with its editor open on the stored rule (every kind of row) and tested, then
    with the apply-to-existing preview open."""
    found = {}
    page.locator(f"#{ids.RULES_LIST} button", has_text="Edit").first.click()
    page.locator(f"#{ids.RULE_TEST}").click()
    wait_settled(page, f"#{ids.RULE_TEST_RESULT} .alert")
    found["/rules (the editor open, tested)"] = axe_violations(page)
    page.locator(f"#{ids.RULES_APPLY_ALL}").click()
    wait_settled(page, f".modal.show #{ids.RULES_APPLY_TEXT} table")
    found["/rules (apply to existing: the preview)"] = axe_violations(page)
    page.keyboard.press("Escape")
    return found


def review_an_import(page, tmp_path) -> None:
    """Choose the account and upload a small CSV, as a person does; wait for its review."""
    page.select_option(f"#{ids.IMPORT_ACCOUNT}", str(CHECKING))
    path = tmp_path / "statement.csv"
    path.write_bytes(IMPORT_CSV.encode("cp1252"))
    page.set_input_files(f"#{ids.IMPORT_UPLOAD} input[type=file]", str(path))
    wait_settled(page, IMPORT_REVIEWED)
    shown = page.evaluate(
        "ids => ids.map(id => document.getElementById(id).innerText)",
        [ids.IMPORT_QUESTIONS, ids.IMPORT_SUMMARY],
    )
    assert "date format" in shown[0] and "3 lines" in shown[1] and "Error: 3" in shown[1], shown


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_has_no_axe_violations(page, theme, tmp_path, live_server):
    found: dict[str, list[dict[str, Any]]] = {}
    store_a_rule(live_server.app.server.extensions["ft_engine"])
    store_a_goal(live_server.app.server.extensions["ft_engine"])
    for path, ready in READY.items():
        page.goto(page.base_url + path)
        wait_settled(page, ready)
        if path == "/":
            set_theme(page, theme)
            wait_settled(page, ready)
        else:  # every later page load keeps it (localStorage)
            wait_until(page, THEME_IS_JS, theme)
        found[path] = axe_violations(page)
        if path == "/transactions":
            open_edit_modal(page)
            found[f"{path} (edit modal open)"] = axe_violations(page)
            page.keyboard.press("Escape")
            show_a_field_error(page)
            found[f"{path} (a field's message shown)"] = axe_violations(page)
        if path == "/import":
            review_an_import(page, tmp_path)
            found[f"{path} (a file under review)"] = axe_violations(page)
        if path == "/rules":
            found.update(rules_views(page))
    page.goto(page.base_url + "/logout")
    page.locator("#logout-submit").wait_for()
    found["/logout"] = axe_violations(page)
    page.click("#logout-submit")
    page.wait_for_url("**/login**", timeout=TIMEOUT_MS)
    page.locator("#login-submit").wait_for()
    found["/login"] = axe_violations(page)
    page.fill("#username", "demo")
    page.fill("#password", "not the password")
    page.click("#login-submit")
    page.locator("#login-error").wait_for()
    found["/login (wrong password)"] = axe_violations(page)
    if any(found.values()):
        pytest.fail(violation_report(found), pytrace=False)
