"""`tradevantage trades import|export` and `tradevantage stats`: trade history without HTTP."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.container import Container
from tradevantage.domain.pagination import PageRequest
from tradevantage.domain.trades.entities import TradeStatistics, TradeView
from tradevantage.domain.trades.importing import ImportOptions, ImportSummary
from tradevantage.domain.users.entities import Principal
from tradevantage.domain.values import format_decimal, format_timestamp, parse_positive_id
from tradevantage.entrypoints.cli.context import CommandContext, output_console, pass_context, run_in_session
from tradevantage.entrypoints.trade_filters import build_trade_filter

F = TypeVar("F", bound=Callable[..., Any])
EXPORT_COLUMNS = (
    "ticket_number",
    "expert",
    "ticker",
    "direction",
    "lot_size",
    "open_time",
    "close_time",
    "open_price",
    "close_price",
    "stop_loss",
    "take_profit",
    "commission",
    "swap",
    "profit",
    "account_number",
    "comment",
)
FILTERS = (
    "expert",
    "ticker",
    "direction",
    "status",
    "account_number",
    "open_time_after",
    "open_time_before",
    "close_time_after",
    "close_time_before",
    "profit_min",
    "profit_max",
    "lot_size_min",
    "lot_size_max",
)
_OFFSET = re.compile(r"^([+-])?(\d{1,2})(?::?(\d{2}))?$")
EXPORT_PAGE = 1000


def trade_filters(command: F) -> F:
    """The API's trade filters, as options (`--close-time-after 2025-05-01` …)."""
    for name in reversed(FILTERS):
        command = click.option(f"--{name.replace('_', '-')}", name, metavar="VALUE", help=f"As the API's {name}.")(
            command
        )
    return command


@click.group()
def trades() -> None:
    """Trade histories: import files from trading tools, export, and the dashboard's figures."""


@trades.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The account the trades belong to (its email).")
@click.option("--expert", "magic", help="Magic number of the EA for rows that name none.")
@click.option("--format", "format_name", default="auto", show_default=True, help="auto, or a format name (see below).")
@click.option("--utc-offset", default="+00:00", show_default=True, help="Broker server time zone, e.g. +02:00.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even when some are invalid.")
@click.option("--create-experts", is_flag=True, help="Create unknown EAs as private placeholders owned by an admin.")
@pass_context
def import_trades(
    context: CommandContext,
    file: Path,
    email: str,
    magic: str | None,
    format_name: str,
    utc_offset: str,
    skip_invalid: bool,
    create_experts: bool,
) -> None:
    """Import a trade history exported by MetaTrader 4 (detailed statement HTML or history CSV), myfxbook,
    FX Blue, an MQL5 signal, or this service's own export. Formats: auto, mt4-html, mt4-csv, myfxbook,
    fxblue, mql5, tradevantage-csv, tradevantage-json.

    By default a file with any invalid row writes nothing; importing the same file again changes nothing.

    \b
    Examples:
      tradevantage trades import Statement.htm --user trader@example.com --expert 123 --utc-offset +02:00
      tradevantage trades import history.csv --user trader@example.com --expert 123 --skip-invalid
    """
    options = ImportOptions(
        fallback_magic_number=_magic_option(magic),
        utc_offset=_offset_option(utc_offset),
        skip_invalid=skip_invalid,
        create_experts=create_experts,
    )
    container = context.container
    encoding = _encoding_of(file)
    with file.open(encoding=encoding, errors="replace", newline="") as stream:
        reader = container.history_reader(format_name, stream.read(8192))
        stream.seek(0)
        with _ProgressBar(file) as advance:
            summary = run_in_session(
                container,
                lambda session: container.trade_importer(uow__session=session).run(
                    email, reader.read(_counted(stream, advance)), options
                ),
            )
    _print_summary(file, reader.name, summary)
    rows = summary.created + summary.updated + summary.unchanged + summary.invalid + summary.cash + summary.cancelled
    if rows == 0:
        raise click.ClickException(f"No rows were found in {file.name} as {reader.name}; check --format.")
    if not summary.written:
        raise click.ClickException(
            f"Nothing was written: {summary.invalid} invalid row(s). Correct them, or pass --skip-invalid."
        )


@trades.command("export")
@click.option("--user", "email", required=True, help="Whose trades (their email).")
@click.option("--format", "format_name", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="A file to write (default: stdout).")
@trade_filters
@pass_context
def export_trades(
    context: CommandContext, /, email: str, format_name: str, output: Path | None, **filters: str | None
) -> None:
    """Write a user's trades, oldest first, as CSV or JSON lines; `trades import` reads both back.

    \b
    Examples:
      tradevantage trades export --user trader@example.com > trades.csv
      tradevantage trades export --user trader@example.com --format json --status closed --output closed.jsonl
    """
    where = build_trade_filter(**filters)
    container = context.container
    # Written aside and moved into place at the end, so a failed export leaves an existing file alone.
    draft = output.with_name(f".{output.name}.partial") if output else None
    target: IO[str] = draft.open("w", encoding="utf-8", newline="") if draft else sys.stdout
    try:
        write = _csv_writer(target) if format_name == "csv" else _json_writer(target)

        async def export(session: AsyncSession) -> int:
            caller = await _principal(container, session, email)
            service = container.trade_service(uow__session=session)
            count, number = 0, 1
            while True:
                page = await service.browse(caller, where, "open_time", PageRequest(number, EXPORT_PAGE))
                for view in page.items:
                    write(_export_row(view))
                count += len(page.items)
                if not page.has_next:
                    return count
                number += 1

        written = run_in_session(container, export)
    except BaseException:
        if draft:
            target.close()
            draft.unlink(missing_ok=True)
        raise
    if draft and output:
        target.close()
        draft.replace(output)
        click.echo(f"Wrote {written} trade(s) to {output}.", err=True)


@click.command()
@click.option("--user", "email", required=True, help="Whose figures (their email).")
@trade_filters
@pass_context
def stats(context: CommandContext, /, email: str, **filters: str | None) -> None:
    """The dashboard's figures (as GET /api/trade/stats/), as tables.

    \b
    Examples:
      tradevantage stats --user trader@example.com
      tradevantage stats --user trader@example.com --expert 123 --close-time-after 2025-05-01
    """
    where = build_trade_filter(**filters)
    container = context.container

    async def figures(session: AsyncSession) -> TradeStatistics:
        caller = await _principal(container, session, email)
        return await container.trade_service(uow__session=session).statistics(caller, where)

    _print_statistics(run_in_session(container, figures))


async def _principal(container: Container, session: AsyncSession, email: str) -> Principal:
    user = await container.user_service(uow__session=session).find(email)
    return Principal(id=user.id, email=user.email, role=user.role)


def _magic_option(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_positive_id(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--expert") from None


def _offset_option(value: str) -> timedelta:
    match = _OFFSET.match(value.strip())
    if match is None or int(match.group(2)) > 14 or int(match.group(3) or 0) >= 60:
        raise click.BadParameter("Expected an offset like +02:00, -05:30 or +3.", param_hint="--utc-offset")
    sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -offset if sign == "-" else offset


def _encoding_of(path: Path) -> str:
    """UTF-16 when the file says so (MetaTrader saves some exports that way), UTF-8 when it reads as such,
    else Windows-1252, MetaTrader's default code page."""
    with path.open("rb") as raw:
        head = raw.read(65536)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if error.start < len(head) - 4:
            return "cp1252"
    return "utf-8-sig"


class _ProgressBar:
    """A progress bar over the file's bytes, on a terminal only."""

    def __init__(self, path: Path) -> None:
        self._total = path.stat().st_size
        self._console = Console(stderr=True)
        self._bar: Progress | None = None

    def __enter__(self) -> Callable[[int], None]:
        if not self._console.is_terminal:
            return lambda _: None
        self._bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=self._console,
            transient=True,
        )
        self._bar.start()
        task = self._bar.add_task("Importing", total=self._total)
        bar = self._bar
        return lambda size: bar.advance(task, size)

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _counted(stream: Iterable[str], advance: Callable[[int], None]) -> Iterator[str]:
    for line in stream:
        advance(len(line))
        yield line


def _print_summary(file: Path, format_name: str, summary: ImportSummary) -> None:
    click.echo(f"{file.name} ({format_name}):")
    click.echo(f"  created    {summary.created}")
    click.echo(f"  updated    {summary.updated}")
    click.echo(f"  unchanged  {summary.unchanged}")
    click.echo(f"  invalid    {summary.invalid}")
    click.echo(f"  left out   {summary.cash} cash row(s), {summary.cancelled} cancelled order(s)")
    for problem in summary.problems:
        click.echo(f"  line {problem.line}: {problem.reason}")
    if summary.invalid > len(summary.problems):
        click.echo(f"  … and {summary.invalid - len(summary.problems)} more invalid row(s)")


def _export_row(view: TradeView) -> dict[str, str]:
    trade = view.trade

    def money(value: Any) -> str:
        return "" if value is None else format_decimal(value)

    return {
        "ticket_number": str(trade.ticket_number),
        "expert": str(view.magic_number),
        "ticker": trade.ticker,
        "direction": trade.direction.value,
        "lot_size": format_decimal(trade.lot_size),
        "open_time": format_timestamp(trade.open_time),
        "close_time": format_timestamp(trade.close_time) if trade.close_time else "",
        "open_price": money(trade.open_price),
        "close_price": money(trade.close_price),
        "stop_loss": money(trade.stop_loss),
        "take_profit": money(trade.take_profit),
        "commission": format_decimal(trade.commission),
        "swap": format_decimal(trade.swap),
        "profit": format_decimal(trade.profit),
        "account_number": trade.account_number or "",
        "comment": trade.comment,
    }


def _csv_writer(target: IO[str]) -> Callable[[dict[str, str]], None]:
    writer = csv.DictWriter(target, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    return writer.writerow


def _json_writer(target: IO[str]) -> Callable[[dict[str, str]], None]:
    def write(row: dict[str, str]) -> None:
        target.write(json.dumps({k: (v if v != "" else None) for k, v in row.items()}, ensure_ascii=False) + "\n")

    return write


def _print_statistics(figures: TradeStatistics) -> None:
    totals = figures.totals
    console = output_console()
    summary = Table("figure", "value", title="Trades")

    def money(value: Any) -> str:
        return "-" if value is None else format_decimal(value)

    rows = [
        ("trades", str(totals.trades)),
        ("open trades", str(totals.open_trades)),
        ("closed trades", str(totals.closed_trades)),
        ("total lots", money(totals.total_lots)),
        ("net profit", money(totals.net_profit)),
        ("gross profit", money(totals.gross_profit)),
        ("gross loss", money(totals.gross_loss)),
        ("win rate", f"{figures.win_rate:.4f}"),
        ("profit factor", "-" if figures.profit_factor is None else f"{figures.profit_factor:.4f}"),
        ("average win", money(figures.average_win)),
        ("average loss", money(figures.average_loss)),
        ("largest win", money(totals.largest_win)),
        ("largest loss", money(totals.largest_loss)),
        ("max drawdown", money(totals.max_drawdown)),
    ]
    for name, value in rows:
        summary.add_row(name, value)
    console.print(summary)
    by_expert = Table("magic_number", "name", "trades", "net_profit", title="By expert")
    for row in figures.by_expert:
        by_expert.add_row(str(row.magic_number), row.name, str(row.trades), money(row.net_profit))
    by_ticker = Table("ticker", "trades", "net_profit", title="By symbol")
    for ticker_row in figures.by_ticker:
        by_ticker.add_row(ticker_row.ticker, str(ticker_row.trades), money(ticker_row.net_profit))
    daily = Table("date", "net_profit", "cumulative", title="By day (UTC)")
    for day in figures.daily:
        daily.add_row(day.day.isoformat(), money(day.net_profit), money(day.cumulative))
    for table in (by_expert, by_ticker, daily):
        console.print(table)
