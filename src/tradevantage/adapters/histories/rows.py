"""One line of a trade-history file, as the readers give it: text as the file has it, cleaned but not interpreted.

The readers only make the formats alike (plain decimals, `YYYY-MM-DD HH:MM:SS` broker times, gross profit);
turning a row into a trade (time zones, derived tickets, validation against the domain's rules) is the
importer's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RowKind(StrEnum):
    """What a row of a history is."""

    TRADE = "trade"
    """A closed or open position."""
    CASH = "cash"
    """Deposits, withdrawals, balance adjustments, financing, credit: not trades."""
    CANCELLED = "cancelled"
    """Pending orders that never filled (buy limit cancelled ...): not trades."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A row of a history file.

    Numbers are plain decimal text ("." as the point, no thousands separators); `profit` is gross, so that
    profit + commission + swap is what the position made (taxes are counted in `commission`). A row that cannot
    be read has `problem` set to one short sentence, `kind` TRADE, and possibly nothing else.
    """

    line: int
    """Physical line number in the file, 1-based; the header line (and a `sep=` line) count."""
    kind: RowKind
    ticket: str | None = None
    """As in the file; None when the format has none (myfxbook, MQL5)."""
    magic_number: str | None = None
    """When the row carries one (myfxbook, FX Blue, our CSV); a file's "0" (no magic number) is None."""
    symbol: str = ""
    """As the broker spells it, case and suffixes kept: "eurusd-2", "EURUSD.i"."""
    direction: str = ""
    """"BUY" or "SELL"; empty for cash movements."""
    lots: str = ""
    open_time: str = ""
    """Naive broker time "YYYY-MM-DD HH:MM:SS" (ISO 8601 with Z for our own CSV, which is in UTC)."""
    close_time: str | None = None
    """None for open positions."""
    open_price: str | None = None
    close_price: str | None = None
    """None for open positions (statements show the market price there, not a close)."""
    stop_loss: str | None = None
    """None when the file says none (MetaTrader writes 0)."""
    take_profit: str | None = None
    commission: str = "0"
    swap: str = "0"
    profit: str = "0"
    comment: str = ""
    account_number: str | None = None  # the MetaTrader login, when the file carries it (our own exports)
    problem: str | None = None
    """Why this line cannot be read, when it cannot; the other fields may then be empty."""
