"""SQL functions the embedded SQLite database lacks, registered on each of its connections.

SQLite's SUM of 64-bit integers fails past 9.2e18 (money is kept there as counts of 10^-8), and
its lower() folds ASCII letters only. These keep SQLite's answers equal to PostgreSQL's.
"""

from __future__ import annotations

import sqlite3
from typing import Any


class ExactSum:
    """SUM over integers of any size, as an aggregate and as a window function. Returns text, since a
    total may not fit SQLite's 64-bit integers."""

    def __init__(self) -> None:
        self.total = 0
        self.rows = 0

    def step(self, value: int | None) -> None:
        if value is not None:
            self.total += int(value)
            self.rows += 1

    def inverse(self, value: int | None) -> None:
        if value is not None:
            self.total -= int(value)
            self.rows -= 1

    def value(self) -> str | None:
        return str(self.total) if self.rows else None

    def finalize(self) -> str | None:
        return self.value()


class RunningDrawdown:
    """A window function over results in closing order: at each row, the largest fall so far of the
    running total from its peak (the peak starting at zero). Its value at the last row is the
    maximum drawdown."""

    def __init__(self) -> None:
        self.running = 0
        self.peak = 0
        self.drawdown = 0

    def step(self, value: int | None) -> None:
        if value is not None:
            self.running += int(value)
            self.peak = max(self.peak, self.running)
            self.drawdown = max(self.drawdown, self.peak - self.running)

    def inverse(self, value: int | None) -> None:  # pragma: no cover - only used with frames that grow
        raise NotImplementedError

    def value(self) -> str:
        return str(self.drawdown)

    def finalize(self) -> str:
        return self.value()


def _lower(text: Any) -> Any:
    return text.lower() if isinstance(text, str) else text


def register(connection: sqlite3.Connection) -> None:
    connection.create_aggregate("exact_sum", 1, ExactSum)  # type: ignore[arg-type]  # the stub wants step(int)
    connection.create_window_function("exact_sum", 1, ExactSum)
    connection.create_window_function("running_drawdown", 1, RunningDrawdown)
    connection.create_function("lower", 1, _lower, deterministic=True)
