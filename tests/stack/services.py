"""The stack's processes, run on this machine: a private PostgreSQL, a private Redis, gunicorn.

Each can be stopped and started again on the same port, so the tests can take a service away
under a running gunicorn. Every wait is bounded; close() ends whatever is still running.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil
import redis
import requests
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from dashboard.settings import PROJECT_ROOT

T = TypeVar("T")
COMMAND_TIMEOUT_S = 60
# gunicorn preloads the app (GUNICORN_PRELOAD): its port opens once the master has migrated and
# imported Dash, pandas and plotly, which takes 20-30 s on a busy 2-core machine.
SERVICE_START_TIMEOUT_S = 60
# The one user PostgreSQL's binaries run as when the tests run as root (initdb refuses root).
PG_OS_USER = "postgres"
# What a check raises while a server is still starting or stopping.
NOT_UP_YET = (OSError, redis.RedisError, DBAPIError)


def wait_for(check: Callable[[], T], timeout_s: float, what: str, every_s: float = 0.1) -> T:
    """Poll `check` until it returns something truthy (returned), or fail after `timeout_s`.

    A connection error counts as "not yet"; any other error (a failed assertion) ends the wait.
    """
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        try:
            value = check()
            if value:
                return value
        except NOT_UP_YET as error:
            last_error = error
        if time.monotonic() > deadline:
            detail = (
                f" (last error: {type(last_error).__name__}: {last_error})" if last_error else ""
            )
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}{detail}")
        time.sleep(every_s)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries Debian installed, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_of_bin)
    return Path(found[-1]).parent if found else None


def _version_of_bin(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


def _run(command: list[str], what: str) -> str:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


def _alive(pid: int) -> bool:
    """Running, not a zombie: a daemon's exit is reaped by init, whenever init gets to it."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class PrivatePostgres:
    """A throwaway cluster in a temp dir on 127.0.0.1:<free port>, trust auth, no fsync.

    The app connects as its own role and database (`finance`), as in the compose stack.
    """

    def __init__(self, bin_dir: Path, role: str, password: str, database: str) -> None:
        self.bin_dir = bin_dir
        self.role, self.password, self.database = role, password, database
        # Not under pytest's tmp dir: that one is private to root, and PostgreSQL runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="ft-stack-pg-"))
        self.data_dir = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self.port = free_port()

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", PG_OS_USER, "--", *command]
        return list(command)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, PG_OS_USER, PG_OS_USER)
        initdb = str(self.bin_dir / "initdb")
        command = [initdb, "-D", str(self.data_dir), "--auth=trust", "-U", "postgres"]
        _run(self._as_owner(*command, "--encoding=UTF8", "--no-sync"), "initdb")
        self.start()
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE {self.role} LOGIN PASSWORD '{self.password}'"))
            conn.execute(text(f"CREATE DATABASE {self.database} OWNER {self.role}"))
        admin.dispose()

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=60",
            ]
        )
        pg_ctl = str(self.bin_dir / "pg_ctl")
        command = [pg_ctl, "-D", str(self.data_dir), "-l", str(self.log_path), "-o", options]
        _run(self._as_owner(*command, "-w", "-t", str(SERVICE_START_TIMEOUT_S), "start"), "start")

    def stop(self) -> None:
        """A fast shutdown (what `docker compose restart db` does): clients are disconnected."""
        pg_ctl = str(self.bin_dir / "pg_ctl")
        command = [pg_ctl, "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop"]
        _run(self._as_owner(*command), "pg_ctl stop")

    def is_running(self) -> bool:
        status = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "status"]
        done = subprocess.run(
            self._as_owner(*status), capture_output=True, timeout=COMMAND_TIMEOUT_S, check=False
        )
        return done.returncode == 0

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def app_url_for_tests(self) -> str:
        return f"postgresql+psycopg2://{self.role}@127.0.0.1:{self.port}/{self.database}"

    def close(self) -> None:
        try:
            if self.data_dir.exists() and self.is_running():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """redis-server on 127.0.0.1:<free port>, started with compose's options (password, AOF)."""

    def __init__(self, root: Path, password: str) -> None:
        self.root = root
        self.password = password
        self.port = free_port()
        self.pidfile = root / "redis.pid"
        self.log_path = root / "redis.log"

    def start(self) -> None:
        command = [
            "redis-server",
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--requirepass", self.password,
            # compose: AOF keeps sessions across restarts; no RDB snapshots.
            "--appendonly", "yes",
            "--save", "",
            "--maxmemory", "192mb",
            "--maxmemory-policy", "volatile-lru",
            "--dir", str(self.root),
            "--daemonize", "yes",
            "--pidfile", str(self.pidfile),
            "--logfile", str(self.log_path),
        ]  # fmt: skip
        _run(command, "redis-server")
        wait_for(self.client().ping, SERVICE_START_TIMEOUT_S, "the private Redis to answer")

    def client(self, **options: object) -> redis.Redis:
        return redis.Redis(
            port=self.port,
            password=self.password,
            socket_timeout=2,
            socket_connect_timeout=2,
            **options,
        )

    def stop(self) -> None:
        """SHUTDOWN NOSAVE (the AOF is still flushed), then wait until the process is gone."""
        pid = self._pid()
        # No retries: the server closing the connection is the command succeeding.
        client = self.client(retry=Retry(NoBackoff(), 0))
        try:
            client.shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it goes
        finally:
            client.close()
        if pid is not None:
            wait_for(lambda: not _alive(pid), 20, "the private Redis to exit")

    def _pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        pid = self._pid()
        if pid is None or not _alive(pid):
            return
        try:
            self.stop()
        except Exception:  # noqa: BLE001 - it must go whatever state it is in
            os.kill(pid, signal.SIGKILL)


class Gunicorn:
    """The container's start: deploy/docker-entrypoint.sh (migrate, then exec gunicorn)."""

    def __init__(self, environment: dict[str, str], log_path: Path) -> None:
        self.environment = environment
        self.log_path = log_path
        self.port = int(environment["PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                ["sh", str(PROJECT_ROOT / "deploy" / "docker-entrypoint.sh")],
                cwd=PROJECT_ROOT,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._serving, SERVICE_START_TIMEOUT_S, "gunicorn to serve /health/live")
        expected = int(self.environment["WEB_CONCURRENCY"])
        wait_for(lambda: len(self.workers()) == expected, 20, f"{expected} gunicorn workers")

    def _serving(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited at start:\n{self.log_text()}")
        return requests.get(self.url + "/health/live", timeout=2).status_code == 200

    @property
    def master_pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.master_pid).children()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout_s: float = 45) -> int | None:
        """SIGTERM and wait for the exit; SIGKILL the master and its workers if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        workers = self.workers()
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            for process in [*workers, psutil.Process(self.master_pid)]:
                if process.is_running():
                    process.kill()
            return self.process.wait(timeout=10)


class CeleryWorker:
    """`celery -A <module> worker`, as compose's `worker` service runs it, under a node name of
    its own. Stopped with SIGTERM (Celery's warm shutdown); its process group is killed if it
    hangs (start_new_session: the pool processes share the group)."""

    def __init__(
        self,
        environment: dict[str, str],
        log_path: Path,
        module: str = "dashboard.worker",
        concurrency: int = 2,
    ) -> None:
        self.environment = environment
        self.log_path = log_path
        self.module = module
        self.concurrency = concurrency
        self.node = f"ft-test-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 90) -> None:
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A", self.module, "worker",
            "--loglevel=INFO", f"--concurrency={self.concurrency}", "-n", self.node,
        ]  # fmt: skip
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
        wait_for(self._ready, timeout_s, f"the Celery worker {self.node} to start", every_s=0.5)

    def _ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise AssertionError(f"the Celery worker exited at start:\n{self.log_text()}")
        return "ready." in self.log_text()

    def ping(self, timeout_s: float = 10) -> subprocess.CompletedProcess[str]:
        """The health check of compose's worker: `celery inspect ping` of this node."""
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A", "dashboard.worker_probe", "inspect", "ping",
            "-d", self.node, "--timeout", str(timeout_s),
        ]  # fmt: skip
        return subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout_s + COMMAND_TIMEOUT_S,
            check=False,
        )

    def inspect(self, command: str, timeout_s: float = 10) -> Any:
        """`celery inspect <command> --json` of this node: its answer."""
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A", "dashboard.worker_probe", "inspect", command,
                "-d", self.node, "--timeout", str(timeout_s), "--json",
            ],
            cwd=PROJECT_ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout_s + COMMAND_TIMEOUT_S,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"celery inspect {command}: {done.stdout}{done.stderr}"
        return json.loads(done.stdout)[self.node]

    def pool_pids(self) -> set[int]:
        assert self.process is not None
        return {child.pid for child in psutil.Process(self.process.pid).children()}

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout_s: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
