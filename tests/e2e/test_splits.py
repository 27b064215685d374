"""A split entered through the form, in a real browser: what is left to assign updates as the
parts are typed, the two category bars move by exactly the parts, the grid shows one marked
row, and a split that does not add up is refused with nothing stored."""

from __future__ import annotations

from decimal import Decimal

from dashboard import ids
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import (
    CATEGORY_VALUE_JS,
    euros,
    open_page,
    transaction_count,
)
from tests.e2e.test_overview import wait_for_points

FIRST, SECOND = "Gifts", "Groceries"
PART_SELECTOR = '[id*=\'"form":"entry"\'][id*=\'"type":"{kind}"\']'


def category_value(page, category: str) -> Decimal:
    return euros(wait_until(page, CATEGORY_VALUE_JS, [ids.CHART_CATEGORY, category]))


def part(page, kind: str, index: int):
    return page.locator(PART_SELECTOR.format(kind=kind)).nth(index)


def start_split(page, amount: str) -> None:
    open_page(page, "/transactions")
    page.locator(f"#{ids.ENTRY_AMOUNT}").wait_for()
    wait_until(
        page, "id => (document.getElementById(id)?.options.length ?? 0) > 1", ids.ENTRY_CATEGORY
    )
    page.get_by_label("Split across categories").check()
    part(page, ids.SPLIT_AMOUNT, 1).wait_for()
    page.fill(f"#{ids.ENTRY_PAYEE}", "Split Browser Shop")
    page.fill(f"#{ids.ENTRY_AMOUNT}", amount)


def left_text(page) -> str:
    return page.locator(f"#{ids.ENTRY_SPLIT_LEFT}").inner_text()


def test_a_split_moves_two_category_bars_by_exactly_its_parts(page, live_server):
    wait_for_points(page, ids.CHART_CATEGORY)
    first_before, second_before = category_value(page, FIRST), category_value(page, SECOND)

    start_split(page, "-50.10")
    part(page, ids.SPLIT_CATEGORY, 0).select_option(label=FIRST)
    part(page, ids.SPLIT_AMOUNT, 0).fill("-30.20")
    part(page, ids.SPLIT_MEMO, 0).fill("A present")
    wait_until(page, "id => document.getElementById(id).textContent.includes('-19.90')",
               ids.ENTRY_SPLIT_LEFT)  # fmt: skip
    part(page, ids.SPLIT_CATEGORY, 1).select_option(label=SECOND)
    part(page, ids.SPLIT_AMOUNT, 1).fill("-19.90")
    wait_until(page, "id => document.getElementById(id).textContent.includes('add up')",
               ids.ENTRY_SPLIT_LEFT)  # fmt: skip
    page.locator(f"#{ids.ENTRY_SUBMIT}").click()
    page.locator(f"#{ids.ENTRY_FEEDBACK} .alert-success").wait_for()
    marker = page.locator(f"#{ids.GRID} .ag-row", has_text="Split Browser Shop")
    marker.first.wait_for()
    assert "Split · 2 parts" in marker.first.inner_text()

    open_page(page, "/")
    changed = (
        f"args => {{ const t = ({CATEGORY_VALUE_JS})(args); return t !== args[2] ? t : null; }}"
    )
    first_after = wait_until(page, changed, [ids.CHART_CATEGORY, FIRST, f"€{first_before:,}"])
    second_after = wait_until(page, changed, [ids.CHART_CATEGORY, SECOND, f"€{second_before:,}"])
    assert euros(first_after) == first_before + Decimal("30.20")
    assert euros(second_after) == second_before + Decimal("19.90")


def test_a_split_that_does_not_add_up_is_refused_and_nothing_is_stored(page, live_server):
    before = transaction_count(live_server)
    start_split(page, "-10.00")
    part(page, ids.SPLIT_AMOUNT, 0).fill("-6")
    part(page, ids.SPLIT_AMOUNT, 1).fill("-3.99")
    wait_until(page, "id => document.getElementById(id).textContent.includes('-0.01')",
               ids.ENTRY_SPLIT_LEFT)  # fmt: skip
    page.locator(f"#{ids.ENTRY_SUBMIT}").click()
    alert = page.locator(f"#{ids.ENTRY_ERRORS} .alert-danger")
    alert.wait_for()
    assert "left to assign" in alert.inner_text()
    assert transaction_count(live_server) == before
