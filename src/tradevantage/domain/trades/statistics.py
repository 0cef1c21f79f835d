"""The dashboard's figures, defined once: the database sums, these rules finish the figures."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID

from tradevantage.domain.trades.entities import (
    ZERO,
    DayResult,
    ExpertResult,
    ResultTotals,
    TickerResult,
    TradeStatistics,
)

RATIO_PLACES = Decimal("0.0001")
MONEY_PLACES = Decimal("0.01")


def summarize(
    totals: ResultTotals, by_expert: list[ExpertResult], by_ticker: list[TickerResult], daily: list[DayResult]
) -> TradeStatistics:
    """Win rate over closed trades, profit factor (None without a loss), averages rounded half-even
    to cents (None without such a trade), and the daily series with its running total."""
    win_rate = _ratio(Decimal(totals.wins), Decimal(totals.closed_trades)) if totals.closed_trades else ZERO
    profit_factor = _ratio(totals.gross_profit, abs(totals.gross_loss)) if totals.gross_loss else None
    return TradeStatistics(
        totals=totals,
        win_rate=win_rate,
        profit_factor=profit_factor,
        average_win=_money(totals.gross_profit / totals.wins) if totals.wins else None,
        average_loss=_money(totals.gross_loss / totals.losses) if totals.losses else None,
        by_expert=_experts_in_order(by_expert),
        by_ticker=sorted(by_ticker, key=lambda row: (-row.net_profit, row.ticker)),
        daily=_running_total(sorted(daily, key=lambda row: row.day)),
    )


def with_expert_labels(statistics: TradeStatistics, labels: dict[UUID, tuple[int, str]]) -> TradeStatistics:
    """The figures with each EA's current magic number and name (figures kept from an earlier
    request may name an EA its author has renamed since)."""
    relabelled = [
        replace(row, magic_number=labels[row.expert_id][0], name=labels[row.expert_id][1])
        if row.expert_id in labels
        else row
        for row in statistics.by_expert
    ]
    return replace(statistics, by_expert=_experts_in_order(relabelled))


def _experts_in_order(rows: list[ExpertResult]) -> list[ExpertResult]:
    return sorted(rows, key=lambda row: (-row.net_profit, row.magic_number))


def _running_total(days: list[DayResult]) -> list[DayResult]:
    total = ZERO
    series = []
    for day in days:
        total += day.net_profit
        series.append(replace(day, cumulative=total))
    return series


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator / denominator).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)


def _money(value: Decimal) -> Decimal:
    return value.quantize(MONEY_PLACES, rounding=ROUND_HALF_EVEN)
