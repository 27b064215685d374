"""What the stack tests look at: the overview's callbacks as the browser calls them, what the
database says they should show, and which gunicorn worker answered a request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import requests
from sqlalchemy import Engine, text

from dashboard import ids
from dashboard.forms import parse_filters
from data import queries
from data.money import format_money
from data.users import user_currency
from tests.stack.dash_client import DashClient
from tests.stack.services import Gunicorn

FILTERS_OUTPUT = f"{ids.FILTERS_STORE}.data"
KPI_OUTPUT = f"{ids.KPI_INCOME}-value.children"
CATEGORY_OUTPUT = f"{ids.CHART_CATEGORY}.figure"
RECENT_OUTPUT = f"{ids.OVERVIEW_TRANSACTIONS}.children"
KPI_VALUE_IDS = [
    f"{card}-value"
    for card in (ids.KPI_INCOME, ids.KPI_SPENDING, ids.KPI_NET, ids.KPI_SAVINGS_RATE)
]


def outputs_of(response: requests.Response) -> dict[str, Any]:
    """A 200 answer of /_dash-update-component as {"id.property": value}."""
    assert response.status_code == 200, f"callback answered {response.status_code}: {response.text}"
    body = response.json()
    return {
        f"{component}.{prop}": value
        for component, props in body["response"].items()
        for prop, value in props.items()
    }


def filters_store(client: DashClient, preset: str = "last_12_months") -> dict[str, Any]:
    """The filter bar's callback, as on a page load with `preset` chosen: the store's data."""
    response = client.update(FILTERS_OUTPUT, {f"{ids.PRESET}.value": preset}, changed=[])
    store = outputs_of(response)[FILTERS_OUTPUT]
    assert store["preset"] == preset, store
    return store


def overview_inputs(store: dict[str, Any]) -> dict[str, Any]:
    return {
        FILTERS_OUTPUT: store,
        f"{ids.CROSS_FILTER_STORE}.data": {},
        f"{ids.THEME_SWITCH}.value": False,
    }


def kpi_response(client: DashClient, store: dict[str, Any]) -> requests.Response:
    return client.update(KPI_OUTPUT, overview_inputs(store))


def kpi_texts(response: requests.Response) -> dict[str, str]:
    """The four KPI values the overview shows (income, spending, net, savings rate)."""
    found = outputs_of(response)
    return {name: found[f"{name}.children"] for name in KPI_VALUE_IDS}


def expected_kpi_texts(engine: Engine, user_id: int, store: dict[str, Any]) -> dict[str, str]:
    """The same four values, straight from the database."""
    filters = parse_filters(store, {}, date.today())
    totals = queries.totals(engine, user_id, filters)
    currency = user_currency(engine, user_id)
    rate = totals["savings_rate"]
    values = [
        format_money(totals["income_minor"], currency),
        format_money(totals["spending_minor"], currency),
        format_money(totals["net_minor"], currency),
        "—" if rate is None else f"{rate * 100:.1f}%",
    ]
    return dict(zip(KPI_VALUE_IDS, values, strict=True))


def expected_categories(engine: Engine, user_id: int, store: dict[str, Any]) -> list[str]:
    """The category chart's bars, biggest spending first."""
    frame = queries.spending_by_category(engine, user_id, parse_filters(store, {}, date.today()))
    return list(frame["category"])


class WorkerAttribution:
    """Which worker answered: the worker whose PostgreSQL sessions ran a query since a moment.

    Each worker keeps its own pool; pg_stat_activity gives every session's client port and
    last query start, and psutil maps client ports to the worker holding them. Requests must
    be made one at a time for this to single out the worker of one request.
    """

    def __init__(self, stack: Gunicorn, admin: Engine, pg_port: int) -> None:
        self.stack, self.admin, self.pg_port = stack, admin, pg_port

    def now(self) -> datetime:
        with self.admin.connect() as conn:
            return conn.execute(text("SELECT clock_timestamp()")).scalar_one()

    def workers_since(self, moment: datetime) -> set[int]:
        with self.admin.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT client_port FROM pg_stat_activity "
                    "WHERE client_port IS NOT NULL AND query_start >= :moment"
                ),
                {"moment": moment},
            ).all()
        active_ports = {row.client_port for row in rows}
        return {
            worker.pid for worker in self.stack.workers() if active_ports & self._ports_of(worker)
        }

    def _ports_of(self, worker) -> set[int]:
        return {
            connection.laddr.port
            for connection in worker.net_connections(kind="tcp")
            if connection.raddr and connection.raddr.port == self.pg_port
        }

    def served(self, request) -> tuple[Any, int]:
        """Run `request()`; its result and the pid of the one worker that queried meanwhile."""
        before = self.now()
        result = request()
        workers = self.workers_since(before)
        assert len(workers) == 1, f"expected one worker to answer, saw {workers}"
        return result, workers.pop()
