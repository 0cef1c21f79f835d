"""`trades import`, `trades export` and `stats` on the real trade histories of shared/data, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.cli.test_admin_commands import in_database
from tests.factories import ExpertDetailsFactory, ExpertFactory, UserFactory
from tradevantage.domain.pagination import Ordering, PageRequest
from tradevantage.domain.trades.entities import Direction, Trade, TradeFilter, TradeStatus, TradeView
from tradevantage.domain.users.entities import Role, User
from tradevantage.entrypoints.cli.main import cli

HISTORIES = Path(__file__).resolve().parents[1] / "data" / "histories"
CLOSED = TradeFilter(status=TradeStatus.CLOSED)
ALL = TradeFilter()

pytestmark = pytest.mark.skipif(not HISTORIES.is_dir(), reason=f"the sample histories are not at {HISTORIES}")


@pytest.fixture
def trader(cli_env: str) -> User:
    """A trader, and EAs with the magic numbers the sample files carry (123 also stands for the MT4 files)."""
    user = UserFactory.build()
    author = UserFactory.build(role=Role.PROGRAMMER)

    async def seed(uow: Any) -> None:
        await uow.users.add(user)
        await uow.users.add(author)
        for magic in (123, 47836541):
            await uow.experts.add(
                ExpertFactory.build(created_by=author.id, details=ExpertDetailsFactory.build(magic_number=magic))
            )
        await uow.commit()

    in_database(cli_env, seed)
    return user


def run(*arguments: str) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in arguments])


def import_file(user: User, path: Path, *options: str) -> Result:
    return run("trades", "import", path, "--user", user.email, *options)


def trades_of(url: str, user: User, where: TradeFilter = ALL) -> list[TradeView]:
    return trades_of_all(url, user, where)


def totals_of(url: str, user: User, where: TradeFilter = CLOSED) -> Any:
    return in_database(url, lambda uow: uow.trades.totals(user.id, where))


def summary_numbers(result: Result) -> dict[str, int]:
    numbers = {}
    for line in result.output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("created", "updated", "unchanged", "invalid"):
            numbers[parts[0]] = int(parts[1])
    return numbers


def test_mt4_statement_gives_its_figures_and_reimports_unchanged(cli_env: str, trader: User) -> None:
    first = import_file(trader, HISTORIES / "mt4-statement.htm", "--expert", "123", "--utc-offset", "+02:00")
    again = import_file(trader, HISTORIES / "mt4-statement.htm", "--expert", "123", "--utc-offset", "+02:00")

    assert first.exit_code == 0, first.output
    assert summary_numbers(first) == {"created": 125, "updated": 0, "unchanged": 0, "invalid": 0}
    assert "1 cash row(s), 3 cancelled order(s)" in first.output
    assert summary_numbers(again) == {"created": 0, "updated": 0, "unchanged": 125, "invalid": 0}
    closed = totals_of(cli_env, trader)
    assert (closed.closed_trades, closed.net_profit, closed.total_lots) == (124, Decimal("8205.65"), Decimal("493.83"))
    buys = totals_of(cli_env, trader, TradeFilter(status=TradeStatus.CLOSED, direction=Direction.BUY))
    assert buys.closed_trades == 68
    open_trades = trades_of(cli_env, trader, TradeFilter(status=TradeStatus.OPEN))
    assert [view.trade.direction for view in open_trades] == [Direction.SELL]
    profit_column = sum((v.trade.profit for v in trades_of_all(cli_env, trader, CLOSED)), Decimal(0))
    assert profit_column == Decimal("10780.02")


def trades_of_all(url: str, user: User, where: TradeFilter) -> list[TradeView]:
    views: list[TradeView] = []
    number = 1
    while True:
        request = PageRequest(number, 100)
        total = in_database(url, lambda uow: uow.trades.count(user.id, where))
        page = in_database(
            url,
            lambda uow, request=request, total=total: uow.trades.list_page(
                user.id, where, Ordering("open_time"), request, total
            ),
        )
        views += page.items
        if not page.has_next:
            return views
        number += 1


def test_mt4_history_csv_gives_its_figures(cli_env: str, trader: User) -> None:
    result = import_file(trader, HISTORIES / "mt4-history.csv", "--expert", "123")

    assert result.exit_code == 0, result.output
    assert summary_numbers(result)["created"] == 84
    closed = totals_of(cli_env, trader)
    assert (closed.closed_trades, closed.net_profit, closed.total_lots) == (84, Decimal("253.06"), Decimal("3.72"))
    views = trades_of_all(cli_env, trader, CLOSED)
    assert len({v.trade.ticket_number for v in views}) == 84
    assert len({v.trade.ticker for v in views}) == 11
    assert sum((v.trade.profit for v in views), Decimal(0)) == Decimal("254.13")


def test_myfxbook_counts_commission_once_and_keeps_the_row_magic(cli_env: str, trader: User) -> None:
    first = import_file(trader, HISTORIES / "myfxbook-export.csv")
    again = import_file(trader, HISTORIES / "myfxbook-export.csv")

    assert first.exit_code == 0, first.output
    views = trades_of(cli_env, trader)
    assert [(v.trade.ticker, v.magic_number) for v in views] == [("XAUUSD", 47836541)] * 2
    assert sum((v.trade.commission for v in views), Decimal(0)) == Decimal("-1.40")
    assert totals_of(cli_env, trader).net_profit == Decimal("75.70")
    assert summary_numbers(again)["unchanged"] == 2, "derived tickets find the same trades again"


def test_fxblue_skips_the_deposit_and_imports_the_open_position(cli_env: str, trader: User) -> None:
    result = import_file(trader, HISTORIES / "fxblue-export.csv")

    assert result.exit_code == 0, result.output
    assert "1 cash row(s)" in result.output
    totals = totals_of(cli_env, trader, TradeFilter())
    assert (totals.closed_trades, totals.open_trades, totals.net_profit) == (2, 1, Decimal("-32.26"))


def test_a_broken_row_writes_nothing_and_is_named_by_its_line(cli_env: str, trader: User, tmp_path: Path) -> None:
    lines = (HISTORIES / "mt4-history.csv").read_text().splitlines(keepends=True)
    cells = lines[39].split('","')
    cells[3] = "lots?"
    lines[39] = '","'.join(cells)
    broken = tmp_path / "broken.csv"
    broken.write_text("".join(lines))

    refused = import_file(trader, broken, "--expert", "123")
    assert refused.exit_code == 1
    assert "line 40:" in refused.output
    assert "Nothing was written" in refused.output
    assert trades_of(cli_env, trader) == []

    skipped = import_file(trader, broken, "--expert", "123", "--skip-invalid")
    assert skipped.exit_code == 0, skipped.output
    assert summary_numbers(skipped) == {"created": 83, "updated": 0, "unchanged": 0, "invalid": 1}


def test_rows_without_an_expert_need_one(cli_env: str, trader: User) -> None:
    result = import_file(trader, HISTORIES / "mt4-history.csv")
    assert result.exit_code == 1
    assert "give --expert MAGIC" in result.output


def test_unknown_experts_are_created_as_private_placeholders_on_request(cli_env: str, trader: User) -> None:
    refused = import_file(trader, HISTORIES / "mt4-history.csv", "--expert", "999")
    assert "add --create-experts" in refused.output
    no_admin = import_file(trader, HISTORIES / "mt4-history.csv", "--expert", "999", "--create-experts")
    assert "create one first" in no_admin.output
    admin = ["users", "create", "root@example.com", "--full-name", "Root", "--role", "admin", "--password-stdin"]
    assert CliRunner().invoke(cli, admin, input="root-secret-1").exit_code == 0
    created = CliRunner().invoke(
        cli,
        [
            "trades",
            "import",
            str(HISTORIES / "mt4-history.csv"),
            "--user",
            trader.email,
            "--expert",
            "999",
            "--create-experts",
        ],
    )
    assert created.exit_code == 0, created.output
    expert = in_database(cli_env, lambda uow: uow.experts.get_by_magic(999))
    assert expert is not None
    assert expert.archived is True


@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_export_then_import_round_trips(cli_env: str, trader: User, tmp_path: Path, export_format: str) -> None:
    import_file(trader, HISTORIES / "fxblue-export.csv")
    first = trades_of(cli_env, trader)[0].trade
    marked = replace(first, account_number="5551234", comment='hedge, "partial" €', stop_loss=Decimal("1.04"))
    in_database(cli_env, lambda uow: _update_and_commit(uow, marked))
    exported = tmp_path / f"trades.{export_format}"
    result = run("trades", "export", "--user", trader.email, "--format", export_format, "--output", exported)
    assert result.exit_code == 0, result.output

    twin = UserFactory.build()
    in_database(cli_env, lambda uow: _add_and_commit(uow, twin))
    reimported = import_file(twin, exported)

    assert reimported.exit_code == 0, reimported.output
    assert [_comparable(v) for v in trades_of(cli_env, twin)] == [_comparable(v) for v in trades_of(cli_env, trader)]


async def _update_and_commit(uow: Any, trade: Trade) -> None:
    await uow.trades.update(trade)
    await uow.commit()


async def _add_and_commit(uow: Any, user: User) -> None:
    await uow.users.add(user)
    await uow.commit()


def _comparable(view: TradeView) -> tuple[Any, ...]:
    trade = view.trade
    return (
        trade.ticket_number,
        view.magic_number,
        trade.ticker,
        trade.direction,
        trade.lot_size,
        trade.open_time,
        trade.close_time,
        trade.open_price,
        trade.close_price,
        trade.commission,
        trade.swap,
        trade.profit,
        trade.stop_loss,
        trade.take_profit,
        trade.account_number,
        trade.comment,
    )


def test_stats_prints_the_dashboard_figures(cli_env: str, trader: User) -> None:
    import_file(trader, HISTORIES / "mt4-history.csv", "--expert", "123")
    result = run("stats", "--user", trader.email, "--status", "closed")
    assert result.exit_code == 0, result.output
    assert "253.06" in result.output
    assert "By symbol" in result.output
    bad = run("stats", "--user", trader.email, "--profit-min", "lots")
    assert bad.exit_code == 1
    assert "profit_min" in bad.output


def test_a_file_with_no_rows_for_its_format_is_an_error(cli_env: str, trader: User) -> None:
    result = import_file(trader, HISTORIES / "mt4-history.csv", "--expert", "123", "--format", "mt4-html")
    assert result.exit_code == 1
    assert "No rows were found" in result.output


def test_a_failed_export_leaves_an_existing_file_alone(cli_env: str, tmp_path: Path) -> None:
    kept = tmp_path / "keep.csv"
    kept.write_text("data\n")
    result = run("trades", "export", "--user", "nobody@example.com", "--output", kept)
    assert result.exit_code == 1
    assert kept.read_text() == "data\n"
    assert list(tmp_path.iterdir()) == [kept]


def test_a_deeply_nested_json_line_is_an_invalid_row_not_a_crash(cli_env: str, trader: User, tmp_path: Path) -> None:
    nested = tmp_path / "nested.jsonl"
    nested.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n")
    result = import_file(trader, nested, "--format", "tradevantage-json", "--expert", "123")
    assert result.exit_code == 1
    assert "line 1: Not a JSON object." in result.output
    assert "Traceback" not in result.output
