"""`tradevantage`: serve the API, migrate the database, manage accounts."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
import uvicorn
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidRequestError, NoSuchModuleError

from tradevantage.config import PREFIX, ConfigurationError, Settings
from tradevantage.container import Container, build_container
from tradevantage.domain.errors import DomainError
from tradevantage.domain.users.service import UserService
from tradevantage.entrypoints.http.observability import configure_logging

T = TypeVar("T")


class _Context:
    """What every command shares: the container, built on first use from the settings."""

    def __init__(self) -> None:
        self._container: Container | None = None

    @property
    def container(self) -> Container:
        if self._container is None:
            try:
                self._container = build_container(Settings.from_env())
            except ConfigurationError as error:
                raise click.ClickException(str(error)) from None
        return self._container


pass_context = click.make_pass_decorator(_Context, ensure=True)


class _Commands(click.Group):
    """Turns the errors a user can cause (bad settings, input, database URL) into a one-line reason."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            reason = explain(error)
            if reason is None:
                raise
            raise click.ClickException(reason) from None


@click.group(cls=_Commands)
@click.option(
    "--database-url",
    metavar="URL",
    help=f"Database to use, overriding {PREFIX}DATABASE_URL (default: a SQLite file in this folder).",
)
@click.version_option(package_name="tradevantage")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """TradeVantage: the REST service for MetaTrader traders and Expert Advisor authors.

    \b
    Examples:
      tradevantage serve --port 8000
      tradevantage db upgrade
      tradevantage users create ada@example.com --full-name "Ada" --role admin --password-stdin < pw.txt
    """
    if database_url:
        os.environ[PREFIX + "DATABASE_URL"] = database_url
    ctx.obj = _Context()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    show_default=f"{PREFIX}WORKERS or 1",
    help="Worker processes.",
)
@pass_context
def serve(context: _Context, host: str, port: int, workers: int | None) -> None:
    """Run the API server. The embedded SQLite database is created and migrated on first start.

    \b
    Examples:
      tradevantage serve
      TRADEVANTAGE_DATABASE_URL=postgresql+asyncpg://user@localhost/tradevantage tradevantage serve --workers 2
    """
    settings = context.container.settings()
    configure_logging(settings.log_level)
    if settings.migrate_on_start:
        context.container.migrator().upgrade()
    workers = workers or settings.workers
    if workers > 1:
        prepare_shared_metrics()
    uvicorn.run(
        "tradevantage.entrypoints.http.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        log_config=None,  # logging is configured by the app: JSON lines with request ids
        access_log=False,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=20,
        # Importing the app takes seconds on a small, busy machine: do not kill workers still starting.
        timeout_worker_healthcheck=30,
    )


def prepare_shared_metrics() -> None:
    """Several worker processes share their metrics through files, so /metrics adds up all of them.

    Uses PROMETHEUS_MULTIPROC_DIR when set (emptied of a previous run's files), else a new
    temporary folder; the workers inherit the variable.
    """
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tradevantage-metrics-")


@cli.group()
def db() -> None:
    """Database schema."""


@db.command()
@pass_context
def upgrade(context: _Context) -> None:
    """Apply every pending migration.

    \b
    Example:
      TRADEVANTAGE_DATABASE_URL=postgresql+asyncpg://user@localhost/tradevantage tradevantage db upgrade
    """
    context.container.migrator().upgrade()
    click.echo("Database is up to date.")


@cli.group()
def users() -> None:
    """Accounts."""


@users.command("create")
@click.argument("email")
@click.option("--full-name", required=True, help="The person's full name.")
@click.option(
    "--role",
    type=click.Choice(["user", "programmer", "admin"]),
    default="user",
    show_default=True,
    help="The account's role; this is the only way to make an admin.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (required).")
@pass_context
def create_user(context: _Context, email: str, full_name: str, role: str, password_stdin: bool) -> None:
    """Create an account of any role, administrators included.

    \b
    Example:
      printf '%s' "$PW" | tradevantage users create ada@example.com --full-name "Ada" --role admin --password-stdin
    """
    if not password_stdin:
        raise click.UsageError("Give the password on standard input with --password-stdin, never as an argument.")
    password = sys.stdin.read().rstrip("\r\n")
    user = run_with_user_service(
        context.container, lambda service: service.create_account(email, full_name, password, role)
    )
    click.echo(f"Created {user.role.value} {user.email} ({user.id}).")


def run_with_user_service(container: Container, use: Callable[[UserService], Awaitable[T]]) -> T:
    """Run one unit of work on the user service."""

    async def run() -> T:
        try:
            async with container.session_factory()() as session:
                return await use(container.user_service(uow__session=session))
        finally:
            await container.engine().dispose()

    return asyncio.run(run())


def explain(error: Exception) -> str | None:
    """A one-line reason for an error the user can fix, or None for a bug (shown in full)."""
    if isinstance(error, DomainError):
        reasons = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
        return f"{error.detail} {reasons}".strip()
    if isinstance(error, ConfigurationError):
        return str(error)
    if isinstance(error, (ArgumentError, NoSuchModuleError, ModuleNotFoundError, InvalidRequestError)):
        return (
            f"{PREFIX}DATABASE_URL is not a database this service can use ({_first_line(error)}). "
            "Use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user:password@host:5432/name."
        )
    if isinstance(error, DBAPIError) and _MISSING_TABLE.search(str(error.orig)):
        return "The database has no schema yet: run `tradevantage db upgrade` first."
    if isinstance(error, (DBAPIError, OSError)):
        return f"Cannot use the database: {_first_line(error)}"
    return None


_MISSING_TABLE = re.compile(r"no such table|relation .* does not exist", re.IGNORECASE)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
