"""Rules in a real browser: create "payee contains 'lidl' -> category Entertainment" on /rules,
test it (it matches the demo's Lidl shops), apply it to existing transactions after the preview,
see them changed in the database, and undo it as one step: they are back as they were.

The demo household has no payee with "grocer" in it; Lidl is one of its grocery shops.
"""

from __future__ import annotations

from collections import Counter

from dash._utils import stringify_id
from sqlalchemy import select

from dashboard import ids
from dashboard.security.passwords import DEMO_USERNAME
from data import lookups, users
from data.rules import store
from data.rules.model import Action, Condition, Rule
from data.schema import categories, transactions
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import open_page
from tests.e2e.test_import import wait_text

CATEGORY = "Entertainment"


def row_control(kind: str, index: int = 0) -> str:
    """The CSS selector of an editor row's control (a pattern-matching id)."""
    return f"[id='{stringify_id({'type': kind, 'index': index})}']"


def box(kind: str, index: int, part: str) -> str:
    return f"[id='{stringify_id({'type': kind, 'index': index, 'part': part})}']"


def demo_user(engine) -> int:
    return users.user_id_by_username(engine, DEMO_USERNAME)


def store_a_rule(engine) -> int:
    """A rule of every kind of part for the demo user, as the list and the editor show it
    (the accessibility and phone tests draw it)."""
    user_id = demo_user(engine)
    category = {
        row.name: int(row.id) for row in lookups.list_categories(engine, user_id).itertuples()
    }
    account = int(lookups.list_accounts(engine, user_id)["id"].iloc[0])
    rule = Rule(
        None, "Weekend streaming and cinema tickets", True, "any",
        (Condition("payee", "contains", "cineplex"), Condition("amount", "between", (-5000, -500)),
         Condition("account", "is", account), Condition("memo", "matches", r"ticket \d+")),
        (Action("set_category", category[CATEGORY]), Action("add_tags", ("cinema", "weekend")),
         Action("rename_payee", "Cineplex")),
        True,
    )  # fmt: skip
    return store.create_rule(engine, user_id, rule)


def lidl_categories(engine) -> Counter:
    """How many of the demo's Lidl transactions have each category (None: a split shop,
    whose parts have the categories: a rule's category leaves it as it is)."""
    query = (
        select(categories.c.name)
        .select_from(transactions)
        .outerjoin(categories, categories.c.id == transactions.c.category_id)
        .where(transactions.c.user_id == demo_user(engine), transactions.c.payee == "Lidl")
    )
    with engine.connect() as conn:
        return Counter(conn.scalars(query))


SHOWN_JS = "s => !!document.querySelector(s)?.offsetParent"


def visible(page, selector: str) -> bool:
    return page.locator(selector).is_visible()


def test_create_test_apply_and_undo_a_rule(page, live_server):
    database = live_server.app.server.extensions["ft_engine"]
    before = lidl_categories(database)
    lidl_count, changing = sum(before.values()), before["Groceries"]
    assert changing > 0 and CATEGORY not in before

    open_page(page, "/rules")
    page.locator(f"#{ids.RULES_NEW}").click()
    page.locator(row_control(ids.COND_TEXT)).wait_for()
    page.fill(f"#{ids.RULE_NAME}", "Lidl is fun")

    # A second condition on the amount: its own op choices and boxes; then removed again.
    page.locator(f"#{ids.RULE_CONDITION_ADD}").click()
    page.locator(row_control(ids.COND_FIELD, 1)).select_option("amount")
    wait_until(page, SHOWN_JS, box(ids.COND_BOX, 1, "amount"))
    assert not visible(page, box(ids.COND_BOX, 1, "text"))
    ops = page.locator(f"{row_control(ids.COND_OP, 1)} option").all_inner_texts()
    # (dbc.Select's first option is its empty placeholder)
    assert [op for op in ops if op] == ["is", "is between", "is money in or out"]
    page.locator(row_control(ids.COND_OP, 1)).select_option("between")
    wait_until(page, SHOWN_JS, box(ids.COND_BOX, 1, "high"))
    page.locator(row_control(ids.COND_REMOVE, 1)).click()
    page.locator(row_control(ids.COND_FIELD, 1)).wait_for(state="detached")

    page.fill(row_control(ids.COND_TEXT), "  lidl ")
    page.locator(row_control(ids.ACTION_CATEGORY)).select_option(label=CATEGORY)

    page.locator(f"#{ids.RULE_TEST}").click()
    tested = wait_text(page, ids.RULE_TEST_RESULT, "would change")
    assert f"Matches {lidl_count:,} of your transactions; {changing:,} would change." in tested
    assert "Lidl" in tested
    assert lidl_categories(database) == before  # a test changes nothing

    page.locator(f"#{ids.RULE_SAVE}").click()
    listed = wait_text(page, ids.RULES_LIST, "Lidl is fun")
    assert f"Payee contains 'lidl' \u2192 Category {CATEGORY}" in listed
    assert not visible(page, f"#{ids.RULE_EDITOR}")

    page.locator(f"#{ids.RULES_APPLY_ALL}").click()
    wait_text(page, ids.RULES_APPLY_TEXT, f"{changing:,} would change")
    page.locator(f"#{ids.RULES_APPLY_CONFIRM}").click()
    wait_text(page, ids.RULES_RESULT, f"Applied: {changing:,} transactions changed")
    after = Counter({CATEGORY: changing, None: before[None]})
    assert lidl_categories(database) == +after

    page.locator(f"#{ids.RULES_UNDO}").click()
    wait_text(page, ids.RULES_RESULT, f"Undone: {changing:,} transactions restored")
    assert lidl_categories(database) == before
    assert not visible(page, f"#{ids.RULES_UNDO}")


def test_a_rule_made_on_the_rules_page_categorises_an_imported_file_in_its_review(page, tmp_path):
    open_page(page, "/rules")
    page.locator(f"#{ids.RULES_NEW}").click()
    page.locator(row_control(ids.COND_TEXT)).wait_for()
    page.fill(f"#{ids.RULE_NAME}", "Cinema tickets")
    page.fill(row_control(ids.COND_TEXT), "kinopolis")
    page.locator(row_control(ids.ACTION_CATEGORY)).select_option(label=CATEGORY)
    page.locator(f"#{ids.RULE_SAVE}").click()
    wait_text(page, ids.RULES_LIST, "Cinema tickets")

    statement = tmp_path / "card.csv"
    statement.write_text(
        "Date,Amount,Description\n"
        "2026-11-02,-18.50,KINOPOLIS KOBLENZ 4711\n"
        "2026-11-03,-3.20,Corner Kiosk\n"
    )
    open_page(page, "/import")
    page.select_option(f"#{ids.IMPORT_ACCOUNT}", label="Everyday Checking (EUR)")
    page.set_input_files(f"#{ids.IMPORT_UPLOAD} input[type=file]", str(statement))
    wait_text(page, ids.IMPORT_SUMMARY, "New: 2")
    grid = wait_text(page, ids.IMPORT_GRID, "Rules: Cinema tickets")
    # The rule's line shows its category; the other line has none of its own.
    kino = page.locator(f"#{ids.IMPORT_GRID} .ag-row", has_text="Rules: Cinema tickets")
    assert CATEGORY in kino.inner_text() and "Corner Kiosk" in grid
