"""gunicorn.conf.py keeps its promises: its defaults and environment variables, refusing bad values,
an access log without query strings or cookies, a graceful shutdown that compose and Kubernetes
wait for, and a real gunicorn serving with it.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.deploy.tools import (
    GUNICORN_CONF,
    ROOT,
    TOOL_TIMEOUT_S,
    assert_ok,
    clean_env,
    find_tool,
    run,
    seconds,
    web_container,
    web_deployment,
)

pytestmark = pytest.mark.deploy


def test_gunicorn_conf_compiles(tmp_path):
    # The bytecode goes to tmp_path, not into the work tree.
    env = clean_env(PYTHONPYCACHEPREFIX=str(tmp_path))
    assert_ok(run([sys.executable, "-m", "py_compile", str(GUNICORN_CONF)], env=env))


def test_gunicorn_defaults(load_gunicorn_conf):
    conf = load_gunicorn_conf()
    assert conf["bind"] == "0.0.0.0:8000"
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (2, 4, 30)
    # The app built once in the master, a worker a fork of it (tests/stack/test_stack_preload.py).
    assert conf["preload_app"] is True
    assert conf["worker_tmp_dir"] == "/dev/shm"
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    assert conf["graceful_timeout"] >= 1
    # No worker recycling unless an operator asks for it (see gunicorn.conf.py for why).
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (0, 0)


def test_shutdown_leaves_gunicorn_its_graceful_timeout(load_gunicorn_conf, compose, k8s):
    graceful_s = load_gunicorn_conf()["graceful_timeout"]
    compose_grace = compose["services"]["web"]["stop_grace_period"]
    assert seconds(compose_grace) > graceful_s
    pod = web_deployment(k8s)["spec"]["template"]["spec"]
    pre_stop = web_container(k8s)["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert pod["terminationGracePeriodSeconds"] > graceful_s + int(pre_stop[1])


def test_gunicorn_reads_the_environment(load_gunicorn_conf):
    conf = load_gunicorn_conf(
        PORT="9000",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="60",
        GUNICORN_PRELOAD="false",
        STATEMENT_TIMEOUT_MS="50000",
        GUNICORN_MAX_REQUESTS="5000",
    )
    assert conf["bind"] == "0.0.0.0:9000"
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (3, 8, 60)
    assert conf["preload_app"] is False
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (5000, 2500)


@pytest.mark.parametrize(
    ("timeout_s", "statement_ms"), [("10", "15000"), ("15", "15000"), ("30", "45000")]
)
def test_gunicorn_refuses_a_timeout_not_above_the_statement_timeout(
    load_gunicorn_conf, timeout_s, statement_ms
):
    with pytest.raises(SystemExit) as refused:
        load_gunicorn_conf(GUNICORN_TIMEOUT=timeout_s, STATEMENT_TIMEOUT_MS=statement_ms)
    message = str(refused.value.code)
    assert "GUNICORN_TIMEOUT" in message and "STATEMENT_TIMEOUT_MS" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value"),
    [("WEB_CONCURRENCY", "two"), ("GUNICORN_PRELOAD", "?"), ("GUNICORN_MAX_REQUESTS", "-1")],
)
def test_gunicorn_refuses_a_malformed_value(load_gunicorn_conf, name, value):
    with pytest.raises(SystemExit, match=name):
        load_gunicorn_conf(**{name: value})


def test_gunicorn_access_log_format_leaves_out_query_strings_and_cookies(load_gunicorn_conf):
    log_format = load_gunicorn_conf()["access_log_format"]
    # r: request line with query; q: query; f: referer (another page's query); {...}i: headers
    # other than X-Forwarded-For (Cookie, Authorization).
    for atom in ("%(r)s", "%(q)s", "%(f)s"):
        assert atom not in log_format
    assert set(re.findall(r"%\(\{([^}]+)\}i\)s", log_format)) <= {"x-forwarded-for"}
    assert "%(U)s" in log_format


def test_gunicorn_post_fork_drops_inherited_connections(load_gunicorn_conf, monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(ROOT))
    from data import db

    engine = db.shared_engine(f"sqlite:///{tmp_path / 'fork.sqlite3'}")
    with engine.connect():
        pass
    assert engine.pool.checkedin() == 1
    load_gunicorn_conf()["post_fork"](None, None)
    assert engine.pool.checkedin() == 0
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_with_this_config_and_logs_no_secrets(tmp_path):
    """A real gunicorn with this file (post_fork included) on loopback, one request, stopped."""
    gunicorn = find_tool("gunicorn", "pip install gunicorn")
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = clean_env(PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
    with log.open("w") as sink:
        server = subprocess.Popen(
            [gunicorn, "-c", str(GUNICORN_CONF), "wsgiref.simple_server:demo_app"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/reports?token=SECRET-IN-QUERY",
                headers={"Cookie": "session=SECRET-IN-COOKIE", "Referer": "/x?k=SECRET-REF"},
            )
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(request, timeout=2) as response:
                        assert response.status == 200
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=TOOL_TIMEOUT_S)
    output = log.read_text()
    assert server.returncode == 0, output
    access_lines = [line for line in output.splitlines() if "/reports" in line]
    assert len(access_lines) == 1, output
    assert '"GET /reports HTTP/1.1" 200' in access_lines[0]
    assert "SECRET" not in output
