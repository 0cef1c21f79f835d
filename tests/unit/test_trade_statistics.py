"""The statistics' definitions, on sums given by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from tradevantage.domain.trades.entities import DayResult, ExpertResult, ResultTotals, TickerResult
from tradevantage.domain.trades.statistics import summarize, with_expert_labels


def test_ratios_and_averages() -> None:
    totals = ResultTotals(
        closed_trades=11,
        wins=6,
        losses=4,
        gross_profit=Decimal("257.75"),
        gross_loss=Decimal("-172.50"),
    )
    stats = summarize(totals, [], [], [])
    assert stats.win_rate == Decimal("0.5455")
    assert stats.profit_factor == Decimal("1.4942")
    assert stats.average_win == Decimal("42.96")
    assert stats.average_loss == Decimal("-43.12"), "-43.125 rounds half-even"


def test_no_closed_trades_no_losses_no_wins() -> None:
    stats = summarize(ResultTotals(), [], [], [])
    assert stats.win_rate == Decimal(0)
    assert (stats.profit_factor, stats.average_win, stats.average_loss) == (None, None, None)


def test_only_wins_has_no_profit_factor() -> None:
    stats = summarize(ResultTotals(closed_trades=2, wins=2, gross_profit=Decimal(10)), [], [], [])
    assert stats.win_rate == Decimal("1.0000")
    assert stats.profit_factor is None


def test_breakdowns_are_largest_first_and_days_oldest_first_with_running_total() -> None:
    stats = summarize(
        ResultTotals(),
        [ExpertResult(uuid4(), 1, "A", 2, Decimal("3.75")), ExpertResult(uuid4(), 2, "B", 3, Decimal("81.5"))],
        [TickerResult("XAUUSD", 1, Decimal(-65)), TickerResult("EURUSD", 1, Decimal("150.25"))],
        [
            DayResult(date(2025, 5, 3), Decimal("84.75")),
            DayResult(date(2025, 5, 1), Decimal("74.5")),
            DayResult(date(2025, 5, 2), Decimal(-74)),
        ],
    )
    assert [row.magic_number for row in stats.by_expert] == [2, 1]
    assert [row.ticker for row in stats.by_ticker] == ["EURUSD", "XAUUSD"]
    assert [(row.day.day, row.cumulative) for row in stats.daily] == [
        (1, Decimal("74.5")),
        (2, Decimal("0.5")),
        (3, Decimal("85.25")),
    ]


def test_current_labels_replace_kept_ones_and_the_order_follows_the_magic_number_on_ties() -> None:
    first, second, gone = uuid4(), uuid4(), uuid4()
    kept = summarize(
        ResultTotals(),
        [
            ExpertResult(first, 1, "Old one", 1, Decimal(5)),
            ExpertResult(second, 2, "Old two", 1, Decimal(5)),
            ExpertResult(gone, 3, "Unknown now", 1, Decimal(1)),
        ],
        [],
        [],
    )

    stats = with_expert_labels(kept, {first: (9, "One"), second: (2, "Two")})

    assert [(row.magic_number, row.name) for row in stats.by_expert] == [(2, "Two"), (9, "One"), (3, "Unknown now")]
