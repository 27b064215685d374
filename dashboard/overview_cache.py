"""The overview's answer, cached whole for (user, data_version, day, what the browser sent).

A warm overview was ~25 read-model GETs, then building seven figures and the lists' components,
then serialising them: ~30 ms of a worker for one request. The same answer is the same for the
same inputs until the user writes (data_version) or the day changes (budgets' pace, upcoming
dates). It is stored as plain JSON values (components already serialised), so a hit is one GET
and no component or figure is built or walked again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from dash import no_update
from plotly.io.json import to_json_plotly

from dashboard import services
from dashboard.extensions import cache
from dashboard.single_flight import compute_once

# Components and figures serialised with the standard library's encoder: plotly's default
# ("auto", orjson when installed) first walks every component in Python to make it orjson's,
# 4-6x slower for a page of components (110 against 18 ms for a cold answer at 1M). The JSON
# values are the same (tests/test_overview_cold.py).
ENGINE = "json"

# The refresh store's counter differs per tab and changes only with a write, which data_version
# already covers: it is left out of the key.
KEY_LEFT_OUT = frozenset({"refresh"})
# The key's parts for a page drawn whole.
EVERY = frozenset({"every part"})


def answer_key(
    name: str, user_id: int, today: date, inputs: dict[str, Any], shown: frozenset[str]
) -> str:
    sent = {key: value for key, value in inputs.items() if key not in KEY_LEFT_OUT}
    canonical = json.dumps(sent, sort_keys=True, default=str)
    args = (today.isoformat(), canonical, tuple(sorted(shown)))
    return services.read_model_key(name, user_id, services.data_version(user_id), args)


def as_json_values(values: dict[str, Any]) -> dict[str, Any]:
    """The outputs given (no_update left out), as the plain JSON the renderer will get."""
    given = {name: value for name, value in values.items() if value is not no_update}
    return json.loads(to_json_plotly(given, engine=ENGINE))


def cached_answer(
    user_id: int,
    today: date,
    inputs: dict[str, Any],
    shown: frozenset[str],
    outputs: Iterable[str],
    build: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """build()'s outputs through the cache, every one of `outputs` named (no_update for those it
    did not give): concurrent misses of one key build it once (dashboard/single_flight.py)."""
    key = answer_key("overview_page", user_id, today, inputs, shown)
    stored = cache.get(key)
    if stored is None:
        stored = compute_once(key, lambda: as_json_values(build()))
    return {name: stored[name] if name in stored else no_update for name in outputs}


def peek_answer(
    user_id: int, today: date, inputs: dict[str, Any], shown: frozenset[str]
) -> dict[str, Any] | None:
    """The answer cached_answer() stored for these inputs, or None: nothing is computed."""
    stored = cache.get(answer_key("overview_page", user_id, today, inputs, shown))
    return stored if isinstance(stored, dict) else None


def drawn_layout(user_id: int, today: date, first_inputs: dict[str, Any]) -> Any | None:
    """The overview's page drawn whole (dashboard/overview_first_draw.py) for the overview
    callback's first inputs, if kept: a warm view's page in one GET."""
    return cache.get(_drawn_key(user_id, today, first_inputs))


def keep_drawn_layout(user_id: int, today: date, first_inputs: dict[str, Any], page: Any) -> None:
    cache.set(_drawn_key(user_id, today, first_inputs), page)


def _drawn_key(user_id: int, today: date, first_inputs: dict[str, Any]) -> str:
    # The page marks what it was drawn from, the tab's refresh counter included: a tab that
    # wrote (its counter moved) gets a page of its own, not one that its callback would redraw.
    inputs = {**first_inputs, "drawn_at_refresh": first_inputs.get("refresh")}
    return answer_key("overview_drawn_layout", user_id, today, inputs, EVERY)


def cached_layout(
    user_id: int, today: date, inputs: dict[str, Any], build: Callable[[], Any]
) -> Any:
    """The overview's page (its layout with the KPI texts and meters of `inputs`' filters) as
    the JSON the renderer gets, through the cache: building and serialising its ~200
    components was ~15 ms of every view."""
    key = answer_key("overview_layout", user_id, today, inputs, frozenset())
    stored = cache.get(key)
    if stored is None:
        stored = compute_once(key, lambda: json.loads(to_json_plotly(build(), engine=ENGINE)))
    return stored
