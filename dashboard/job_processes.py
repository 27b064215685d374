"""Where an embedded background job runs: a process forked by a clean, single-threaded server.

Forking the web process itself (what Dash's DiskcacheManager does) copies it mid-flight: another
request thread may hold SQLite's or diskcache's mutex at that instant, and the copy then waits for
it forever, its time limit included (SIGALRM's handler never runs while the main thread is
blocked in C). Seen in this project's test runs: model warm-up jobs hung for 25 minutes in
sqlite3.connect, holding the pipes they inherited open (Playwright's among them, so the run never
ended). multiprocessing's forkserver is spawned once, imports the app's modules, starts no thread,
and forks every job from there: a job builds its app again from the same Settings with the same
factory (create_app: ~0.1 s; the imports, seconds, were paid once by the server) and runs its
callback, found by Dash's key for it. Nothing the web process has open reaches a job.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import multiprocessing.forkserver
import threading
from dataclasses import dataclass
from typing import Any

import psutil

from dashboard.settings import Settings

logger = logging.getLogger(__name__)

_CONTEXT = multiprocessing.get_context("forkserver")
# Imported once by the server, so a job starts in ~0.1 s instead of paying them. Not
# scikit-learn (data/suggest/ imports it on first use): every job's process would hold it (about
# 70 MB of RSS, the commit of an import included); a job that suggests or trains imports it (~1 s).
PRELOAD = ["dashboard", "data.imports.pipeline", "data.suggest.model", "pandas", "plotly"]
DEFAULT_APP_FACTORY = "dashboard:create_app"
STOP_WAIT_S = 1.0
_preload_set = False
# The job processes this process started, by pid, with their start times: the job server reaps
# a job as soon as it ends, so its pid may be someone else's by the time Dash asks about it.
_started: dict[int, float] = {}
_started_lock = threading.Lock()


@dataclass(frozen=True)
class JobRequest:
    """Everything a job's process needs, all of it picklable: no function, no connection."""

    app_factory: str  # "module:function" taking Settings, returning the Dash app
    settings: Settings
    function_key: str  # Dash's key of the background callback
    result_key: str
    progress_key: str
    args: Any
    context: dict[str, Any]
    time_limit_s: int


def _preload() -> None:
    global _preload_set
    if not _preload_set:
        _CONTEXT.set_forkserver_preload(PRELOAD)
        _preload_set = True


def start_job_server() -> None:
    """Start the server now (`python -m dashboard` does), not when the first job waits for it."""
    _preload()
    multiprocessing.forkserver.ensure_running()


def start_job(request: JobRequest) -> int:
    """The job's process, started; its pid (Dash's handle of the job)."""
    _preload()
    # daemon: a stopping web process ends its jobs (their transactions roll back) instead of
    # waiting for them at exit.
    process = _CONTEXT.Process(target=run_job, args=(request,), daemon=True)
    process.start()
    pid = process.pid
    if pid is None:
        raise RuntimeError("the job's process did not start")
    with contextlib.suppress(psutil.Error), _started_lock:
        _started[pid] = psutil.Process(pid).create_time()
    return pid


def _job_process(pid: int) -> psutil.Process | None:
    """The running job `pid` of this process, or None (ended, or the pid now someone else's).
    A job started by another web process is taken as it is (its start time is unknown here)."""
    try:
        process = psutil.Process(pid)
        started = _started.get(pid)
        if started is not None and process.create_time() != started:
            return None
        return None if process.status() == psutil.STATUS_ZOMBIE else process
    except psutil.Error:
        return None


def job_running(pid: int) -> bool:
    running = _job_process(pid) is not None
    if not running:
        with _started_lock:
            _started.pop(pid, None)
    return running


def stop_job(pid: int) -> None:
    """Kill job `pid` and what it started, if it still runs; quietly if it just ended."""
    process = _job_process(pid)
    if process is not None and pid in _started:
        with contextlib.suppress(psutil.Error):
            for child in process.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    child.kill()
            process.kill()
            process.wait(STOP_WAIT_S)
    with _started_lock:
        _started.pop(pid, None)


def run_job(request: JobRequest) -> None:
    """In the job's process: the app as the web process built it, then the callback's job."""
    module, _, name = request.app_factory.partition(":")
    factory = getattr(importlib.import_module(module), name)
    app = factory(request.settings)
    manager = app.server.extensions["ft_background"]
    manager.time_limit_s = request.time_limit_s
    job_fn = manager.func_registry.get(request.function_key)
    if job_fn is None:
        logger.error("no background callback %s in %s", request.function_key, request.app_factory)
        raise LookupError(f"no background callback {request.function_key}")
    job_fn(request.result_key, request.progress_key, request.args, request.context)
