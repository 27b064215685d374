"""How the isolation sweep (test_isolation_callbacks.py) speaks to the app as a browser does:
what each component prop carries, with one household's ids wherever an id fits, and the body
Dash's renderer POSTs to /_dash-update-component for a callback of /_dash-dependencies.

The test here keeps that knowledge complete: every callback the app declares is either one the
sweep can send or one listed in NOT_EXERCISED with its reason.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from dash import Dash

# How Dash itself spells callback and component ids, so the bodies match what it parses.
from dash._utils import split_callback_id, stringify_id
from PIL import Image

from dashboard.ids import IMPORT_MAPPING_FIELDS
from tests.conftest import AuthActions
from tests.security.test_isolation import Household, alice_and_bob

pytestmark = pytest.mark.security

CLICKS = {"n_clicks", "n_submit", "submit_n_clicks", "n_blur"}
# Callbacks no sweep sends, and why. A new callback with a prop the sweep cannot fill fails
# test_every_callback_is_swept_or_listed_with_its_reason until it gets values below or a line
# here.
NOT_EXERCISED = {
    "theme-switch.id <- theme-switch.value": "clientside: runs in the browser, no server handler",
    "transactions-grid-sync.data <- filters-store.data": "clientside: tells the grid to reload",
    "entry-focus-signal.data <- entry-feedback.children": "clientside: moves the focus",
    "entry-receipt-name.children <- entry-receipt.contents": "clientside: the file's size check",
    "entry-submission-key.data <- entry-feedback.children": "clientside: makes the entry's key",
    "edit-receipt-name.children <- edit-receipt.contents": "clientside: the file's size check",
    "entry-split-left.children <- entry-amount.value": "clientside: what is left to assign",
    "edit-split-left.children <- edit-amount.value": "clientside: what is left to assign",
    "cross-filter-store.data <- overview-cross-filter-next.data": "clientside: copies a click's "
    "cross-filter (the server's callback that made it is swept)",
    "upcoming-intent.data <- upcoming-post[*].n_clicks": "clientside: names the clicked date "
    "(the server's Post / Skip on it is swept)",
    "refresh-store.data <- upcoming-decided.data": "clientside: bumps the refresh counter",
    "filter-chips.children <- cross-filter-store.data": "clientside: draws the chips",
    "cross-filter-store.data <- chip-remove[*].n_clicks": "clientside: a chip's remove button",
    "filter-bar.style <- url.pathname": "clientside: hides the filter bar on some pages",
}


def _png_data_url() -> str:
    """A real (tiny) PNG as dcc.Upload's data URL: the upload callbacks accept it."""
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


PNG_UPLOAD = _png_data_url()
# Submission keys (the entry form's, an undo snapshot's): two, since one key stores one entry.
ENTRY_KEY = "0b7e3c52-6f1d-4c8a-9e2b-5d4f3a1c0e9d"
UNDO_KEY = "5a1f9c3e-2b7d-4e6a-8c0f-1d3b5e7a9c2f"


class Unknown(Exception):
    """A prop the sweep has no value for."""


def prop_values(h: Household, today: date) -> dict[str, Any]:
    """'id.prop' -> what the browser would send, with h's ids wherever an id fits."""
    month, day = today.isoformat()[:7], today.isoformat()
    click = {"points": [{"customdata": [h.groceries], "x": month, "y": "Probe"}]}
    tag_click = {"points": [{"customdata": [h.secret_tag], "y": "Probe"}]}
    legs = [
        {"account_id": h.checking, "date": day, "amount_minor": -700, "payee": "Probe",
         "memo": "", "category_id": None},
        {"account_id": h.savings, "date": day, "amount_minor": 700, "payee": "Probe in",
         "memo": "", "category_id": None},
    ]  # fmt: skip
    new_account = {"name": "Probe account", "type": "checking", "currency": "EUR", "opening": "1"}
    return {
        "url.pathname": "/",
        "refresh-store.data": 1,
        "page-shown.data": "/",
        "theme-switch.value": False,
        "navbar-toggler.n_clicks": 1,
        "navbar-collapse.is_open": False,
        "filter-preset.value": "custom",
        "filter-date-from.value": "2000-01-01",
        "filter-date-to.value": day,
        "filter-accounts.value": h.account_ids,
        "filter-categories.value": h.category_ids,
        "filter-tags.value": [h.secret_tag],
        "filter-tags-match.value": "all",
        "filters-store.data": {
            "preset": "custom",
            "start": "2000-01-01",
            "end": day,
            "account_ids": h.account_ids,
            "category_ids": h.category_ids,
            "tag_ids": [h.secret_tag],
        },
        "cross-filter-store.data": {
            "category_id": h.groceries,
            "category": "Probe",
            "tag_id": h.secret_tag,
        },
        "chips-clear.n_clicks": 1,
        "chart-spending-by-category.clickData": click,
        "chart-income-spending-by-month.clickData": click,
        "chart-spending-over-time.clickData": click,
        "chart-top-payees.clickData": click,
        "chart-spending-by-tag.clickData": tag_click,
        "category-view.value": "groups",
        "category-drill-store.data": {"group_id": h.housing},
        "category-drill-root.n_clicks": 1,
        # What the overview was drawn with: none, a new page (every part is drawn).
        "overview-drawn.data": None,
        # A Post click on the Upcoming card, as the browser's callback sets it.
        "upcoming-intent.data": {
            "type": "upcoming-post",
            "schedule": h.schedule,
            "due": today.isoformat(),
            "at": 1,
        },
        "transactions-grid.getRowsRequest": {"startRow": 0, "endRow": 100, "sortModel": []},
        "transactions-grid.cellClicked": {"rowId": str(h.purchase), "colId": "payee"},
        # What assets/dashAgGridFunctions.js sends when Enter is pressed on a row.
        "transactions-grid.eventData": {"data": {"rowId": str(h.purchase)}, "timestamp": 1},
        "transactions-grid.dashGridOptions": {},
        "transactions-search.value": "SECRET",
        "entry-mode.value": "transaction",
        "entry-form.n_submit": 1,
        "entry-date.value": day,
        "entry-amount.value": "-1.00",
        "entry-account.value": str(h.checking),
        "entry-to-account.value": str(h.savings),
        "entry-received.value": "",
        "entry-category.value": str(h.groceries),
        "entry-payee.value": h.payee,
        "entry-payee.n_blur": 1,
        "entry-memo.value": "Probe",
        "entry-tags.value": ["Probe tag"],
        "entry-tags.search_value": "Probe",
        "edit-tags.value": ["Probe tag"],
        "edit-tags.search_value": "Probe",
        "entry-split-add.n_clicks": 1,
        "entry-split-parts.children": [],
        "edit-split-add.n_clicks": 1,
        "edit-split-parts.children": [],
        "entry-receipt.contents": PNG_UPLOAD,
        "entry-receipt.filename": "Probe.png",
        # Keys are the same for every household: a key names only its own user's rows.
        "entry-submission-key.data": ENTRY_KEY,
        "edit-transaction-id.data": h.purchase,
        "edit-date.value": day,
        # The parts below add up to it: with them the edit splits the transaction.
        "edit-amount.value": "-1.00",
        "edit-account.value": str(h.checking),
        "edit-category.value": str(h.groceries),
        "edit-payee.value": "Probe payee",
        "edit-memo.value": "Probe",
        "edit-save.n_clicks": 1,
        "edit-cancel.n_clicks": 1,
        "edit-delete.n_clicks": 1,
        # What the clientside size check sets (Date.now()) once a chosen file may be sent.
        "edit-receipt-ready.data": 1_700_000_000_000,
        "edit-receipt.contents": PNG_UPLOAD,
        "edit-receipt.filename": "Probe.png",
        "edit-receipt-remove.n_clicks": 1,
        "receipt-remove-confirm.submit_n_clicks": 1,
        "delete-confirm.submit_n_clicks": 1,
        "undo-button.n_clicks": 1,
        "undo-store.data": {"legs": legs, "submission_key": UNDO_KEY},
        "budget-month-store.data": month,
        "budget-prev-month.n_clicks": 1,
        "budget-next-month.n_clicks": 1,
        "budget-copy-last-month.n_clicks": 1,
        "budget-add.n_clicks": 1,
        "budget-new-limit.n_submit": 1,
        "budget-new-category.value": h.groceries,
        "budget-new-limit.value": "1.00",
        **{f"new-account-{key}.value": value for key, value in new_account.items()},
        "new-account-submit.n_clicks": 1,
        "new-category-name.value": "Probe category",
        "new-category-kind.value": "expense",
        "new-category-color.value": "#123456",
        "new-category-submit.n_clicks": 1,
        "new-group-name.value": "Probe group",
        "new-group-submit.n_clicks": 1,
        **import_values(h),
        **rules_values(h),
        **schedules_values(h, day),
        **goals_values(h),
        **rates_values(day),
        "rule-offer-create.n_clicks": 1,
        "rule-offer-store.data": {"payee": f"{h.tag} probe payee", "category_id": h.groceries},
    }


def import_values(h: Household) -> dict[str, Any]:
    """The import page: h's staged upload, account and batch wherever an id fits."""
    upload = f"Date,Amount,Payee\n2026-11-02,-1.23,{h.tag}-Probe\n".encode()
    mapping = {"date_column": 0, "date_format": "%Y-%m-%d", "amount_mode": "signed",
               "amount_column": 1, "debit_column": None, "credit_column": None,
               "indicator_column": None, "decimal_mark": ".", "payee_columns": [2],
               "memo_columns": [], "invert_sign": False}  # fmt: skip
    return {
        "import-upload.contents": "data:text/csv;base64," + base64.b64encode(upload).decode(),
        "import-upload.filename": "probe.csv",
        "import-state.data": {"upload_id": h.upload, "file_name": "probe.csv"},
        "import-account.value": str(h.checking),
        "import-map-apply.n_clicks": 1,
        "import-preview-store.data": {
            "upload_id": h.upload,
            "mapping": None,
            "account_id": h.checking,
            "importable": True,
        },
        **{f"{control}.value": mapping[name] for name, control in IMPORT_MAPPING_FIELDS.items()},
        "import-grid.cellValueChanged": [{"colId": "decision", "rowId": "1", "value": "skip"}],
        "import-decisions.data": {"1": "import"},
        "import-commit.n_clicks": 1,
        "import-probable-default.value": "link",
        "import-history-refresh.data": 1,
        "import-undo-batch.data": h.batch,
        "import-undo-confirm.n_clicks": 1,
        "import-undo-cancel.n_clicks": 1,
    }


def schedules_values(h: Household, day: str) -> dict[str, Any]:
    """/schedules: the editor on h's schedule (?edit=), saving over it with h's account and
    category; the edit modal's link from h's purchase."""
    fields = {"name": "Probe schedule", "account": str(h.checking), "payee": "Probe",
              "category": str(h.groceries), "amount": "-1.00", "memo": "", "starts-on": day,
              "frequency": "monthly", "interval": "1", "day": "1", "end": "never", "until": "",
              "count": "", "custom": "", "weekend-shift": "none", "auto-post": False,
              "active": True}  # fmt: skip
    return {
        **{f"schedule-{name}.value": value for name, value in fields.items()},
        "url.search": f"?edit={h.schedule}",
        "schedule-new.n_clicks": 1,
        "schedule-save.n_clicks": 1,
        "schedule-edit-id.data": {"schedule": h.schedule, "from": h.purchase},
    }


def goals_values(h: Household) -> dict[str, Any]:
    """The goals page: the form editing h's goal toward h's savings (or h's tag)."""
    return {
        "goal-celebrated.data": [h.goal],
        "goal-source.value": "account",
        "goal-save.n_clicks": 1,
        "goal-cancel.n_clicks": 1,
        "goal-saved.data": 1,
        "goal-edit-id.data": h.goal,
        # Its own name: the overview's cards and the form still show it after the sweep's save.
        "goal-name.value": f"{h.tag}-SECRET-GOAL",
        "goal-target.value": "10.00",
        "goal-target-date.value": "",
        "goal-account.value": h.savings,
        "goal-tag.value": h.secret_tag,
        "goal-starts-on.value": "",
    }


def rates_values(day: str) -> dict[str, Any]:
    """The rates page: a rate by hand and the ECB's file (rates of USD)."""
    ecb = b"Date,USD,\n2026-11-02,1.0823,\n"
    return {
        "rates-refresh.data": 1,
        "rate-currency.value": "USD",
        "rate-date.value": day,
        "rate-value.value": "1.2345",
        "rate-save.n_clicks": 1,
        "rates-upload.contents": "data:text/csv;base64," + base64.b64encode(ecb).decode(),
        "rates-upload.filename": "eurofxref-hist.csv",
    }


def rules_values(h: Household) -> dict[str, Any]:
    """The rules page: h's rule, run and ids (its checking account, its groceries) in the
    editor's rows (pattern_rows) and stores."""
    clicks = [
        "rules-new", "rules-apply-all", "rule-cancel", "rule-condition-add", "rule-action-add",
        "rule-test", "rule-save", "rule-delete-confirm", "rule-delete-cancel",
        "rules-apply-confirm", "rules-apply-cancel", "rules-undo",
    ]  # fmt: skip
    return {
        **{f"{button}.n_clicks": 1 for button in clicks},
        "rule-edit-id.data": h.rule,
        "rule-name.value": "Probe rule",
        "rule-match.value": "any",
        "rule-stop.value": True,
        "rule-delete-target.data": h.rule,
        "rules-apply-target.data": {"rule_ids": [h.rule]},
        "rules-run-store.data": h.rule_run,
    }


def pattern_rows(h: Household) -> dict[str, list[tuple[dict, Any]]]:
    """'type[*].prop' -> the rows (the id's wildcard keys, the value) on h's page."""
    return {
        "chip-remove[*].n_clicks": [({"key": "category"}, 1)],
        "budget-limit-input[*].value": [({"category": h.groceries}, "1.00")],
        "settings-account-name[*].value": [({"id": h.checking}, "Probe renamed")],
        "settings-category-name[*].value": [({"id": h.groceries}, "Probe renamed")],
        "settings-account-archive[*].n_clicks": [({"id": h.checking, "action": "archive"}, 1)],
        "settings-category-archive[*].n_clicks": [({"id": h.groceries, "action": "archive"}, 1)],
        # Split parts (either form): alice's category in the first, -0.50 each.
        "split-category[*].value": [({"index": 0}, str(h.groceries)), ({"index": 1}, "none")],
        "split-amount[*].value": [({"index": 0}, "-0.50"), ({"index": 1}, "-0.50")],
        "split-memo[*].value": [({"index": 0}, "Probe part"), ({"index": 1}, "")],
        # "form" fills a MATCH id (a part's tag search); ALL ids keep their own form.
        "split-tags[*].value": [
            ({"index": 0, "form": "entry"}, ["Probe part tag"]),
            ({"index": 1, "form": "entry"}, []),
        ],
        "split-tags[*].search_value": [({"index": 0, "form": "entry"}, "Probe")],
        "settings-group-name[*].value": [({"id": h.housing}, "Probe renamed")],
        # Out of the group (it is in it already): a choice that writes.
        "settings-category-group[*].value": [({"id": h.groceries}, "")],
        "settings-group-delete[*].n_clicks": [({"id": h.housing}, 1)],
        "settings-tag-name[*].value": [({"id": h.secret_tag}, "Probe renamed tag")],
        # Into itself: refused whoever asks, so the sweep's own run keeps the tag to delete.
        "settings-tag-merge[*].value": [({"id": h.secret_tag}, str(h.secret_tag))],
        "settings-tag-delete[*].n_clicks": [({"id": h.secret_tag}, 1)],
        "import-undo[*].n_clicks": [({"id": h.batch}, 1)],
        "goal-edit[*].n_clicks": [({"id": h.goal}, 1)],
        # Restore (it is active: a write all the same), so the overview still shows the goal.
        "goal-action[*].n_clicks": [({"id": h.goal, "action": "unarchive"}, 1)],
        "budget-rollover-toggle[*].value": [({"category": h.groceries}, True)],
        "rate-delete[*].n_clicks": [({"id": h.rate}, 1)],
        **rules_rows(h),
        **schedules_rows(h),
    }


def schedules_rows(h: Household) -> dict[str, list[tuple[dict, Any]]]:
    """The schedules list's row (h's schedule) and the Upcoming card's first date of it."""
    due = {"schedule": h.schedule, "due": date.today().isoformat()}
    return {
        "schedule-row-edit[*].n_clicks": [({"id": h.schedule}, 1)],
        "upcoming-post[*].n_clicks": [(due, 1)],
        "upcoming-skip[*].n_clicks": [(due, 1)],
        # Last of h's schedule's rows: the sweep deletes it.
        "schedule-row-delete[*].n_clicks": [({"id": h.schedule}, 1)],
    }


def rules_rows(h: Household) -> dict[str, list[tuple[dict, Any]]]:
    """The rules list's rows (h's rule) and the editor's one condition and one action row:
    "account is h's checking" -> "category h's groceries"."""
    condition = {"field": "account", "op": "is", "text": "Probe", "amount": "-1.00",
                 "high": "1.00", "sign": "out", "account": str(h.checking)}  # fmt: skip
    action = {"kind": "set_category", "category": str(h.groceries), "text": "Probe",
              "tags": "Probe tag"}  # fmt: skip
    rows = {f"rule-cond-{name}[*].value": [({"index": 0}, value)]
            for name, value in condition.items()}  # fmt: skip
    rows |= {f"rule-action-{name}[*].value": [({"index": 0}, value)]
             for name, value in action.items()}  # fmt: skip
    return rows | {
        "rule-cond-remove[*].n_clicks": [({"index": 0}, 1)],
        "rule-action-remove[*].n_clicks": [({"index": 0}, 1)],
        "rule-enabled[*].value": [({"id": h.rule}, False)],
        "rule-move[*].n_clicks": [({"id": h.rule, "action": "down"}, 1)],
        "rule-edit[*].n_clicks": [({"id": h.rule}, 1)],
        "rule-apply[*].n_clicks": [({"id": h.rule}, 1)],
        "rule-delete[*].n_clicks": [({"id": h.rule}, 1)],
    }


def component_id(text: str) -> str | dict:
    return json.loads(text) if text.startswith("{") else text


def describe(item: dict) -> str:
    """'id.prop', or 'type[*].prop' for a pattern-matching id."""
    parsed = component_id(item["id"])
    name = f"{parsed['type']}[*]" if isinstance(parsed, dict) else parsed
    return f"{name}.{item['property']}"


def output_items(output: str) -> list[dict]:
    """The callback's outputs as [{"id", "property"}], '@hash' of a duplicate output kept."""
    items = split_callback_id(output)
    return items if isinstance(items, list) else [items]


def callback_name(spec: dict) -> str:
    first_output = output_items(spec["output"])[0]
    output = describe({**first_output, "property": first_output["property"].split("@")[0]})
    return f"{output} <- {describe(spec['inputs'][0])}"


class Sweep:
    """Builds /_dash-update-component bodies for one household, or empty ones (h=None)."""

    def __init__(self, h: Household | None, today: date) -> None:
        self.h = h
        # Which props are known does not depend on the household: any one answers that.
        template = h or Household(0, "ANY", *range(1, 20))
        self.values = prop_values(template, today)
        self.rows = pattern_rows(template)

    def fill(self, item: dict) -> dict | list[dict]:
        key = describe(item)
        parsed = component_id(item["id"])
        if isinstance(parsed, dict):
            if key not in self.rows:
                raise Unknown(key)
            rows = self.rows[key] if self.h else []
            filled = [
                {"id": _concrete(parsed, wild), "property": item["property"], "value": value}
                for wild, value in rows
            ]
            if ["MATCH"] not in parsed.values():
                return filled
            # A MATCH input is one component: the first row's (an empty sweep: no value).
            first = _concrete(parsed, self.rows[key][0][0])
            return filled[0] if filled else {"id": first, "property": item["property"]}
        if key not in self.values:
            raise Unknown(key)
        value = self.values[key] if self.h else (1 if item["property"] in CLICKS else None)
        return {"id": parsed, "property": item["property"], "value": value}

    def bodies(self, spec: dict, every_trigger: bool) -> Iterator[dict]:
        """One body per input that can be the one that changed (only the first unless asked)."""
        inputs = [self.fill(item) for item in spec["inputs"]]
        state = [self.fill(item) for item in spec["state"]]
        wild = next((rows for rows in inputs if isinstance(rows, list)), [])
        matched = next(
            (i["id"] for i in inputs if isinstance(i, dict) and isinstance(i["id"], dict)), {}
        )
        outputs = [self._output(item, wild, matched) for item in output_items(spec["output"])]
        triggers = [
            f"{stringify_id(row['id'])}.{row['property']}"
            for entry in inputs
            for row in (entry if isinstance(entry, list) else [entry])
        ]
        # No rows on the page (an empty sweep): the callback fires with nothing changed.
        for changed in (triggers if every_trigger else triggers[:1]) or [None]:
            changed_ids = [] if changed is None else [changed]
            yield {
                "output": spec["output"],
                "outputs": outputs if spec["output"].startswith("..") else outputs[0],
                "inputs": inputs,
                "changedPropIds": changed_ids,
                "parsedChangedPropsIds": changed_ids,
                "state": state,
            }

    @staticmethod
    def _output(item: dict, wild_rows: list[dict], matched: dict) -> dict | list[dict]:
        """An ALL output lists the rows of the ALL input: the same wildcard values. A MATCH
        output is the component its MATCH input names."""
        parsed = component_id(item["id"])
        if not isinstance(parsed, dict):
            return {"id": parsed, "property": item["property"]}
        if ["MATCH"] in parsed.values():
            return {"id": _concrete(parsed, matched), "property": item["property"]}
        wildcards = [key for key, value in parsed.items() if value == ["ALL"]]
        return [
            {"id": {**parsed, **{k: row["id"][k] for k in wildcards}}, "property": item["property"]}
            for row in wild_rows
        ]


def _concrete(parsed: dict, wild: dict) -> dict:
    """A pattern id with its wildcards (ALL, MATCH) taken from `wild`; fixed keys stay."""
    return {key: wild.get(key, value) if value in (["ALL"], ["MATCH"]) else value
            for key, value in parsed.items()}  # fmt: skip


def sendable(spec: dict, sweep: Sweep) -> bool:
    """Server-side, and every input and state is a prop the sweep knows how to fill."""
    if spec.get("clientside_function"):
        return False
    try:
        list(sweep.bodies(spec, every_trigger=False))
    except Unknown:
        return False
    return True


def callback_specs(app: Dash, username: str) -> list[dict]:
    """/_dash-dependencies, asked over HTTP by `username` (logged in with TEST_PASSWORD)."""
    client = app.server.test_client()
    assert AuthActions(client).login(username).status_code == 302
    response = client.get("/_dash-dependencies")
    assert response.status_code == 200
    return response.get_json()


def test_every_callback_is_swept_or_listed_with_its_reason(app, engine):
    alice_and_bob(engine)
    callbacks = callback_specs(app, "bob")
    names = [callback_name(spec) for spec in callbacks]
    assert len(set(names)) == len(names), "two callbacks share a name: make callback_name finer"
    sweep = Sweep(None, date.today())
    exercised = {callback_name(spec) for spec in callbacks if sendable(spec, sweep)}
    assert exercised.isdisjoint(NOT_EXERCISED)
    assert set(names) == exercised | set(NOT_EXERCISED)
