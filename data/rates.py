"""Exchange rates, per user: validated, stored, listed (table exchange_rates).

A rate says that on `on_date` one unit of the reporting currency (users.currency, stored as the
rate's base_currency) was worth rate_micro / 10**6 units of `currency`: "1 EUR = 1.0823 USD",
the way the ECB publishes them, so its reference rates (at most 4 decimals) are stored exactly.
data/conversion.py divides by it. Each write bumps the user's data_version (data/ownership.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlalchemy import Connection, Engine, ScalarSelect, bindparam, delete, func, select, update

from data import validation as v
from data.conversion import MAX_RATE_MICRO, MICRO, RATE_DECIMALS
from data.lookups import read_frame
from data.ownership import bump_version, owned_row
from data.schema import accounts, exchange_rates, users
from data.validation import FieldErrors, Invalid, ValidationError

_r = exchange_rates.c


@dataclass(frozen=True)
class Rate:
    """One rate to store: on `on_date`, 1 reporting unit = rate_micro / 10**6 `currency`."""

    currency: str
    on_date: date
    rate_micro: int


def parse_rate(text: object) -> int:
    """'1.0823' -> 1082300 micro-units, exactly; Invalid unless positive with <= 6 decimals."""
    cleaned = str(text).strip() if isinstance(text, str | int) else ""
    if not cleaned:
        raise Invalid("Enter a rate such as 1.0823.")
    if len(cleaned) > 30:
        raise Invalid("That rate is too long.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid("Enter a rate such as 1.0823.") from None
    if not value.is_finite() or value <= 0:
        raise Invalid("A rate is a positive number.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -RATE_DECIMALS:
        raise Invalid(f"Use at most {RATE_DECIMALS} decimals for a rate.")
    micro = int(value.scaleb(RATE_DECIMALS))
    if micro > MAX_RATE_MICRO:
        raise Invalid("That rate is too large.")
    return micro


def format_rate(rate_micro: int) -> str:
    """1082300 -> '1.0823': the decimals a person typed, without trailing zeros."""
    whole, fraction = divmod(int(rate_micro), MICRO)
    text = f"{fraction:0{RATE_DECIMALS}d}".rstrip("0")
    return f"{whole}.{text}" if text else str(whole)


def clean_rate(currency: object, on_date: object, rate: object) -> Rate:
    """A Rate from a form's values, or ValidationError naming each bad field."""
    errors = FieldErrors()
    code = errors.check("currency", v.clean_currency, currency)
    day = errors.check("on_date", v.clean_date, on_date)
    micro = errors.check("rate", parse_rate, rate)
    errors.raise_if_any()
    assert code is not None and day is not None and micro is not None
    return Rate(code, day, micro)


def save_rate(engine: Engine, user_id: int, rate: Rate) -> None:
    """Stores the rate of (currency, day), replacing the one already stored for that day."""
    with engine.begin() as conn:
        reporting = bump_version(conn, user_id)
        if rate.currency == reporting:
            raise ValidationError(
                {"currency": f"{reporting} is your reporting currency: it needs no rate."}
            )
        _upsert(conn, user_id, reporting, [rate])


def import_rates(engine: Engine, user_id: int, rates: list[Rate]) -> int:
    """Stores every rate in one transaction (a day already stored is replaced); their count."""
    with engine.begin() as conn:
        reporting = bump_version(conn, user_id)
        kept = [rate for rate in rates if rate.currency != reporting]
        _upsert(conn, user_id, reporting, kept)
        return len(kept)


def delete_rate(engine: Engine, user_id: int, rate_id: object) -> None:
    """NotFound unless the rate is this user's."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        row = owned_row(conn, exchange_rates, user_id, rate_id, "rate")
        conn.execute(delete(exchange_rates).where(_r.id == row.id, _r.user_id == user_id))


def list_rates(engine: Engine, user_id: int, limit: int = 200) -> pd.DataFrame:
    """DataFrame[id, currency, on_date, rate_micro] against the reporting currency, newest first."""
    query = (
        select(_r.id, _r.currency, _r.on_date, _r.rate_micro)
        .where(_r.user_id == user_id, _r.base_currency == _reporting(user_id))
        .order_by(_r.on_date.desc(), _r.currency)
        .limit(max(1, limit))
    )
    return read_frame(engine, query).astype({"id": "int64", "rate_micro": "int64"})


def needed_currencies(engine: Engine, user_id: int) -> pd.DataFrame:
    """DataFrame[currency, accounts, latest_date, latest_rate_micro]: each currency of the user's
    accounts other than the reporting one, with its latest rate (NA when it has none)."""
    latest = (
        select(_r.rate_micro)
        .where(
            _r.user_id == user_id,
            _r.base_currency == _reporting(user_id),
            _r.currency == accounts.c.currency,
        )
        .order_by(_r.on_date.desc())
        .limit(1)
    )
    query = (
        select(
            accounts.c.currency,
            func.count().label("accounts"),
            select(func.max(_r.on_date))
            .where(
                _r.user_id == user_id,
                _r.base_currency == _reporting(user_id),
                _r.currency == accounts.c.currency,
            )
            .scalar_subquery()
            .label("latest_date"),
            latest.scalar_subquery().label("latest_rate_micro"),
        )
        .where(accounts.c.user_id == user_id, accounts.c.currency != _reporting(user_id))
        .group_by(accounts.c.currency)
        .order_by(accounts.c.currency)
    )
    frame = read_frame(engine, query)
    return frame.astype({"accounts": "int64", "latest_rate_micro": "Int64"})


def _reporting(user_id: int) -> ScalarSelect[str]:
    """The user's reporting currency, inside a query: rates against another base are kept
    but never listed or used."""
    return select(users.c.currency).where(users.c.id == user_id).scalar_subquery()


def _upsert(conn: Connection, user_id: int, reporting: str, rates: list[Rate]) -> None:
    """Updates the days already stored and inserts the others: two executemany calls."""
    if not rates:
        return
    keys = {(rate.currency, rate.on_date) for rate in rates}
    if len(keys) != len(rates):
        raise ValidationError({"rates": "The same currency and day appear twice."})
    currencies = sorted({rate.currency for rate in rates})
    stored_query = select(_r.currency, _r.on_date).where(
        _r.user_id == user_id,
        _r.base_currency == reporting,
        _r.currency.in_(currencies),
        _r.on_date.between(min(r.on_date for r in rates), max(r.on_date for r in rates)),
    )
    stored = {tuple(row) for row in conn.execute(stored_query)}
    updates = [rate for rate in rates if (rate.currency, rate.on_date) in stored]
    inserts = [rate for rate in rates if (rate.currency, rate.on_date) not in stored]
    if updates:
        conn.execute(
            update(exchange_rates)
            .where(
                _r.user_id == user_id,
                _r.base_currency == reporting,
                _r.currency == bindparam("b_currency"),
                _r.on_date == bindparam("b_on_date"),
            )
            .values(rate_micro=bindparam("b_rate")),
            [
                {"b_currency": r.currency, "b_on_date": r.on_date, "b_rate": r.rate_micro}
                for r in updates
            ],
        )
    if inserts:
        conn.execute(
            exchange_rates.insert(),
            [
                {
                    "user_id": user_id,
                    "base_currency": reporting,
                    "currency": r.currency,
                    "on_date": r.on_date,
                    "rate_micro": r.rate_micro,
                }
                for r in inserts
            ],
        )
