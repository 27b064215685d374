"""Isolation between users, in the data layer and the memoized read models: two households,
alice's and bob's, and bob never reads or changes a row of alice's.

The households, the snapshot of a user's rows and the leak detector live here and are shared by
test_isolation_callbacks.py (every Dash callback, with the request bodies of
test_isolation_requests.py) and test_isolation_routes.py (every route).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dash import Dash
from sqlalchemy import Engine, select

from dashboard import services
from data import lookups, queries, receipt_writes, setup_writes, validation, writes
from data import tags as tag_data
from data.entries import Transaction, Transfer
from data.filters import Filters
from data.goals import store as goal_store
from data.goals.store import GoalInput
from data.imports.commit import ImportSource, commit_import
from data.imports.statement import Statement, StatementLine
from data.imports.uploads import stage_upload
from data.lookups import GridRequest
from data.money import format_amount
from data.months import add_months, month_start
from data.rates import Rate, list_rates, save_rate
from data.rules import existing as rule_runs
from data.rules import store as rule_store
from data.rules.model import Action, Condition, Rule
from data.schedules.model import Schedule
from data.schedules.store import create_schedule
from data.schema import metadata, receipts, user_sessions, users
from tests.conftest import as_user, build_app, make_login_user
from tests.security.conftest import db_url_of

pytestmark = pytest.mark.security

ALICE_MARK = "ALICE-SECRET"


@dataclass(frozen=True)
class Amounts:
    """A household's money, in minor units: distinct digits per user, so a leak is visible."""

    opening: int
    purchase: int
    income: int
    transfer: int
    budget: int
    last_month_budget: int


ALICE_AMOUNTS = Amounts(6_161_661, -424_217, 919_153, 373_729, 535_359, 292_941)
BOB_AMOUNTS = Amounts(10_000, -1_234, 200_000, 5_000, 30_000, 8_000)


@dataclass(frozen=True)
class Household:
    """One user's rows: two accounts, three categories (groceries in a group), a purchase (with
    a receipt), an income, a transfer, a budget this month and one last month. Every name starts
    with `tag`."""

    user_id: int
    tag: str
    checking: int
    savings: int
    groceries: int
    fun: int
    salary: int
    purchase: int
    income: int
    transfer_out: int
    transfer_in: int
    receipt: int
    housing: int
    secret_tag: int
    # An import batch (one line into checking) and a staged upload awaiting its review.
    batch: int
    upload: int
    # A rule (its payee condition and category are h's), and a run of it over the past.
    rule: int
    rule_run: int
    # A weekly schedule from today (its first date is on the overview's Upcoming card).
    schedule: int = 0
    # A savings goal counting the savings account.
    goal: int = 0
    # An exchange rate (no account of the household needs it: the totals stay as built).
    rate: int = 0

    @property
    def payee(self) -> str:
        return f"{self.tag}-SECRET-PAYEE"

    @property
    def account_ids(self) -> list[int]:
        return [self.checking, self.savings]

    @property
    def category_ids(self) -> list[int]:
        return [self.groceries, self.fun, self.salary]


def build_household(engine: Engine, user_id: int, tag: str, money: Amounts) -> Household:
    """The same writes for every user, so two households end at the same data_version."""
    today = date.today()
    this_month = month_start(today)
    checking = setup_writes.create_account(
        engine, user_id, f"{tag}-SECRET-CHECKING", "checking", "EUR", money.opening
    )
    savings = setup_writes.create_account(
        engine, user_id, f"{tag}-SECRET-SAVINGS", "savings", "EUR"
    )
    groceries = setup_writes.create_category(engine, user_id, f"{tag}-SECRET-GROCERIES", "expense")
    fun = setup_writes.create_category(engine, user_id, f"{tag}-SECRET-FUN", "expense")
    salary = setup_writes.create_category(engine, user_id, f"{tag}-SECRET-SALARY", "income")
    housing = setup_writes.create_group(engine, user_id, f"{tag}-SECRET-HOUSING")
    setup_writes.set_category_group(engine, user_id, groceries, housing)
    purchase = writes.create_transaction(
        engine,
        user_id,
        Transaction(
            checking,
            today,
            money.purchase,
            f"{tag}-SECRET-PAYEE",
            f"{tag}-SECRET-MEMO",
            groceries,
            tags=(f"{tag}-SECRET-TAG",),
        ),
    )
    income = writes.create_transaction(
        engine,
        user_id,
        Transaction(checking, this_month, money.income, f"{tag}-SECRET-EMPLOYER", "", salary),
    )
    transfer_out, transfer_in = writes.create_transfer(
        engine,
        user_id,
        Transfer(checking, savings, today, money.transfer, f"{tag}-SECRET-TRANSFER"),
    )
    receipt = receipt_writes.attach_receipt(
        engine,
        user_id,
        purchase,
        storage_name=f"{tag.lower()}-receipt-{user_id}.png",
        original_name=f"{tag}-SECRET-RECEIPT.png",
        content_type="image/png",
        size_bytes=1234,
        sha256=f"{user_id:064x}",
    )
    writes.set_budget(engine, user_id, groceries, this_month, money.budget)
    writes.set_budget(engine, user_id, fun, add_months(this_month, -1), money.last_month_budget)
    secret_tag = int(tag_data.list_tags(engine, user_id)["id"].iloc[0])
    batch, upload = _imports(engine, user_id, checking, tag, money)
    rule, rule_run = _rule(engine, user_id, tag, groceries)
    schedule = create_schedule(
        engine,
        user_id,
        Schedule(f"{tag}-SECRET-SCHEDULE", checking, money.purchase, "FREQ=WEEKLY", today,
                 payee=f"{tag}-SECRET-SCHEDULED-PAYEE", category_id=fun),
    )  # fmt: skip
    goal = goal_store.create_goal(
        engine,
        user_id,
        GoalInput(f"{tag}-SECRET-GOAL", money.budget, None, "account", savings),
        today,
    )
    save_rate(engine, user_id, Rate("USD", today, 1_000_000 + money.opening))
    rate = int(list_rates(engine, user_id)["id"].iloc[0])
    return Household(
        user_id, tag, checking, savings, groceries, fun, salary,
        purchase, income, transfer_out, transfer_in, receipt, housing, secret_tag, batch, upload,
        rule, rule_run, schedule, goal, rate,
    )  # fmt: skip


def _rule(engine: Engine, user_id: int, tag: str, groceries: int) -> tuple[int, int]:
    """A rule giving the purchase the category it has, and its run over the past (which
    changes nothing, so the households' other numbers stay as built)."""
    rule = Rule(
        None, f"{tag}-SECRET-RULE", True, "all",
        (Condition("payee", "contains", f"{tag}-SECRET-PAYEE"),),
        (Action("set_category", groceries),),
    )  # fmt: skip
    rule_id = rule_store.create_rule(engine, user_id, rule)
    return rule_id, rule_runs.apply_to_existing(engine, user_id, [rule_id])


def _imports(
    engine: Engine, user_id: int, checking: int, tag: str, money: Amounts
) -> tuple[int, int]:
    """An import batch of one line into checking, and a staged upload awaiting its review."""
    line = StatementLine(
        1, date.today(), Decimal(money.purchase).scaleb(-2), f"{tag}-SECRET-IMPORTED"
    )
    source = ImportSource(f"{tag}-SECRET-STATEMENT.csv", "0" * 64, "csv")
    batch = commit_import(engine, user_id, checking, Statement("csv", (line,)), source).batch_id
    content = f"Date,Amount,Payee\n{date.today()},-1.23,{tag}-SECRET-UPLOAD-PAYEE\n".encode()
    upload = stage_upload(engine, user_id, f"{tag}-SECRET-UPLOAD.csv", content)
    return batch, upload.id


def alice_and_bob(engine: Engine) -> tuple[Household, Household]:
    """alice and bob, who can both log in (TEST_PASSWORD), each with a household."""
    alice = build_household(engine, make_login_user(engine, "alice"), "ALICE", ALICE_AMOUNTS)
    bob = build_household(engine, make_login_user(engine, "bob"), "BOB", BOB_AMOUNTS)
    return alice, bob


def receipt_bytes(h: Household) -> bytes:
    return f"{h.tag}-SECRET-RECEIPT-BYTES".encode()


def store_receipt_file(app: Dash, engine: Engine, h: Household) -> Path:
    """h's receipt file where the app keeps receipts (its row is build_household's)."""
    with engine.connect() as conn:
        name = conn.scalar(select(receipts.c.storage_name).where(receipts.c.id == h.receipt))
    directory = app.server.extensions["ft_settings"].resolved_receipts_dir
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(receipt_bytes(h))
    return directory / name


def owned_rows(engine: Engine, user_id: int) -> dict[str, list[tuple]]:
    """Every row of every table that belongs to `user_id`, all columns, ordered by key.

    Not the sessions: they are not the user's data, and the tests' own sign-ins write them."""
    snapshot = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table is user_sessions:
                continue
            owner = table.c.id if table is users else table.c.get("user_id")
            assert owner is not None, f"{table.name} has no owner column: decide how to isolate it"
            query = select(table).where(owner == user_id).order_by(*table.primary_key.columns)
            snapshot[table.name] = [tuple(row) for row in conn.execute(query)]
    return snapshot


def cross_owner_references(engine: Engine) -> list[str]:
    """Rows that point (by a foreign key) at a row of another user: none may exist."""
    found = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for key in table.foreign_keys:
                parent = key.column.table
                if parent is users or "user_id" not in parent.c or "user_id" not in table.c:
                    continue
                child, owner = table.alias("child"), parent.alias("owner")
                # A link table (transaction_tags) is keyed by its columns: name the row by them.
                row_key = child.c.id if "id" in child.c else child.c[key.parent.name]
                query = (
                    select(row_key)
                    .join(owner, owner.c[key.column.name] == child.c[key.parent.name])
                    .where(owner.c.user_id != child.c.user_id)
                )
                found += [f"{table.name}.{key.parent.name} of row {i}" for i in conn.scalars(query)]
    return found


def _money_texts(minor: int) -> list[str]:
    """How an amount can be written in a response: '4,242.17', '4242.17'."""
    return [format_amount(abs(minor)), format_amount(abs(minor), grouping=False)]


def alice_amounts() -> list[int]:
    """Her amounts and what they add up to (totals, balances, what is left of the budget)."""
    money = ALICE_AMOUNTS
    net = money.income + money.purchase
    checking = money.opening + net - money.transfer
    remaining = money.budget + money.purchase
    return [
        money.opening, money.purchase, money.income, money.transfer, money.budget,
        money.last_month_budget, net, checking, remaining,
    ]  # fmt: skip


# An amount counts only on its own, not inside a longer number; a raw minor-units integer not
# inside base64 text either (plotly sends arrays as base64).
_ALICE_MONEY = re.compile(
    r"(?<![\d.,])(?:"
    + "|".join(re.escape(text) for m in alice_amounts() for text in _money_texts(m))
    + r")(?![\d]|[.,]\d)"
)
_ALICE_MINOR = re.compile(
    r"(?<![\w+/=])(?:" + "|".join(str(abs(m)) for m in alice_amounts()) + r")(?![\w+/=])"
)


def alice_leaks(body: str) -> list[str]:
    """What of alice's data a response body contains: her names, or her amounts."""
    found = [ALICE_MARK] if ALICE_MARK in body else []
    return found + _ALICE_MONEY.findall(body) + _ALICE_MINOR.findall(body)


def data_version(engine: Engine, user_id: int) -> int:
    return lookups.data_version(engine, user_id)


def test_the_leak_detector_finds_alice_in_her_own_views(engine):
    # The control for every "no leak" assertion: alice's own reads do show her data.
    alice, _bob = alice_and_bob(engine)
    everything = Filters(date(2000, 1, 1), date.today())
    page = lookups.transactions_page(engine, alice.user_id, everything)
    assert alice_leaks(" ".join(page.rows["payee"])) == [ALICE_MARK]
    totals = queries.totals(engine, alice.user_id, everything)
    assert alice_leaks(str(totals["net_minor"])) and alice_leaks(format_amount(page.total_minor))
    assert not alice_leaks("BOB-SECRET-PAYEE 12.34 10,000.00 4242171 84242.17")


# --- The memoized read models ---


@pytest.fixture(params=["in-process", "redis"])
def cache_options(request) -> dict:
    if request.param == "in-process":
        return {}
    request.applymarker(pytest.mark.redis)
    return {
        "redis_url": request.getfixturevalue("redis_url"),
        "cache_key_prefix": request.getfixturevalue("redis_key_prefix"),
    }


def _read_models(user_id: int, filters: Filters) -> dict:
    page = services.transactions_page(user_id, filters, GridRequest())
    return {
        "totals": services.totals(user_id, filters),
        "by_category": services.spending_by_category(user_id, filters).to_dict("records"),
        "page": (page.rows.to_dict("records"), page.total_count, page.total_minor),
    }


def _uncached(engine: Engine, user_id: int, filters: Filters) -> dict:
    page = lookups.transactions_page(engine, user_id, filters, GridRequest())
    return {
        "totals": queries.totals(engine, user_id, filters),
        "by_category": queries.spending_by_category(engine, user_id, filters).to_dict("records"),
        "page": (page.rows.to_dict("records"), page.total_count, page.total_minor),
    }


def test_read_models_cached_for_alice_serve_bob_only_his_numbers(engine, tmp_path, cache_options):
    alice, bob = alice_and_bob(engine)
    # Same version, same filters: only the user id tells the two cache keys apart.
    assert data_version(engine, alice.user_id) == data_version(engine, bob.user_id)
    app = build_app(db_url_of(engine), tmp_path, **cache_options)
    everything = Filters(date.today() - timedelta(days=400), date.today())
    alice_ids = Filters(
        everything.date_from, everything.date_to, alice.account_ids, alice.category_ids
    )
    with as_user(app, alice.user_id):
        for filters in (everything, alice_ids):
            assert _read_models(alice.user_id, filters) == _uncached(engine, alice.user_id, filters)
    with as_user(app, bob.user_id):
        bobs = _read_models(bob.user_id, everything)
        with_alice_ids = _read_models(bob.user_id, alice_ids)
    assert bobs == _uncached(engine, bob.user_id, everything)
    assert bobs["totals"]["spending_minor"] == -BOB_AMOUNTS.purchase
    assert bob.payee in {row["payee"] for row in bobs["page"][0]}
    assert alice_leaks(repr(bobs)) == []
    assert with_alice_ids["page"][1:] == (0, 0)
    assert with_alice_ids["totals"]["income_minor"] == 0 and with_alice_ids["by_category"] == []


# --- Receipts in the data layer (the route and the upload callbacks: the other modules) ---


def test_receipt_rows_stay_with_their_owner_in_the_data_layer(engine):
    alice, bob = alice_and_bob(engine)
    before = owned_rows(engine, alice.user_id)
    stored = {
        "storage_name": "bob-replay.png",
        "original_name": "replay.png",
        "content_type": "image/png",
        "size_bytes": 10,
        "sha256": "f" * 64,
    }
    with pytest.raises(validation.NotFound):
        receipt_writes.attach_receipt(engine, bob.user_id, alice.purchase, **stored)
    reuse = Transaction(bob.checking, date.today(), -100, "Reuse", "", None)
    with pytest.raises(validation.NotFound):
        writes.create_transaction(engine, bob.user_id, reuse, receipt_id=alice.receipt)
    with pytest.raises(validation.NotFound):
        receipt_writes.replace_receipt(engine, bob.user_id, alice.purchase, **stored)
    # Removing a receipt, or its transaction, deletes the row: bob's must not reach alice's.
    with pytest.raises(validation.NotFound):
        receipt_writes.detach_receipt(engine, bob.user_id, alice.purchase)
    with pytest.raises(validation.NotFound):
        writes.delete_transaction(engine, bob.user_id, alice.purchase)
    assert lookups.get_transaction(engine, bob.user_id, alice.purchase) is None
    page = lookups.transactions_page(engine, bob.user_id, Filters(date(2000, 1, 1), date.today()))
    assert set(page.rows["receipt_id"].dropna()) == {bob.receipt}
    assert owned_rows(engine, alice.user_id) == before
    assert cross_owner_references(engine) == []
