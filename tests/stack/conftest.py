"""Fixtures of the stack tests: gunicorn as the container starts it, on a private PostgreSQL and
a private Redis that the tests may stop and start.

The web environment is docker-compose.yml's own `web.environment`, interpolated from
.env.example with its change-me secrets replaced (what an operator does), and only the hosts
`db` and `redis` pointed at the private servers. Everything started is stopped at the end, also
when a test or a setup step fails; a failing test prints the tail of every log.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from dashboard.settings import PROJECT_ROOT
from data.db import make_engine
from data.users import user_id_by_username
from tests.conftest import service_unavailable
from tests.stack.dash_client import DashClient
from tests.stack.services import (
    COMMAND_TIMEOUT_S,
    CeleryWorker,
    Gunicorn,
    PrivatePostgres,
    PrivateRedis,
    free_port,
    postgres_bin_dir,
)

DEMO_USERNAME = "demo"
# Production refuses the demo's well-known password; the operator sets a real one.
DEMO_PASSWORD = "stack test demo password"
LOG_TAIL_LINES = 150
_COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")
# Log files of everything the stack tests started: printed with any failure.
_logs: list[Path] = []


def dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file, as compose reads them (no quotes are used in ours)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message}."""

    def replace(match: re.Match) -> str:
        name, operator, argument = match.groups()
        current = variables.get(name, "")
        if operator == "?" and not current:
            raise AssertionError(f"compose requires {name}: {argument}")
        return current or (argument if operator == "-" else "")

    return _COMPOSE_VARIABLE.sub(replace, value)


def compose_web_environment(variables: dict[str, str]) -> dict[str, str]:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    raw = compose["services"]["web"]["environment"]
    return {name: interpolate(str(value), variables) for name, value in raw.items()}


def _point_at(url: str, service_host: str, port: int) -> str:
    """compose's `db:5432` / `redis:6379` -> the private server on 127.0.0.1."""
    assert service_host in url, f"expected {service_host} in the compose URL {url!r}"
    return url.replace(f"@{service_host}", f"@127.0.0.1:{port}", 1)


@pytest.fixture(scope="session")
def operator_env() -> dict[str, str]:
    """.env.example with every change-me secret replaced, as its first lines ask."""
    variables = dotenv(PROJECT_ROOT / ".env.example")
    variables.update(
        SECRET_KEY=secrets.token_hex(32),
        POSTGRES_PASSWORD=secrets.token_hex(16),
        REDIS_PASSWORD=secrets.token_hex(16),
    )
    return variables


@pytest.fixture(scope="session")
def private_pg(request, operator_env) -> PrivatePostgres:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        service_unavailable("PostgreSQL's server binaries", FileNotFoundError("initdb"))
    server = PrivatePostgres(
        bin_dir,
        role=operator_env["POSTGRES_USER"],
        password=operator_env["POSTGRES_PASSWORD"],
        database=operator_env["POSTGRES_DB"],
    )
    request.addfinalizer(server.close)
    _logs.append(server.log_path)
    server.init()
    return server


@pytest.fixture(scope="session")
def private_redis(request, operator_env, tmp_path_factory) -> PrivateRedis:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"), operator_env["REDIS_PASSWORD"])
    request.addfinalizer(server.close)
    _logs.append(server.log_path)
    try:
        server.start()
    except FileNotFoundError as error:
        service_unavailable("redis-server", error)
    return server


@pytest.fixture(scope="session")
def web_env(operator_env, private_pg, private_redis, tmp_path_factory) -> dict[str, str]:
    """The process environment of compose's `web`, on this machine."""
    scratch = tmp_path_factory.mktemp("web")
    environment = compose_web_environment(operator_env)
    receipts = scratch / "receipts"
    receipts.mkdir()  # compose mounts a volume there
    environment.update(
        DATABASE_URL=_point_at(environment["DATABASE_URL"], "db:5432", private_pg.port),
        REDIS_URL=_point_at(environment["REDIS_URL"], "redis:6379", private_redis.port),
        RECEIPTS_DIR=str(receipts),
        FT_INSTANCE_PATH=str(scratch / "instance"),
        PORT=str(free_port()),
        # The image's PATH starts with its virtualenv; ours is the one running the tests.
        PATH=f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        HOME=str(scratch),
        LANG="C.UTF-8",
    )
    return environment


def flask_cli(environment: dict[str, str], *args: str, stdin: str = "") -> str:
    """`flask --app dashboard.wsgi:server ...`, as an operator runs it in the container."""
    done = subprocess.run(
        ["flask", "--app", "dashboard.wsgi:server", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"flask {' '.join(args)} failed: {done.stdout}{done.stderr}"
    return done.stdout


def start_gunicorn(request, environment: dict[str, str], log_path: Path) -> Gunicorn:
    """gunicorn through the entrypoint (which migrates first), stopped when `request` ends."""
    server = Gunicorn(environment, log_path)
    _logs.append(log_path)
    request.addfinalizer(server.stop)
    server.start()
    return server


def start_worker(
    request, environment: dict[str, str], log_dir: Path, module: str = "dashboard.worker"
) -> CeleryWorker:
    """`celery -A <module> worker` (compose's worker service), stopped when `request` ends."""
    log = log_dir / f"{module}.log"
    _logs.append(log)
    worker = CeleryWorker(environment, log, module=module, concurrency=2)
    request.addfinalizer(worker.stop)
    worker.start()
    return worker


@pytest.fixture(scope="session")
def stack(request, web_env, tmp_path_factory) -> Gunicorn:
    """The stack's gunicorn on an empty database (the entrypoint migrates it), then the demo
    household loaded and its password set with the CLI, as an operator would."""
    server = start_gunicorn(request, web_env, tmp_path_factory.mktemp("logs") / "gunicorn.log")
    flask_cli(web_env, "seed")
    flask_cli(web_env, "set-password", DEMO_USERNAME, "--password-stdin", stdin=DEMO_PASSWORD)
    return server


@pytest.fixture(scope="session")
def app_db(private_pg, stack) -> Iterator[Engine]:
    """The database gunicorn uses, as the app's role sees it (for what the pages should show)."""
    engine = make_engine(private_pg.app_url_for_tests)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_user_id(app_db) -> int:
    user_id = user_id_by_username(app_db, DEMO_USERNAME)
    assert user_id is not None, "the seed did not create the demo user"
    return user_id


@pytest.fixture
def demo_client(stack) -> Iterator[DashClient]:
    """A logged-in HTTP client of the demo user; one new connection per request."""
    client = DashClient(stack.url)
    client.login(DEMO_USERNAME, DEMO_PASSWORD)
    yield client
    client.close()


def _tail(path: Path) -> str:
    if not path.exists():
        return "(no log written)"
    lines = path.read_text(errors="replace").splitlines()
    return "\n".join(lines[-LOG_TAIL_LINES:])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for path in _logs:
            report.sections.append((f"stack log {path.name}", _tail(path)))
    return report
