"""dashboard/settings.py: every knob from the environment, unsafe production set-ups refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.settings import DEFAULT_SECRET_KEY, Settings, SettingsError

PRODUCTION = {
    "FT_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://finance@db:5432/finance",
}


def test_the_embedded_default_needs_no_configuration():
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("instance/finance.sqlite3")
    assert settings.redis_url is None
    assert settings.load_demo_data is True


def test_production_reads_its_environment():
    env = {**PRODUCTION, "REDIS_URL": "redis://:pw@redis:6379/0", "RECEIPTS_DIR": "/srv/r"}
    settings = Settings.from_env(env)
    assert settings.is_production
    assert settings.resolved_database_url == PRODUCTION["DATABASE_URL"]
    assert settings.redis_url == "redis://:pw@redis:6379/0"
    assert settings.resolved_receipts_dir == Path("/srv/r")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is the development default"),
        ({"SECRET_KEY": DEFAULT_SECRET_KEY}, "SECRET_KEY is the development default"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"FT_DEBUG": "1"}, "FT_DEBUG is on in production"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is required in production"),
        ({"FT_ENV": "staging"}, "FT_ENV must be"),
        ({"STATEMENT_TIMEOUT_MS": "abc"}, "STATEMENT_TIMEOUT_MS must be an integer"),
        ({"LOAD_DEMO_DATA": "perhaps"}, "LOAD_DEMO_DATA must be true or false"),
    ],
)
def test_unsafe_or_malformed_settings_are_refused_with_one_line(change, reason):
    with pytest.raises(SettingsError, match=reason) as error:
        Settings.from_env({**PRODUCTION, **change})
    assert "\n" not in str(error.value)
