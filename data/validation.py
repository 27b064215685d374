"""Checks for values on their way into the database, and the errors the write side raises.

Each `clean_*` function returns the value as it will be stored, or raises `Invalid` with a
message for a person; `FieldErrors` collects those per field so one call reports them all.
"""

from __future__ import annotations

import numbers
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Row

from data.money import format_money, max_abs_minor

T = TypeVar("T")

EARLIEST_DATE = date(1970, 1, 1)
# How far ahead a scheduled payment or a budget may be entered.
MAX_DAYS_AHEAD = 366
# The largest value of an INTEGER column (ids, sizes) on PostgreSQL.
MAX_INTEGER = 2**31 - 1
# Column lengths in data/schema.py (memo is TEXT: the limit is ours).
NAME_MAX, PAYEE_MAX, MEMO_MAX, BANK_REF_MAX = 100, 200, 2000, 100
# A split transaction's parts: two at least (one would be a category), and a bound.
MIN_SPLITS, MAX_SPLITS = 2, 100
TRANSFER_NOT_SPLIT = (
    "A transfer is not split: it moves one amount between two of your accounts. "
    "Split the payment it pays for instead."
)

_USERNAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,64}", re.ASCII)
_CURRENCY_RE = re.compile(r"[A-Z]{3}", re.ASCII)
_COLOR_RE = re.compile(r"#[0-9a-f]{6}", re.ASCII)
_STORAGE_NAME_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}", re.ASCII)
_FINGERPRINT_RE = re.compile(r"[!-~]{1,64}", re.ASCII)
_SHA256_RE = re.compile(r"[0-9a-f]{64}", re.ASCII)
# A UUID's canonical text form (what the browser's crypto.randomUUID() gives), any case.
_SUBMISSION_KEY_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII | re.IGNORECASE
)
SUBMISSION_KEY_INVALID = "This form has expired: reload the page, then enter it again."


class ValidationError(ValueError):
    """A write was refused; `field_errors` maps each field to a message for a person."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        summary = (f"{field}: {msg.rstrip('.')}" for field, msg in self.field_errors.items())
        super().__init__("; ".join(summary))


class NotFound(LookupError):
    """No such id for this user: the same answer whether it is missing or another user's."""


class Invalid(ValueError):
    """One value is unacceptable; str(error) is the message for its field."""


class FieldErrors:
    """Collects the first problem of each field, then raises them all as one ValidationError."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    def check(
        self, field: str, clean: Callable[..., T], *args: object, **kwargs: object
    ) -> T | None:
        """clean(...), or None after recording its message against `field`."""
        try:
            return clean(*args, **kwargs)
        except Invalid as problem:
            self.add(field, str(problem))
            return None

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def as_id(value: object) -> int | None:
    """The value as a row id, or None if no row can have it (wrong type, out of range)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_INTEGER else None


def clean_text(value: object, max_length: int, multiline: bool = False) -> str:
    """Optional free text (payee, memo): stripped; None counts as empty."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("Enter text.")
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if len(value) > max_length:
        # Nothing is cut: the person learns the limit and how far over it the text is.
        raise Invalid(f"At most {max_length:,} characters (this one has {len(value):,}).")
    allowed = "\t\n" if multiline else ""
    # Control characters break exports and terminals; lone surrogates cannot be stored as UTF-8.
    if any(unicodedata.category(char) in ("Cc", "Cs") and char not in allowed for char in value):
        raise Invalid("Remove the control characters.")
    return value


def clean_required_text(value: object, max_length: int, missing: str) -> str:
    """Required single-line text (names): stripped and non-empty; `missing` says what to enter."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(missing)
    return clean_text(value, max_length)


def clean_name(value: object) -> str:
    return clean_required_text(value, NAME_MAX, "Enter a name.")


def clean_amount(
    value: object, currency: str, *, zero_ok: bool = True, negative_ok: bool = True
) -> int:
    """Integer minor units within the currency's cap; a float never carries money."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise Invalid("Enter the amount as a whole number of minor units.")
    amount = int(value)
    if abs(amount) > max_abs_minor(currency):
        raise Invalid("That amount is too large.")
    if amount == 0 and not zero_ok:
        raise Invalid("Enter an amount other than zero.")
    if amount < 0 and not negative_ok:
        raise Invalid("Enter a positive amount." if not zero_ok else "Enter zero or more.")
    return amount


def clean_date(value: object) -> date:
    # datetime is a date subclass; its time of day would be silently dropped.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise Invalid("Enter a date.")
    if value < EARLIEST_DATE:
        raise Invalid(f"Enter a date from {EARLIEST_DATE.isoformat()} on.")
    if value > date.today() + timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid(f"Enter a date at most {MAX_DAYS_AHEAD} days ahead.")
    return value


def clean_month(value: object) -> date:
    """Any date of the month -> its first day, which is how budgets store a month."""
    return clean_date(value).replace(day=1)


def clean_choice(value: object, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise Invalid(f"Choose one of: {', '.join(choices)}.")
    return value


def clean_flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid("Choose yes or no.")
    return value


def clean_currency(value: object) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if not _CURRENCY_RE.fullmatch(code):
        raise Invalid("Enter a three-letter currency code such as EUR.")
    return code


def clean_color(value: object) -> str | None:
    if value is None:
        return None
    color = value.strip().lower() if isinstance(value, str) else ""
    if not _COLOR_RE.fullmatch(color):
        raise Invalid("Enter a colour such as #1f77b4.")
    return color


def clean_username(value: object) -> str:
    username = value.strip() if isinstance(value, str) else ""
    if not _USERNAME_RE.fullmatch(username):
        raise Invalid("Use 3 to 64 letters, digits, dots, dashes or underscores.")
    return username


def clean_storage_name(value: object) -> str:
    # The file name on disk: no separators and no leading dot, so it can never leave its folder.
    if not isinstance(value, str) or not _STORAGE_NAME_RE.fullmatch(value):
        raise Invalid("The stored file name is not valid.")
    return value


def clean_sha256(value: object) -> str:
    if not isinstance(value, str) or not _SHA256_RE.fullmatch(value):
        raise Invalid("Expected 64 lowercase hex digits.")
    return value


def clean_submission_key(value: object) -> str:
    """The entry form's key of one submission, as stored: a UUID in lower case. It only tells
    a retry from a new entry of the same user; it grants nothing, so any UUID will do."""
    if not isinstance(value, str) or not _SUBMISSION_KEY_RE.fullmatch(value):
        raise Invalid(SUBMISSION_KEY_INVALID)
    return value.lower()


def clean_fingerprint(value: object) -> str | None:
    """An imported statement line's mark (None for a row entered by hand): printable ASCII
    without spaces, as long as the column allows."""
    if value is None:
        return None
    if not isinstance(value, str) or not _FINGERPRINT_RE.fullmatch(value):
        raise Invalid("Expected the mark of an imported statement line.")
    return value


def clean_bank_ref(value: object) -> str | None:
    """A bank's id of a statement line (FITID, AcctSvcrRef): printable text without control
    characters, as long as the column allows; None when the file gave none."""
    if value is None:
        return None
    text = clean_text(value, BANK_REF_MAX)
    return text or None


def clean_optional_id(value: object) -> int | None:
    """A row id or None; the row's owner is checked where it is looked up."""
    if value is None:
        return None
    number = as_id(value)
    if number is None:
        raise Invalid("Expected the id of a row.")
    return number


def clean_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise Invalid("Expected a size in bytes.")
    size = int(value)
    if not 1 <= size <= MAX_INTEGER:
        raise Invalid("The file is empty." if size < 1 else "The file is too large.")
    return size


def check_transaction(
    txn: Any, account: Row, category: Row | None, current: Row | None, errors: FieldErrors
) -> dict[str, Any]:
    """A transaction's columns from a Transaction (data/entries.py) and the owned rows it refers to.

    A new transaction may not use an archived account or category; an edit may keep the one it
    has, so old entries stay editable after an account is closed.
    """
    if account.archived and (current is None or current.account_id != account.id):
        errors.add("account_id", "That account is archived.")
    if category is not None and category.archived:
        if current is None or current.category_id != category.id:
            errors.add("category_id", "That category is archived.")
    return {
        "account_id": account.id,
        "category_id": None if category is None else category.id,
        "date": errors.check("date", clean_date, txn.date),
        "amount_minor": errors.check(
            "amount_minor", clean_amount, txn.amount_minor, account.currency, zero_ok=False
        ),
        **check_leg_text(txn, errors),
    }


def check_leg_text(txn: Any, errors: FieldErrors) -> dict[str, Any]:
    """The text columns of a transaction or a transfer's leg: payee, memo, import mark."""
    return {
        "payee": errors.check("payee", clean_text, txn.payee, PAYEE_MAX),
        "memo": errors.check("memo", clean_text, txn.memo, MEMO_MAX, multiline=True),
        "import_fingerprint": errors.check(
            "import_fingerprint", clean_fingerprint, txn.import_fingerprint
        ),
        "bank_ref": errors.check("bank_ref", clean_bank_ref, txn.bank_ref),
        "import_batch_id": errors.check("import_batch_id", clean_optional_id, txn.import_batch_id),
    }


def check_splits(
    txn: Any,
    currency: str,
    categories: Mapping[int, Row],
    kept: set[int],
    errors: FieldErrors,
) -> list[dict[str, Any]]:
    """The transaction_splits rows of a split transaction, from its parts and the owned
    categories they name; none for a whole one. The parts sum to the amount exactly; each
    problem is reported under "splits", naming the part."""
    if not txn.splits:
        return []
    if txn.category_id is not None:
        errors.add("category_id", "A split transaction takes its categories from its parts.")
    if not MIN_SPLITS <= len(txn.splits) <= MAX_SPLITS:
        errors.add("splits", f"Split into {MIN_SPLITS} to {MAX_SPLITS} parts.")
    rows = []
    for position, part in enumerate(txn.splits):
        where = f"Part {position + 1}"
        category = None if part.category_id is None else categories[part.category_id]
        if category is not None and category.archived and category.id not in kept:
            errors.add("splits", f"{where}: that category is archived.")
        rows.append(
            {
                "position": position,
                "category_id": None if category is None else category.id,
                "amount_minor": _part(
                    errors, where, clean_amount, part.amount_minor, currency, zero_ok=False
                ),  # fmt: skip
                "memo": _part(errors, where, clean_text, part.memo, MEMO_MAX, multiline=True),
            }
        )
    amounts = [row["amount_minor"] for row in rows if isinstance(row["amount_minor"], int)]
    if "splits" not in errors.messages and isinstance(txn.amount_minor, int):
        left = txn.amount_minor - sum(amounts)
        if left:
            errors.add("splits", f"{format_money(left, currency)} is left to assign to the parts.")
    return rows


def _part(
    errors: FieldErrors, where: str, clean: Callable[..., T], *args: Any, **kw: Any
) -> T | None:
    """clean(...), or None after recording its message, naming the part, under "splits"."""
    try:
        return clean(*args, **kw)
    except Invalid as problem:
        errors.add("splits", f"{where}: {problem}")
        return None


def check_transfer_accounts(source: Row, target: Row, errors: FieldErrors) -> None:
    for field, account in (("from_account_id", source), ("to_account_id", target)):
        if account.archived:
            errors.add(field, "That account is archived.")
    if source.id == target.id:
        errors.add("to_account_id", "Choose a different account to transfer to.")


def check_transfer_leg_edit(
    values: dict[str, Any], account: Row, peer_account: Row, peer_amount: int, errors: FieldErrors
) -> None:
    """An edited leg stays a transfer: no category, not the peer's account. Between two
    currencies the peer keeps its own amount, so the edited leg keeps its direction."""
    if values["category_id"] is not None:
        errors.add("category_id", "A transfer has no category.")
    if account.id == peer_account.id:
        errors.add("account_id", "A transfer needs two different accounts.")
    elif (
        account.currency != peer_account.currency
        and (values["amount_minor"] or 0) * (peer_amount) >= 0
    ):
        errors.add(
            "amount_minor",
            "Between two currencies each leg keeps its own amount: money leaves one account "
            "and arrives in the other, so keep this leg's sign.",
        )


def check_receipt(
    errors: FieldErrors,
    *,
    storage_name: object,
    original_name: object,
    content_type: object,
    size_bytes: object,
    sha256: object,
) -> dict[str, Any]:
    """The receipts row's columns from what the upload code measured and stored."""
    return {
        "storage_name": errors.check("storage_name", clean_storage_name, storage_name),
        "original_name": errors.check(
            "original_name", clean_required_text, original_name, 255, "Name the file."
        ),
        "content_type": errors.check(
            "content_type", clean_required_text, content_type, 50, "Give the content type."
        ),
        "size_bytes": errors.check("size_bytes", clean_size, size_bytes),
        "sha256": errors.check("sha256", clean_sha256, sha256),
    }
