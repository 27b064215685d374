"""Our figures: the served app driven over HTTP as the browser drives it.

Per-callback figures come from requests sent one at a time (client wall time on loopback, and
the worker's own time from the access log). Page figures fire each wave as the browser does,
over six connections at once, and take the wall time until the last answer of the last wave.
Every phase stops at its deadline with what it has measured.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import psutil

from bench.cache import BenchCache
from bench.client import Answer, Browser
from bench.measure import Deadline, ms
from bench.overview import ENTRY_FEEDBACK, RECENT, OverviewRequests, Request, Wave
from bench.server import AppServer


@dataclass
class Samples:
    """Client and server seconds per request name, and how many answers were not a 200."""

    client: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0

    def every(self, side: str) -> list[float]:
        return [s for values in getattr(self, side).values() for s in values]

    def summary(self) -> dict[str, object]:
        client, server = self.every("client"), self.every("server")
        return {
            "requests": len(client),
            "errors": self.errors,
            "client_p50_ms": ms(client, 50),
            "client_p95_ms": ms(client, 95),
            "server_p50_ms": ms(server, 50),
            "server_p95_ms": ms(server, 95),
            "by_callback_client_p50_ms": {name: ms(v, 50) for name, v in self.client.items()},
            "by_callback_server_p50_ms": {name: ms(v, 50) for name, v in self.server.items()},
        }


WINDOW_S = 15.0


def window_rates(offsets: list[float], window_s: float = WINDOW_S) -> list[float]:
    """Requests/s in each whole window of `window_s` seconds, from the answers' arrival offsets
    (seconds after the start); a last, partial window is left out."""
    whole = int(max(offsets, default=0.0) // window_s)
    counts = [0] * whole
    for offset in offsets:
        index = int(offset // window_s)
        if index < whole:
            counts[index] += 1
    return [round(count / window_s, 1) for count in counts]


class AppDriver:
    def __init__(
        self,
        server: AppServer,
        browser: Browser,
        requests: OverviewRequests,
        cache: BenchCache,
    ) -> None:
        self.server, self.browser, self.requests, self.cache = server, browser, requests, cache

    def one_by_one(self, requests: list[Request], samples: Samples) -> list[Answer]:
        offset = self.server.log_offset()
        answers = [self.browser.post(request.body) for request in requests]
        server_times = self.server.server_times_since(offset, len(requests))
        for index, (request, answer) in enumerate(zip(requests, answers, strict=True)):
            samples.client[request.name].append(answer.seconds)
            if server_times is not None:
                samples.server[request.name].append(server_times[index])
            samples.errors += not answer.ok
        return answers

    def page(self, waves: tuple[Wave, ...]) -> tuple[float, list[Answer]]:
        """Wall seconds of the waves fired as the browser fires them, and every answer."""
        started = time.perf_counter()
        answers: list[Answer] = []
        for wave in waves:
            answers += self.browser.fire_together(self.requests.bodies_after(wave, answers))
        return time.perf_counter() - started, answers

    def _load_and_change(self, samples: Samples, totals: dict[str, list[float]]) -> None:
        load = [r for wave in self.requests.load for r in wave.requests]
        change = [r for wave in self.requests.change for r in wave.requests]
        for name, requests in (("load", load), ("change", change)):
            answers = self.one_by_one(requests, samples)
            totals[name].append(sum(answer.seconds for answer in answers))

    def overview(self, rounds: int, page_rounds: int, cold: bool, deadline: Deadline) -> dict:
        """Every overview callback, round after round, from a flushed cache or a warm one."""
        samples = Samples()
        totals: defaultdict[str, list[float]] = defaultdict(list)
        walls: list[float] = []
        drawn_with_page = 0
        for _ in range(rounds):
            if deadline.passed():
                break
            if cold:
                self.cache.flush_read_models()
            self._load_and_change(samples, totals)
        for _ in range(page_rounds):
            if deadline.passed():
                break
            if cold:
                self.cache.flush_read_models()
            wall, answers = self.page(self.requests.load)
            walls.append(wall)
            samples.errors += sum(not answer.ok for answer in answers)
            # Warm, the page came drawn and the overview's call had nothing to send.
            drawn_with_page += any(answer.status == 204 for answer in answers)
        return {
            **samples.summary(),
            "load_total_ms": ms(totals["load"], 50),
            "change_total_ms": ms(totals["change"], 50),
            "page_wall_p50_ms": ms(walls, 50),
            "page_views": len(walls),
            "page_views_drawn_with_page": drawn_with_page,
            "rounds": len(totals["load"]),
        }

    def grid(self, request: Request, rounds: int, deadline: Deadline) -> dict:
        """One grid request from a flushed cache, then again from a warm one, `rounds` times."""
        cold, warm = Samples(), Samples()
        for _ in range(rounds):
            if deadline.passed():
                break
            self.cache.flush_read_models()
            self.one_by_one([request], cold)
            self.one_by_one([request], warm)
        return {
            "cold": cold.summary(),
            "warm": warm.summary(),
            "errors": cold.errors + warm.errors,
        }

    def write_then_refresh(self, rounds: int, today: date, deadline: Deadline) -> dict:
        """Add a transaction through the entry form, then open the overview until it shows it."""
        walls, writes, errors, missing = [], [], 0, 0
        for round_number in range(rounds):
            if deadline.passed():
                break
            payee = f"Bench write {round_number} {secrets.token_hex(3)}"
            started = time.perf_counter()
            written = self.browser.post(self.requests.add_transaction(payee, today).body)
            _wall, answers = self.page(self.requests.load)
            walls.append(time.perf_counter() - started)
            writes.append(written.seconds)
            errors += (written.status != 200) + sum(not a.ok for a in answers)
            saved = "Added" in str(written.outputs().get(ENTRY_FEEDBACK))
            shown = any(payee in str(answer.outputs().get(RECENT, "")) for answer in answers)
            missing += not (saved and shown)
        return {
            "p50_ms": ms(walls, 50),
            "p95_ms": ms(walls, 95),
            "write_p50_ms": ms(writes, 50),
            "rounds": len(walls),
            "errors": errors,
            "not_shown": missing,
        }

    def throughput(self, concurrency: int, seconds: float) -> dict:
        """Warm overview requests from `concurrency` keep-alive clients for `seconds`."""
        # As a browser sends them: the overview's first call with what the warm page drew.
        _wall, answers = self.page(self.requests.load)
        bodies = [
            body
            for wave in (*self.requests.load, *self.requests.change)
            for body in self.requests.bodies_after(wave, answers)
        ]
        latencies: list[list[float]] = [[] for _ in range(concurrency)]
        # When each answer arrived (perf_counter), for the rate in each window of the run.
        arrivals: list[list[float]] = [[] for _ in range(concurrency)]
        errors = [0] * concurrency
        stop = threading.Event()

        def client(index: int) -> None:
            connection = self.browser.new_connection()
            k = index
            try:
                while not stop.is_set():
                    try:
                        answer = connection.post("/_dash-update-component", bodies[k % len(bodies)])
                        latencies[index].append(answer.seconds)
                        arrivals[index].append(time.perf_counter())
                        errors[index] += not answer.ok
                    except OSError:
                        errors[index] += 1
                    k += 1
            finally:
                connection.close()

        me = psutil.Process()
        cpu_before = sum(me.cpu_times()[:2])
        threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.perf_counter() - started
        every = [s for per_client in latencies for s in per_client]
        windows = window_rates([t - started for per_client in arrivals for t in per_client])
        per_view = sum(len(wave.requests) for wave in self.requests.load)
        return {
            "concurrency": concurrency,
            "seconds": round(elapsed, 2),
            "requests": len(every),
            "requests_per_s": round(len(every) / elapsed, 1),
            # What a person gets: opening the overview sends `per_view` requests (both waves).
            "requests_per_overview_view": per_view,
            "overview_views_per_s": round(len(every) / elapsed / per_view, 1),
            # Held over time: the rate of each whole window, the first one being "at 15 s".
            "window_s": WINDOW_S,
            "requests_per_s_by_window": windows,
            "requests_per_s_first_window": windows[0] if windows else None,
            "requests_per_s_last_window": windows[-1] if windows else None,
            "errors": sum(errors),
            "p50_ms": ms(every, 50),
            "p95_ms": ms(every, 95),
            # The load generator shares the machine's cores with the server it measures.
            "client_cpu_share": round((sum(me.cpu_times()[:2]) - cpu_before) / elapsed, 2),
        }
