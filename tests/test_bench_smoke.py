"""The benchmark's smoke run (python -m bench --smoke) end to end, so the benchmark never rots.

It runs as the README says, in a subprocess against the local PostgreSQL and Redis, and the test
checks that every figure is there and sane: positive durations, every request answered, zero
errors, the write shown by the refreshed overview. No timing is asserted: speed is what the
benchmark reports, not what a test decides.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import redis
from sqlalchemy import create_engine, text

from bench.__main__ import DEFAULT_PG_ADMIN_URL, DEFAULT_REDIS_URL
from bench.driver import window_rates
from dashboard.settings import PROJECT_ROOT
from tests.conftest import service_unavailable

pytestmark = [pytest.mark.bench, pytest.mark.postgres, pytest.mark.redis]

SMOKE_TIMEOUT_S = 180
# A view of the overview: the frame's two server callbacks, then the overview's one (merged).
OVERVIEW_CALLBACKS = {"page", "filters", "overview"}


def _services_up() -> None:
    try:
        engine = create_engine(DEFAULT_PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        service_unavailable("PostgreSQL at " + DEFAULT_PG_ADMIN_URL, error)
    try:
        redis.Redis.from_url(DEFAULT_REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable("Redis at " + DEFAULT_REDIS_URL, error)


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory) -> dict:
    _services_up()
    out = tmp_path_factory.mktemp("bench-results")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"python -m bench --smoke failed:\n{done.stdout}{done.stderr}"
    files = list(out.glob("bench-*.json"))
    assert len(files) == 1, f"expected one JSON report in {out}, found {files}"
    report = json.loads(files[0].read_text())
    report["stdout"] = done.stdout
    return report


def _positive(value: object, what: str) -> None:
    assert isinstance(value, int | float) and value > 0, f"{what} is {value!r}"


def test_the_smoke_run_measures_one_small_size(smoke_report):
    assert smoke_report["smoke"] is True
    assert [result["n"] for result in smoke_report["results"]] == [2_000]
    machine = smoke_report["machine"]
    assert machine["cpus"] >= 1 and machine["postgresql"] and machine["redis"]


def test_every_overview_callback_is_timed_cold_and_warm_without_errors(smoke_report):
    result = smoke_report["results"][0]
    for phase in ("cold", "warm"):
        figures = result[phase]
        assert figures["errors"] == 0, f"{phase}: {figures['errors']} answers were not a 200"
        assert set(figures["by_callback_client_p50_ms"]) == OVERVIEW_CALLBACKS
        # The access log's request times were matched to every request.
        assert set(figures["by_callback_server_p50_ms"]) == OVERVIEW_CALLBACKS
        for name in (
            "client_p50_ms",
            "client_p95_ms",
            "server_p50_ms",
            "load_total_ms",
            "change_total_ms",
            "page_wall_p50_ms",
        ):
            _positive(figures[name], f"{phase}.{name}")
        assert figures["client_p95_ms"] >= figures["client_p50_ms"]
    # As in a browser: a warm page comes drawn (its overview call sends nothing), a cold one not.
    assert result["warm"]["page_views_drawn_with_page"] == result["warm"]["page_views"] > 0
    assert result["cold"]["page_views_drawn_with_page"] == 0


def test_grid_search_write_and_throughput_figures_are_sane(smoke_report):
    result = smoke_report["results"][0]
    for name in ("grid", "search"):
        assert result[name]["errors"] == 0
        _positive(result[name]["cold"]["client_p50_ms"], f"{name} cold")
        _positive(result[name]["warm"]["client_p50_ms"], f"{name} warm")
    written = result["write_refresh"]
    assert written["rounds"] >= 1 and written["errors"] == 0
    assert written["not_shown"] == 0, "the refreshed overview did not show the new transaction"
    _positive(written["p50_ms"], "write + refresh")
    for concurrency in ("8", "32"):
        run = result["throughput"][concurrency]
        assert run["errors"] == 0, f"{run['errors']} errors at concurrency {concurrency}"
        assert run["requests"] > 0
        _positive(run["requests_per_s"], f"requests/s at {concurrency}")
        # A page view is the overview's load: every callback above, once.
        assert run["requests_per_overview_view"] == len(OVERVIEW_CALLBACKS)
        views = run["requests_per_s"] / len(OVERVIEW_CALLBACKS)
        assert run["overview_views_per_s"] == pytest.approx(views, abs=0.1)
    _positive(result["worker_peak_rss_mb"], "worker RSS")


def test_throughput_is_rated_per_whole_window():
    # Answers at these seconds after the start: 15 s windows, the partial third one left out.
    offsets = [0.5] * 30 + [14.9] * 15 + [15.0] * 30 + [29.0] * 15 + [31.0] * 99
    assert window_rates(offsets) == [3.0, 3.0]
    assert window_rates([1.0, 2.0]) == []
    assert window_rates([]) == []


def test_the_floors_are_measured_on_the_same_data(smoke_report):
    result = smoke_report["results"][0]
    floors = result["floors"]
    _positive(floors["sql"]["sql_load_ms"], "raw SQL floor")
    assert floors["sql"]["statements_load"] >= 10, "the overview's SQL was not captured"
    _positive(floors["redis"]["get_p50_ms"], "Redis GET floor")
    assert floors["redis"]["keys"] > 0, "no cached read model in Redis after the warm phase"
    assert floors["naive"]["rows"] >= 2_000
    _positive(floors["naive"]["read_and_group_ms"], "naive pandas baseline")
    _positive(result["ratios"]["cold_overview_vs_raw_sql"], "cold / raw SQL")
    assert "peer" not in result, "the smoke run starts Fava only with --with-peer"


def test_the_table_and_targets_are_printed(smoke_report):
    stdout = smoke_report["stdout"]
    assert "| figure | N = 2k |" in stdout
    assert "ratio cold overview / raw SQL" in stdout
    assert any(line.startswith("- warm callbacks") for line in smoke_report["targets"])


def test_the_import_figure_commits_every_line_and_reimports_none(smoke_report):
    figures = smoke_report["results"][0]["import"]
    # bench/import_job.py asserts that every line was stored, then none the second time.
    assert figures["rows"] == 500
    for name in ("read_s", "plan_s", "suggest_s", "commit_s", "end_to_end_s", "end_to_end_cpu_s",
                 "commit_insert_s", "reimport_s", "undo_s", "peak_rss_mb"):  # fmt: skip
        _positive(figures[name], f"import.{name}")
    # The account had history: earlier imported lines are duplicates, hand entries probable.
    assert figures["planned_duplicate_fingerprint"] == figures["imported_before"] > 0
    assert figures["planned_probable"] == figures["hand_entries"] > 0
    assert figures["imported"] == figures["planned_new"]
    assert "import 50k CSV end to end, s" in smoke_report["stdout"]
    assert "peak RSS, MB" in smoke_report["stdout"]


def test_the_overview_is_timed_as_drawn_in_the_browser(smoke_report):
    paint = smoke_report["results"][0]["paint"]
    for visit in ("first_visit", "warm"):
        figures = paint[visit]
        assert figures["count"] >= 1, f"no {visit} measured"
        _positive(figures["kpi_ms"], f"{visit} KPIs shown")
        _positive(figures["meters_ms"], f"{visit} budget meters shown")
        # The charts are drawn after the KPIs have their figures, or with them.
        assert figures["graphs_drawn_ms"] >= figures["kpi_ms"] > 0
        assert figures["graphs"] >= 6, "fewer plotly graphs drawn than the overview has charts"
        _positive(figures["bytes"], f"{visit} bytes")
    # A warm reload takes the bundles from the browser's cache.
    assert paint["warm"]["bytes"] < paint["first_visit"]["bytes"]
    assert "browser, warm: KPIs shown" in smoke_report["stdout"]
