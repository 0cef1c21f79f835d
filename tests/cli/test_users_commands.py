"""`tradevantage users create` and `db upgrade`, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import uuid4

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from tradevantage.adapters.hashing import Argon2PasswordHasher
from tradevantage.adapters.persistence.database import create_engine, create_session_factory
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.domain.users.entities import Role, User
from tradevantage.entrypoints.cli.main import cli


def stored_user(database_url: str, email: str) -> User | None:
    async def read() -> User | None:
        engine = create_engine(database_url)
        try:
            async with create_session_factory(engine)() as session:
                return await SqlUnitOfWork(session).users.get_by_email(email)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def unique_email() -> str:
    return f"admin-{uuid4().hex[:8]}@example.com"


def test_users_create_makes_an_admin_with_the_password_from_stdin(cli_env: str) -> None:
    email = unique_email()
    result = CliRunner().invoke(
        cli,
        ["users", "create", email, "--full-name", "Ada Admin", "--role", "admin", "--password-stdin"],
        input="admin-secret-42\n",
    )

    assert result.exit_code == 0, result.output
    assert f"Created admin {email}" in result.output
    user = stored_user(cli_env, email)
    assert user is not None
    assert user.role is Role.ADMIN
    assert asyncio.run(Argon2PasswordHasher().verify(user.password_hash, "admin-secret-42"))


def test_users_create_with_bad_input_says_why_in_one_line(cli_env: str) -> None:
    result = CliRunner().invoke(
        cli, ["users", "create", "not-an-email", "--full-name", "X", "--password-stdin"], input="123\n"
    )

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "email: Enter a valid email address." in result.output
    assert "password: At least 8 characters." in result.output


def test_users_create_twice_is_refused(cli_env: str) -> None:
    email = unique_email()
    args = ["users", "create", email, "--full-name", "A", "--password-stdin"]
    assert CliRunner().invoke(cli, args, input="first-secret-1").exit_code == 0

    again = CliRunner().invoke(cli, [*args[:2], email.upper(), *args[3:]], input="second-secret-2")

    assert again.exit_code == 1
    assert "already exists" in again.output


def test_users_create_refuses_a_password_on_the_command_line(cli_env: str) -> None:
    result = CliRunner().invoke(cli, ["users", "create", unique_email(), "--full-name", "A"])
    assert result.exit_code == 2
    assert "--password-stdin" in result.output


def test_db_upgrade_creates_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("TRADEVANTAGE_JWT_SECRET", "x" * 40)

    result = CliRunner().invoke(cli, ["--database-url", url, "db", "upgrade"])

    assert result.exit_code == 0, result.output

    async def tables() -> set[str]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    assert {"users", "refresh_tokens", "alembic_version"} <= asyncio.run(tables())


def test_production_without_a_secret_stops_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEVANTAGE_ENVIRONMENT", "production")
    monkeypatch.delenv("TRADEVANTAGE_JWT_SECRET", raising=False)

    result = CliRunner().invoke(cli, ["db", "upgrade"])

    assert result.exit_code == 1
    assert "TRADEVANTAGE_JWT_SECRET must be set" in result.output
    assert "Traceback" not in result.output


def test_help_shows_examples() -> None:
    result = CliRunner().invoke(cli, ["users", "create", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


UNREACHABLE = "Cannot use the database"
UNUSABLE_URL = "is not a database this service can use"


@pytest.mark.parametrize(
    ("environment", "arguments", "reason"),
    [
        (
            {"TRADEVANTAGE_DATABASE_URL": "postgresql+asyncpg://x@127.0.0.1:9/x"},
            ["db", "upgrade"],
            "Cannot use the database",
        ),
        ({"TRADEVANTAGE_DATABASE_URL": "garbage"}, ["db", "upgrade"], "is not a database this service can use"),
        (
            {"TRADEVANTAGE_DATABASE_URL": "sqlite:///plain.db"},
            ["db", "upgrade"],
            "is not a database this service can use",
        ),
        ({"TRADEVANTAGE_WORKERS": "abc"}, ["serve"], "TRADEVANTAGE_WORKERS must be a whole number"),
        ({"TRADEVANTAGE_LOG_LEVEL": "loud"}, ["serve"], "TRADEVANTAGE_LOG_LEVEL must be one of"),
        ({"TRADEVANTAGE_ACCESS_TOKEN_MINUTES": "99999999999999"}, ["db", "upgrade"], "must be from 1 to 1440"),
    ],
)
def test_bad_settings_and_databases_end_with_a_one_line_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: dict[str, str], arguments: list[str], reason: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRADEVANTAGE_JWT_SECRET", "x" * 40)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(cli, arguments)

    assert result.exit_code == 1
    assert reason in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_users_create_on_a_database_never_migrated_says_to_migrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEVANTAGE_JWT_SECRET", "x" * 40)
    url = f"sqlite+aiosqlite:///{tmp_path / 'never-migrated.db'}"
    result = CliRunner().invoke(
        cli,
        ["--database-url", url, "users", "create", unique_email(), "--full-name", "A", "--password-stdin"],
        input="secret-123",
    )
    assert result.exit_code == 1
    assert "run `tradevantage db upgrade` first" in result.output
