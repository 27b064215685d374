"""/transactions by keyboard alone: Tab walks the entry form in its visual order and Enter
submits it; in the grid, arrows move between rows, Enter opens the focused row in the edit
modal, Escape closes it and the focus is back in the grid."""

from __future__ import annotations

from sqlalchemy import select

from dashboard import ids
from data.db import make_engine
from data.schema import transactions
from tests.e2e.conftest import wait_until
from tests.e2e.test_accessibility import wait_settled

# The entry form's fields in the order a person reads them (mode radios first, the button last).
ENTRY_ORDER = (
    ids.ENTRY_DATE,
    ids.ENTRY_AMOUNT,
    ids.ENTRY_ACCOUNT,
    ids.ENTRY_PAYEE,
    ids.ENTRY_CATEGORY,
    ids.ENTRY_MEMO,
    ids.ENTRY_SUBMIT,
)
MAX_TAB_STOPS = 30
# Where the focus is: the focused element's id (or its nearest ancestor's), whether it is in the
# entry form, and whether it is in the grid.
FOCUS_JS = """args => {
  const e = document.activeElement;
  if (!e || e === document.body) return {id: null, inForm: false, inGrid: false};
  const withId = e.id ? e : e.closest('[id]');
  return {
    id: withId ? withId.id : null,
    inForm: !!e.closest('#' + args[0]),
    inGrid: !!e.closest('#' + args[1]),
    rowIndex: e.closest('.ag-row') ? e.closest('.ag-row').getAttribute('row-index') : null,
  };
}"""
GRID_ROW_JS = """args => {
  const rows = document.querySelectorAll(`#${args[0]} .ag-center-cols-container .ag-row`);
  const row = [...rows].find(r => r.getAttribute('row-index') === String(args[1]));
  if (!row) return null;
  const text = col => (row.querySelector(`[col-id="${col}"]`) || {}).textContent || '';
  return {date: text('date'), payee: text('payee'), amount: text('amount')};
}"""


def focus(page) -> dict:
    return page.evaluate(FOCUS_JS, [ids.ENTRY_FORM, ids.GRID])


def open_transactions(page) -> None:
    page.goto(page.base_url + "/transactions")
    wait_settled(page, f"#{ids.GRID} .ag-row [col-id='payee']")
    wait_until(
        page, "id => (document.getElementById(id)?.options.length ?? 0) > 0", ids.ENTRY_ACCOUNT
    )


def stored_rows(live_server, payee: str) -> list:
    engine = make_engine(live_server.app.server.extensions["ft_settings"].resolved_database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(transactions.c.amount_minor, transactions.c.memo).where(
                transactions.c.payee == payee
            )
        ).all()
    engine.dispose()
    return rows


def test_tab_walks_the_entry_form_in_order_and_enter_submits_it(page, live_server):
    open_transactions(page)
    page.locator(f"#{ids.ENTRY_MODE} input").first.focus()
    typed = {ids.ENTRY_AMOUNT: "-42.50", ids.ENTRY_PAYEE: "Keyboard Cafe", ids.ENTRY_MEMO: "typed"}
    stops: list[str | None] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        where = focus(page)
        assert where["inForm"], f"Tab left the entry form after {stops} (at {where['id']})"
        stops.append(where["id"])
        if where["id"] in typed:
            page.keyboard.type(typed[where["id"]])
        if where["id"] == ids.ENTRY_SUBMIT:
            break
    fields_in_order = [stop for stop in stops if stop in ENTRY_ORDER]
    assert fields_in_order == list(ENTRY_ORDER), f"Tab stops: {stops}"

    page.keyboard.press("Enter")  # on the Add button, where the walk ended
    page.locator(f"#{ids.ENTRY_FEEDBACK} .alert-success").wait_for()
    assert stored_rows(live_server, "Keyboard Cafe") == [(-4250, "typed")]


def test_enter_on_a_grid_row_opens_it_and_escape_returns_to_the_grid(page):
    open_transactions(page)
    page.locator(f"#{ids.SEARCH}").focus()
    # Past the export links, into the grid: its header row first.
    for _ in range(3):
        page.keyboard.press("Tab")
        if focus(page)["inGrid"]:
            break
    assert focus(page)["inGrid"], focus(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    where = focus(page)
    assert where["inGrid"] and where["rowIndex"] == "1", where
    row = page.evaluate(GRID_ROW_JS, [ids.GRID, 1])

    page.keyboard.press("Enter")
    page.locator(f"#{ids.EDIT_MODAL}").wait_for(state="visible")
    wait_until(
        page,
        "args => document.getElementById(args[0]).value === args[1]",
        [ids.EDIT_PAYEE, row["payee"]],
    )
    assert page.input_value(f"#{ids.EDIT_DATE}") == row["date"]
    shown_amount = page.input_value(f"#{ids.EDIT_AMOUNT}")
    assert shown_amount.replace("-", "") in row["amount"].replace(",", ""), (shown_amount, row)

    page.keyboard.press("Escape")
    page.locator(f"#{ids.EDIT_MODAL}").wait_for(state="hidden")
    where = wait_until(
        page, f"args => ({FOCUS_JS})(args).inGrid && ({FOCUS_JS})(args)", [ids.ENTRY_FORM, ids.GRID]
    )
    assert where["rowIndex"] == "1", where
