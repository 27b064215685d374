"""Isolation, callback by callback: logged in as bob, replay alice's ids in every callback the
app declares (read from /_dash-dependencies over HTTP, never a hand-written list), as the
browser's JSON POST would carry them. Bob gets nothing of hers, and her rows do not change.

Three sweeps over every server-side callback:
- "alice": every prop that can carry an id carries one of alice's (rows of pattern-matching ids,
  selects, stores, the grid's requests and clicks, the edit modal's id, the undo snapshot), and
  every button has n_clicks=1 so the writes fire; each input in turn is the one that changed.
- "own": the same bodies with bob's ids. The control: they do read bob's rows and do write.
- "plain": every value empty, buttons clicked, as a first load or a stale page sends.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from tests.conftest import AuthActions
from tests.security.test_isolation import (
    alice_and_bob,
    alice_leaks,
    cross_owner_references,
    data_version,
    owned_rows,
    receipt_bytes,
    store_receipt_file,
)
from tests.security.test_isolation_requests import (
    Sweep,
    callback_name,
    callback_specs,
    describe,
    sendable,
)

pytestmark = pytest.mark.security

UPDATE = "/_dash-update-component"
SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
JOB_WAIT_S = 30

# The write callbacks; "own" proves that the sweep's bodies reach their writes.
WRITERS = {
    "entry-form.n_submit",
    "edit-save.n_clicks",
    "delete-confirm.submit_n_clicks",
    "undo-button.n_clicks",
    "edit-receipt-ready.data",
    "receipt-remove-confirm.submit_n_clicks",
    "budget-limit-input[*].value",
    "budget-add.n_clicks",
    "budget-copy-last-month.n_clicks",
    "new-account-submit.n_clicks",
    "new-category-submit.n_clicks",
    "settings-account-name[*].value",
    "settings-category-name[*].value",
    "settings-account-archive[*].n_clicks",
    "settings-category-archive[*].n_clicks",
    "new-group-submit.n_clicks",
    "settings-group-name[*].value",
    "settings-category-group[*].value",
    "settings-group-delete[*].n_clicks",
    "settings-tag-name[*].value",
    "settings-tag-delete[*].n_clicks",
    "import-commit.n_clicks",
    "import-undo-confirm.n_clicks",
    "rule-save.n_clicks",
    "rule-enabled[*].value",
    "rules-apply-confirm.n_clicks",
    "rules-undo.n_clicks",
    "rule-delete-confirm.n_clicks",
    "rule-offer-create.n_clicks",
    "goal-save.n_clicks",
    "goal-action[*].n_clicks",
    "budget-rollover-toggle[*].value",
    "upcoming-intent.data",
}
# Writes that carry no id at all: with alice's ids in the other props they still write bob's.
WRITERS_WITHOUT_IDS = {
    "budget-copy-last-month.n_clicks",
    "new-account-submit.n_clicks",
    "new-category-submit.n_clicks",
    "new-group-submit.n_clicks",
}
# Reads whose "own" answer must show bob's rows: the control of the "no leak" checks.
READERS = {
    "page-container.children <- url.pathname",  # with the filter options
    "kpi-income-value.children <- filters-store.data",
    "transactions-grid.getRowsResponse <- transactions-grid.getRowsRequest",
    "edit-modal.is_open <- transactions-grid.cellClicked",
    "budget-table.children <- budget-month-store.data",
    "settings-accounts.children <- refresh-store.data",
    "import-account.options <- import-history-refresh.data",
    "rules-list.children <- refresh-store.data",
    "rule-editor.style <- rules-new.n_clicks",
    "rule-test-result.children <- rule-test.n_clicks",
    "goals-list.children <- refresh-store.data",
    "goal-form-title.children <- goal-edit[*].n_clicks",
}


@pytest.fixture
def households(engine):
    return alice_and_bob(engine)


@pytest.fixture
def bob_client(app, households):
    client = app.server.test_client()
    assert AuthActions(client).login("bob").status_code == 302
    return client


@pytest.fixture
def callbacks(app, households) -> list[dict]:
    return callback_specs(app, "bob")


def _send(client, body: dict, problems: list[str], label: str) -> str:
    """POST one body as the browser does; note a 5xx, a 4xx without a reason, and any leak.
    A background callback answers with its job's handles: poll them, as the renderer does,
    until the job's answer arrives (every answer on the way is checked too)."""
    response = client.post(UPDATE, json=body, headers=SAME_ORIGIN)
    text = response.get_data(as_text=True)
    handles = response.get_json(silent=True) if response.status_code == 200 else None
    if isinstance(handles, dict) and {"cacheKey", "job"} <= set(handles):
        text = _job_answer(client, body, handles, problems, label)
        response = None
    if response is not None:
        _check_status(response.status_code, text, problems, label)
    if leaks := alice_leaks(text):
        problems.append(f"{label}: alice's {sorted(set(leaks))} in {text[:300]}")
    return text


def _check_status(status: int, text: str, problems: list[str], label: str) -> None:
    if status >= 500 or (status >= 400 and not text.strip()):
        problems.append(f"{label}: HTTP {status} {text[:200]}")
    if status not in (200, 204) and status < 400:
        problems.append(f"{label}: unexpected HTTP {status}")


def _job_answer(client, body: dict, handles: dict, problems: list[str], label: str) -> str:
    """Every poll's text joined, up to the job's answer (bounded: JOB_WAIT_S)."""
    path = f"{UPDATE}?cacheKey={handles['cacheKey']}&job={handles['job']}"
    seen = []
    deadline = time.monotonic() + JOB_WAIT_S
    while time.monotonic() < deadline:
        response = client.post(path, json=body, headers=SAME_ORIGIN)
        text = response.get_data(as_text=True)
        _check_status(response.status_code, text, problems, label)
        seen.append(text)
        answer = response.get_json(silent=True) if response.status_code == 200 else None
        if response.status_code >= 400 or (isinstance(answer, dict) and "response" in answer):
            return "\n".join(seen)
        time.sleep(0.05)
    problems.append(f"{label}: the background job did not answer within {JOB_WAIT_S} s")
    return "\n".join(seen)


def _sweep(client, engine, callbacks, sweep: Sweep, every_trigger: bool, problems: list[str]):
    """Every sendable callback; returns (names that wrote bob's rows, names that showed bob's)."""
    wrote, showed_bob = set(), set()
    for spec in callbacks:
        if not sendable(spec, sweep):
            continue
        name = callback_name(spec)
        for body in sweep.bodies(spec, every_trigger):
            version = data_version(engine, sweep.h.user_id) if sweep.h else None
            label = f"{name} [changed {body['changedPropIds']}]"
            if "BOB-SECRET" in _send(client, body, problems, label):
                showed_bob.add(name)
            if sweep.h and data_version(engine, sweep.h.user_id) != version:
                wrote.add(describe(spec["inputs"][0]))
    return wrote, showed_bob


def test_bob_replaying_alices_ids_in_every_callback_gets_and_changes_nothing(
    app, engine, households, bob_client, callbacks
):
    alice, bob = households
    alice_file = store_receipt_file(app, engine, alice)
    before, version = owned_rows(engine, alice.user_id), data_version(engine, alice.user_id)
    today = date.today()
    problems: list[str] = []

    # The control first, while bob's rows are as built: his own ids read and write his rows.
    own_writes, own_reads = _sweep(
        bob_client, engine, callbacks, Sweep(bob, today), False, problems
    )
    attack_writes, _ = _sweep(bob_client, engine, callbacks, Sweep(alice, today), True, problems)
    _sweep(bob_client, engine, callbacks, Sweep(None, today), False, problems)

    assert problems == []
    assert own_writes >= WRITERS
    assert own_reads >= READERS
    assert attack_writes <= WRITERS_WITHOUT_IDS
    assert owned_rows(engine, alice.user_id) == before
    assert data_version(engine, alice.user_id) == version
    assert alice_file.read_bytes() == receipt_bytes(alice)
    assert cross_owner_references(engine) == []
