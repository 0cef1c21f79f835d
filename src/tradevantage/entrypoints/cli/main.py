"""`tradevantage`: serve the API, migrate the database, manage accounts."""

from __future__ import annotations

import os

import click

from tradevantage.config import PREFIX
from tradevantage.entrypoints.cli.context import CommandContext, Commands, pass_context
from tradevantage.entrypoints.cli.serving import DEFAULT_SERVER, Server, run_server
from tradevantage.entrypoints.cli.subscriptions_commands import subscriptions
from tradevantage.entrypoints.cli.trades_commands import stats, trades
from tradevantage.entrypoints.cli.users_commands import users
from tradevantage.entrypoints.http.observability import configure_logging


@click.group(cls=Commands)
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
    ctx.obj = CommandContext()


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
@click.option(
    "--server",
    type=click.Choice([server.value for server in Server]),
    default=DEFAULT_SERVER.value,
    show_default=True,
    help="ASGI server (uvicorn is kept for comparison).",
)
@pass_context
def serve(context: CommandContext, host: str, port: int, workers: int | None, server: str) -> None:
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
    run_server(
        "tradevantage.entrypoints.http.app:create_served_app",
        server=Server(server),
        host=host,
        port=port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
    )


@cli.group()
def db() -> None:
    """Database schema."""


@db.command()
@pass_context
def upgrade(context: CommandContext) -> None:
    """Apply every pending migration.

    \b
    Example:
      TRADEVANTAGE_DATABASE_URL=postgresql+asyncpg://user@localhost/tradevantage tradevantage db upgrade
    """
    context.container.migrator().upgrade()
    click.echo("Database is up to date.")


cli.add_command(users)
cli.add_command(subscriptions)
cli.add_command(trades)
cli.add_command(stats)
