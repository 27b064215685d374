"""dashboard/background.py: background callbacks run for the user who queued them, in both modes.

Embedded (DiskcacheManager): a probe callback registered on a test-built app runs in a forked
process and answers the user fixed at queue time, whatever its inputs claim; two users' identical
inputs get different result keys; Dash's polls pass the guard and the request-shape check, and
what those refuse stays refused. Celery: the same through a real worker process and Redis.
"""

from __future__ import annotations

import os
import subprocess
import time

import psutil
import pytest
from dash.background_callback.managers import BaseBackgroundCallbackManager

from dashboard.background import (
    CeleryJobs,
    DiskcacheJobs,
    JobUserMissing,
    job_user_id,
    make_background_manager,
    task_names,
)
from dashboard.celery_app import HARD_LIMIT_MARGIN_S
from dashboard.settings import Settings, SettingsError
from tests.background_probe import (
    SLEEP,
    await_result,
    poll_path,
    probe_body,
    queue_job,
    register_probe,
    run_job,
)
from tests.conftest import REDIS_TEST_URL, AuthActions, as_user, build_app, make_login_user
from tests.stack.services import CeleryWorker, wait_for


def _db_url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _logged_in(app, username: str):
    client = app.server.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


@pytest.fixture
def two_users(engine) -> dict[str, int]:
    return {name: make_login_user(engine, name) for name in ("alice", "bob")}


@pytest.fixture
def probe_app(app):
    register_probe(app)
    return app


# ---------------------------------------------------------------- the embedded default


def test_embedded_job_runs_apart_as_the_user_who_queued_it(probe_app, two_users):
    for name, user_id in two_users.items():
        result = run_job(_logged_in(probe_app, name), claimed=None)
        assert (result["user_id"], result["username"]) == (user_id, name)
        # A process of its own, with the app context and without the request that queued it.
        assert result["pid"] != os.getpid()
        assert result["request_context"] is False
        assert result["context_has_cookies"] is False


def test_a_job_process_holds_nothing_the_web_process_has_open(probe_app, two_users):
    """Jobs are forked by the job server, never from the web process: a copy of it would hold
    its pipes (a test's browser driver never saw its end) and its threads' locks (SQLite's:
    the copy hung in sqlite3.connect for good)."""
    read_end, write_end = os.pipe()
    try:
        pipe = f"pipe:[{os.fstat(write_end).st_ino}]"
        result = run_job(_logged_in(probe_app, "alice"), claimed=None)
        assert result["parent_pid"] != os.getpid()
        assert result["open_files"], "the probe read no /proc/self/fd"
        assert pipe not in result["open_files"]
    finally:
        os.close(read_end)
        os.close(write_end)


def test_inputs_claiming_another_user_still_get_the_sessions_user(probe_app, two_users):
    alice = _logged_in(probe_app, "alice")
    result = run_job(alice, claimed=two_users["bob"])
    assert result["claimed"] == two_users["bob"]
    assert result["user_id"] == two_users["alice"]
    assert result["username"] == "alice"


def test_identical_inputs_of_two_users_get_different_result_keys(probe_app, two_users):
    clients = {name: _logged_in(probe_app, name) for name in two_users}
    handles = {name: queue_job(client, claimed=7) for name, client in clients.items()}
    keys = {name: handle["cacheKey"].rpartition("~")[0] for name, handle in handles.items()}
    assert keys["alice"] != keys["bob"]
    # Both jobs were queued at once with the same inputs: each still gets its own answer.
    for name, client in clients.items():
        result = await_result(client, handles[name], claimed=7)
        assert result["user_id"] == two_users[name]
    # The key is the same for the same user and inputs: the user is what told them apart.
    again = queue_job(clients["alice"], claimed=7)
    assert again["cacheKey"].rpartition("~")[0] == keys["alice"]
    await_result(clients["alice"], again, claimed=7)


def test_job_user_id_exists_only_inside_a_job(probe_app, two_users):
    with pytest.raises(JobUserMissing):
        job_user_id()
    with probe_app.server.test_request_context("/"):
        with pytest.raises(JobUserMissing):
            job_user_id()


def test_polls_pass_the_guard_and_the_shape_check_bad_ones_do_not(probe_app, two_users):
    alice = _logged_in(probe_app, "alice")
    handles = queue_job(alice, claimed=1)
    path = poll_path(handles)
    # No session: 401, as for any callback.
    anonymous = probe_app.server.test_client()
    assert anonymous.post(path, json=probe_body(1)).status_code == 401
    # Another site's page: 403.
    cross_site = alice.post(path, json=probe_body(1), headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    # A body Dash cannot use: 400 before Dash reads it, handles or not.
    malformed = {**probe_body(1), "inputs": []}
    refused = alice.post(path, json=malformed)
    assert refused.status_code == 400
    assert "inputs" in refused.get_json()["reason"]
    # Bob's session with Alice's handles (signed, but not bound to a session by Dash): her
    # result stays hers, however long he polls.
    bob = _logged_in(probe_app, "bob")
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        assert "response" not in (bob.post(path, json=probe_body(None)).get_json() or {})
    # The handles still work for Alice.
    assert await_result(alice, handles, claimed=1)["user_id"] == two_users["alice"]


def test_embedded_job_is_stopped_at_its_time_limit(probe_app, two_users):
    manager = probe_app.server.extensions["ft_background"]
    manager.time_limit_s = 1
    alice = _logged_in(probe_app, "alice")
    handles = queue_job(alice, claimed=SLEEP)
    pid = int(handles["job"].rpartition("~")[0])
    wait_for(lambda: not _running(pid), 20, "the job to be stopped at its time limit")
    response = alice.post(poll_path(handles), json=probe_body(None))
    # The job's error (JobTimeLimitExceeded) is the poll's error: no result, no endless wait.
    assert response.status_code == 500


def test_a_result_stored_as_its_job_ends_is_not_taken_for_a_cancel(probe_app, two_users):
    """Dash reads the result, then asks whether the job still runs: a job that stores its
    result and ends in between must still be shown, not taken for cancelled."""
    manager = probe_app.server.extensions["ft_background"]
    key = f"{manager.key_prefix}{two_users['alice']}-{'0' * 64}"
    # A process of this test's own for the job: Dash kills the job once its result is read.
    job = subprocess.Popen(["sleep", "30"])
    try:

        def ends_just_now(_job):
            manager.handle.set(key, {"done": True})
            return False

        manager.job_running = ends_just_now
        with as_user(probe_app, two_users["alice"]):
            assert manager.get_result(key, job.pid) == {"done": True}
            # A job that ended without a result stays cancelled.
            assert manager.get_result(key + "x", job.pid) is manager.UNDEFINED
    finally:
        job.kill()
        job.wait(timeout=10)


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# ---------------------------------------------------------------- managers and settings


def test_background_mode_follows_redis_unless_set():
    assert Settings().background_mode == "diskcache"
    assert Settings(redis_url="redis://x:6379/0").background_mode == "celery"
    with_redis = Settings(redis_url="redis://x:6379/0", background="diskcache")
    assert with_redis.background_mode == "diskcache"
    env = {"REDIS_URL": "redis://x:6379/0", "FT_BACKGROUND": "DiskCache", "JOB_TIME_LIMIT_S": "90"}
    parsed = Settings.from_env(env)
    assert (parsed.background_mode, parsed.job_time_limit_s) == ("diskcache", 90)
    assert Settings.from_env({"FT_BACKGROUND": ""}).background_mode == "diskcache"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"background": "threads"}, "FT_BACKGROUND"),
        ({"background": "celery"}, "REDIS_URL"),
        ({"job_time_limit_s": 5}, "JOB_TIME_LIMIT_S"),
    ],
)
def test_bad_background_settings_are_refused(changes, message):
    with pytest.raises(SettingsError, match=message):
        Settings(**changes).validate()


def test_diskcache_manager_lives_under_the_instance_path_one_per_app(tmp_path):
    first = make_background_manager(Settings(instance_path=tmp_path / "a"))
    second = make_background_manager(Settings(instance_path=tmp_path / "b"))
    assert isinstance(first, DiskcacheJobs) and isinstance(second, DiskcacheJobs)
    # Opened when a job first needs it: an app that runs none costs no SQLite file.
    assert not (tmp_path / "a" / "background-jobs").exists()
    assert first.handle.directory == str(tmp_path / "a" / "background-jobs")
    assert second.handle.directory != first.handle.directory
    # Out of Dash's process-wide list: a test run's hundreds of apps do not each get every
    # callback registered with every manager.
    assert first not in BaseBackgroundCallbackManager.managers


def test_celery_manager_is_bounded_and_prefixed(tmp_path):
    settings = Settings(
        instance_path=tmp_path, redis_url="redis://127.0.0.1:1/0", cache_key_prefix="inst1:"
    )
    manager = make_background_manager(settings)
    assert isinstance(manager, CeleryJobs)
    conf = manager.handle.conf
    assert conf.task_acks_late is True and conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit == settings.job_time_limit_s
    assert conf.task_time_limit == settings.job_time_limit_s + HARD_LIMIT_MARGIN_S
    # Redelivery only once the hard limit has surely passed.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.broker_transport_options["global_keyprefix"] == "inst1:jobs:"
    assert conf.result_backend_transport_options["global_keyprefix"] == "inst1:jobs:"
    assert manager.key_prefix.startswith("inst1:")


# ---------------------------------------------------------------- Celery, a real worker


@pytest.mark.redis
def test_celery_job_runs_in_the_worker_as_the_user_who_queued_it(
    tmp_path, sqlite_url, redis_key_prefix, request
):
    from sqlalchemy import create_engine

    from tests.conftest import _empty_all_tables

    engine = create_engine(sqlite_url)
    _empty_all_tables(engine)
    users = {name: make_login_user(engine, name) for name in ("alice", "bob")}
    engine.dispose()
    overrides = {"redis_url": REDIS_TEST_URL, "cache_key_prefix": redis_key_prefix}
    app = build_app(sqlite_url, tmp_path / "web", **overrides)
    assert isinstance(app.server.extensions["ft_background"], CeleryJobs)
    register_probe(app)
    worker = CeleryWorker(
        _worker_env(sqlite_url, redis_key_prefix, tmp_path / "worker"),
        tmp_path / "worker.log",
        module="tests.background_probe_worker",
        concurrency=1,
    )
    request.addfinalizer(worker.stop)
    worker.start()
    # The worker serves the probe under the name this app queues it by.
    assert task_names(app) <= set(worker.inspect("registered"))
    assert task_names(app)
    pool = worker.pool_pids()
    for name, user_id in users.items():
        client = _logged_in(app, name)
        started = time.perf_counter()
        result = run_job(client, claimed=users["bob"] if name == "alice" else None)
        elapsed = time.perf_counter() - started
        assert (result["user_id"], result["username"]) == (user_id, name)
        assert result["pid"] in pool, "the job did not run in the worker's pool"
        assert result["request_context"] is False
        assert result["context_has_cookies"] is False
        print(f"celery job for {name}: {elapsed * 1000:.0f} ms queue to result")


def _worker_env(database_url: str, prefix: str, instance) -> dict[str, str]:
    import sys
    from pathlib import Path

    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(instance),
        "LANG": "C.UTF-8",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_TEST_URL,
        "CACHE_KEY_PREFIX": prefix,
        "FT_INSTANCE_PATH": str(instance),
        "LOAD_DEMO_DATA": "false",
    }
