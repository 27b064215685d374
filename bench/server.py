"""The app as production runs it: gunicorn with gunicorn.conf.py, on PostgreSQL and Redis.

Two things are added on gunicorn's command line, neither changing how a request is served: the
bind address (loopback, not gunicorn.conf.py's 0.0.0.0) and the access log format, which gets
%(D)s (the request's time in microseconds inside the worker) after the configured fields. That
time is the server-side figure of every request; the access log is read back in request order.
"""

from __future__ import annotations

import os
import re
import runpy
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests

from dashboard.settings import PROJECT_ROOT
from tests.stack.services import free_port, wait_for

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
RSS_SAMPLE_EVERY_S = 0.2
_SERVER_MICROSECONDS = re.compile(r'"POST /_dash-update-component [^"]*" (\d{3}) .* us=(\d+)$')


def access_log_format() -> str:
    """gunicorn.conf.py's own format with the request time in microseconds appended."""
    config = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    return config["access_log_format"] + " us=%(D)s"


class AppServer:
    """gunicorn serving dashboard.wsgi:server on 127.0.0.1:<free port>; stop() ends it."""

    def __init__(
        self, database_url: str, redis_url: str, key_prefix: str, scratch: Path, workers: int = 2
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = scratch / "gunicorn.log"
        self.environment = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(scratch),
            "LANG": "C.UTF-8",
            "FT_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": key_prefix,
            "LOAD_DEMO_DATA": "false",
            "FT_INSTANCE_PATH": str(scratch / "instance"),
            "RECEIPTS_DIR": str(scratch / "receipts"),
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
        }
        self.workers_expected = workers
        self.process: subprocess.Popen | None = None
        self._peak_rss = 0
        self._sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def start(self) -> None:
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--access-logformat",
            access_log_format(),
            "dashboard.wsgi:server",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self._serving, START_TIMEOUT_S, "gunicorn to serve /health/ready")
        wait_for(lambda: len(self.workers()) == self.workers_expected, 20, "every gunicorn worker")
        self._sampling.set()
        self._sampler = threading.Thread(target=self._sample_rss, daemon=True)
        self._sampler.start()

    def _serving(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
        return requests.get(self.url + "/health/ready", timeout=2).status_code == 200

    def workers(self) -> list[psutil.Process]:
        if self.process is None or self.process.poll() is not None:
            return []
        return psutil.Process(self.process.pid).children()

    def _sample_rss(self) -> None:
        # Workers come and go (max_requests recycles them): the peak over every one of them.
        while self._sampling.is_set():
            for worker in self.workers():
                try:
                    self._peak_rss = max(self._peak_rss, worker.memory_info().rss)
                except psutil.Error:
                    continue
            time.sleep(RSS_SAMPLE_EVERY_S)

    @property
    def peak_worker_rss_mb(self) -> float:
        return self._peak_rss / 2**20

    def log_offset(self) -> int:
        return self.log_path.stat().st_size

    def server_times_since(self, offset: int, expected: int) -> list[float] | None:
        """Server-side seconds of the Dash requests logged since `offset`, in request order.

        None unless exactly `expected` such lines are there (a line not flushed yet, or another
        client): then the figures could belong to other requests.
        """
        deadline = time.monotonic() + 2
        while True:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                lines = log.read().decode(errors="replace").splitlines()
            found = [m for m in map(_SERVER_MICROSECONDS.search, lines) if m]
            if len(found) >= expected or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if len(found) != expected:
            return None
        return [int(match.group(2)) / 1e6 for match in found]

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the master (a graceful stop), SIGKILL to its process group if it hangs."""
        self._sampling.clear()
        if self._sampler is not None:
            self._sampler.join(timeout=2)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
