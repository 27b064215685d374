"""What a person types is what the app reads, in a real browser (issue 9, items 1 and 2).

A date the app does not understand is refused with a message quoting it, in the entry form, the
edit modal and the filter bar's custom range, and nothing is stored or filtered by some other
date. A text longer than its limit is refused with the limit and its length, never cut.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from dashboard import ids
from data.db import make_engine
from data.schema import accounts, transactions
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import open_page, transaction_count

BAD_DATES = ("2023-02-30", "2023/02/30", "2023-13-01", "yesterday-ish")
DATE_FROM, DATE_TO = f"#{ids.DATE_FROM}", f"#{ids.DATE_TO}"
LONG = 100_000
FEEDBACK_HAS_JS = """args => {
  const node = document.getElementById(args[0]);
  return !!node && node.textContent.includes(args[1]);
}"""
STORED_FILTERS_JS = "() => sessionStorage.getItem('filters-store')"


def engine_of(live_server):
    return make_engine(live_server.app.server.extensions["ft_settings"].resolved_database_url)


def wait_for_message(page, element_id: str, text: str) -> str:
    wait_until(page, FEEDBACK_HAS_JS, [element_id, text])
    return page.locator(f"#{element_id}").inner_text()


def wait_for_entry_form(page) -> None:
    open_page(page, "/transactions")
    page.locator(f"#{ids.ENTRY_AMOUNT}").wait_for()
    wait_until(
        page, "id => (document.getElementById(id)?.options.length ?? 0) > 0", ids.ENTRY_ACCOUNT
    )


def test_a_date_that_is_not_one_is_refused_in_the_entry_form(page, live_server):
    wait_for_entry_form(page)
    before = transaction_count(live_server)
    for typed in BAD_DATES:
        page.fill(f"#{ids.ENTRY_PAYEE}", f"Bad date {typed}")
        page.fill(f"#{ids.ENTRY_AMOUNT}", "-1.00")
        page.fill(f"#{ids.ENTRY_DATE}", typed)
        page.press(f"#{ids.ENTRY_DATE}", "Tab")
        page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
        message = wait_for_message(page, f"{ids.ENTRY_DATE}-feedback", f"Not a date: {typed}")
        assert "YYYY-MM-DD" in message
        assert page.input_value(f"#{ids.ENTRY_DATE}") == typed, "the typed date was rewritten"
        assert page.locator(f"#{ids.ENTRY_DATE}.is-invalid").count() == 1
        assert transaction_count(live_server) == before, f"{typed!r} stored a transaction"

    # A real date saves, and stays in the field for the next entry.
    page.fill(f"#{ids.ENTRY_DATE}", "2023-02-28")
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    page.locator(f"#{ids.ENTRY_FEEDBACK} .alert-success").wait_for()
    assert transaction_count(live_server) == before + 1
    assert page.input_value(f"#{ids.ENTRY_DATE}") == "2023-02-28"
    assert page.inner_text(f"#{ids.ENTRY_DATE}-feedback") == ""


def test_the_calendar_button_writes_the_chosen_day_into_the_date_field(page):
    wait_for_entry_form(page)
    page.locator(f"#{ids.ENTRY_DATE}-calendar").click()
    # The browser's own picker is not part of the page; choose a day as it does: set + change.
    page.evaluate(
        """() => {
        const picker = document.querySelector('input.date-input-native');
        picker.value = '2024-01-05';
        picker.dispatchEvent(new Event('change', {bubbles: true}));
    }"""
    )
    wait_until(page, "id => document.getElementById(id).value === '2024-01-05'", ids.ENTRY_DATE)


def _first_row(page) -> int:
    """The id of the grid's first row, once its block has loaded (a stub row has no row-id)."""
    return int(
        wait_until(
            page,
            "grid => document.querySelector(`#${grid} .ag-row[row-index='0'][row-id]`)"
            "?.getAttribute('row-id')",
            ids.GRID,
        )
    )


def _stored_row(live_server, transaction_id: int) -> tuple:
    engine = engine_of(live_server)
    with engine.connect() as conn:
        row = conn.execute(select(transactions).where(transactions.c.id == transaction_id)).one()
    engine.dispose()
    return tuple(row)


def test_a_date_that_is_not_one_is_refused_in_the_edit_modal(page, live_server):
    open_page(page, "/transactions")
    transaction_id = _first_row(page)
    before = _stored_row(live_server, transaction_id)
    page.locator(f"#{ids.GRID} .ag-row[row-index='0'] [col-id='payee']").click()
    page.locator(f"#{ids.EDIT_MODAL}").wait_for(state="visible")
    wait_until(page, "id => document.getElementById(id)?.value", ids.EDIT_AMOUNT)
    for typed in BAD_DATES:
        page.fill(f"#{ids.EDIT_DATE}", typed)
        page.press(f"#{ids.EDIT_DATE}", "Tab")
        page.locator(f"#{ids.EDIT_SAVE}").click()
        message = wait_for_message(page, f"{ids.EDIT_DATE}-feedback", f"Not a date: {typed}")
        assert "YYYY-MM-DD" in message
        assert page.input_value(f"#{ids.EDIT_DATE}") == typed, "the typed date was rewritten"
        assert page.locator(f"#{ids.EDIT_MODAL}").is_visible(), "the modal closed as if saved"
        assert _stored_row(live_server, transaction_id) == before, f"{typed!r} changed the row"


def test_a_date_that_is_not_one_leaves_the_custom_range_filter_as_it_was(page):
    page.locator(DATE_FROM).wait_for()
    wait_until(page, STORED_FILTERS_JS)
    # Choose a real custom range first: refusals must keep it, not fall back to a preset.
    page.fill(DATE_FROM, "2024-01-05")
    page.press(DATE_FROM, "Tab")
    page.fill(DATE_TO, "2024-02-10")
    page.press(DATE_TO, "Tab")
    wait_until(page, f"() => ({STORED_FILTERS_JS})().includes('2024-02-10')")
    stored = json.loads(page.evaluate(STORED_FILTERS_JS))
    assert (stored["preset"], stored["start"], stored["end"]) == (
        "custom",
        "2024-01-05",
        "2024-02-10",
    )
    for selector in (DATE_FROM, DATE_TO):
        for typed in BAD_DATES:
            page.fill(selector, typed)
            page.press(selector, "Tab")
            message = wait_for_message(page, ids.DATE_RANGE_FEEDBACK, f"Not a date: {typed}")
            assert "YYYY-MM-DD" in message
            assert page.input_value(selector) == typed, "the typed date was rewritten"
            assert json.loads(page.evaluate(STORED_FILTERS_JS)) == stored
        page.fill(selector, "2024-01-05" if selector == DATE_FROM else "2024-02-10")
        page.press(selector, "Tab")
        wait_until(
            page,
            "id => document.getElementById(id).textContent === ''",
            ids.DATE_RANGE_FEEDBACK,
        )
    assert json.loads(page.evaluate(STORED_FILTERS_JS)) == stored

    # The filter bar remembers the range over a reload (session persistence).
    page.reload()
    page.locator(DATE_FROM).wait_for()
    wait_until(page, "id => document.getElementById(id).value === '2024-01-05'", ids.DATE_FROM)
    assert page.input_value(DATE_TO) == "2024-02-10"
    assert json.loads(page.evaluate(STORED_FILTERS_JS)) == stored


@pytest.mark.parametrize(
    ("field_id", "limit"), [(ids.ENTRY_MEMO, "2,000"), (ids.ENTRY_PAYEE, "200")]
)
def test_a_pasted_100000_character_text_is_refused_not_cut(page, live_server, field_id, limit):
    wait_for_entry_form(page)
    before = transaction_count(live_server)
    page.fill(f"#{ids.ENTRY_AMOUNT}", "-1.00")
    page.fill(f"#{field_id}", "x" * LONG)
    assert len(page.input_value(f"#{field_id}")) == LONG, "the browser cut the text"
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    wait_for_message(
        page, f"{field_id}-feedback", f"At most {limit} characters (this one has 100,000)"
    )
    assert transaction_count(live_server) == before


def _account_names(live_server) -> list[str]:
    engine = engine_of(live_server)
    with engine.connect() as conn:
        names = list(conn.execute(select(accounts.c.name).order_by(accounts.c.id)).scalars())
        assert conn.execute(select(func.count()).select_from(accounts)).scalar_one() == len(names)
    engine.dispose()
    return names


def test_a_pasted_100000_character_account_name_is_refused_not_cut(page, live_server):
    open_page(page, "/accounts")
    page.locator(f"#{ids.NEW_ACCOUNT_NAME}").wait_for()
    before = _account_names(live_server)
    page.fill(f"#{ids.NEW_ACCOUNT_NAME}", "n" * LONG)
    assert len(page.input_value(f"#{ids.NEW_ACCOUNT_NAME}")) == LONG, "the browser cut the name"
    page.locator(f"#{ids.NEW_ACCOUNT_SUBMIT}").click()
    wait_for_message(
        page, ids.error_id(ids.NEW_ACCOUNT_NAME), "At most 100 characters (this one has 100,000)"
    )
    assert _account_names(live_server) == before


def test_a_four_letter_currency_is_refused_not_cut_to_three(page, live_server):
    open_page(page, "/accounts")
    page.locator(f"#{ids.NEW_ACCOUNT_NAME}").wait_for()
    before = _account_names(live_server)
    page.fill(f"#{ids.NEW_ACCOUNT_NAME}", "Currency probe")
    page.fill(f"#{ids.NEW_ACCOUNT_CURRENCY}", "EURO")
    assert page.input_value(f"#{ids.NEW_ACCOUNT_CURRENCY}") == "EURO"
    page.locator(f"#{ids.NEW_ACCOUNT_SUBMIT}").click()
    wait_for_message(page, ids.error_id(ids.NEW_ACCOUNT_CURRENCY), "three-letter currency code")
    assert _account_names(live_server) == before
