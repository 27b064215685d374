"""What the entry form and the edit modal of /transactions share: the choices they offer
(accounts, categories), what a submitted form led to, that outcome's messages, and the styles
that show or hide a part of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Output, html

from dashboard import ids
from dashboard.forms import NO_CATEGORY

KIND_ORDER = ("expense", "income", "transfer")
SHOWN: dict[str, str] = {}
HIDDEN = {"display": "none"}


@dataclass(frozen=True)
class FormOutcome:
    """What a submitted form led to; `refresh` is the next REFRESH_STORE value after a write."""

    saved: bool
    message: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)
    error: str = ""
    refresh: int | None = None
    # A rule to offer after the write (callbacks/rule_offers.py), as the offer store holds it.
    offer: dict[str, Any] | None = None


def account_currencies(accounts: pd.DataFrame) -> dict[int, str]:
    return {int(row.id): str(row.currency) for row in accounts.itertuples()}


def id_set(frame: pd.DataFrame) -> set[int]:
    return {int(row_id) for row_id in frame["id"]}


def account_options(accounts: pd.DataFrame) -> list[dict[str, str]]:
    """The account choices; with accounts in several currencies each says its own, since an
    amount is typed and stored in its account's currency."""
    several = accounts["currency"].nunique() > 1 if "currency" in accounts else False
    return [
        {
            "label": f"{row.name} ({row.currency})" if several else str(row.name),
            "value": str(int(row.id)),
        }
        for row in accounts.itertuples()
    ]


def category_options(categories: pd.DataFrame) -> list[dict[str, Any]]:
    """'No category', then the categories by kind (expense, income, transfer) under a heading."""
    options: list[dict[str, Any]] = [{"label": "No category", "value": NO_CATEGORY}]
    for kind in KIND_ORDER:
        of_kind = categories[categories["kind"] == kind]
        if of_kind.empty:
            continue
        options.append(
            {"label": f"── {kind.capitalize()} ──", "value": f"kind:{kind}", "disabled": True}
        )
        options.extend(
            {"label": str(row.name), "value": str(int(row.id))} for row in of_kind.itertuples()
        )
    return options


def outcome_outputs(
    errors_id: str, fields: dict[str, str], invalid_capable: tuple[str, ...], **flags: Any
) -> dict[str, Output]:
    """A form's message outputs by name: "errors" (the general message), "<field>_message"
    under each field and "<field>_invalid" (its red border); `flags` go to every Output."""
    outputs = {"errors": Output(errors_id, "children", **flags)}
    for name, field_id in fields.items():
        outputs[f"{name}_message"] = Output(ids.feedback_id(field_id), "children", **flags)
    for name in invalid_capable:
        outputs[f"{name}_invalid"] = Output(fields[name], "invalid", **flags)
    return outputs


def outcome_values(
    outcome: FormOutcome, fields: dict[str, str], invalid_capable: tuple[str, ...]
) -> dict[str, Any]:
    """The feedback (a success alert), then the values of outcome_outputs for one outcome."""
    feedback = (
        dbc.Alert(
            [html.I(className="bi bi-check-circle me-2"), outcome.message],
            color="success",
            className="py-2 mb-0",
            duration=6000,
        )
        if outcome.saved
        else ""
    )
    unknown = [msg for name, msg in outcome.field_errors.items() if name not in fields]
    general = " ".join(filter(None, [outcome.error, *unknown]))
    values: dict[str, Any] = {
        "feedback": feedback,
        "errors": dbc.Alert(general, color="danger", className="py-2 mb-0") if general else "",
    }
    for name in fields:
        values[f"{name}_message"] = outcome.field_errors.get(name, "")
    for name in invalid_capable:
        values[f"{name}_invalid"] = name in outcome.field_errors
    return values
