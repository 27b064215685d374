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
from typing import NamedTuple

from data.seed import SEED_SQL_PATH, SeedRows, render_seed_sql
from data.seed import load_demo as load_demo  # the loader, importable from here too

# Every day of the data is between the 1st and the 28th: shifting by whole months stays valid.
ANCHOR_MONTH = date(2026, 11, 1)
MONTH_COUNT = 24
RANDOM_SEED = 20_261_101
DEMO_USER_ID = 1
CHECKING, SAVINGS, CREDIT_CARD, CASH = 1, 2, 3, 4
EVERY = frozenset(range(1, 13))  # calendar months
ANY_DAY, WEEKDAYS, SATURDAY = frozenset(range(7)), frozenset(range(5)), frozenset({5})


class Habit(NamedTuple):
    """Everyday spending: on a matching weekday, a `percent` chance of one purchase."""

    category: str
    percent: int
    weekdays: frozenset[int]
    accounts: tuple[int, ...]
    payees: tuple[str, ...]
    low: int
    high: int


class Scheduled(NamedTuple):
    """Once a month in the given calendar months, on `day` (0: any day); amounts are signed.

    `year` 1 or 2 limits it to the first or the second year of the data (a raise, a new price).
    """

    months: frozenset[int]
    day: int
    account: int
    category: str
    payee: str
    low: int
    high: int
    memo: str = ""
    year: int = 0
    percent: int = 100


# fmt: off
ACCOUNTS = (  # id, name, type, opening balance in cents
    (CHECKING, "Everyday Checking", "checking", 310_000),
    (SAVINGS, "Savings", "savings", 850_000),
    (CREDIT_CARD, "Credit Card", "credit_card", -41_237),
    (CASH, "Cash Wallet", "cash", 6_000),
)
CATEGORIES = (  # name, kind, colour; ids follow this order from 1
    ("Salary", "income", "#2e7d32"), ("Side income", "income", "#66bb6a"),
    ("Rent", "expense", "#c62828"), ("Groceries", "expense", "#ef6c00"),
    ("Utilities", "expense", "#f9a825"), ("Internet & Phone", "expense", "#5c6bc0"),
    ("Subscriptions", "expense", "#8e24aa"), ("Transport", "expense", "#00838f"),
    ("Fuel", "expense", "#6d4c41"), ("Dining Out", "expense", "#d81b60"),
    ("Coffee", "expense", "#a1887f"), ("Health", "expense", "#43a047"),
    ("Insurance", "expense", "#546e7a"), ("Clothing", "expense", "#ec407a"),
    ("Entertainment", "expense", "#7e57c2"), ("Travel", "expense", "#1e88e5"),
    ("Gifts", "expense", "#e53935"), ("Home", "expense", "#8d6e63"),
    ("Education", "expense", "#3949ab"), ("Personal care", "expense", "#26a69a"),
    ("Transfers", "transfer", "#90a4ae"),
)
# Monthly limits for the first and the second year: round numbers a person would pick. Dining
# Out stays tight while the recent celebrations push it over.
BUDGETS = {
    "Rent": (125_000, 129_000), "Groceries": (95_000, 100_000), "Utilities": (20_000, 20_000),
    "Internet & Phone": (7_000, 7_000), "Subscriptions": (5_000, 6_000),
    "Transport": (25_000, 25_000), "Fuel": (15_000, 15_000), "Dining Out": (35_000, 35_000),
    "Coffee": (13_000, 13_000), "Health": (12_000, 12_000), "Clothing": (15_000, 15_000),
    "Entertainment": (17_000, 17_000), "Personal care": (14_000, 14_000), "Home": (15_000, 15_000),
}
HABITS = (
    Habit("Groceries", 70, WEEKDAYS, (CHECKING, CHECKING, CREDIT_CARD),
          ("Lidl", "Aldi", "Carrefour", "Spar", "Rewe"), 700, 4_200),
    Habit("Groceries", 90, SATURDAY, (CHECKING,), ("Lidl", "Aldi", "Carrefour"), 6_000, 14_500),
    Habit("Groceries", 70, SATURDAY, (CASH,), ("Farmers Market",), 1_200, 3_400),
    Habit("Groceries", 60, ANY_DAY, (CASH, CREDIT_CARD), ("Sunrise Bakery",), 250, 1_150),
    Habit("Groceries", 25, ANY_DAY, (CASH,), ("Kiosk am Markt",), 150, 900),
    Habit("Coffee", 80, WEEKDAYS, (CASH, CREDIT_CARD),
          ("Corner Cafe", "Bean There", "Starbucks"), 280, 650),
    Habit("Coffee", 45, frozenset({5, 6}), (CASH,), ("Corner Cafe",), 320, 900),
    Habit("Dining Out", 50, WEEKDAYS, (CREDIT_CARD,),
          ("Noodle Bar", "Deli Express", "Falafel House"), 850, 1_650),
    Habit("Dining Out", 30, frozenset({4, 5, 6}), (CREDIT_CARD,),
          ("Luigi's Trattoria", "Sakura Sushi", "The Green Fork", "Pizza Express Delivery"),
          2_400, 6_500),
    Habit("Transport", 30, ANY_DAY, (CREDIT_CARD,),
          ("City Bike Share", "Taxi Central", "Rail ticket", "Parking garage"), 180, 2_900),
    Habit("Personal care", 15, ANY_DAY, (CHECKING, CASH),
          ("dm drugstore", "Rossmann"), 350, 2_400),
    Habit("Entertainment", 13, ANY_DAY, (CREDIT_CARD,),
          ("Cineplex", "Page One Books", "Steam", "Bowling Center"), 700, 3_200),
    Habit("Clothing", 5, ANY_DAY, (CREDIT_CARD, CHECKING),
          ("H&M", "Zara", "Uniqlo", "Decathlon"), 1_500, 7_900),
    Habit("Home", 9, ANY_DAY, (CHECKING, CREDIT_CARD),
          ("IKEA", "Hardware Store", "Amazon"), 500, 4_900),
    Habit("Health", 6, ANY_DAY, (CHECKING, CASH), ("City Pharmacy",), 450, 2_400),
    Habit("Subscriptions", 8, ANY_DAY, (CREDIT_CARD,), ("App Store",), 99, 999),
)
SCHEDULE = (
    Scheduled(EVERY, 25, CHECKING, "Salary", "Acme Logistics GmbH", 248_000, 248_000, year=1),
    Scheduled(EVERY, 25, CHECKING, "Salary", "Acme Logistics GmbH", 269_000, 269_000, year=2),
    Scheduled(EVERY, 27, CHECKING, "Salary", "Northwind Clinic", 196_000, 196_000),
    Scheduled(frozenset({12}), 15, CHECKING, "Salary", "Acme Logistics GmbH", 120_000, 120_000,
              "Christmas bonus"),
    Scheduled(EVERY, 0, CHECKING, "Side income", "Freelance translation", 15_000, 90_000,
              percent=35),
    Scheduled(EVERY, 1, CHECKING, "Rent", "Lindenhof Property Mgmt", -125_000, -125_000, year=1),
    Scheduled(EVERY, 1, CHECKING, "Rent", "Lindenhof Property Mgmt", -129_000, -129_000, year=2),
    Scheduled(EVERY, 2, CHECKING, "Health", "FitLife Gym", -2_990, -2_990),
    Scheduled(EVERY, 3, CREDIT_CARD, "Transport", "City Transit Pass", -4_900, -4_900, year=1),
    Scheduled(EVERY, 3, CREDIT_CARD, "Transport", "City Transit Pass", -5_800, -5_800, year=2),
    Scheduled(EVERY, 8, CHECKING, "Internet & Phone", "FiberNet", -4_499, -4_499),
    Scheduled(EVERY, 9, CREDIT_CARD, "Subscriptions", "Netflix", -1_399, -1_399, year=1),
    Scheduled(EVERY, 9, CREDIT_CARD, "Subscriptions", "Netflix", -1_599, -1_599, year=2),
    Scheduled(EVERY, 12, CHECKING, "Internet & Phone", "Mobile Co", -1_999, -1_999),
    Scheduled(EVERY, 14, CREDIT_CARD, "Subscriptions", "Spotify", -1_099, -1_099),
    Scheduled(EVERY, 15, CHECKING, "Insurance", "Hearth Insurance", -3_850, -3_850),
    Scheduled(EVERY, 20, CREDIT_CARD, "Subscriptions", "iCloud+", -299, -299),
    Scheduled(EVERY, 0, CASH, "Personal care", "Salon Bella", -4_500, -3_200),
    Scheduled(EVERY, 6, CREDIT_CARD, "Fuel", "Shell", -7_800, -4_500),
    Scheduled(EVERY, 19, CREDIT_CARD, "Fuel", "TotalEnergies", -7_800, -4_500),
    Scheduled(frozenset({1, 4, 7, 10}), 18, CHECKING, "Utilities", "City Water", -8_500, -6_500),
    Scheduled(frozenset({4}), 22, CHECKING, "Utilities", "City Energy", 6_000, 16_000,
              "Annual settlement credit"),
    Scheduled(frozenset({1}), 10, CHECKING, "Insurance", "Hearth Insurance", -41_200, -41_200,
              "Car insurance, yearly"),
    Scheduled(frozenset({3, 6, 9}), 14, CREDIT_CARD, "Gifts", "Gift shop", -8_000, -2_500,
              "Birthday present"),
    Scheduled(frozenset({2, 9}), 5, CHECKING, "Education", "Language school", -24_000, -24_000),
)
# Electricity and gas on the 5th, by calendar month: heating makes winter dear.
ENERGY_BY_MONTH = (16_500, 15_500, 13_000, 11_000, 9_000, 8_000,
                   7_800, 7_800, 8_500, 10_500, 13_500, 16_000)
ONE_OFFS = (  # month index, day, account, category, payee, cents, memo
    (5, 12, CREDIT_CARD, "Education", "Apple Store", 149_900, "Laptop for the evening course"),
    (8, 17, CHECKING, "Home", "SofaCompany", 129_000, "New sofa"),
    (10, 9, CREDIT_CARD, "Clothing", "Outdoor Outfitters", 24_900, "Winter coat"),
    (14, 6, CHECKING, "Home", "MediaMarkt", 64_900, "Washing machine"),
    (18, 21, CREDIT_CARD, "Transport", "Velo City Bikes", 89_000, "New bicycle"),
)
SOFA_FROM_SAVINGS = (8, 16, 130_000)  # month index, day, cents
TRIPS = {3: ("City break", 4), 7: ("Summer holiday", 7)}  # calendar month: name, days away
DESTINATIONS = ("Lisbon", "Vienna", "Copenhagen", "Seville", "Split", "Porto", "Ljubljana")
CELEBRATIONS = ("Birthday dinner", "Anniversary dinner", "Team dinner", "Friends in town")
# fmt: on
ACCOUNT_NAMES = {number: name for number, name, _type, _opening in ACCOUNTS}
CATEGORY_IDS = {name: number for number, (name, _kind, _colour) in enumerate(CATEGORIES, 1)}


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


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


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
        "categories",
        ("id", "user_id", "name", "kind", "color", "archived"),
        [
            (CATEGORY_IDS[name], user, name, kind, colour, False)
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
                CATEGORY_IDS.get(e.category),
            )
            for e in entries
        ],
    )
    rows.transfer_peers = [(ids[e], ids[e.peer]) for e in entries if e.peer is not None]
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
    return rows


def write_seed_sql(path: Path | str = SEED_SQL_PATH) -> None:
    """Write the demo data as portable SQL (SQLite and PostgreSQL), byte-identical every run."""
    sql = render_seed_sql(build_seed_rows(), ANCHOR_MONTH)
    Path(path).write_bytes(sql.encode("utf-8"))


def main() -> None:
    write_seed_sql(SEED_SQL_PATH)
    print(f"wrote {SEED_SQL_PATH} (anchor month {ANCHOR_MONTH.isoformat()[:7]})")


if __name__ == "__main__":
    main()
