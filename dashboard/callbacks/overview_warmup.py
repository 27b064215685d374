"""The overview's read models, started by the page request of a cold view.

Opening the overview is two rounds of requests: the frame's (the page, with its KPIs and
meters), then the overview's one callback (callbacks/overview_page.py) with everything else.
On a cold view (a first visit of the day, or the first view after a write) the second request
used to start every read only once the first had answered, and ran them all in one worker.

The page request knows the filters, so on a cold view it starts the second request's reads
at once, in a few threads of its worker, while it draws the KPIs and meters. The overview's
request finds them cached, or waits for the ones still running (dashboard/single_flight.py,
across workers): its own Python (the figures, the components) runs in whichever worker takes
it, beside the reads in this one. A warm view (the page cached whole) starts nothing, so
throughput is unchanged; nothing is computed twice.

The reads are those of every part drawn with the page's default view (by category, no drill):
tests/test_overview_cold.py checks that the overview's first answer then runs no SQL.

The frame's other request, the filters store (callbacks/shell.py), goes to the other worker at
the same moment: on the overview, when the reads are not cached, it starts the same reads there,
in the opposite order (start_from_filters). The two workers meet in the middle (single flight:
a read is computed once, by whichever starts it first), so the reads use both cores, not one
process's GIL beside the page's own KPIs and meters. A warm view costs that request one cache
GET.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import date
from typing import Any

from flask import Flask, current_app, has_app_context

from dashboard import ids, services
from dashboard.callbacks.overview import CHARTS, RECENT_ROWS, chart_filters
from dashboard.callbacks.overview_upcoming import UPCOMING_DAYS
from dashboard.forms import parse_filters
from data.lookups import GridRequest
from data.months import month_start

logger = logging.getLogger(__name__)

# Each thread holds one pooled connection at a time (data/db.py: 5 + 5 per process).
THREADS = 2
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_pool_lock = threading.Lock()
_pending: set[Future] = set()


def overview_reads(user_id: int, filter_store: Any, cross_store: Any, today: date) -> list:
    """What the overview's first answer reads besides the page's own (KPIs, meters), dearest
    first, each a call of a cached read model (dashboard/services.py) with the arguments its
    part passes."""
    filters = parse_filters(filter_store, cross_store, today)
    month_filters = parse_filters(filter_store, {}, today)
    chart = {
        name: chart_filters(filter_store, cross_store, own, today)
        for name, (_build, own) in CHARTS.items()
    }
    reads: list[Callable[[], Any]] = [
        lambda: services.month_end_outlook(user_id, today, month_filters.account_ids),
        lambda: services.balances_by_month(user_id, chart[ids.CHART_NET_WORTH]),
        lambda: services.spending_by_month_category(user_id, chart[ids.CHART_STACKED]),
        lambda: services.top_payees(user_id, chart[ids.CHART_PAYEES], 10),
        lambda: services.transactions_page(user_id, filters, GridRequest(limit=RECENT_ROWS)),
        lambda: services.spending_by_category(user_id, chart[ids.CHART_CATEGORY]),
        lambda: services.income_spending_by_month(user_id, chart[ids.CHART_MONTHLY]),
        lambda: services.spending_by_tag(user_id, chart[ids.CHART_TAGS]),
        lambda: services.goal_statuses(user_id, today),
        lambda: services.upcoming_schedules(user_id, today, UPCOMING_DAYS),
        lambda: services.list_accounts(user_id, True),
        lambda: services.list_categories(user_id, True),
        lambda: services.list_accounts(user_id),
        lambda: services.rates_in_effect(user_id, filters.date_from, filters.date_to),
        lambda: services.unconverted(user_id, filters),
    ]
    return reads


def _executor() -> ThreadPoolExecutor:
    """This process's pool: made after gunicorn's fork, never inherited from the master."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="overview-warmup")
            _pool_pid = os.getpid()
        return _pool


def enabled() -> bool:
    """With Redis only: the cache the workers share, where the warm-up's reads are found by the
    overview's request in either worker. The embedded app (one process, its own cache, tests)
    draws a cold view as before, with nothing left running after a request."""
    return services.cache_is_shared()


def start(user_id: int, filter_store: Any, cross_store: Any, today: date) -> None:
    """Start the overview's reads in the background; returns at once. Inside a request only."""
    if not has_app_context() or not enabled():
        return
    _start(overview_reads(user_id, filter_store, cross_store, today))


def start_from_filters(user_id: int, filter_store: Any, cross_store: Any, today: date) -> None:
    """The filters request's share of a cold view: the page's meters, then the overview's
    reads cheapest first, unless they are cached (the stacked chart's, which follows every
    filter, is the sample: one GET)."""
    if not has_app_context() or not enabled():
        return
    stacked = chart_filters(filter_store, cross_store, CHARTS[ids.CHART_STACKED][1], today)
    if services.is_cached(services.spending_by_month_category, user_id, stacked):
        return
    # The page's budget meters first: the page request, in the other worker, then finds them
    # computed, or computing, here while it draws its KPIs.
    filters = parse_filters(filter_store, cross_store, today)
    meters = [
        lambda: services.budget_projection(user_id, month_start(today), today, filters.account_ids)
    ]
    _start(meters + overview_reads(user_id, filter_store, cross_store, today)[::-1])


def _start(reads: list[Callable[[], Any]]) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pool = _executor()
    # Two queues, the first reads of the list spread over both.
    for index in range(THREADS):
        job = pool.submit(_run, app, reads[index::THREADS])
        with _pool_lock:
            _pending.add(job)
        job.add_done_callback(_forget)


def _forget(job: Future) -> None:
    with _pool_lock:
        _pending.discard(job)


def wait_idle(timeout_s: float) -> bool:
    """Wait (at most `timeout_s`) for the warm-ups started in this process; True if none is
    left. For tests and benchmarks: requests never wait for a warm-up."""
    with _pool_lock:
        jobs = set(_pending)
    return not wait(jobs, timeout=timeout_s).not_done


def _run(app: Flask, reads: list[Callable[[], Any]]) -> None:
    with app.app_context():
        for read in reads:
            try:
                read()
            except Exception:  # a warm-up only: the overview's request reads it again
                logger.exception("overview warm-up read failed")
                return
