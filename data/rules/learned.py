"""Rules learned from the person: after they put the same payee in the same category by hand
twice, offer a rule that does it for them. Offered, never created silently.

"By hand" is an edit: a row whose category was set after it was stored (updated_at later than
created_at; the entry form's own choice is not a re-categorisation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select

from data.entries import Transaction
from data.rules.engine import apply_rules
from data.rules.store import compiled_on
from data.schema import categories
from data.schema import transactions as txns
from data.validation import as_id

# How many edits of a payee into one category make the offer.
LEARN_AFTER = 2


@dataclass(frozen=True)
class RuleOffer:
    """ "Always put <payee> in <category>?", after it was done `times` times by hand."""

    payee: str
    category_id: int
    category: str
    times: int


def offer_after_edit(engine: Engine, user_id: int, transaction_id: object) -> RuleOffer | None:
    """The rule to offer after this transaction was edited, or None: it has a payee and a
    category of its own, its payee was edited into that category LEARN_AFTER times or more,
    and no rule of the user's gives that payee that category already."""
    wanted = as_id(transaction_id)
    with engine.connect() as conn:
        row = conn.execute(
            select(txns, categories.c.name.label("category"))
            .join(categories, categories.c.id == txns.c.category_id)
            .where(txns.c.user_id == user_id, txns.c.id == wanted)
            .where(txns.c.transfer_peer_id.is_(None), categories.c.user_id == user_id)
        ).first()
        if row is None or not row.payee.strip():
            return None
        times = conn.execute(
            select(func.count()).where(
                txns.c.user_id == user_id,
                func.lower(txns.c.payee) == row.payee.lower(),
                txns.c.category_id == row.category_id,
                txns.c.updated_at > txns.c.created_at,
            )
        ).scalar_one()
        if times < LEARN_AFTER:
            return None
        probe = Transaction(row.account_id, date.today(), row.amount_minor, row.payee)
        outcome = apply_rules(compiled_on(conn, user_id, None), probe)
    if outcome.rule_ids and outcome.transaction.category_id == row.category_id:
        return None
    return RuleOffer(row.payee, row.category_id, row.category, int(times))


def rename_offer(
    engine: Engine, user_id: int, before: Transaction, after: Transaction
) -> tuple[str, str] | None:
    """(bank text, the person's name) to offer as a rename rule after an edit of an imported
    row's payee: "the name the user chose once" becomes the name of every later import of it.
    None when it is not such an edit, or when a rule already renames it so."""
    old, new = before.payee.strip(), after.payee.strip()
    if before.import_fingerprint is None or not old or not new or old == new:
        return None
    with engine.connect() as conn:
        probe = Transaction(before.account_id, before.date, before.amount_minor, old)
        outcome = apply_rules(compiled_on(conn, user_id, None), probe)
    if outcome.rule_ids and outcome.transaction.payee == new:
        return None
    return old, new
