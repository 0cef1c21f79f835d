"""What every command shares: the container, one session per command, and one-line error messages."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from rich.console import Console
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidRequestError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.config import PREFIX, ConfigurationError, Settings
from tradevantage.container import Container, build_container
from tradevantage.domain.errors import DomainError

T = TypeVar("T")


class CommandContext:
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


pass_context = click.make_pass_decorator(CommandContext, ensure=True)


class Commands(click.Group):
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


def run_in_session(container: Container, use: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one unit of work in a session of its own, then close the database pool."""

    async def run() -> T:
        try:
            async with container.session_factory()() as session:
                return await use(session)
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


def output_console() -> Console:
    """Rich output; wide enough when piped or captured that tables are not folded."""
    console = Console()
    return console if console.is_terminal else Console(width=200)
