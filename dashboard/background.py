"""Background callbacks (the import's preview and commit): where they run, and for whom.

make_background_manager(settings) gives the app's Dash background callback manager: without
Redis (the embedded default) a DiskcacheManager, each job in a process forked by a clean job
server (dashboard/job_processes.py), results in a diskcache directory under the instance path;
with Redis (FT_BACKGROUND=celery, the default then) a CeleryManager, Redis as broker and result
store, jobs run by `celery -A dashboard.worker worker`.

Both fix the user when the job is queued, inside the request: the session's user id goes into
the job's context (read in the job with job_user_id()) and into the result's key, so two users
with identical inputs never share a result. A job body runs in the same surroundings in both
modes: the app context (get_engine(), get_settings()), Dash's callback context, and no request:
current_user_id() and the session do not exist there.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import diskcache
from celery import Celery
from celery.signals import worker_process_init
from dash import CeleryManager, Dash, DiskcacheManager
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.background_callback.managers import BaseBackgroundCallbackManager
from flask import Flask

from dashboard.celery_app import make_celery
from dashboard.job_processes import (
    DEFAULT_APP_FACTORY,
    JobRequest,
    job_running,
    start_job,
    stop_job,
)
from dashboard.security.auth import current_user_id
from dashboard.settings import Settings
from data.db import dispose_engines

# The job context's entry holding the user who queued the job.
JOB_USER_KEY = "ft_user_id"
# Request details Dash copies into a job's context that a job never needs: the session cookie
# must not travel through the broker (Redis persists its queue) or outlive the request.
_DROPPED_CONTEXT = ("cookies", "headers")
Manager = BaseBackgroundCallbackManager


class JobUserMissing(RuntimeError):
    """job_user_id() outside a job queued by make_background_manager's manager."""


class JobTimeLimitExceeded(Exception):
    """An embedded job ran past JOB_TIME_LIMIT_S (Celery raises SoftTimeLimitExceeded)."""


def job_user_id() -> int:
    """The id of the user who queued the running background job, fixed inside their request.

    Never a component's value: raises JobUserMissing when the job carries no user (called from
    an ordinary callback, or a job queued by some other manager)."""
    try:
        context = context_value.get()
    except LookupError:
        raise JobUserMissing("job_user_id() is only available inside a background job") from None
    user_id = context.get(JOB_USER_KEY) if isinstance(context, dict) else None
    if type(user_id) is not int:
        raise JobUserMissing("this job was queued without a user")
    return user_id


def make_background_manager(settings: Settings) -> DiskcacheJobs | CeleryJobs:
    """The manager create_app hands to Dash; create_app binds it to its server afterwards."""
    if settings.background_mode == "celery":
        return CeleryJobs(make_celery(settings), settings)
    return DiskcacheJobs(settings)


def worker_celery(dash_app: Dash) -> Celery:
    """The Celery app of `dash_app`'s manager, every background callback of the process made a
    task, for `celery -A <module> worker` (dashboard/worker.py)."""
    manager = dash_app.server.extensions["ft_background"]
    if not isinstance(manager, CeleryJobs):
        raise RuntimeError("the worker needs FT_BACKGROUND=celery (the default with REDIS_URL)")
    manager.register_jobs()
    # weak=False: the receiver is a module function, but say so rather than rely on it.
    worker_process_init.connect(_fresh_pools, weak=False)
    return manager.handle


def task_names(dash_app: Dash) -> set[str]:
    """The Celery task name of each of `dash_app`'s background callbacks, as the web side
    queues it: Dash's key is a hash of the callback's id (its outputs) and its source."""
    names = set()
    for callback_id, spec in dash_app.callback_map.items():
        if spec.get("background"):
            key = Manager.hash_function(spec["callback"].__wrapped__, callback_id)
            names.add(f"background_callback_{key}")
    return names


def _fresh_pools(**_kwargs: Any) -> None:
    """A pool process is forked from the worker: it must not share the parent's connections."""
    dispose_engines()


class _UserJobs:
    """What both managers add to Dash's: the user fixed at queue time, keys per user, the job
    body inside the app, and job functions made when first needed.

    Dash registers every background callback with every manager ever created in the process
    (a global list). Tests build hundreds of apps, so each manager leaves that list at once and
    looks a callback up in Dash's global list of functions when a job of it is queued.
    """

    key_prefix: str = ""
    server: Flask | None = None
    func_registry: dict[str, Any]
    # Dash's, declared for the type checker (the manager classes below define them).
    UNDEFINED: object
    job_running: Callable[[Any], Any]

    def _leave_global_registry(self) -> None:
        # Dash's own list: no registration reaches this manager through it any more.
        Manager.managers.remove(self)
        self.func_registry = _JobRegistry(self)

    def bind(self, server: Flask) -> None:
        """The Flask app whose context each job runs in (create_app calls this)."""
        self.server = server

    def register(self, key: str, fn: Callable[..., Any], progress: bool) -> None:
        """Nothing to do: _JobRegistry makes the job function when a job is first queued."""

    def register_jobs(self) -> None:
        """Make every known job function now: a Celery worker must know every task's name
        before the first message arrives."""
        for key, _fn, _progress in list(Manager.functions):
            self.func_registry.get(key)

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> Any:
        """Queue the job (inside the request) with the session's user in its context."""
        fixed = AttributeDict(
            {name: value for name, value in context.items() if name not in _DROPPED_CONTEXT}
        )
        fixed[JOB_USER_KEY] = current_user_id()
        return super().call_job_fn(key, job_fn, args, fixed)  # type: ignore[misc]

    def build_cache_key(
        self, fn: Callable[..., Any], args: Any, cache_args_to_ignore: Any, triggered: Any
    ) -> str:
        """Dash's key (function, inputs, triggers) mixed with the session's user, and that
        user's id in front, so the polls below can tell whose result a key names."""
        shared = super().build_cache_key(fn, args, cache_args_to_ignore, triggered)  # type: ignore[misc]
        user_id = current_user_id()
        digest = hashlib.sha256(f"{user_id}:{shared}".encode()).hexdigest()
        return f"{self._user_prefix(user_id)}{digest}"

    def _user_prefix(self, user_id: int) -> str:
        return f"{self.key_prefix}{user_id}-"

    def _is_own(self, key: str) -> bool:
        """Dash signs the handles it gives a page, but a page's handles carried to another
        session would still read the result: a poll reads only its own user's keys."""
        return key.startswith(self._user_prefix(current_user_id()))

    def get_result(self, key: str, job: Any) -> Any:
        if not self._is_own(key):
            return self.UNDEFINED
        result = super().get_result(key, job)  # type: ignore[misc]
        if result is self.UNDEFINED and job is not None and not self.job_running(job):
            # Dash asks whether the job runs after this read: a job that stored its result and
            # ended in between would pass for cancelled, its result never shown (1 poll in 20
            # with a quick job). A job stores its result before it ends, so read once more.
            result = super().get_result(key, job)  # type: ignore[misc]
        return result

    def get_progress(self, key: str) -> Any:
        return super().get_progress(key) if self._is_own(key) else None  # type: ignore[misc]

    def get_updated_props(self, key: str) -> Any:
        return super().get_updated_props(key) if self._is_own(key) else {}  # type: ignore[misc]

    def make_job_fn(self, fn: Callable[..., Any], progress: bool, key: str | None = None) -> Any:
        return super().make_job_fn(self._job_body(fn), progress, key)  # type: ignore[misc]

    def _job_body(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """fn in a context of its own: Dash's job context and the app context, nothing of the
        request that queued it (a forked embedded job would otherwise still see it)."""

        @functools.wraps(fn)
        def job(*args: Any, **kwargs: Any) -> Any:
            server = self.server
            if server is None:
                raise RuntimeError("background manager used before create_app bound it")
            dash_context = context_value.get()

            def run() -> Any:
                context_value.set(dash_context)
                self._before_job()
                with server.app_context():
                    return fn(*args, **kwargs)

            return contextvars.Context().run(run)

        return job

    def _before_job(self) -> None:
        """Per-mode preparation of the process a job runs in."""


class _JobRegistry(dict):
    """Dash's func_registry, filled on first lookup from Dash's global list of functions (the
    newest registration of a key wins, as in Dash's own registry)."""

    def __init__(self, manager: _UserJobs) -> None:
        super().__init__()
        self._manager = manager

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            for known, fn, progress in reversed(Manager.functions):
                if known == key:
                    self[key] = self._manager.make_job_fn(fn, progress, key)
                    break
            else:
                return default
        return self[key]


class _ForkingDiskcacheManager(DiskcacheManager):
    """Dash's DiskcacheManager, its jobs run in processes forked by a clean job server
    (dashboard/job_processes.py) rather than from the web process with `multiprocess`.
    """

    settings: Settings
    app_factory: str
    time_limit_s: int
    func_registry: dict[str, Any]

    def __init__(self, directory: Path) -> None:
        # DiskcacheManager.__init__ only checks its imports (multiprocess) and stores the cache
        # and `expire`. The cache is opened when first used: creating its SQLite file costs
        # ~30 ms, and tests build hundreds of apps that never run a job.
        self.directory = directory
        self._cache: diskcache.Cache | None = None
        self._cache_lock = threading.Lock()
        self.expire = None
        Manager.__init__(self, None)

    @property
    def handle(self) -> diskcache.Cache:
        with self._cache_lock:
            if self._cache is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._cache = diskcache.Cache(str(self.directory))
            return self._cache

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> int | None:
        """Start the job in a process of the job server (after _UserJobs fixed its user)."""
        function_key = next(
            (known for known, made in self.func_registry.items() if made is job_fn), None
        )
        if function_key is None:
            raise LookupError("a job of a background callback this manager never made")
        request = JobRequest(
            app_factory=self.app_factory,
            settings=self.settings,
            function_key=function_key,
            result_key=key,
            progress_key=self._make_progress_key(key),
            args=args,
            context=dict(context),
            time_limit_s=self.time_limit_s,
        )
        return start_job(request)

    def job_running(self, job: Any) -> bool:
        return job is not None and job_running(int(job))

    def terminate_job(self, job: Any) -> None:
        # Dash's own kills whatever has the pid now, and fails when the job ends meanwhile.
        if job is not None:
            stop_job(int(job))


class DiskcacheJobs(_UserJobs, _ForkingDiskcacheManager):
    """The embedded default: a process per job, forked by the job server, results on disk."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.time_limit_s = settings.job_time_limit_s
        # How a job's process builds this app again (a test app with extra callbacks names
        # its own factory).
        self.app_factory = DEFAULT_APP_FACTORY
        super().__init__(settings.resolved_jobs_dir)
        self._leave_global_registry()

    def _before_job(self) -> None:
        # A job's process starts without the web process's connections or signal handlers;
        # the same steps keep it so if a job ever runs in a copy of the web process.
        dispose_engines()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, _time_limit_reached)
        signal.alarm(self.time_limit_s)


def _time_limit_reached(_signum: int, _frame: FrameType | None) -> None:
    # Raised inside the job: Dash stores it as the job's error, the transaction rolls back.
    raise JobTimeLimitExceeded("the job took longer than its time limit")


class CeleryJobs(_UserJobs, CeleryManager):
    """The stack: jobs queued in Redis for `celery -A dashboard.worker worker`."""

    def __init__(self, celery_app: Any, settings: Settings) -> None:
        # Dash stores results under the raw key: the prefix keeps installations apart.
        self.key_prefix = settings.cache_key_prefix + "jobs:result:"
        super().__init__(celery_app)
        self._leave_global_registry()
