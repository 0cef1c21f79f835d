"""The daily series of a statistics answer is rendered once per kept series."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tradevantage.domain.trades.entities import DayResult
from tradevantage.entrypoints.http.schemas.trades import DayFigures, RenderedSeries


def series(*profits: str) -> list[DayResult]:
    return [DayResult(date(2026, 1, day), Decimal(p), Decimal(p)) for day, p in enumerate(profits, start=1)]


def test_a_series_is_rendered_as_the_contract_writes_figures() -> None:
    rendered = RenderedSeries(max_entries=4).of(series("12.50000000", "-3"))
    assert rendered == (
        DayFigures(date="2026-01-01", net_profit="12.50", cumulative="12.50"),
        DayFigures(date="2026-01-02", net_profit="-3.00", cumulative="-3.00"),
    )


def test_the_same_series_is_rendered_once() -> None:
    renderer, daily = RenderedSeries(max_entries=4), series("1", "2")
    assert renderer.of(daily) is renderer.of(daily)


def test_an_equal_but_different_series_is_rendered_anew() -> None:
    renderer = RenderedSeries(max_entries=4)
    first, second = series("1"), series("1")
    assert renderer.of(first) is not renderer.of(second)
    assert renderer.of(first) == renderer.of(second)


def test_a_series_dropped_from_the_entries_is_rendered_again() -> None:
    renderer = RenderedSeries(max_entries=2)
    oldest = series("1")
    kept = renderer.of(oldest)
    renderer.of(series("2"))
    renderer.of(series("3"))
    assert renderer.of(oldest) is not kept
    assert len(renderer) == 2
