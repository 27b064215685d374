"""The /_dash-update-component requests the browser sends, named, with the bodies it sends.

Opening the overview fires two waves: the frame's two server callbacks (the page content with the
filter bar's options, the filters store; the chips and the filter bar's visibility are drawn in
the browser), then, once the page is there, the overview's one callback
(dashboard/callbacks/overview_page.py: every KPI, chart, meter, list and card) with the filters
store the first wave produced and, as its `overview-drawn` state, what the page's answer set
there: a warm page comes drawn whole and that call answers 204 (nothing to redraw). Changing the
date preset fires the filters callback, then the overview's callback again. The grid asks for a
block of rows with a sort model, the filters store and the search box as state; the entry form
submits with its fields.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from bench.client import Answer, Browser
from bench.load import Household
from dashboard import ids
from dashboard.components import GRID_BLOCK_SIZE, VIEW_CATEGORIES
from dashboard.layout_walk import props_by_id
from dashboard.overview_ids import OVERVIEW_DRAWN

LOAD_PRESET = "last_12_months"
CHANGED_PRESET = "last_6_months"
FILTERS = f"{ids.FILTERS_STORE}.data"
PRESET = f"{ids.PRESET}.value"
RECENT = f"{ids.OVERVIEW_TRANSACTIONS}.children"
GRID_ROWS = f"{ids.GRID}.getRowsResponse"
ENTRY_FEEDBACK = f"{ids.ENTRY_FEEDBACK}.children"
# The overview's callbacks by name, each named by one of its outputs: since the callbacks were
# merged, one request draws the whole page.
OVERVIEW_OUTPUTS = {"overview": f"{ids.KPI_INCOME}-value.children"}
# The frame's server callbacks, each named by one of its outputs (the page's answer carries the
# filter options too: dashboard/routing.py).
FRAME_OUTPUTS = {"page": f"{ids.PAGE}.children", "filters": FILTERS}
SEARCH_TEXT = "bakery"
GRID_SORT = [{"colId": "amount", "sort": "desc"}]


@dataclass(frozen=True)
class Request:
    name: str
    body: bytes
    # The overview's call on a page's load: the browser sends, as its `overview-drawn` state,
    # what the page's answer set there (a warm page comes drawn: dashboard/overview_first_draw.py).
    drawn_from_page: bool = False


@dataclass(frozen=True)
class Wave:
    """Requests the browser sends together, all of them answered before the next wave goes."""

    requests: tuple[Request, ...]


def page_drawn(answers: list[Answer]) -> dict[str, Any] | None:
    """The `overview-drawn` store's data in a page's answer among `answers`, if it set one."""
    for answer in answers:
        drawn = props_by_id(answer.outputs().get(FRAME_OUTPUTS["page"])).get(OVERVIEW_DRAWN)
        if drawn is not None:
            return drawn.get("data")
    return None


class OverviewRequests:
    """Every timed request of the benchmark, built once from the app's own callback specs."""

    def __init__(self, browser: Browser, household: Household) -> None:
        self.browser = browser
        self.household = household
        self.load_store = self.filters_store({PRESET: LOAD_PRESET})
        self.changed_store = self.filters_store({PRESET: CHANGED_PRESET})
        self.load = (self._frame_wave(), self._overview_wave(self.load_store, first_call=True))
        on_overview = {f"{ids.URL}.pathname": "/", f"{ids.CROSS_FILTER_STORE}.data": {}}
        change = self._body(FILTERS, {PRESET: CHANGED_PRESET, **on_overview}, [PRESET])
        self.change = (
            Wave((Request("filters", change),)),
            self._overview_wave(self.changed_store, first_call=False),
        )

    def filters_store(self, values: dict[str, Any]) -> dict[str, Any]:
        answer = self.browser.post(self._body(FILTERS, values, []))
        store = answer.outputs().get(FILTERS)
        if not store:
            raise RuntimeError(f"the filters callback answered {answer.status}: {answer.body!r}")
        return store

    def _body(self, output: str, values: dict[str, Any], changed: list[str]) -> bytes:
        return self.browser.body(output, values, changed)

    def _frame_wave(self) -> Wave:
        # A new tab: the filters store holds nothing yet, the cross-filter its empty default.
        values: dict[str, dict[str, Any]] = {
            "page": {
                f"{ids.URL}.pathname": "/",
                f"{ids.REFRESH_STORE}.data": 0,
                f"{ids.CROSS_FILTER_STORE}.data": {},
                f"{ids.THEME_SWITCH}.value": False,
            },
            # The browser sends the filters callback's state too: where the store goes.
            "filters": {
                PRESET: LOAD_PRESET,
                f"{ids.URL}.pathname": "/",
                f"{ids.CROSS_FILTER_STORE}.data": {},
            },
        }
        return Wave(
            tuple(
                Request(name, self._body(output, values[name], []))
                for name, output in FRAME_OUTPUTS.items()
            )
        )

    def _overview_wave(self, store: dict[str, Any], first_call: bool) -> Wave:
        values = {
            FILTERS: store,
            f"{ids.CROSS_FILTER_STORE}.data": {},
            f"{ids.THEME_SWITCH}.value": False,
            f"{ids.URL}.pathname": "/",
            f"{ids.REFRESH_STORE}.data": 0,
            f"{ids.CATEGORY_VIEW}.value": VIEW_CATEGORIES,
            f"{ids.CATEGORY_DRILL_STORE}.data": {},
        }
        # The page's first call names no changed input and has drawn what the page came with
        # (bodies_after); a filter change names the store, and the page holds what the load
        # drew (what the callback compares).
        changed = [] if first_call else [FILTERS]
        if first_call:
            self._first_call_values = dict(values)
        else:
            values[f"{OVERVIEW_DRAWN}.data"] = {
                "filter_store": self.load_store,
                "cross_store": {},
                "refresh": 0,
                "dark": False,
                "view": VIEW_CATEGORIES,
                "drill": {},
            }
        return Wave(
            tuple(
                Request(name, self._body(output, values, changed), drawn_from_page=first_call)
                for name, output in OVERVIEW_OUTPUTS.items()
            )
        )

    def bodies_after(self, wave: Wave, answers: list[Answer]) -> list[bytes]:
        """The wave's bodies as the browser sends them after `answers` (the earlier waves'):
        the overview's first call with the `overview-drawn` store the page's answer set."""
        drawn = page_drawn(answers)
        return [
            self._body(
                OVERVIEW_OUTPUTS[request.name],
                {**self._first_call_values, f"{OVERVIEW_DRAWN}.data": drawn},
                [],
            )
            if request.drawn_from_page and drawn is not None
            else request.body
            for request in wave.requests
        ]

    def overview_requests(self) -> list[Request]:
        """Every request of the overview's load and of a filter change, in the order sent."""
        return [r for wave in (*self.load, *self.change) for r in wave.requests]

    def grid_page(self) -> Request:
        """A block of the transactions grid: two accounts, the biggest amounts first."""
        accounts = [
            self.household.account_ids["Everyday Checking"],
            self.household.account_ids["Credit Card"],
        ]
        store = {**self.load_store, "account_ids": accounts}
        return Request("grid-sorted-filtered", self._grid_body(store, GRID_SORT, None))

    def search(self) -> Request:
        """The grid's first block for a word typed in the search box (payee or memo)."""
        return Request("grid-search", self._grid_body(self.load_store, [], SEARCH_TEXT))

    def _grid_body(self, store: dict[str, Any], sort: list, search: str | None) -> bytes:
        request = {"startRow": 0, "endRow": GRID_BLOCK_SIZE, "sortModel": sort, "filterModel": {}}
        values = {
            f"{ids.GRID}.getRowsRequest": request,
            FILTERS: store,
            f"{ids.CROSS_FILTER_STORE}.data": {},
            f"{ids.SEARCH}.value": search,
            f"{ids.GRID}.dashGridOptions": {},
        }
        return self._body(GRID_ROWS, values, [f"{ids.GRID}.getRowsRequest"])

    def add_transaction(self, payee: str, today: date) -> Request:
        """The entry form's submit: a purchase today in Groceries, on the checking account."""
        values = {
            f"{ids.ENTRY_FORM}.n_submit": 1,
            f"{ids.ENTRY_MODE}.value": "transaction",
            f"{ids.ENTRY_DATE}.value": today.isoformat(),
            f"{ids.ENTRY_AMOUNT}.value": "-12.34",
            f"{ids.ENTRY_ACCOUNT}.value": str(self.household.account_ids["Everyday Checking"]),
            f"{ids.ENTRY_CATEGORY}.value": str(self.household.category_ids["Groceries"]),
            f"{ids.ENTRY_PAYEE}.value": payee,
            f"{ids.REFRESH_STORE}.data": 0,
            # A new entry each time, as the page makes a new key after each save.
            f"{ids.ENTRY_SUBMISSION_KEY}.data": str(uuid.uuid4()),
        }
        body = self._body(ENTRY_FEEDBACK, values, [f"{ids.ENTRY_FORM}.n_submit"])
        return Request("add-transaction", body)
