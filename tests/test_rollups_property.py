"""monthly_rollups under random sequences of every kind of write, on both dialects: after each
step the table equals its recomputation from the lines, and every overview read answered from
it equals the same read from the base table alone."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import text

from data import queries, rates, setup_writes, writes
from data.entries import Entry, Split, Transaction, Transfer
from data.filters import Filters
from data.imports.commit import ImportSource, commit_import, undo_batch
from data.imports.statement import Statement, StatementLine, StatementSplit
from data.lookups import get_entry
from data.months import add_months, month_end
from data.rollup_reads import base_table_only, rolled_up
from data.rollups import differences
from data.validation import ValidationError
from tests.conftest import make_user

FIRST = date(2026, 1, 1)
DAYS = 200
STEPS = 60
ROUTED = (
    queries.totals,
    queries.spending_by_category,
    queries.income_spending_by_month,
    queries.spending_by_month_category,
    queries.balances_by_month,
)


class Household:
    """A user with two accounts in the reporting currency, one in USD, categories of every kind,
    and the ids of what the run stored (for edits, deletes and undos)."""

    def __init__(self, engine, rng: random.Random) -> None:
        self.engine, self.rng = engine, rng
        self.user = make_user(engine, f"u{rng.randrange(10**9)}")
        self.accounts = [
            setup_writes.create_account(engine, self.user, "Checking", "checking"),
            setup_writes.create_account(engine, self.user, "Savings", "savings"),
        ]
        self.usd = setup_writes.create_account(engine, self.user, "Dollars", "checking", "USD")
        kinds = ("expense", "expense", "income", "transfer")
        self.categories = [
            setup_writes.create_category(engine, self.user, f"C{n} {kind}", kind)
            for n, kind in enumerate(kinds)
        ]
        self.category_names = {
            name: cid for name, cid in zip(("C0", "C1", "C2", "C3"), self.categories, strict=True)
        }
        # USD lines before the first rate stay unconverted: the reads must leave them out alike.
        rates.save_rate(engine, self.user, rates.Rate("USD", FIRST + timedelta(days=40), 1_100_000))
        self.ids: list[int] = []
        self.deleted: list[Entry] = []
        self.batches: list[int] = []

    def day(self) -> date:
        return FIRST + timedelta(days=self.rng.randrange(DAYS))

    def category(self) -> int | None:
        return self.rng.choice([*self.categories, None])

    def amount(self) -> int:
        return self.rng.choice([-1, 1, 1, -1, -1]) * self.rng.randrange(1, 50_000)

    def transaction(self) -> Transaction:
        account = self.rng.choice([*self.accounts, self.usd])
        amount = self.amount()
        splits: tuple[Split, ...] = ()
        category = self.category()
        if self.rng.random() < 0.3:
            first = self.rng.randrange(-60_000, 60_000)
            splits = (Split(first, self.category()), Split(amount - first, self.category()))
            category = None
        payee = self.rng.choice(["Market", "Cafe", "Rent", ""])
        return Transaction(account, self.day(), amount, payee, category_id=category, splits=splits)


def _create(home: Household) -> None:
    home.ids.append(writes.create_transaction(home.engine, home.user, home.transaction()))


def _transfer(home: Household) -> None:
    source, target = home.rng.sample([*home.accounts, home.usd], 2)
    received = home.rng.randrange(1, 9_000) if home.usd in (source, target) else None
    legs = writes.create_transfer(
        home.engine,
        home.user,
        Transfer(source, target, home.day(), home.rng.randrange(1, 9_000), received_minor=received),
    )
    home.ids.extend(legs)


def _edit(home: Household) -> None:
    if not home.ids:
        return _create(home)
    txn_id = home.rng.choice(home.ids)
    entry = get_entry(home.engine, home.user, txn_id)
    if entry is None:
        return None
    if entry.is_transfer:
        leg = next(leg for leg in entry.legs if leg.account_id is not None)
        changed = Transaction(leg.account_id, home.day(), leg.amount_minor, leg.payee)
    else:
        changed = home.transaction()
    try:
        writes.update_transaction(home.engine, home.user, txn_id, changed)
    except ValidationError:
        pass  # a transfer leg cannot become a split or change currency: nothing stored
    return None


def _delete(home: Household) -> None:
    if not home.ids:
        return
    txn_id = home.ids.pop(home.rng.randrange(len(home.ids)))
    entry = get_entry(home.engine, home.user, txn_id)
    if entry is None:
        return
    writes.delete_transaction(home.engine, home.user, txn_id)
    home.deleted.append(entry)


def _undo_delete(home: Household) -> None:
    if home.deleted:
        entry = home.deleted.pop()
        home.ids.extend(writes.restore_entry(home.engine, home.user, entry))


def _import(home: Household) -> None:
    lines = []
    for number in range(1, home.rng.randrange(2, 30)):
        amount = Decimal(home.amount()) / 100
        splits: tuple[StatementSplit, ...] = ()
        if home.rng.random() < 0.2:
            part = Decimal(home.rng.randrange(-9_000, 9_000)) / 100
            splits = (StatementSplit(part, "C0"), StatementSplit(amount - part, None))
        category = home.rng.choice(["C0", "C2", None]) if not splits else None
        lines.append(
            StatementLine(
                number,
                home.day(),
                amount,
                f"Shop {home.rng.randrange(5)}",
                category=category,
                splits=splits,
            )
        )
    source = ImportSource(
        f"s{home.rng.randrange(10**9)}.qif", f"{home.rng.getrandbits(256):064x}", "qif"
    )
    account = home.rng.choice(home.accounts)
    result = commit_import(home.engine, home.user, account, Statement("qif", tuple(lines)), source)
    home.batches.append(result.batch_id)


def _undo_import(home: Household) -> None:
    if home.batches:
        undo_batch(home.engine, home.user, home.batches.pop(home.rng.randrange(len(home.batches))))


def _raw_sql(home: Household) -> None:
    """What no write function does but SQL can: a category emptied by hand, a transfer's leg
    deleted alone (the other's transfer_peer_id set to NULL by the foreign key), a split's
    parts deleted."""
    engine, user = home.engine, home.user
    with engine.begin() as conn:
        choice = home.rng.randrange(3)
        if choice == 0:
            conn.execute(
                text(
                    "UPDATE transactions SET category_id = NULL "
                    "WHERE user_id = :u AND category_id = :c"
                ),
                {"u": user, "c": home.rng.choice(home.categories)},
            )
            conn.execute(
                text(
                    "UPDATE transaction_splits SET category_id = :c "
                    "WHERE user_id = :u AND amount_minor < 0"
                ),
                {"u": user, "c": home.rng.choice(home.categories)},
            )
        elif choice == 1:
            conn.execute(
                text(
                    "DELETE FROM transactions WHERE id = (SELECT MIN(id) FROM transactions "
                    "WHERE user_id = :u AND transfer_peer_id IS NOT NULL)"
                ),
                {"u": user},
            )
        else:
            # Every part of one transaction: it is a whole one again (its parts summed to it).
            conn.execute(
                text(
                    "DELETE FROM transaction_splits WHERE transaction_id = (SELECT MAX("
                    "transaction_id) FROM transaction_splits WHERE user_id = :u)"
                ),
                {"u": user},
            )


STEPS_BY_WEIGHT = (
    [_create] * 6
    + [_transfer] * 2
    + [_edit] * 4
    + [_delete] * 3
    + [_undo_delete] * 2
    + [_import] * 2
    + [_undo_import] * 2
    + [_raw_sql]
)


def random_filters(rng: random.Random, home: Household) -> Filters:
    start = add_months(FIRST, rng.randrange(-1, 7))
    if rng.random() < 0.5:
        start += timedelta(days=rng.randrange(28))
    end = month_end(add_months(start, rng.randrange(0, 5)))
    if rng.random() < 0.5:
        end -= timedelta(days=rng.randrange(28))
    end = max(end, start)
    accounts = rng.choice([(), (home.accounts[0],), (home.accounts[1], home.usd), (home.usd,)])
    categories = rng.choice([(), (home.categories[0],), (home.categories[2], home.categories[3])])
    return Filters(start, end, accounts, categories)


def assert_reads_agree(home: Household, filters: Filters) -> None:
    for read in ROUTED:
        routed = read(home.engine, home.user, filters)
        with base_table_only():
            base = read(home.engine, home.user, filters)
        if isinstance(routed, pd.DataFrame):
            pd.testing.assert_frame_equal(routed, base, check_dtype=True, obj=read.__name__)
        else:
            assert routed == base, (read.__name__, filters)


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_follow_every_write_and_reads_agree(engine, seed):
    rng = random.Random(seed)
    home = Household(engine, rng)
    routed = 0
    for step in range(STEPS):
        action = rng.choice(STEPS_BY_WEIGHT)
        action(home)
        found = differences(engine)
        assert found == [], (step, action.__name__, [str(d) for d in found[:5]])
        filters = random_filters(rng, home)
        routed += rolled_up(engine, home.user, filters) is not None
        assert_reads_agree(home, filters)
    # The reads compared were mostly answered from the rollup, over real lines and parts.
    assert routed > STEPS // 2
    with engine.connect() as conn:
        parts = conn.execute(text("SELECT COUNT(*) FROM transaction_splits")).scalar_one()
        rows = conn.execute(text("SELECT COUNT(*) FROM monthly_rollups")).scalar_one()
    assert parts > 0 and rows > 10
