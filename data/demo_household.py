"""The demo household: its accounts, categories (and their groups) and budgets, and the habits,
bills and one-offs that data/demo.py turns into two years of transactions.

Amounts are integer cents and chances integer percentages: no float anywhere. Accounts carry
their ids; categories and groups are numbered from 1 in the order of CATEGORIES and GROUPS.
seed.sql keeps them.
"""

from __future__ import annotations

from typing import NamedTuple

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
GROUPS = (  # name, its categories; ids follow this order from 1. Gifts and Education stay apart.
    ("Housing", ("Rent", "Utilities", "Insurance", "Internet & Phone", "Home")),
    ("Food", ("Groceries", "Dining Out", "Coffee")),
    ("Transport", ("Transport", "Fuel")),
    ("Leisure", ("Entertainment", "Travel", "Subscriptions")),
    ("Personal", ("Health", "Clothing", "Personal care")),
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
GROUP_OF_CATEGORY = {
    category: number for number, (_name, members) in enumerate(GROUPS, 1) for category in members
}
