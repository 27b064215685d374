"""A bank statement imported through the stack, as the browser does it: gunicorn serves /import's
callbacks, the Celery worker (FT_BACKGROUND=celery) runs the preview and the commit, PostgreSQL
stores the lines, Redis carries the jobs and their results.

The client logs in over HTTP, loads /import (its Dash config gives the page's endId), stages the
upload, queues the preview and polls its signed handles until the answer, commits the same way,
then undoes the import with the history's Undo button and the modal's confirmation. The jobs
must have run in the worker's pool: the worker counts them and logs them, and no gunicorn worker
forks a child meanwhile (the embedded mode forks one per job).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from dashboard import ids
from dashboard.background import task_names
from data.schema import import_batches, transactions
from tests.stack.conftest import DEMO_PASSWORD, DEMO_USERNAME, start_worker
from tests.stack.dash_client import BackgroundRun, DashClient
from tests.stack.probes import outputs_of
from tests.stack.services import Gunicorn, wait_for
from tests.stack.test_stack_worker import web_app

pytestmark = pytest.mark.stack

FIXTURE = Path(__file__).parents[1] / "fixtures" / "import" / "de_sparkasse_cp1252.csv"
# The file's six lines in minor units: rent, the same coffee twice, salary, a gift, a fee.
FILE_AMOUNTS = sorted([-123456, -350, -350, 321000, -5000, -495])
ACCOUNT_LABEL = "Everyday Checking"
TASK_DONE = re.compile(r"Task (background_callback_\w+)\[[\w-]+\] succeeded in ([\d.]+)s")


def text_of(component: Any) -> str:
    """The text a Dash component (as JSON) shows, its children's joined."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list):
        return " ".join(text_of(child) for child in component)
    if isinstance(component, dict):
        return text_of(component.get("props", {}).get("children", ""))
    return ""


def components(tree: Any) -> list[dict[str, Any]]:
    """Every component (as JSON) in a tree of them."""
    found: list[dict[str, Any]] = []
    if isinstance(tree, list):
        for child in tree:
            found += components(child)
    elif isinstance(tree, dict) and "props" in tree:
        found.append(tree)
        found += components(tree["props"].get("children"))
    return found


def data_url(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


def batch_lines(engine: Engine, batch_id: int) -> list[int]:
    with engine.connect() as conn:
        query = select(transactions.c.amount_minor).where(
            transactions.c.import_batch_id == batch_id
        )
        return sorted(conn.execute(query).scalars())


class GunicornForks:
    """The children of gunicorn's workers, looked at after every poll: a job run in the web
    process (the embedded mode) is a forked child of the worker that queued it."""

    def __init__(self, stack: Gunicorn) -> None:
        self.stack = stack
        self.seen: set[int] = set()
        self.looks = 0

    def __call__(self) -> None:
        self.looks += 1
        for worker in self.stack.workers():
            self.seen |= {child.pid for child in worker.children()}


def account_choice(client: DashClient, history_output: str) -> str:
    """The account select's value for the demo's checking account, from its options."""
    answer = outputs_of(client.update(history_output, {f"{ids.IMPORT_HISTORY_REFRESH}.data": 0}))
    options = answer[f"{ids.IMPORT_ACCOUNT}.options"]
    chosen = [o["value"] for o in options if o["label"].startswith(ACCOUNT_LABEL)]
    assert len(chosen) == 1, options
    return chosen[0]


def preview(client: DashClient, state: dict, account: str, forks: GunicornForks) -> BackgroundRun:
    """The preview job, as the renderer queues it once the upload is staged (the account was
    chosen first); the mapping controls are still empty."""
    output = client.callback_of_input(f"{ids.IMPORT_STATE}.data")
    values = {
        f"{ids.IMPORT_STATE}.data": state,
        f"{ids.IMPORT_ACCOUNT}.value": account,
        f"{ids.IMPORT_PREVIEW_STORE}.data": {},
        f"{ids.IMPORT_MAP_INVERT}.value": False,
    }
    return client.run_background(output, values, [f"{ids.IMPORT_STATE}.data"], on_poll=forks)


def commit(client: DashClient, store: dict, account: str, forks: GunicornForks) -> BackgroundRun:
    output = client.callback_of_input(f"{ids.IMPORT_COMMIT}.n_clicks")
    values = {
        f"{ids.IMPORT_COMMIT}.n_clicks": 1,
        f"{ids.IMPORT_PREVIEW_STORE}.data": store,
        f"{ids.IMPORT_ACCOUNT}.value": account,
        f"{ids.IMPORT_DECISIONS}.data": {},
        f"{ids.IMPORT_PROBABLE}.value": "skip",
        f"{ids.IMPORT_HISTORY_REFRESH}.data": 0,
        f"{ids.REFRESH_STORE}.data": 0,
    }
    return client.run_background(output, values, [f"{ids.IMPORT_COMMIT}.n_clicks"], on_poll=forks)


def undo(client: DashClient, history_output: str, batch_id: int) -> tuple[dict, dict]:
    """The history's Undo button of `batch_id`, then the modal's confirmation: both answers."""
    history = outputs_of(client.update(history_output, {f"{ids.IMPORT_HISTORY_REFRESH}.data": 1}))
    button = {"id": batch_id, "type": ids.IMPORT_UNDO}
    shown = [c["props"].get("id") for c in components(history[f"{ids.IMPORT_HISTORY}.children"])]
    assert button in shown, f"no Undo button for import #{batch_id}"
    pattern = json.dumps({"id": ["ALL"], "type": ids.IMPORT_UNDO}, separators=(",", ":"))
    clicked = json.dumps(button, separators=(",", ":"), sort_keys=True)
    asked = outputs_of(
        client.update(
            client.callback_of_input(f"{pattern}.n_clicks"),
            {f"{pattern}.n_clicks": [{"id": button, "property": "n_clicks", "value": 1}]},
            [f"{clicked}.n_clicks"],
        )
    )
    confirmed = outputs_of(
        client.update(
            client.callback_of_input(f"{ids.IMPORT_UNDO_CONFIRM}.n_clicks"),
            {
                f"{ids.IMPORT_UNDO_CONFIRM}.n_clicks": 1,
                f"{ids.IMPORT_UNDO_BATCH}.data": asked[f"{ids.IMPORT_UNDO_BATCH}.data"],
                f"{ids.IMPORT_HISTORY_REFRESH}.data": 1,
                f"{ids.REFRESH_STORE}.data": 1,
            },
            [f"{ids.IMPORT_UNDO_CONFIRM}.n_clicks"],
        )
    )
    return asked, confirmed


def test_an_import_runs_through_the_worker_and_is_undone(request, stack, web_env, app_db, tmp_path):
    worker = start_worker(request, web_env, tmp_path)
    client = DashClient(stack.url)
    request.addfinalizer(client.close)
    client.login(DEMO_USERNAME, DEMO_PASSWORD)
    assert client.open_page("/import")["end_id"]
    history_output = client.callback_of_input(f"{ids.IMPORT_HISTORY_REFRESH}.data")
    account = account_choice(client, history_output)

    staged = outputs_of(
        client.update(
            client.callback_of_input(f"{ids.IMPORT_UPLOAD}.contents"),
            {
                f"{ids.IMPORT_UPLOAD}.contents": data_url(FIXTURE.read_bytes()),
                f"{ids.IMPORT_UPLOAD}.filename": FIXTURE.name,
            },
        )
    )
    state = staged[f"{ids.IMPORT_STATE}.data"]
    assert state["file_name"] == FIXTURE.name and state["upload_id"]

    forks = GunicornForks(stack)
    previewed = preview(client, state, account, forks)
    shown = previewed.answer["response"]
    rows = shown[ids.IMPORT_GRID]["rowData"]
    assert sorted(row["minor"] for row in rows) == FILE_AMOUNTS
    assert {row["kind"] for row in rows} == {"new"}
    assert any(row["payee"] == "Hausverwaltung Müller" for row in rows), rows
    summary = text_of(shown[ids.IMPORT_SUMMARY]["children"])
    assert "6 lines" in summary and "New: 6" in summary and "Error: 0" in summary, summary
    assert shown[ids.IMPORT_COMMIT] == {"disabled": False, "children": "Import 6 new lines"}
    store = shown[ids.IMPORT_PREVIEW_STORE]["data"]
    assert store["importable"] is True and store["upload_id"] == state["upload_id"]

    committed = commit(client, store, account, forks)
    result = text_of(committed.answer["response"][ids.IMPORT_RESULT]["children"])
    found = re.search(r"Imported 6 lines.*import #(\d+)", result)
    assert found, result
    batch_id = int(found.group(1))
    assert batch_lines(app_db, batch_id) == FILE_AMOUNTS

    asked, confirmed = undo(client, history_output, batch_id)
    assert asked[f"{ids.IMPORT_UNDO_MODAL}.is_open"] is True
    assert "removes the 6 transactions" in text_of(asked[f"{ids.IMPORT_UNDO_TEXT}.children"])
    feedback = text_of(confirmed[f"{ids.IMPORT_UNDO_FEEDBACK}.children"])
    assert "6 transactions removed" in feedback, feedback
    assert batch_lines(app_db, batch_id) == []
    with app_db.connect() as conn:
        undone = select(func.count()).where(
            import_batches.c.id == batch_id, import_batches.c.undone_at.is_not(None)
        )
        assert conn.execute(undone).scalar_one() == 1

    # Where the two jobs ran: the worker's pool did each once, gunicorn forked nothing.
    ran = {
        name: count
        for name, count in worker.inspect("stats")["total"].items()
        if name.startswith("background_callback_")
    }
    assert sorted(ran.values()) == [1, 1], ran
    assert set(ran) <= task_names(web_app(web_env))
    # The pool logs a task's end just after storing its result: the answer may come first.
    logged = wait_for(lambda: len(TASK_DONE.findall(worker.log_text())) >= 2, 10, "the log")
    done_in = {name: float(seconds) for name, seconds in TASK_DONE.findall(worker.log_text())}
    assert logged and set(done_in) == set(ran), done_in
    assert forks.looks >= 2 and forks.seen == set(), f"gunicorn forked {forks.seen}"
    timings = {
        "preview": (round(previewed.seconds * 1000), previewed.polls),
        "commit": (round(committed.seconds * 1000), committed.polls),
        "in the worker": sorted(round(seconds * 1000) for seconds in done_in.values()),
    }
    print("stack import, queue to answer (ms, polls):", json.dumps(timings))
