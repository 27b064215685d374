"""Parse and validate what comes from the browser into domain values or field errors.

Everything a component sends is untrusted: stores and dropdown values included.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from data.entries import TRANSFER_PAYEE, Split, Transaction, Transfer
from data.filters import Filters
from data.money import MoneyError, parse_amount
from data.months import add_months, month_end, month_start
from data.tags import clean_tags
from data.validation import Invalid

DATE_PRESETS = {
    "this_month": "This month",
    "last_month": "Last month",
    "last_3_months": "Last 3 months",
    "last_6_months": "Last 6 months",
    "last_12_months": "Last 12 months",
    "year_to_date": "Year to date",
    "custom": "Custom range",
}
DEFAULT_PRESET = "last_12_months"
_EARLIEST = date(1970, 1, 1)
# The one spelling of a day the app reads, the one it shows. Others are refused, not guessed:
# 03/02/2023 is March or February depending on the country, and a day that does not exist
# (2023-02-30) is not rolled over into the next month.
DATE_FORMAT = "YYYY-MM-DD"
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A message quotes what was typed, but not a pasted page of it.
_QUOTED_MAX = 40
# The transactions grid's search box (and the export's q).
SEARCH_MAX = 200


def search_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def search_too_long(text: str | None) -> str | None:
    """Why a search is not run, or None. A longer one is refused, not cut: a cut search would
    show rows for words the person did not type."""
    if text is None or len(text) <= SEARCH_MAX:
        return None
    return f"Search: at most {SEARCH_MAX:,} characters (this one has {len(text):,})."


def parse_iso_date(value: Any) -> date | None:
    """An exact 'YYYY-MM-DD' that names a real day (spaces around it ignored), else None.

    Nothing is cut or rolled over: '2023-02-30', '2023-02-28T10:00', '20230228' are not dates.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _ISO_DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # the right shape, but no such day
        return None


def not_a_date(value: Any) -> str:
    """The message for a date field whose value parse_iso_date refused: it quotes the value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"Enter a date ({DATE_FORMAT})."
    text = value.strip() if isinstance(value, str) else str(value)
    quoted = text if len(text) <= _QUOTED_MAX else text[:_QUOTED_MAX] + "…"
    return f"Not a date: {quoted}. Use {DATE_FORMAT}."


def custom_range(start: Any, end: Any) -> tuple[date, date] | str:
    """The filter bar's typed range -> (first, last) day, or a message saying what is wrong."""
    first, last = parse_iso_date(start), parse_iso_date(end)
    problems = [
        f"{label}: {not_a_date(value)}"
        for label, value, day in (("From", start, first), ("To", end, last))
        if day is None
    ]
    if first is None or last is None:
        return " ".join(problems)
    if first > last:
        return f"The range starts after it ends: {first.isoformat()} is after {last.isoformat()}."
    return max(first, _EARLIEST), max(last, _EARLIEST)


def preset_period(
    preset: str, today: date, start: Any = None, end: Any = None
) -> tuple[date, date]:
    """The inclusive date range a preset means today. Whole months end today, not in the future.
    A custom range that custom_range refuses means the default preset (the filter bar has
    already told the person why; this only reads the store)."""
    this_month = month_start(today)
    if preset == "this_month":
        return this_month, today
    if preset == "last_month":
        previous = add_months(this_month, -1)
        return previous, month_end(previous)
    if preset in {"last_3_months", "last_6_months", "last_12_months"}:
        months = int(preset.split("_")[1])
        return add_months(this_month, -(months - 1)), today
    if preset == "year_to_date":
        return date(today.year, 1, 1), today
    if preset == "custom":
        period = custom_range(start, end)
        if not isinstance(period, str):
            return period
    return preset_period(DEFAULT_PRESET, today)


def _id_tuple(values: Any) -> tuple[int, ...]:
    if not isinstance(values, list | tuple):
        return ()
    return tuple(sorted({v for v in values if isinstance(v, int) and not isinstance(v, bool)}))


def parse_filters(filter_store: Any, cross_store: Any, today: date) -> Filters:
    """The stores' contents -> Filters. A cross-filter narrows what the filter bar chose."""
    stored = filter_store if isinstance(filter_store, dict) else {}
    cross = cross_store if isinstance(cross_store, dict) else {}
    date_from, date_to = preset_period(
        str(stored.get("preset") or DEFAULT_PRESET), today, stored.get("start"), stored.get("end")
    )
    category_ids = _id_tuple(stored.get("category_ids"))
    cross_category = cross.get("category_id")
    if isinstance(cross_category, int) and not isinstance(cross_category, bool):
        category_ids = (cross_category,)
    month = parse_iso_date(f"{cross.get('month')}-01") if cross.get("month") else None
    if month:
        date_from, date_to = max(date_from, month), min(date_to, month_end(month))
        if date_from > date_to:  # the month lies outside the period: show it alone
            date_from, date_to = month, min(month_end(month), max(month, today))
    payee = cross.get("payee") if isinstance(cross.get("payee"), str) else None
    tag_ids, all_tags = _id_tuple(stored.get("tag_ids")), stored.get("all_tags") is True
    cross_tag = cross.get("tag_id")
    if isinstance(cross_tag, int) and not isinstance(cross_tag, bool):
        tag_ids, all_tags = (cross_tag,), False
    return Filters(
        date_from=date_from,
        date_to=date_to,
        account_ids=_id_tuple(stored.get("account_ids")),
        category_ids=category_ids,
        payee=payee[:200] if payee else None,
        tag_ids=tag_ids,
        all_tags=all_tags,
    )


# The transaction entry and edit forms. Field names are the form's own ("amount", "account"),
# so a message lands next to the input the person typed into.
ENTRY_MODES = ("transaction", "split", "transfer")
# The category select's "no category" choice: "" is taken by dbc.Select's placeholder option.
NO_CATEGORY = "none"
_WRITE_TO_FORM_FIELD = {
    "amount_minor": "amount",
    "account_id": "account",
    "from_account_id": "account",
    "to_account_id": "to_account",
    "received_minor": "received",
    "category_id": "category",
}
_ID_TEXT_MAX = 10


@dataclass(frozen=True)
class FormChoices:
    """What the form offered this user: accounts (with their currencies) and categories."""

    account_currencies: Mapping[int, str]
    category_ids: Collection[int] = ()


def parse_id(value: Any) -> int | None:
    """A row id from a select or a store (an int or a string of digits), else None."""
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= _ID_TEXT_MAX):
            return None
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value > 0 else None


def _optional_text(value: Any, field: str, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = "Enter text."
        return ""
    return value.strip()


def _signed_amount(text: Any, currency: str, errors: dict[str, str]) -> int | None:
    try:
        amount = parse_amount(text if isinstance(text, str) else None, currency)
    except MoneyError as problem:
        errors["amount"] = str(problem)
        return None
    if amount == 0:
        errors["amount"] = "Enter an amount other than zero."
        return None
    return amount


def _account(value: Any, field: str, currencies: Mapping[int, str], errors: dict) -> int | None:
    account_id = parse_id(value)
    if account_id not in currencies:
        errors[field] = "Choose an account."
        return None
    return account_id


def parse_transaction_form(
    form: Mapping[str, Any], choices: FormChoices
) -> Transaction | dict[str, str]:
    """The entry or edit form (keyed "date", "amount", "account", "category", "payee", "memo",
    "tags", and "splits" for the parts of a split) -> a Transaction, or {field: message} for
    every bad field.

    The amount is signed (negative = money out) and read in the chosen account's currency.
    Only ids in `choices` (the ones offered to this user) pass.
    """
    errors: dict[str, str] = {}
    day = _date(form.get("date"), errors)
    account_id = _account(form.get("account"), "account", choices.account_currencies, errors)
    currency = choices.account_currencies.get(account_id or 0, "EUR")
    amount = _signed_amount(form.get("amount"), currency, errors)
    category_id = None
    if form.get("category") not in (None, "", NO_CATEGORY):
        category_id = parse_id(form.get("category"))
        if category_id not in choices.category_ids:
            errors["category"] = "Choose a category from the list."
    payee_text = _optional_text(form.get("payee"), "payee", errors)
    memo_text = _optional_text(form.get("memo"), "memo", errors)
    tags = _tags(form.get("tags"), errors)
    parts = parse_split_parts(form.get("splits"), currency, choices.category_ids, errors)
    if len(parts) == 1:
        errors.setdefault("splits", "Split into two parts or more, or choose one category.")
    if parts:
        # A split transaction's categories are its parts'; the form hides its own select.
        category_id = None
        errors.pop("category", None)
    # Each of these is None only with its message in errors; naming them narrows their types.
    if errors or account_id is None or day is None or amount is None:
        return errors
    return Transaction(
        account_id=account_id,
        date=day,
        amount_minor=amount,
        payee=payee_text,
        memo=memo_text,
        category_id=category_id,
        splits=parts,
        tags=tags,
    )


def parse_split_parts(
    rows: Any, currency: str, category_ids: Collection[int], errors: dict[str, str]
) -> tuple[Split, ...]:
    """The split parts typed in a form (a list of {"category", "amount", "memo", "tags"}); a
    row left empty is no part. Problems go to errors["splits"], naming the part."""
    if rows is None:
        return ()
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        errors["splits"] = "The split parts did not arrive intact. Reload the page."
        return ()
    parts = []
    for number, row in enumerate(rows, start=1):
        category, amount_text, memo = row.get("category"), row.get("amount"), row.get("memo")
        no_category = category in (None, "", NO_CATEGORY)
        if no_category and _blank(amount_text) and _blank(memo) and not row.get("tags"):
            continue
        part_errors: dict[str, str] = {}
        amount = _signed_amount(amount_text, currency, part_errors)
        category_id = None if no_category else parse_id(category)
        if not no_category and category_id not in category_ids:
            part_errors["category"] = "Choose a category from the list."
        memo_text = _optional_text(memo, "memo", part_errors)
        part_tags = _tags(row.get("tags"), part_errors)
        if part_errors:
            errors.setdefault("splits", f"Part {number}: {next(iter(part_errors.values()))}")
        elif amount is not None:
            parts.append(Split(amount, category_id, memo_text, part_tags))
    return tuple(parts)


def _tags(value: Any, errors: dict[str, str]) -> tuple[str, ...]:
    """The tag select's value (a list of names; None when nothing is chosen), cleaned."""
    if value is None:
        return ()
    try:
        return clean_tags(value)
    except Invalid as problem:
        errors["tags"] = str(problem)
        return ()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_transfer_form(
    form: Mapping[str, Any], account_currencies: Mapping[int, str]
) -> Transfer | dict[str, str]:
    """The entry form in transfer mode (the keys of a transaction's, "to_account" instead of
    "category") -> a Transfer, or {field: message}."""
    errors: dict[str, str] = {}
    day = _date(form.get("date"), errors)
    from_id = _account(form.get("account"), "account", account_currencies, errors)
    to_id = _account(form.get("to_account"), "to_account", account_currencies, errors)
    if from_id is not None and from_id == to_id:
        errors["to_account"] = "Choose a different account to transfer to."
    currency = account_currencies.get(from_id or 0, "EUR")
    amount = _signed_amount(form.get("amount"), currency, errors)
    if amount is not None and amount < 0:
        errors["amount"] = "Enter a positive amount: it moves from the first account to the second."
    received = _received(form.get("received"), currency, account_currencies.get(to_id or 0), errors)
    payee_text = _optional_text(form.get("payee"), "payee", errors) or TRANSFER_PAYEE
    memo_text = _optional_text(form.get("memo"), "memo", errors)
    # Each of these is None only with its message in errors; naming them narrows their types.
    if errors or from_id is None or to_id is None or day is None or amount is None:
        return errors
    return Transfer(from_id, to_id, day, amount, payee_text, memo_text, received)


def _received(
    text: Any, currency: str, target_currency: str | None, errors: dict[str, str]
) -> int | None:
    """What arrived in the target's currency: required between two currencies, else unused
    (one currency: the same amount arrives, and a different one typed is refused)."""
    if target_currency is None:
        return None
    if target_currency == currency:
        if not _blank(text):
            errors["received"] = "Both accounts are in one currency: the same amount arrives."
        return None
    if _blank(text):
        errors["received"] = f"Enter the amount that arrived, in {target_currency}."
        return None
    received: dict[str, str] = {}
    amount = _signed_amount(text, target_currency, received)
    if "amount" in received:
        errors["received"] = received["amount"]
    elif amount is not None and amount <= 0:
        errors["received"] = "Enter a positive amount: what arrived in the second account."
    return amount


def _date(value: Any, errors: dict[str, str]) -> date | None:
    day = parse_iso_date(value)
    if day is None:
        errors["date"] = not_a_date(value)
    return day


def form_field_errors(write_errors: Mapping[str, str]) -> dict[str, str]:
    """A write's ValidationError.field_errors, keyed by the form's field names."""
    messages: dict[str, str] = {}
    for field, message in write_errors.items():
        messages.setdefault(_WRITE_TO_FORM_FIELD.get(field, field), message)
    return messages
