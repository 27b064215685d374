"""How the dict-keyed callbacks are wired: each is triggered by its own inputs only.

Dash merges a callback's inputs into the `state` dict it is given, so a state dict shared by
two callbacks would make the second one also fire on the first one's input (the copy of last
month's limits on every limit edit). The modules hand Dash a copy; this holds them to it.
"""

from __future__ import annotations

import json

import pytest

from bench.overview import FRAME_OUTPUTS
from dashboard import ids
from tests import layout_ids

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def pattern(**parts: str) -> str:
    """A pattern-matching id with ALL wildcards, as Dash writes it in its dependencies."""
    values = {key: '["ALL"]' if value == "ALL" else f'"{value}"' for key, value in parts.items()}
    return "{" + ",".join(f'"{key}":{values[key]}' for key in sorted(values)) + "}"


def triggers(app, output_id: str) -> list[list[str]]:
    """The inputs of every callback that writes output_id."""
    return sorted(
        sorted(f"{i['id']}.{i['property']}" for i in spec["inputs"])
        for key, spec in app.callback_map.items()
        if f"..{output_id}." in f".{key}" or key.startswith(f"{output_id}.")
    )


def test_the_budget_writes_are_triggered_by_their_own_controls_only(app):
    assert triggers(app, ids.BUDGET_FEEDBACK) == sorted(
        [
            [f"{pattern(category='ALL', type=ids.BUDGET_LIMIT_INPUT)}.value"],
            sorted([f"{ids.BUDGET_ADD}.n_clicks", f"{ids.BUDGET_NEW_LIMIT}.n_submit"]),
            [f"{ids.BUDGET_COPY}.n_clicks"],
            [f"{pattern(category='ALL', type=ids.BUDGET_ROLLOVER_TOGGLE)}.value"],
        ]
    )


def test_the_goal_writes_are_triggered_by_their_own_controls_only(app):
    assert triggers(app, ids.GOALS_FEEDBACK) == sorted(
        [
            [f"{ids.GOAL_SAVE}.n_clicks"],
            [f"{pattern(action='ALL', id='ALL', type=ids.GOAL_ACTION)}.n_clicks"],
        ]
    )


def test_the_settings_writes_are_triggered_by_their_own_controls_only(app):
    assert triggers(app, ids.ACCOUNTS_FEEDBACK) == sorted(
        [
            [f"{pattern(id='ALL', type=ids.ACCOUNT_NAME_INPUT)}.value"],
            [f"{pattern(id='ALL', type=ids.CATEGORY_NAME_INPUT)}.value"],
            [f"{pattern(action='ALL', id='ALL', type=ids.ACCOUNT_ARCHIVE)}.n_clicks"],
            [f"{pattern(action='ALL', id='ALL', type=ids.CATEGORY_ARCHIVE)}.n_clicks"],
            [f"{pattern(id='ALL', type=ids.GROUP_NAME_INPUT)}.value"],
            [f"{pattern(id='ALL', type=ids.CATEGORY_GROUP_SELECT)}.value"],
            [f"{pattern(id='ALL', type=ids.GROUP_DELETE)}.n_clicks"],
            [f"{pattern(id='ALL', type=ids.TAG_NAME_INPUT)}.value"],
            [f"{pattern(id='ALL', type=ids.TAG_MERGE)}.value"],
            [f"{pattern(id='ALL', type=ids.TAG_DELETE)}.n_clicks"],
        ]
    )


def test_the_rules_writes_are_triggered_by_their_own_controls_only(app):
    # The editor's state (every row's controls) is State: typing in it never saves.
    assert triggers(app, ids.RULES_FEEDBACK) == sorted(
        [
            sorted(
                [f"{ids.RULES_NEW}.n_clicks", f"{pattern(id='ALL', type=ids.RULE_EDIT)}.n_clicks"]
            ),
            [f"{ids.RULE_SAVE}.n_clicks"],
            [f"{pattern(id='ALL', type=ids.RULE_ENABLED)}.value"],
            [f"{pattern(action='ALL', id='ALL', type=ids.RULE_MOVE)}.n_clicks"],
            sorted(
                [
                    f"{ids.RULES_APPLY_ALL}.n_clicks",
                    f"{pattern(id='ALL', type=ids.RULE_APPLY)}.n_clicks",
                ]
            ),
            [f"{pattern(id='ALL', type=ids.RULE_DELETE)}.n_clicks"],
            sorted([f"{ids.RULE_DELETE_CONFIRM}.n_clicks", f"{ids.RULE_DELETE_CANCEL}.n_clicks"]),
        ]
    )
    assert triggers(app, ids.RULES_RUN_STORE) == sorted(
        [
            sorted([f"{ids.RULES_APPLY_CONFIRM}.n_clicks", f"{ids.RULES_APPLY_CANCEL}.n_clicks"]),
            [f"{ids.RULES_UNDO}.n_clicks"],
        ]
    )


def callback_string_ids(key: str, spec: dict) -> set[str]:
    """The string ids a callback's inputs and state name, and its outputs' (from the map key:
    `id.prop`, or `..id.prop...id.prop..`, each maybe with an `@hash` of allow_duplicate)."""
    named = {d["id"] for d in spec["inputs"] + spec["state"] if not d["id"].startswith("{")}
    outputs = [o.split("@")[0] for o in key.strip(".").split("...")]
    return named | {o.rsplit(".", 1)[0] for o in outputs if not o.startswith("{")}


def test_every_callback_names_ids_of_the_shell_and_of_one_page_only(app):
    # A typo in an id, or a callback reaching across two pages, would only show in a browser's
    # console; the e2e fixture tolerates Dash's navigation race only for ids that exist.
    shell = layout_ids.shell_ids() | {ids.CLEAR_CHIPS}  # drawn by a callback, in the shell
    pages = layout_ids.page_ids()
    for key, spec in app.callback_map.items():
        own = callback_string_ids(key, spec) - shell
        holders = [name for name, page in pages.items() if own <= page]
        assert not own or holders, f"{key}: ids on no single page: {sorted(own)}"


def _output_ids(spec: dict) -> list[str]:
    """The component ids of a callback's outputs, as /_dash-dependencies names them."""
    return [o.split("@")[0].rsplit(".", 1)[0] for o in spec["output"].strip(".").split("...")]


def server_calls_when_drawn(dependencies: list[dict], drawn: set[str]) -> list[str]:
    """The server callbacks Dash's renderer calls when a layout chunk holding the ids `drawn`
    appears (dash-renderer's getLayoutCallbacks): one with an output there unless
    prevent_initial_call, and one with an input there unless all its outputs are there too,
    prevent_initial_call or not. Pattern ids are matched by their "type"."""

    def named(item_id: str) -> str:
        return json.loads(item_id)["type"] if item_id.startswith("{") else item_id

    calls = []
    for spec in dependencies:
        if spec["clientside_function"]:
            continue  # runs in the browser: no request
        outputs = {named(o) for o in _output_ids(spec)}
        inputs = {named(i["id"]) for i in spec["inputs"]}
        by_output = bool(outputs & drawn) and not spec["prevent_initial_call"]
        by_input = bool(inputs & drawn) and not outputs <= drawn
        if by_output or by_input:
            calls.append(spec["output"])
    return calls


def server_calls_on_load(dependencies: list[dict], layout: set[str]) -> list[str]:
    """The server callbacks the renderer calls for the app's first layout (`layout`'s ids): one
    with an output there unless prevent_initial_call (dash-renderer looks at outputs only)."""
    return [
        spec["output"]
        for spec in dependencies
        if not spec["clientside_function"]
        and not spec["prevent_initial_call"]
        and set(_output_ids(spec)) & layout
    ]


def test_drawing_the_overview_calls_one_server_callback(app, logged_in_client):
    # The page (routing.py draws it) and then its upcoming list with its Post / Skip buttons.
    dependencies = logged_in_client.get("/_dash-dependencies").get_json()
    page = layout_ids.page_ids()["dashboard.pages.overview"]
    calls = server_calls_when_drawn(dependencies, page)
    assert len(calls) == 1 and f"{ids.KPI_INCOME}-value.children" in calls[0], calls
    assert f"{ids.CHART_CATEGORY}.figure" in calls[0] and f"{ids.GAUGES}.children" in calls[0]
    buttons = {ids.UPCOMING_POST, ids.UPCOMING_SKIP}
    assert server_calls_when_drawn(dependencies, buttons) == []


def test_loading_the_frame_calls_the_two_server_callbacks_the_benchmark_sends(
    app, logged_in_client
):
    # The shell on a page's load: the page with the filter options, and the filters store. The
    # chips, their removal and the filter bar's visibility run in the browser.
    dependencies = logged_in_client.get("/_dash-dependencies").get_json()
    calls = server_calls_on_load(dependencies, layout_ids.shell_ids())
    assert len(calls) == len(FRAME_OUTPUTS) == 2, calls
    for output in FRAME_OUTPUTS.values():
        assert sum(output in call for call in calls) == 1, (output, calls)
    [page] = [call for call in calls if f"{ids.PAGE}.children" in call]
    for options in (ids.ACCOUNTS_FILTER, ids.CATEGORIES_FILTER, ids.TAGS_FILTER):
        assert f"{options}.options" in page
    in_browser = {
        spec["output"] for spec in dependencies if spec["clientside_function"] is not None
    }
    assert {f"{ids.CHIPS}.children", f"{ids.FILTER_BAR}.style"} <= in_browser
    assert any(f"{ids.CROSS_FILTER_STORE}.data" in o for o in in_browser)
