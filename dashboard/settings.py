"""Every knob of the app: its environment variable, its default, validated at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-not-secret"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    load_demo_data: bool = True
    session_cookie_secure: bool = False

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.instance_path / 'finance.sqlite3'}"

    @property
    def resolved_receipts_dir(self) -> Path:
        return self.receipts_dir or self.instance_path / "receipts"

    def validate(self) -> Settings:
        if self.env not in {"development", "production"}:
            raise SettingsError(f"FT_ENV must be 'development' or 'production', not {self.env!r}")
        if self.is_production and self.secret_key == DEFAULT_SECRET_KEY:
            raise SettingsError("refusing to start: SECRET_KEY is the development default")
        if self.is_production and len(self.secret_key) < 32:
            raise SettingsError("refusing to start: SECRET_KEY must be at least 32 characters")
        if self.is_production and self.debug:
            raise SettingsError("refusing to start: FT_DEBUG is on in production")
        return self

    def with_overrides(self, **changes: object) -> Settings:
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
            load_demo_data=_env_bool(env, "LOAD_DEMO_DATA", True),
            session_cookie_secure=_env_bool(env, "SESSION_COOKIE_SECURE", False),
        ).validate()
