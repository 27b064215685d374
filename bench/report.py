"""The run's results as one Markdown table (a column per N), the targets, and the machine."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from typing import Any

import psutil
import redis
from sqlalchemy import create_engine, text

Result = dict[str, Any]
# Issue 15: twice the page views/s of its start (about 250 warm requests/s ÷ 14 per view).
VIEWS_PER_S_TARGET = 36


def machine(pg_admin_url: str, redis_url: str) -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo", encoding="utf-8")
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    engine = create_engine(pg_admin_url)
    with engine.connect() as conn:
        postgres = conn.execute(text("SHOW server_version")).scalar_one()
    engine.dispose()
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    redis_version = client.info("server")["redis_version"]
    client.close()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "postgresql": postgres,
        "redis": redis_version,
        "os": platform.platform(),
    }


def _get(result: Result, path: str) -> Any:
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def ratio(numerator: Any, denominator: Any) -> float | None:
    if not isinstance(numerator, int | float) or not isinstance(denominator, int | float):
        return None
    return round(numerator / denominator, 2) if denominator else None


def ratios(result: Result) -> dict[str, float | None]:
    """ours / floor and peer / ours, from one size's figures."""
    reload_ms = _get(result, "peer.reload_and_first_page_s")
    return {
        "cold_overview_vs_raw_sql": ratio(
            _get(result, "cold.load_total_ms"), _get(result, "floors.sql.sql_load_ms")
        ),
        "warm_callback_vs_redis_get": ratio(
            _get(result, "warm.server_p50_ms"), _get(result, "floors.redis.get_p50_ms")
        ),
        "naive_pandas_vs_cold_overview": ratio(
            _get(result, "floors.naive.read_and_group_ms"), _get(result, "cold.load_total_ms")
        ),
        "fava_reload_vs_write_and_refresh": ratio(
            None if reload_ms is None else reload_ms * 1000, _get(result, "write_refresh.p50_ms")
        ),
        "fava_warm_page_vs_warm_overview": ratio(
            _get(result, "peer.warm_p50_ms"), _get(result, "warm.page_wall_p50_ms")
        ),
    }


def _pair(result: Result, first: str, second: str) -> str:
    a, b = _get(result, first), _get(result, second)
    return "–" if a is None and b is None else f"{_fmt(a)} / {_fmt(b)}"


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _peer(result: Result, path: str) -> str:
    value, skipped = _get(result, path), _get(result, "peer.skipped")
    return "skipped" if value is None and skipped else _fmt(value)


ROWS = (
    (
        "cold: overview callbacks p50 / p95, ms (client)",
        "pair",
        "cold.client_p50_ms",
        "cold.client_p95_ms",
    ),
    ("cold: same, server-side p50 / p95, ms", "pair", "cold.server_p50_ms", "cold.server_p95_ms"),
    ("cold: overview load, all callbacks one by one, ms", "one", "cold.load_total_ms"),
    ("cold: overview page as the browser loads it, ms", "one", "cold.page_wall_p50_ms"),
    ("cold: filter change, all callbacks one by one, ms", "one", "cold.change_total_ms"),
    ("floor: raw SQL of the same aggregates (load), ms", "one", "floors.sql.sql_load_ms"),
    ("data layer in process, uncached (load), ms", "one", "floors.sql.data_layer_load_ms"),
    ("ratio cold overview / raw SQL", "one", "ratios.cold_overview_vs_raw_sql"),
    (
        "warm: overview callbacks p50 / p95, ms (client)",
        "pair",
        "warm.client_p50_ms",
        "warm.client_p95_ms",
    ),
    ("warm: same, server-side p50 / p95, ms", "pair", "warm.server_p50_ms", "warm.server_p95_ms"),
    ("warm: overview page as the browser loads it, ms", "one", "warm.page_wall_p50_ms"),
    (
        "floor: Redis GET of a cached read model p50 / p95, ms",
        "pair",
        "floors.redis.get_p50_ms",
        "floors.redis.get_p95_ms",
    ),
    ("ratio warm callback (server) / Redis GET", "one", "ratios.warm_callback_vs_redis_get"),
    (
        "grid page sorted + filtered, cold / warm p50, ms",
        "pair",
        "grid.cold.client_p50_ms",
        "grid.warm.client_p50_ms",
    ),
    (
        "text search, cold / warm p50, ms",
        "pair",
        "search.cold.client_p50_ms",
        "search.warm.client_p50_ms",
    ),
    ("write + refreshed overview showing it p50, ms", "one", "write_refresh.p50_ms"),
    (
        "browser, warm: KPIs shown / every chart drawn, ms",
        "pair",
        "paint.warm.kpi_ms",
        "paint.warm.graphs_drawn_ms",
    ),
    (
        "browser, first visit: KPIs shown / every chart drawn, ms",
        "pair",
        "paint.first_visit.kpi_ms",
        "paint.first_visit.graphs_drawn_ms",
    ),
    (
        "browser, budget meters shown, warm / first visit, ms",
        "pair",
        "paint.warm.meters_ms",
        "paint.first_visit.meters_ms",
    ),
    ("browser, first visit: bytes over the wire", "one", "paint.first_visit.bytes"),
    (
        "browser: callback requests per overview view, warm / first visit",
        "pair",
        "paint.warm.callback_requests",
        "paint.first_visit.callback_requests",
    ),
    ("throughput c=8, warm requests/s (errors)", "rps", "throughput.8"),
    ("throughput c=32, warm requests/s (errors)", "rps", "throughput.32"),
    (
        "throughput c=8 / c=32, overview page views/s",
        "pair",
        "throughput.8.overview_views_per_s",
        "throughput.32.overview_views_per_s",
    ),
    (
        "requests per overview view (as the benchmark sends them)",
        "one",
        "throughput.8.requests_per_overview_view",
    ),
    (
        "throughput c=8, requests/s in the first / last 15 s",
        "pair",
        "throughput.8.requests_per_s_first_window",
        "throughput.8.requests_per_s_last_window",
    ),
    ("web worker peak RSS, MB", "one", "worker_peak_rss_mb"),
    ("import 50k CSV end to end, s (smoke: 500 lines)", "one", "import.end_to_end_s"),
    ("import: same, CPU of the importing process, s", "one", "import.end_to_end_cpu_s"),
    (
        "import: its preview (read, plan, suggestions), s",
        "one",
        "import.preview_total_s",
    ),
    ("import: same file again (all duplicates), s", "one", "import.reimport_s"),
    ("peak RSS, MB (the importing process)", "one", "import.peak_rss_mb"),
    ("naive: pandas.read_sql all rows + groupby, ms", "one", "floors.naive.read_and_group_ms"),
    ("ratio naive / cold overview", "one", "ratios.naive_pandas_vs_cold_overview"),
    ("peer Fava: start + load + first income statement, s", "peer", "peer.load_and_first_page_s"),
    ("peer Fava: reload + first page after a change, s", "peer", "peer.reload_and_first_page_s"),
    ("peer Fava: warm income statement p50, ms", "peer", "peer.warm_p50_ms"),
    ("peer Fava: peak RSS, MB", "peer", "peer.peak_rss_mb"),
    ("ratio Fava reload / our write + refresh", "one", "ratios.fava_reload_vs_write_and_refresh"),
    (
        "ratio Fava warm page / our warm overview page",
        "one",
        "ratios.fava_warm_page_vs_warm_overview",
    ),
)


def _cell(result: Result, kind: str, paths: tuple[str, ...]) -> str:
    if kind == "pair":
        return _pair(result, *paths)
    if kind == "peer":
        return _peer(result, paths[0])
    if kind == "rps":
        run = _get(result, paths[0])
        return "–" if not run else f"{_fmt(run['requests_per_s'])} ({run['errors']})"
    return _fmt(_get(result, paths[0]))


def size_label(count: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if count >= unit and count % unit == 0:
            return f"{count // unit}{name}"
    return str(count)


def markdown_table(results: list[Result]) -> str:
    header = "| figure | " + " | ".join(f"N = {size_label(r['n'])}" for r in results) + " |"
    lines = [header, "| --- |" + " ---: |" * len(results)]
    for label, kind, *paths in ROWS:
        cells = [_cell(result, kind, tuple(paths)) for result in results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(results: list[Result]) -> list[str]:
    """The issue's targets, each met, missed or not measured in this run."""
    by_n = {r["n"]: r for r in results}
    lines = []

    def check(text_: str, value: Any, ok: bool | None) -> None:
        verdict = "not measured" if ok is None else ("met" if ok else "MISSED")
        lines.append(f"- {text_}: {_fmt(value)} — {verdict}")

    def at(n: int, path: str) -> Any:
        return _get(by_n[n], path) if n in by_n else None

    def compare(value: Any, test: Callable[[Any], bool]) -> bool | None:
        return None if value is None else test(value)

    cold = at(1_000_000, "ratios.cold_overview_vs_raw_sql")
    check("cold overview at 1M ≤ 1.5x raw SQL", cold, compare(cold, lambda v: v <= 1.5))
    for r in results:
        warm = _get(r, "warm.server_p50_ms")
        check(
            f"warm callbacks ≤ 15 ms p50 server-side at {size_label(r['n'])}",
            warm,
            compare(warm, lambda v: v <= 15),
        )
    reload_ratio = at(100_000, "ratios.fava_reload_vs_write_and_refresh")
    check(
        "write + refresh at 100k ≥ 100x faster than Fava's reload + first page",
        reload_ratio,
        compare(reload_ratio, lambda v: v >= 100),
    )
    for n in (100_000, 1_000_000):
        warm_ratio = at(n, "ratios.fava_warm_page_vs_warm_overview")
        check(
            f"warm overview at {size_label(n)} ≥ 20x faster than Fava's warm page",
            warm_ratio,
            compare(warm_ratio, lambda v: v >= 20),
        )
    for r in results:
        if _get(r, "import.rows") != 50_000:
            continue
        seconds, peak = _get(r, "import.end_to_end_s"), _get(r, "import.peak_rss_mb")
        label = size_label(r["n"])
        check(f"import 50k CSV end to end ≤ 5 s (next to {label})", seconds,
              compare(seconds, lambda v: v <= 5))  # fmt: skip
        check(f"import peak RSS ≤ 300 MB (next to {label})", peak,
              compare(peak, lambda v: v <= 300))  # fmt: skip
    rss = at(1_000_000, "worker_peak_rss_mb")
    check("web worker RSS < 250 MB at 1M", rss, compare(rss, lambda v: v < 250))
    for r in results:
        run = _get(r, "throughput.8")
        rps = None if not run else run["requests_per_s"]
        ok = None if not run else run["requests_per_s"] >= 300 and run["errors"] == 0
        check(f"≥ 300 warm requests/s at c=8, zero errors, at {size_label(r['n'])}", rps, ok)
        views = None if not run else run.get("overview_views_per_s")
        check(
            f"≥ {VIEWS_PER_S_TARGET} overview page views/s at c=8 (2x issue 15's "
            f"250 requests/s ÷ 14), at {size_label(r['n'])}",
            views,
            compare(views, lambda v: v >= VIEWS_PER_S_TARGET),
        )
        first = _get(r, "throughput.8.requests_per_s_first_window")
        last = _get(r, "throughput.8.requests_per_s_last_window")
        held = ratio(last, first)
        # Only meaningful over a long run (--throughput-seconds 240): with one window, 1.0.
        check(
            f"c=8 throughput held: last 15 s ÷ first 15 s ≥ 0.9, at {size_label(r['n'])}",
            held,
            compare(held, lambda v: v >= 0.9),
        )
    return lines
