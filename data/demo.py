"""Deterministic demo data: one believable household over 24 months, written as seed.sql.

`python -m data.demo` regenerates seed.sql; data.seed.load_demo loads it and moves its dates so
that the anchor month becomes the current month. Amounts are integer cents drawn with randint,
chances are integer percentages: no float anywhere, and every run gives the same bytes.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from data.demo_household import (
    ACCOUNT_NAMES,
    ACCOUNTS,
    BUDGETS,
    CASH,
    CATEGORIES,
    CATEGORY_IDS,
    CELEBRATIONS,
    CHECKING,
    CREDIT_CARD,
    DESTINATIONS,
    ENERGY_BY_MONTH,
    GROUP_OF_CATEGORY,
    GROUPS,
    HABITS,
    ONE_OFFS,
    SAVINGS,
    SCHEDULE,
    SOFA_FROM_SAVINGS,
    TRIPS,
)
from data.demo_schedules import SCHEDULE_COLUMNS, schedule_rows
from data.months import add_months
from data.seed import SEED_SQL_PATH, SeedRows, Value, render_seed_sql

# Every day of the data is between the 1st and the 28th: shifting by whole months stays valid.
ANCHOR_MONTH = date(2026, 11, 1)
MONTH_COUNT = 24
RANDOM_SEED = 20_261_101
DEMO_USER_ID = 1


@dataclass(eq=False)
class Entry:
    """One transaction before it has an id; a transfer leg knows its other leg."""

    day: date
    account: int
    amount: int
    payee: str
    category: str | None = None
    memo: str = ""
    peer: Entry | None = None


class Ledger:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.entries: list[Entry] = []

    def add(
        self, day: date, account: int, category: str, payee: str, amount: int, memo: str = ""
    ) -> None:
        self.entries.append(Entry(day, account, amount, payee, category, memo))

    def transfer(self, day: date, source: int, target: int, cents: int, memo: str) -> None:
        out = Entry(day, source, -cents, f"Transfer to {ACCOUNT_NAMES[target]}", memo=memo)
        into = Entry(day, target, cents, f"Transfer from {ACCOUNT_NAMES[source]}", memo=memo)
        out.peer, into.peer = into, out
        self.entries += [out, into]

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


def demo_months() -> list[date]:
    """The first day of each month covered, oldest first, ending with ANCHOR_MONTH."""
    return [add_months(ANCHOR_MONTH, k - MONTH_COUNT + 1) for k in range(MONTH_COUNT)]


def _year(index: int) -> int:
    return 2 if index >= MONTH_COUNT - 12 else 1


def _scheduled(ledger: Ledger, month: date, index: int) -> None:
    rng = ledger.rng
    for item in SCHEDULE:
        if month.month not in item.months or item.year not in (0, _year(index)):
            continue
        if ledger.chance(item.percent):
            day = month.replace(day=item.day or rng.randint(1, 28))
            amount = rng.randint(item.low, item.high)
            ledger.add(day, item.account, item.category, item.payee, amount, item.memo)
    energy = ENERGY_BY_MONTH[month.month - 1] + rng.randint(-1_500, 1_500)
    ledger.add(month.replace(day=5), CHECKING, "Utilities", "City Energy", -energy)


def _everyday(ledger: Ledger, month: date, away: set[date]) -> None:
    rng = ledger.rng
    for day in (month.replace(day=d) for d in range(1, 29)):
        for habit in HABITS:
            if day in away or day.weekday() not in habit.weekdays:
                continue
            if ledger.chance(habit.percent):
                account, payee = rng.choice(habit.accounts), rng.choice(habit.payees)
                amount = rng.randint(habit.low, habit.high)
                ledger.add(day, account, habit.category, payee, -amount)


def _trip(ledger: Ledger, month: date) -> set[date]:
    """A few days away: flights booked the month before, the hotel paid at check-out."""
    if month.month not in TRIPS:
        return set()
    rng = ledger.rng
    name, length = TRIPS[month.month]
    destination = rng.choice(DESTINATIONS)
    memo = f"{name}: {destination}"
    start = rng.randint(4, 29 - length)
    days = [month.replace(day=start + k) for k in range(length)]
    booked = add_months(month, -1).replace(day=rng.randint(1, 28))
    flights = -2 * rng.randint(9_000, 23_000)
    ledger.add(booked, CREDIT_CARD, "Travel", "SkyEuro Airlines", flights, memo)
    for day in days:
        for _ in range(rng.randint(1, 3)):
            payee = rng.choice((f"Restaurant in {destination}", "Museum tickets", "Local taxi"))
            ledger.add(day, CREDIT_CARD, "Travel", payee, -rng.randint(1_200, 7_500), memo)
    hotel = -rng.randint(8_500, 16_000) * (length - 1)
    ledger.add(days[-1], CREDIT_CARD, "Travel", "Booking.com", hotel, memo)
    return set(days)


def _occasional(ledger: Ledger, month: date, index: int) -> None:
    rng = ledger.rng
    if month.month == 12:
        for _ in range(rng.randint(3, 5)):
            day = month.replace(day=rng.randint(5, 22))
            payee = rng.choice(("Amazon", "Toy Palace", "Page One Books"))
            amount = -rng.randint(1_500, 12_000)
            ledger.add(day, CREDIT_CARD, "Gifts", payee, amount, "Christmas present")
    if month.month in (4, 10):
        bill = rng.randint(8_000, 18_000)
        ledger.add(month.replace(day=7), CHECKING, "Health", "Dr. Weber Dental", -bill)
        refund = bill * rng.randint(50, 70) // 100
        ledger.add(month.replace(day=21), CHECKING, "Health", "Health insurer", refund, "Refund")
    if index >= MONTH_COUNT - 3:
        for memo in rng.sample(CELEBRATIONS, 3):
            day = month.replace(day=rng.randint(1, 28))
            payee = rng.choice(("Luigi's Trattoria", "Sakura Sushi"))
            ledger.add(day, CREDIT_CARD, "Dining Out", payee, -rng.randint(9_000, 16_000), memo)


def _one_offs(ledger: Ledger, months: list[date]) -> None:
    for index, day, account, category, payee, cents, memo in ONE_OFFS:
        ledger.add(months[index].replace(day=day), account, category, payee, -cents, memo)
    index, day, cents = SOFA_FROM_SAVINGS
    ledger.transfer(months[index].replace(day=day), SAVINGS, CHECKING, cents, "For the sofa")


def _returns(ledger: Ledger) -> None:
    """A few clothes taken back: the refund is positive, in the category it refunds."""
    bought = [e for e in ledger.entries if e.category == "Clothing" and e.day.day <= 20]
    for purchase in ledger.rng.sample(bought, 3):
        day = purchase.day.replace(day=purchase.day.day + 6)
        memo = "Refund: returned item"
        ledger.add(day, purchase.account, "Clothing", purchase.payee, -purchase.amount, memo)


def _cash_withdrawals(ledger: Ledger) -> None:
    """Top the wallet up at the ATM whenever a day's cash spending would empty it."""
    by_day: dict[date, int] = defaultdict(int)
    for entry in ledger.entries:
        if entry.account == CASH:
            by_day[entry.day] += entry.amount
    balance = ACCOUNTS[CASH - 1][3]
    for day in sorted(by_day):
        if balance + by_day[day] < 0:
            shortfall = -(balance + by_day[day])
            cents = (shortfall // 5_000 + 1) * 5_000 + ledger.rng.choice((5_000, 10_000))
            ledger.transfer(day, CHECKING, CASH, cents, "ATM withdrawal")
            balance += cents
        balance += by_day[day]


def _card_payoffs(ledger: Ledger, months: list[date]) -> None:
    """On the 10th, checking pays the card's balance of the month before in full."""
    spent: dict[date, int] = defaultdict(int)
    for entry in ledger.entries:
        if entry.account == CREDIT_CARD and entry.peer is None:
            spent[entry.day.replace(day=1)] += entry.amount
    owed = -ACCOUNTS[CREDIT_CARD - 1][3]
    for month in months:
        if owed > 0:
            ledger.transfer(month.replace(day=10), CHECKING, CREDIT_CARD, owed, "Card payoff")
        owed = -spent[month]


def generate_entries() -> list[Entry]:
    """Every transaction of the demo household, by date; transfers first within a day."""
    ledger = Ledger(random.Random(RANDOM_SEED))
    months = demo_months()
    for index, month in enumerate(months):
        away = _trip(ledger, month)
        _scheduled(ledger, month, index)
        _everyday(ledger, month, away)
        _occasional(ledger, month, index)
    _one_offs(ledger, months)
    _returns(ledger)
    _cash_withdrawals(ledger)
    _card_payoffs(ledger, months)
    for index, month in enumerate(months):
        savings = 90_000 if _year(index) == 2 else 70_000
        ledger.transfer(month.replace(day=26), CHECKING, SAVINGS, savings, "Monthly savings")
    # Stable: the two legs of a transfer, added one after the other, stay next to each other.
    return sorted(ledger.entries, key=lambda entry: (entry.day, entry.peer is None))


def build_seed_rows() -> SeedRows:
    """The rows of every table, with explicit ids, ready to be written as SQL."""
    entries = generate_entries()
    ids = {entry: number for number, entry in enumerate(entries, 1)}
    user = DEMO_USER_ID
    rows = SeedRows()
    rows.add(
        "users",
        ("id", "username", "display_name", "currency", "data_version"),
        [(user, "demo", "Demo Household", "EUR", 0)],
    )
    rows.add(
        "accounts",
        ("id", "user_id", "name", "type", "currency", "opening_balance_minor", "archived"),
        [(n, user, name, kind, "EUR", opening, False) for n, name, kind, opening in ACCOUNTS],
    )
    rows.add(
        "category_groups",
        ("id", "user_id", "name"),
        [(number, user, name) for number, (name, _members) in enumerate(GROUPS, 1)],
    )
    rows.add(
        "categories",
        ("id", "user_id", "name", "kind", "color", "archived", "group_id"),
        [
            (CATEGORY_IDS[name], user, name, kind, colour, False, GROUP_OF_CATEGORY.get(name))
            for name, kind, colour in CATEGORIES
        ],
    )
    rows.add(
        "transactions",
        ("id", "user_id", "account_id", "date", "amount_minor", "payee", "memo", "category_id"),
        [
            (
                ids[e],
                user,
                e.account,
                e.day,
                e.amount,
                e.payee,
                e.memo,
                CATEGORY_IDS.get(e.category) if e.category is not None else None,
            )
            for e in entries
        ],
    )
    rows.transfer_peers = [(ids[e], ids[e.peer]) for e in entries if e.peer is not None]
    _add_splits_and_tags(rows, entries, ids)
    limits = [
        (month, CATEGORY_IDS[name], pair[_year(index) - 1])
        for index, month in enumerate(demo_months())
        for name, pair in BUDGETS.items()
    ]
    rows.add(
        "budgets",
        ("id", "user_id", "category_id", "month", "limit_minor"),
        [(n, user, category, month, limit) for n, (month, category, limit) in enumerate(limits, 1)],
    )
    rows.add("schedules", SCHEDULE_COLUMNS, schedule_rows(user, ANCHOR_MONTH, CATEGORY_IDS))
    return rows


# A big shop at the supermarket is groceries and household goods: split, this share groceries.
SPLIT_FROM_MINOR = -8_000
SPLIT_GROCERIES_PERCENT = 80
# Tags, by what a transaction is: trips are "Holiday", dining out at weekends "Weekend".
DEMO_TAGS = ("Holiday", "Weekend")


def _tag_of(entry: Entry) -> str | None:
    if entry.category == "Travel":
        return "Holiday"
    if entry.category == "Dining Out" and entry.day.weekday() >= 5:
        return "Weekend"
    return None


def _add_splits_and_tags(rows: SeedRows, entries: list[Entry], ids: dict[Entry, int]) -> None:
    """Big grocery shops become splits (groceries and home) and trips and weekend dinners get
    tags: the demo shows both features. Decided from the entries alone (no random draws), so
    the rest of the household stays as it was."""
    user = DEMO_USER_ID
    parts: list[tuple] = []
    for entry in entries:
        if entry.category == "Groceries" and entry.amount <= SPLIT_FROM_MINOR:
            groceries = entry.amount * SPLIT_GROCERIES_PERCENT // 100
            txn = ids[entry]
            parts.append((txn, 0, CATEGORY_IDS["Groceries"], groceries, "Food"))
            parts.append((txn, 1, CATEGORY_IDS["Home"], entry.amount - groceries, "Household"))
    split_ids = {txn for txn, *_rest in parts}
    # A split transaction has no category of its own: its parts have them.
    [(columns, txn_rows)] = [(c, r) for name, c, r in rows.tables if name == "transactions"]
    at = columns.index("category_id")
    txn_rows[:] = [row[:at] + (None,) + row[at + 1 :] if row[0] in split_ids else row
                   for row in txn_rows]  # fmt: skip
    rows.add(
        "transaction_splits",
        ("id", "user_id", "transaction_id", "position", "category_id", "amount_minor", "memo"),
        [(n, user, *part) for n, part in enumerate(parts, 1)],
    )
    tag_ids = {name: n for n, name in enumerate(DEMO_TAGS, 1)}
    rows.add("tags", ("id", "user_id", "name"), [(n, user, name) for name, n in tag_ids.items()])
    links: list[tuple[Value, ...]] = [
        (user, ids[e], tag_ids[tag]) for e in entries if (tag := _tag_of(e)) is not None
    ]
    rows.add("transaction_tags", ("user_id", "transaction_id", "tag_id"), links)


def write_seed_sql(path: Path | str = SEED_SQL_PATH) -> None:
    """Write the demo data as portable SQL (SQLite and PostgreSQL), byte-identical every run."""
    sql = render_seed_sql(build_seed_rows(), ANCHOR_MONTH)
    Path(path).write_bytes(sql.encode("utf-8"))


def main() -> None:
    write_seed_sql(SEED_SQL_PATH)
    print(f"wrote {SEED_SQL_PATH} (anchor month {ANCHOR_MONTH.isoformat()[:7]})")


if __name__ == "__main__":
    main()
