"""Settings from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tradevantage.config import ConfigurationError, Settings


def test_defaults_use_a_local_sqlite_file_and_keep_a_generated_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    first = Settings.from_env({})
    second = Settings.from_env({})

    assert first.database_url == "sqlite+aiosqlite:///./tradevantage.db"
    assert first.migrate_on_start is True
    assert len(first.jwt_secret) >= 32
    assert second.jwt_secret == first.jwt_secret
    assert (tmp_path / ".tradevantage-secret").read_text() == first.jwt_secret


def test_secret_is_kept_beside_the_sqlite_file(tmp_path: Path) -> None:
    settings = Settings.from_env({"TRADEVANTAGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/tv.db"})
    assert (tmp_path / "data" / ".tradevantage-secret").read_text() == settings.jwt_secret


def test_values_are_read_from_prefixed_variables() -> None:
    settings = Settings.from_env(
        {
            "TRADEVANTAGE_DATABASE_URL": "postgresql+asyncpg://u@db/tv",
            "TRADEVANTAGE_JWT_SECRET": "k" * 40,
            "TRADEVANTAGE_ACCESS_TOKEN_MINUTES": "5",
            "TRADEVANTAGE_REFRESH_TOKEN_DAYS": "30",
            "TRADEVANTAGE_CORS_ORIGINS": "https://app.example.com, https://admin.example.com",
            "TRADEVANTAGE_LOG_LEVEL": "debug",
        }
    )
    assert settings.access_token_lifetime == timedelta(minutes=5)
    assert settings.refresh_token_lifetime == timedelta(days=30)
    assert settings.cors_origins == ("https://app.example.com", "https://admin.example.com")
    assert settings.log_level == "DEBUG"
    assert settings.migrate_on_start is False, "PostgreSQL is migrated by `db upgrade`, not at start"


@pytest.mark.parametrize("secret", [None, "short"])
def test_production_needs_a_long_secret(secret: str | None) -> None:
    env = {"TRADEVANTAGE_ENVIRONMENT": "production"}
    if secret:
        env["TRADEVANTAGE_JWT_SECRET"] = secret
    with pytest.raises(ConfigurationError, match="TRADEVANTAGE_JWT_SECRET"):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("name", "value"),
    [("ACCESS_TOKEN_MINUTES", "soon"), ("REFRESH_TOKEN_DAYS", "0"), ("MIGRATE_ON_START", "maybe")],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=f"TRADEVANTAGE_{name}"):
        Settings.from_env({f"TRADEVANTAGE_{name}": value, "TRADEVANTAGE_JWT_SECRET": "k" * 40})


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "127.0.0.1"),
        ({"FORWARDED_ALLOW_IPS": "10.0.0.0/8"}, "10.0.0.0/8"),
        ({"FORWARDED_ALLOW_IPS": "10.0.0.0/8", "TRADEVANTAGE_FORWARDED_ALLOW_IPS": "*"}, "*"),
    ],
)
def test_trusted_proxies_come_from_our_variable_or_the_older_unprefixed_one(
    environ: dict[str, str], expected: str
) -> None:
    settings = Settings.from_env({"TRADEVANTAGE_JWT_SECRET": "s" * 40, **environ})
    assert settings.forwarded_allow_ips == expected


def test_prepared_statements_can_be_turned_off_for_pgbouncer() -> None:
    assert Settings.from_env({"TRADEVANTAGE_JWT_SECRET": "s" * 40}).db_prepared_statements is True
    settings = Settings.from_env({"TRADEVANTAGE_JWT_SECRET": "s" * 40, "TRADEVANTAGE_DB_PREPARED_STATEMENTS": "false"})
    assert settings.db_prepared_statements is False


def test_the_pool_opens_no_connections_beyond_its_size_unless_told() -> None:
    assert Settings.from_env({"TRADEVANTAGE_JWT_SECRET": "s" * 40}).db_max_overflow == 0
    environ = {"TRADEVANTAGE_JWT_SECRET": "s" * 40, "TRADEVANTAGE_DB_MAX_OVERFLOW": "5"}
    assert Settings.from_env(environ).db_max_overflow == 5
