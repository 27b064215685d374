"""The benchmark's transactions: N rows over three years, shaped like the demo household.

The household is the demo's (data/demo_household.py): its accounts, payees, spending habits and
monthly schedule, scaled to N. Everyday purchases are drawn habit by habit (each habit's share
is its daily chance times the days it can happen on), the schedule runs once a month, and
transfers move money as the demo does: savings, card payoffs, cash withdrawals. Drawing is
vectorised with numpy, so a million rows take seconds, and the same seed always gives the same
rows.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data import demo_household as household
from data.months import add_months

YEARS = 3
MONTHS = 12 * YEARS
SEED = 20_261_101
# Demo everyday purchases per month (data/demo.py, measured): N is that many households.
DEMO_EVERYDAY_PER_MONTH = 112
CASH_WITHDRAWALS_PER_MONTH = 2


def month_starts(today: date) -> list[date]:
    """The first day of each of the MONTHS months that end with today's month, oldest first."""
    this_month = today.replace(day=1)
    return [add_months(this_month, k - MONTHS + 1) for k in range(MONTHS)]


def scale_of(count: int) -> int:
    """How many demo households `count` transactions make (budgets and salaries scale too)."""
    return max(1, round(count / (DEMO_EVERYDAY_PER_MONTH * MONTHS)))


def _transfer_legs(months: list[date]) -> int:
    per_month = 1 + CASH_WITHDRAWALS_PER_MONTH  # savings and cash; card payoffs from month 2
    return 2 * (per_month * len(months) + len(months) - 1)


def _scheduled(rng: np.random.Generator, months: list[date], today: date, scale: int) -> list:
    """The demo's monthly schedule and energy bills: (day, account, amount, payee, memo, category).

    Items of the demo's first year run until a year ago, those of its second year after that.
    """
    rows = []
    for index, month in enumerate(months):
        second_year = index >= len(months) - 12
        for item in household.SCHEDULE:
            if month.month not in item.months or item.year == (1 if second_year else 2):
                continue
            if rng.integers(100) < item.percent:
                day = month.replace(day=item.day or int(rng.integers(1, 29)))
                amount = int(rng.integers(item.low, item.high + 1)) * scale
                rows.append((day, item.account, amount, item.payee, item.memo, item.category))
        energy = household.ENERGY_BY_MONTH[month.month - 1] + int(rng.integers(-1_500, 1_501))
        rows.append(
            (
                month.replace(day=5),
                household.CHECKING,
                -energy * scale,
                "City Energy",
                "",
                "Utilities",
            )
        )
    return [row for row in rows if row[0] <= today]


def _everyday(rng: np.random.Generator, first: date, today: date, count: int) -> pd.DataFrame:
    """`count` purchases shared among the demo's habits by how often each one happens."""
    days = pd.date_range(first, today, freq="D")
    weekdays = days.weekday.to_numpy()
    eligible = [days[np.isin(weekdays, sorted(habit.weekdays))] for habit in household.HABITS]
    weights = np.array(
        [h.percent * len(d) for h, d in zip(household.HABITS, eligible, strict=True)]
    )
    counts = rng.multinomial(count, weights / weights.sum())
    parts = []
    for habit, habit_days, k in zip(household.HABITS, eligible, counts, strict=True):
        parts.append(
            pd.DataFrame(
                {
                    "date": rng.choice(habit_days.to_numpy(), k),
                    "account": rng.choice(np.array(habit.accounts), k),
                    "amount": -rng.integers(habit.low, habit.high + 1, k),
                    "payee": np.array(habit.payees)[rng.integers(0, len(habit.payees), k)],
                    "memo": "",
                    "category": habit.category,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _transfers(rows: pd.DataFrame, months: list[date], today: date, scale: int) -> pd.DataFrame:
    """Monthly savings, the card's monthly payoff and cash withdrawals that cover the wallet."""
    month_of = rows["date"].dt.to_period("M")
    card = rows[rows["account"] == household.CREDIT_CARD].groupby(month_of)["amount"].sum()
    cash = rows[rows["account"] == household.CASH].groupby(month_of)["amount"].sum()
    legs: list[tuple[date, int, int, str, str, int]] = []

    def transfer(day: date, source: int, target: int, cents: int, memo: str) -> None:
        pair = len(legs) // 2
        legs.append(
            (day, source, -cents, f"Transfer to {household.ACCOUNT_NAMES[target]}", memo, pair)
        )
        legs.append(
            (day, target, cents, f"Transfer from {household.ACCOUNT_NAMES[source]}", memo, pair)
        )

    for index, month in enumerate(months):
        period = pd.Period(month, "M")
        transfer(
            min(month.replace(day=26), today),
            household.CHECKING,
            household.SAVINGS,
            90_000 * scale,
            "Monthly savings",
        )
        if index:
            owed = -int(card.get(period - 1, 0))
            payoff = min(month.replace(day=10), today)
            transfer(payoff, household.CHECKING, household.CREDIT_CARD, max(owed, 1), "Card payoff")
        spent = -int(cash.get(period, 0))
        for k in range(CASH_WITHDRAWALS_PER_MONTH):
            cents = (spent // CASH_WITHDRAWALS_PER_MONTH // 5_000 + 1) * 5_000
            day = min(month.replace(day=1 + 14 * k), today)
            transfer(day, household.CHECKING, household.CASH, cents, "ATM withdrawal")
    columns = ["date", "account", "amount", "payee", "memo", "pair"]
    frame = pd.DataFrame(legs, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["category"] = None
    return frame


def generate(count: int, today: date, seed: int = SEED) -> pd.DataFrame:
    """Exactly `count` rows: date, account (demo number), amount, payee, memo, category, pair.

    `pair` numbers the two legs of a transfer (-1 otherwise). Sorted by date, transfers first
    within a day, as the demo sorts.
    """
    rng = np.random.default_rng(seed)
    months = month_starts(today)
    fixed = _transfer_legs(months)
    scale = scale_of(count)
    scheduled = pd.DataFrame(
        _scheduled(rng, months, today, scale),
        columns=["date", "account", "amount", "payee", "memo", "category"],
    )
    everyday_count = count - fixed - len(scheduled)
    if everyday_count < 1:
        raise ValueError(f"{count} transactions are too few for {MONTHS} months of this household")
    purchases = pd.concat(
        [_everyday(rng, months[0], today, everyday_count), scheduled], ignore_index=True
    )
    purchases["date"] = pd.to_datetime(purchases["date"])
    purchases["pair"] = -1
    rows = pd.concat([_transfers(purchases, months, today, scale), purchases], ignore_index=True)
    rows["is_purchase"] = rows["pair"] < 0
    rows = rows.sort_values(["date", "is_purchase", "pair"], kind="stable", ignore_index=True)
    return rows.drop(columns="is_purchase")
