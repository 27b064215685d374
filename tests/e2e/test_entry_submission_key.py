"""The entry form's submission key in a real browser (issue 9, item 12): the page makes a key
when the form appears, sends it with every attempt, keeps it after a refusal (sending again is
the same submission) and makes a new one after a save; Enter pressed twice stores one entry."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from dashboard import ids
from dashboard.callbacks.transaction_saving import ENTRY_KEY_JS
from data.db import make_engine
from data.schema import transactions
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import open_page

UUID_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
KEY_PROP = {"id": ids.ENTRY_SUBMISSION_KEY, "property": "data"}
SHOWS_JS = """args => {
  const node = document.getElementById(args[0]);
  return !!node && node.textContent.includes(args[1]);
}"""


def rows_with_payee(live_server, payee: str) -> list[int]:
    engine = make_engine(live_server.app.server.extensions["ft_settings"].resolved_database_url)
    query = select(transactions.c.amount_minor).where(transactions.c.payee == payee)
    with engine.connect() as conn:
        amounts = list(conn.execute(query).scalars())
    engine.dispose()
    return amounts


def is_entry_submit(request) -> bool:
    """A POST of the entry form's submit callback by a person (Dash also calls it when the form
    appears, with n_submit unset)."""
    if request.method != "POST" or "/_dash-update-component" not in request.url:
        return False
    body = json.loads(request.post_data or "{}")
    # A pattern-matching input (ALL) is a list of items: never the form's n_submit.
    submits = [
        item.get("value")
        for item in body.get("inputs") or []
        if isinstance(item, dict)
        and (item.get("id"), item.get("property")) == (ids.ENTRY_FORM, "n_submit")
    ]
    return any(submits)


def sent_keys(page) -> list[str]:
    """Start recording the key of every entry submission the page sends."""
    keys: list[str] = []

    def record(request) -> None:
        if not is_entry_submit(request):
            return
        for item in json.loads(request.post_data)["state"]:
            # A pattern-matching state (the split parts) is a list: never the key.
            if (
                isinstance(item, dict)
                and {"id": item.get("id"), "property": item.get("property")} == KEY_PROP
            ):
                keys.append(item.get("value"))

    page.on("request", record)
    return keys


def submit(page, amount: str, payee: str, wait_for_text: tuple[str, str]) -> None:
    """Fill and press Enter, then wait until the element (id, text) shows the answer."""
    page.fill(f"#{ids.ENTRY_PAYEE}", payee)
    page.fill(f"#{ids.ENTRY_AMOUNT}", amount)
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    wait_until(page, SHOWS_JS, list(wait_for_text))


def test_a_refused_attempt_keeps_the_key_and_a_save_renews_it(page, live_server):
    keys = sent_keys(page)
    open_page(page, "/transactions")
    page.locator(f"#{ids.ENTRY_AMOUNT}").wait_for()

    submit(page, "12.345", "Key kept", (f"{ids.ENTRY_AMOUNT}-feedback", "decimals"))
    submit(page, "-1.11", "Key kept", (ids.ENTRY_FEEDBACK, "Key kept"))
    submit(page, "-2.22", "Key renewed", (ids.ENTRY_FEEDBACK, "Key renewed"))

    refused, saved, after_save = keys
    assert UUID_V4.fullmatch(refused), refused
    assert saved == refused, "a refused attempt's key must be sent again"
    assert UUID_V4.fullmatch(after_save) and after_save != saved
    assert rows_with_payee(live_server, "Key kept") == [-111]
    assert rows_with_payee(live_server, "Key renewed") == [-222]


def test_enter_pressed_twice_while_the_first_is_on_its_way_stores_one_entry(page, live_server):
    """Both requests are held in the browser until both are sent, so both reach the server:
    without the key the second would be stored too."""
    keys = sent_keys(page)
    held: list = []

    def hold_entry_submits(route) -> None:
        if not is_entry_submit(route.request):
            route.continue_()
            return
        held.append(route)
        if len(held) == 2:
            for each in held:
                each.continue_()

    open_page(page, "/transactions")
    page.locator(f"#{ids.ENTRY_AMOUNT}").wait_for()
    page.route("**/_dash-update-component*", hold_entry_submits)
    page.fill(f"#{ids.ENTRY_PAYEE}", "Pressed twice")
    page.fill(f"#{ids.ENTRY_AMOUNT}", "-3.33")
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    wait_until(page, SHOWS_JS, [ids.ENTRY_FEEDBACK, "Pressed twice"])

    assert rows_with_payee(live_server, "Pressed twice") == [-333]
    assert len(keys) == 2 and keys[0] == keys[1]


def test_the_key_is_made_without_crypto_random_uuid_over_plain_http(page):
    """randomUUID exists only in secure contexts: a home install over http has getRandomValues."""
    made = page.evaluate(
        f"""() => {{
            const make = {ENTRY_KEY_JS};
            const own = Object.getOwnPropertyDescriptor(window.crypto, 'randomUUID');
            Object.defineProperty(window.crypto, 'randomUUID', {{
                value: undefined, configurable: true
            }});
            try {{
                const kept = make("", "k", "kept-key") === window.dash_clientside.no_update;
                return [make(null, "k", null), make(null, "k", null), kept];
            }} finally {{
                if (own) {{ Object.defineProperty(window.crypto, 'randomUUID', own); }}
                else {{ delete window.crypto.randomUUID; }}
            }}
        }}"""
    )
    first, second, kept = made
    assert UUID_V4.fullmatch(first) and UUID_V4.fullmatch(second) and first != second
    assert kept is True, "after a refusal (empty feedback) the key must stay"
