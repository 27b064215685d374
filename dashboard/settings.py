"""Every knob of the app: its environment variable, its default, validated at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from limits import parse as parse_rate_limit

DEFAULT_SECRET_KEY = "dev-only-not-secret"
MIB = 1024 * 1024
# A receipt travels as base64 inside Dash's JSON: past this, memory per request gets silly.
RECEIPT_MAX_BYTES_CEILING = 50 * MIB
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where background callbacks (the import's preview and commit) run: "diskcache" forks a process
# of the web worker per job (the embedded default), "celery" queues it in Redis for
# `celery -A dashboard.worker worker` (the stack).
BACKGROUND_MODES = ("diskcache", "celery")


class SettingsError(ValueError):
    """A setting is missing or unsafe; the message is one line meant for the operator."""


def _env_bool(environ: dict[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _env_int(environ: dict[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build it with from_env() or directly in tests."""

    # "development" (the embedded default) or "production" (the container and k8s images).
    env: str = "development"
    debug: bool = False
    secret_key: str = DEFAULT_SECRET_KEY
    instance_path: Path = field(default_factory=lambda: PROJECT_ROOT / "instance")
    # None means a SQLite file under instance_path: the embedded default.
    database_url: str | None = None
    # None means an in-process cache: the embedded default.
    redis_url: str | None = None
    # Every cache key starts with this, so two installations (or two test runs) can share a Redis.
    cache_key_prefix: str = "ft:"
    cache_timeout_s: int = 3600
    # Redis must never make a request slow: a hung Redis costs at most this per operation.
    redis_socket_timeout_s: float = 0.25
    # PostgreSQL cancels a query after this; gunicorn's worker timeout is set above it.
    statement_timeout_ms: int = 15_000
    receipts_dir: Path | None = None
    # The largest receipt file accepted, in bytes (before its base64 encoding).
    receipt_max_bytes: int = 10 * MIB
    load_demo_data: bool = True
    session_cookie_secure: bool = False
    # A session ends after this long without a request, and this long after its login anyway.
    session_idle_timeout_s: int = 2 * 3600
    session_absolute_timeout_s: int = 12 * 3600
    # Failed logins allowed per account (whatever the address) and per address (whatever the
    # account), in the syntax of the `limits` library: "5 per 15 minutes".
    login_limit_per_account: str = "5 per 15 minutes"
    login_limit_per_address: str = "20 per 15 minutes"
    # Reverse proxies in front of the app (nginx, an ingress) whose X-Forwarded-For is trusted:
    # behind one, every request comes from the proxy's address, so the per-address login limit
    # needs the client's address from that header instead. 0: requests arrive directly.
    trusted_proxy_hops: int = 0
    # "diskcache", "celery", or None: celery when redis_url is set (dashboard/background.py).
    background: str | None = None
    # A background job is stopped after this many seconds (its DB transaction rolls back).
    job_time_limit_s: int = 600
    # Brotli/gzip by the app itself (dashboard/compression.py); a proxy that compresses leaves
    # an encoded answer alone, so this can stay on behind one.
    compress: bool = True

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def demo_mode(self) -> bool:
        """The demo household is loaded with the well-known login demo/demo, shown on /login."""
        return self.load_demo_data and not self.is_production

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.instance_path / 'finance.sqlite3'}"

    @property
    def resolved_receipts_dir(self) -> Path:
        return self.receipts_dir or self.instance_path / "receipts"

    @property
    def background_mode(self) -> str:
        """Where background callbacks run: as set, else celery with Redis, diskcache without."""
        if self.background:
            return self.background
        return "celery" if self.redis_url else "diskcache"

    @property
    def resolved_jobs_dir(self) -> Path:
        """The diskcache manager's results: one directory per instance, shared by the
        processes serving it (a job's poll may reach another gunicorn worker)."""
        return self.instance_path / "background-jobs"

    @property
    def max_request_bytes(self) -> int:
        """Flask's MAX_CONTENT_LENGTH: one receipt as base64 (4 characters per 3 bytes) plus
        1 MiB for the rest of a Dash callback's JSON. A larger POST is refused with 413 before
        it is read."""
        return -(-self.receipt_max_bytes // 3) * 4 + MIB

    def validate(self) -> Settings:
        if self.env not in {"development", "production"}:
            raise SettingsError(f"FT_ENV must be 'development' or 'production', not {self.env!r}")
        if self.is_production and self.secret_key == DEFAULT_SECRET_KEY:
            raise SettingsError("refusing to start: SECRET_KEY is the development default")
        if self.is_production and len(self.secret_key) < 32:
            raise SettingsError("refusing to start: SECRET_KEY must be at least 32 characters")
        if self.is_production and not self.database_url:
            # The SQLite fallback would live in a container's scratch space and vanish with it.
            raise SettingsError("refusing to start: DATABASE_URL is required in production")
        if self.is_production and self.debug:
            raise SettingsError("refusing to start: FT_DEBUG is on in production")
        if self.session_idle_timeout_s > self.session_absolute_timeout_s:
            raise SettingsError("SESSION_IDLE_TIMEOUT_S must not exceed SESSION_ABSOLUTE_TIMEOUT_S")
        if not 1024 <= self.receipt_max_bytes <= RECEIPT_MAX_BYTES_CEILING:
            raise SettingsError(
                f"RECEIPT_MAX_BYTES must be between 1024 and {RECEIPT_MAX_BYTES_CEILING}, "
                f"not {self.receipt_max_bytes}"
            )
        if self.background is not None and self.background not in BACKGROUND_MODES:
            raise SettingsError(
                f"FT_BACKGROUND must be 'diskcache' or 'celery', not {self.background!r}"
            )
        if self.background == "celery" and not self.redis_url:
            raise SettingsError("FT_BACKGROUND=celery needs REDIS_URL (its broker and results)")
        if self.job_time_limit_s < 10:
            raise SettingsError(
                f"JOB_TIME_LIMIT_S must be at least 10, not {self.job_time_limit_s}"
            )
        for name, value in (
            ("LOGIN_LIMIT_PER_ACCOUNT", self.login_limit_per_account),
            ("LOGIN_LIMIT_PER_ADDRESS", self.login_limit_per_address),
        ):
            try:
                parse_rate_limit(value)
            except ValueError:
                raise SettingsError(
                    f"{name} must look like '5 per 15 minutes', not {value!r}"
                ) from None
        return self

    def with_overrides(self, **changes: Any) -> Settings:
        # Any: a value of any field's type; validate() is what holds each to its field.
        return replace(self, **changes).validate()

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        instance = Path(env.get("FT_INSTANCE_PATH") or PROJECT_ROOT / "instance")
        receipts = env.get("RECEIPTS_DIR")
        return cls(
            env=env.get("FT_ENV", "development").strip().lower(),
            debug=_env_bool(env, "FT_DEBUG", False),
            secret_key=env.get("SECRET_KEY") or DEFAULT_SECRET_KEY,
            instance_path=instance,
            database_url=env.get("DATABASE_URL") or None,
            redis_url=env.get("REDIS_URL") or None,
            cache_key_prefix=env.get("CACHE_KEY_PREFIX", "ft:"),
            cache_timeout_s=_env_int(env, "CACHE_TIMEOUT_S", 3600, minimum=1),
            statement_timeout_ms=_env_int(env, "STATEMENT_TIMEOUT_MS", 15_000, minimum=100),
            receipts_dir=Path(receipts) if receipts else None,
            receipt_max_bytes=_env_int(env, "RECEIPT_MAX_BYTES", 10 * MIB, minimum=1024),
            load_demo_data=_env_bool(env, "LOAD_DEMO_DATA", True),
            session_cookie_secure=_env_bool(env, "SESSION_COOKIE_SECURE", False),
            session_idle_timeout_s=_env_int(env, "SESSION_IDLE_TIMEOUT_S", 2 * 3600, minimum=60),
            session_absolute_timeout_s=_env_int(
                env, "SESSION_ABSOLUTE_TIMEOUT_S", 12 * 3600, minimum=60
            ),
            login_limit_per_account=env.get("LOGIN_LIMIT_PER_ACCOUNT") or "5 per 15 minutes",
            login_limit_per_address=env.get("LOGIN_LIMIT_PER_ADDRESS") or "20 per 15 minutes",
            trusted_proxy_hops=_env_int(env, "TRUSTED_PROXY_HOPS", 0, minimum=0),
            background=env.get("FT_BACKGROUND", "").strip().lower() or None,
            job_time_limit_s=_env_int(env, "JOB_TIME_LIMIT_S", 600, minimum=10),
            compress=_env_bool(env, "FT_COMPRESS", True),
        ).validate()
