"""The peer: Fava serving the same transactions as a beancount ledger.

Fava runs from a virtualenv of its own (pip install fava beancount), created on first use
outside the repository and reused afterwards. Figures: the time from starting Fava to its first
income statement page view (startup, ledger load, first render), the first page view after a
change to the ledger file (Fava notices the change, reloads the whole ledger, then renders),
warm page views, and Fava's peak RSS. A page view is what the browser asks for: the page's HTML
(which carries the ledger's account list), then the report's data from Fava's JSON API.
--poll-watcher makes Fava compare file times on every request, so the view right after the
change is the one that reloads (the watchfiles watcher would race it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import psutil

from bench.ledger import SLUG, append_purchase
from bench.measure import Deadline, ms
from tests.stack.services import free_port

PEER_PACKAGES = ("fava==1.30.16", "beancount==3.2.3")
INSTALL_TIMEOUT_S = 600
WARM_VIEWS = 5


def peer_venv(path: Path) -> Path:
    """The fava executable of a virtualenv at `path`, created and installed if missing."""
    fava = path / "bin" / "fava"
    if fava.exists():
        return fava
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    subprocess.run(
        [str(path / "bin" / "pip"), "install", "--quiet", *PEER_PACKAGES],
        check=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    return fava


def _view(base: str, timeout: float) -> tuple[int, float]:
    """A page view of the income statement: its HTML, then its data (worst status, seconds)."""
    page_status, page_s = _get(f"{base}/{SLUG}/income_statement/", timeout)
    data_status, data_s = _get(f"{base}/{SLUG}/api/income_statement", timeout)
    return max(page_status, data_status), page_s + data_s


def _get(url: str, timeout: float) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


class _RssPeak(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.2)


def measure_fava(fava: Path, ledger: Path, scratch: Path, deadline: Deadline) -> dict:
    """Start Fava on `ledger`, take its figures, stop it. Bounded by `deadline`."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (scratch / "fava.log").open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(fava), "--poll-watcher", "-H", "127.0.0.1", "-p", str(port), str(ledger)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    rss = _RssPeak(process.pid)
    rss.start()
    found: dict[str, object] = {}
    try:
        status = _first_view(process, base, deadline)
        found["load_and_first_page_s"] = round(time.perf_counter() - started, 2)
        if status != 200:
            return {"skipped": f"Fava answered {status} to its first income statement view"}
        warm: list[float] = []
        while len(warm) < WARM_VIEWS and (not warm or deadline.left() > 4 * max(warm)):
            warm.append(_view(base, max(deadline.left(), 1))[1])
        found["warm_p50_ms"] = ms(warm, 50)
        append_purchase(ledger, date.today(), "Bench change")
        # An editor's save always moves the file's time forward; make sure it does here too.
        later = time.time() + 2
        os.utime(ledger, (later, later))
        status, reload_s = _view(base, max(deadline.left(), 1))
        found.update(reload_and_first_page_s=round(reload_s, 2), reload_status=status)
    except (TimeoutError, OSError) as error:
        found["skipped"] = f"timed out (measured: {_measured(found)}): {error}"
    finally:
        rss.running = False
        _stop(process)
        log.close()
    found["peak_rss_mb"] = round(rss.peak / 2**20, 1)
    return found


def _measured(found: dict[str, object]) -> str:
    return ", ".join(found) if found else "nothing measured"


def _first_view(process: subprocess.Popen, base: str, deadline: Deadline) -> int:
    """Poll until Fava answers the page (it loads the ledger on the first request)."""
    while True:
        if process.poll() is not None:
            raise TimeoutError(f"Fava exited ({process.returncode}) before serving")
        if deadline.passed():
            raise TimeoutError("Fava did not serve its first page within the phase's time")
        try:
            return _view(base, max(deadline.left(), 1))[0]
        except (ConnectionRefusedError, urllib.error.URLError, TimeoutError, OSError):
            time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
