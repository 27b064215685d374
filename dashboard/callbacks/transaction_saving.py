"""Saving the entry form of /transactions under the submission key its page sent, and the answer.

A request whose answer is lost (a recycled worker, a proxy timeout, a phone that lost its signal)
leaves the person with an error for an entry that may be stored. Sending the form again sends
the same key, and data/writes.py stores nothing new for it. The answer is built from the stored
rows, never from the request, so a retry answers word for word as the first attempt did.

The key is made in the browser (ENTRY_KEY_JS): a new one when the form appears and after each
save, the same one after a refusal or a request that got no answer. It is not a secret and
grants nothing: keys are unique per user, so another user's key only ever names one's own rows.
"""

from __future__ import annotations

from typing import Any

from dashboard.extensions import get_engine
from dashboard.receipts import stored
from dashboard.receipts.files import CleanReceipt
from data import lookups, writes
from data.entries import Transaction, Transfer
from data.money import format_money
from data.validation import Invalid, clean_submission_key

# The form's field name for the key: no input shows it, so its message is the form's error.
KEY_FIELD = "submission_key"

# Inputs: the form's feedback (set on every answer), the key. A new key when there is none yet
# or after a save (the feedback is then a success alert); otherwise the key stays, so that the
# next attempt is a retry of this submission. crypto.randomUUID exists only in secure contexts
# (https, localhost): over plain http on a home network getRandomValues makes the same UUID.
ENTRY_KEY_JS = """
function(feedback, _id, key) {
    if (key && !feedback) { return window.dash_clientside.no_update; }
    const random = window.crypto;
    if (typeof random.randomUUID === 'function') { return random.randomUUID(); }
    const b = random.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
}
"""


def submission_key_errors(value: Any) -> dict[str, str]:
    """{} for a well-formed key, else the form's error (a stale page or a forged request)."""
    try:
        clean_submission_key(value)
    except Invalid as refused:
        return {KEY_FIELD: str(refused)}
    return {}


def save_entry(
    user_id: int,
    entry: Transaction | Transfer,
    receipt: CleanReceipt | None,
    submission_key: str,
) -> str:
    """Store the entry with its receipt (a transfer's on its outflow leg), or find what an
    earlier attempt with this key stored; returns the message the form shows for it."""
    engine = get_engine()
    with stored.staged_receipt(user_id, receipt) as receipt_file:
        key, file = submission_key, receipt_file
        if isinstance(entry, Transfer):
            transaction_id, _in = writes.create_transfer(
                engine, user_id, entry, submission_key=key, receipt_file=file
            )
        else:
            transaction_id = writes.create_transaction(
                engine, user_id, entry, submission_key=key, receipt_file=file
            )
    return saved_message(user_id, transaction_id)


def saved_message(user_id: int, transaction_id: int) -> str:
    """What the form says about a stored entry, read from its rows (a transfer from both)."""
    engine = get_engine()
    txn = lookups.get_transaction(engine, user_id, transaction_id)
    if txn is None:
        # Deleted between its save and this read (another tab): it was saved all the same.
        return "Saved."
    day = str(txn["date"])[:10]
    peer_id = txn["transfer_peer_id"]
    peer = None if peer_id is None else lookups.get_transaction(engine, user_id, peer_id)
    if peer is not None:
        moved = format_money(-int(txn["amount_minor"]), txn["currency"])
        arrived = ""
        if peer["currency"] != txn["currency"]:
            arrived = f" ({format_money(int(peer['amount_minor']), peer['currency'])} arrived)"
        return f"Moved {moved} from {txn['account']} to {peer['account']}{arrived} on {day}."
    money = format_money(int(txn["amount_minor"]), txn["currency"])
    at = f" · {txn['payee']}" if txn["payee"] else ""
    return f"Added {money}{at} on {day}."
