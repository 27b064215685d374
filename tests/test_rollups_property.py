"""The rollups (monthly, daily, per payee) under random sequences of every kind of write, on
both dialects: after each step every table equals its recomputation from the lines, and every
read answered from them equals the same read from the base table alone: the overview's
aggregates, top payees, the grid's totals, balances, budgets, and the projections' history
(with schedules that posted or stand for some of the rows)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import pandas as pd
import pytest
from sqlalchemy import text

from data import lookups, queries, rates, setup_writes, writes
from data.budget_status import budget_status
from data.entries import Entry, Split, Transaction, Transfer
from data.filters import Filters
from data.goals.progress import list_goal_progress
from data.goals.store import GoalInput, create_goal
from data.imports.commit import ImportSource, commit_import, undo_batch
from data.imports.statement import Statement, StatementLine, StatementSplit
from data.lookups import get_entry
from data.months import add_months, month_end, month_start
from data.projection import unscheduled_after_day
from data.projection_month_end import _flows
from data.rollup_reads import base_table_only, rolled_up, rolled_up_payees
from data.rollups import differences
from data.schedules.model import Schedule
from data.schedules.posting import post_occurrence
from data.schedules.store import create_schedule, update_schedule
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
    queries.top_payees,
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
        self.schedules: list[tuple[int, Schedule]] = []
        # Goals saving on an account: their progress sums the account's rows.
        for account in self.accounts:
            goal = GoalInput(f"Goal {account}", 100_000, None, "account", account_id=account)
            create_goal(engine, self.user, goal, FIRST)

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


def _schedule(home: Household) -> None:
    """A monthly schedule like some rows (their payee, account, category and amount within
    5 %), one of its dates posted, or an existing schedule turned off or on: the rows the
    projections leave out change with it."""
    engine, user, rng = home.engine, home.user, home.rng
    if home.schedules and rng.random() < 0.3:
        schedule_id, schedule = rng.choice(home.schedules)
        changed = Schedule(**(vars(schedule) | {"active": not schedule.active, "id": None}))
        update_schedule(engine, user, schedule_id, changed)
        home.schedules.remove((schedule_id, schedule))
        home.schedules.append((schedule_id, changed))
        return
    starts_on = home.day()
    schedule = Schedule(
        f"Bill {len(home.schedules)}",
        rng.choice(home.accounts),
        -rng.randrange(1, 50_000),
        "FREQ=MONTHLY",
        starts_on,
        payee=rng.choice(["Market", "Rent"]),
        category_id=rng.choice([home.categories[0], None]),
    )
    schedule_id = create_schedule(engine, user, schedule)
    home.schedules.append((schedule_id, schedule))
    # Like it: a row within 5 % of its amount, then one of its dates posted.
    like = Transaction(
        schedule.account_id,
        home.day(),
        schedule.amount_minor + schedule.amount_minor // 40,
        schedule.payee,
        category_id=schedule.category_id,
    )
    home.ids.append(writes.create_transaction(engine, user, like))
    post_occurrence(engine, user, schedule_id, starts_on)


STEPS_BY_WEIGHT = (
    [_create] * 6
    + [_transfer] * 2
    + [_edit] * 4
    + [_delete] * 3
    + [_undo_delete] * 2
    + [_import] * 2
    + [_undo_import] * 2
    + [_raw_sql]
    + [_schedule] * 2
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
    payee = rng.choice([None, None, None, "Market", "Shop 1"])
    return Filters(start, end, accounts, categories, payee)


def _frame_or_value(value: object) -> object:
    if isinstance(value, lookups.TransactionsPage):
        return (value.rows, value.total_count, value.total_minor, value.unconverted_count)
    if hasattr(value, "by_category"):  # projection.TypicalSpending
        return (value.months, value.after_day, value.by_category)
    return value


def _assert_same(name: str, routed: object, base: object) -> None:
    routed, base = _frame_or_value(routed), _frame_or_value(base)
    if isinstance(routed, tuple) and isinstance(base, tuple):
        assert len(routed) == len(base)
        for left, right in zip(routed, base, strict=True):
            _assert_same(name, left, right)
    elif isinstance(routed, pd.DataFrame):
        pd.testing.assert_frame_equal(routed, base, check_dtype=True, obj=name)
    else:
        assert routed == base, name


def assert_reads_agree(home: Household, filters: Filters, today: date) -> None:
    engine, user = home.engine, home.user
    reads = {read.__name__: partial(read, engine, user, filters) for read in ROUTED}
    shown = filters.account_ids or (*home.accounts, home.usd)
    reads |= {
        "transactions_page": partial(
            lookups.transactions_page, engine, user, filters, lookups.GridRequest(limit=5)
        ),
        "account_balances": partial(lookups.account_balances, engine, user, as_of=today),
        "account_balances_all": partial(
            lookups.account_balances, engine, user, include_archived=True
        ),
        "budget_status": partial(
            budget_status, engine, user, month_start(today), today, filters.account_ids
        ),
        "unscheduled_after_day": partial(
            unscheduled_after_day, engine, user, month_start(today), today, filters.account_ids
        ),
        "flows": lambda: sorted(_flows(engine, user, today, shown)),
        "goal_progress": partial(list_goal_progress, engine, user, today),
    }
    for name, read in reads.items():
        routed = read()
        with base_table_only():
            base = read()
        _assert_same(name, routed, base)


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_follow_every_write_and_reads_agree(engine, seed):
    rng = random.Random(seed)
    home = Household(engine, rng)
    routed = by_payee = 0
    for step in range(STEPS):
        action = rng.choice(STEPS_BY_WEIGHT)
        action(home)
        found = differences(engine)
        assert found == [], (step, action.__name__, [str(d) for d in found[:5]])
        filters = random_filters(rng, home)
        routed += rolled_up(engine, home.user, filters) is not None
        by_payee += rolled_up_payees(engine, home.user, filters) is not None
        # A "today" inside the rows' range or after it: the projections' history is there.
        today = FIRST + timedelta(days=rng.randrange(20, DAYS + 60))
        assert_reads_agree(home, filters, today)
    # The reads compared were mostly answered from the rollups (a payee filter leaves the
    # monthly one out), over real lines and parts.
    assert routed > STEPS // 3 and by_payee > STEPS // 2
    with engine.connect() as conn:
        parts = conn.execute(text("SELECT COUNT(*) FROM transaction_splits")).scalar_one()
        rows = conn.execute(text("SELECT COUNT(*) FROM monthly_rollups")).scalar_one()
        posted = conn.execute(text("SELECT COUNT(*) FROM schedule_occurrences")).scalar_one()
    assert parts > 0 and rows > 10 and posted > 0
