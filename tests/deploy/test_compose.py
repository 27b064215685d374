"""docker-compose.yml and .env.example keep their promises: the compose spec and compose itself
accept them, every secret is required, db and redis stay private, the web service is hardened,
healthy-gated and keeps its data in named volumes, and the job worker runs the same image with
the same settings, as hardened, health-checked by its own Celery node.
"""

from __future__ import annotations

import re

import pytest

from tests.deploy.tools import (
    NGINX_CONF,
    PINNED_TAG,
    RECEIPTS_DIR,
    ROOT,
    SECRET_VARS,
    assert_ok,
    clean_env,
    compose_binary,
    find_tool,
    read_env_file,
    run,
)

pytestmark = pytest.mark.deploy


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return read_env_file(ROOT / ".env.example")


def test_compose_file_matches_the_compose_spec():
    checker = find_tool("check-jsonschema", "pip install check-jsonschema")
    assert_ok(run([checker, "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"]))


def test_compose_resolves_with_the_env_example():
    binary = compose_binary()
    result = run(
        [binary, "--env-file", ".env.example", "--profile", "proxy", "config", "--quiet"],
        env=clean_env(),
    )
    assert_ok(result)


@pytest.mark.parametrize("variable", SECRET_VARS)
def test_compose_refuses_to_start_without_a_secret(variable, tmp_path):
    binary = compose_binary()
    lines = (ROOT / ".env.example").read_text().splitlines()
    env_file = tmp_path / "env"
    env_file.write_text("\n".join(x for x in lines if not x.startswith(f"{variable}=")) + "\n")
    result = run([binary, "--env-file", str(env_file), "config", "--quiet"], env=clean_env())
    assert result.returncode != 0, f"compose started without {variable}"
    assert variable in result.stderr


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


def test_compose_worker_runs_the_app_image_with_the_web_settings(compose):
    services = compose["services"]
    worker, web = services["worker"], services["web"]
    assert worker["image"] == web["image"] and worker["build"] == web["build"]
    assert worker["command"][:4] == ["celery", "-A", "dashboard.worker", "worker"]
    assert "--concurrency=2" in worker["command"]
    # The same settings: the same job names, broker and key prefix as the web side that queues.
    assert worker["environment"] == web["environment"]
    assert "${FT_BACKGROUND:-}" in web["environment"]["FT_BACKGROUND"]
    assert worker["restart"] == "unless-stopped"


def test_compose_worker_waits_for_db_and_redis_and_reaches_only_them(compose):
    worker = compose["services"]["worker"]
    assert worker["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert worker["networks"] == ["backend"]
    assert "ports" not in worker and "expose" not in worker


def test_compose_worker_is_hardened_and_health_checked(compose):
    worker = compose["services"]["worker"]
    # No `user:` override: the image's USER 10001 (test_dockerfile.py) runs it.
    assert "user" not in worker
    assert worker["read_only"] is True
    assert any(t.split(":")[0] == "/tmp" for t in worker["tmpfs"])
    assert worker["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in worker["security_opt"]
    check = worker["healthcheck"]
    command = " ".join(check["test"])
    assert "celery -A dashboard.worker_probe inspect ping" in command
    # Its own node only (compose's $$ is the shell's $), each ping bounded within the check's.
    assert '-d "celery@$$HOSTNAME"' in command
    ping_timeout = int(re.search(r"--timeout (\d+)", command).group(1))
    assert ping_timeout < int(check["timeout"].removesuffix("s"))
    assert check["retries"] and check["start_period"]
    assert int(worker["stop_grace_period"].removesuffix("s")) >= 30
