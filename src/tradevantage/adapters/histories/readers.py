"""Readers of trade-history files, one per format, each streaming rows as it reads lines.

Every reader yields one `HistoryRow` per line that holds a position, a cash movement or a cancelled order, and
skips the rest (headers, totals, blank lines). A line it cannot read is yielded with `problem` set: one bad row
never stops the file. Readers take any iterable of text lines, such as a file opened in text mode, and never hold
more than the row they are reading.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from html.parser import HTMLParser
from itertools import chain
from typing import Protocol

from tradevantage.adapters.histories.rows import HistoryRow, RowKind


class Reader(Protocol):
    """Reads one format of trade history."""

    name: str
    """The format's name, as `--format` takes it."""

    def detects(self, head: str) -> bool:
        """Whether a file starting with `head` (its first few kilobytes of text) is in this format."""
        ...

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        """The file's rows, in file order, read line by line."""
        ...


# --- Reading one cell --------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """A row cannot be read; the message is the one-sentence reason shown for its line."""


_METATRADER_TIMES = ("%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M")
_FXBLUE_TIMES = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
_MYFXBOOK_TIMES = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")
_OUTPUT_TIME = "%Y-%m-%d %H:%M:%S"
_NEVER = "1970-01-01 00:00:00"
"""MetaTrader's zero time: FX Blue (and scripts using TimeToString) write it as the close time of open positions."""

_PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
# MT4 statements group thousands with a space ("1 434.86"), other tools with a no-break space or a comma.
# A comma is taken as a separator only before a decimal point: alone, "1,434" could be a decimal comma.
_SPACE_GROUPED = re.compile(r"([+-]?\d{1,3}(?:[^\S\r\n]\d{3})+(?:\.\d*)?)")
_COMMA_GROUPED = re.compile(r"([+-]?\d{1,3}(?:,\d{3})+\.\d*)")
_WHOLE_NUMBER = re.compile(r"\d+", re.ASCII)


def _shown(raw: str) -> str:
    """A cell as a problem quotes it: stripped, and cut short so that one bad cell cannot flood a report."""
    text = raw.strip()
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _decimal(label: str, raw: str) -> str:
    """A required number as plain decimal text, thousands separators removed."""
    text = raw.strip()
    if not text:
        raise _Unreadable(f"{label} is empty.")
    if _SPACE_GROUPED.fullmatch(text) or _COMMA_GROUPED.fullmatch(text):
        text = re.sub(r"[\s,]", "", text)
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise _Unreadable(f"{label} is not a number: {_shown(raw)}.")
    return text.removeprefix("+")


def _decimal_or_zero(label: str, raw: str) -> str:
    """A money amount where an empty cell means nothing was charged."""
    return _decimal(label, raw) if raw.strip() else "0"


def _optional_decimal(label: str, raw: str) -> str | None:
    return _decimal(label, raw) if raw.strip() else None


def _level(label: str, raw: str) -> str | None:
    """A stop loss or take profit; MetaTrader and the tools built on it write 0 for none."""
    text = _optional_decimal(label, raw)
    return None if text is None or Decimal(text).is_zero() else text


def _total(*amounts: str) -> str:
    return _plain(sum((Decimal(amount) for amount in amounts), Decimal(0)))


def _difference(amount: str, *subtracted: str) -> str:
    return _plain(Decimal(amount) - sum((Decimal(each) for each in subtracted), Decimal(0)))


def _plain(value: Decimal) -> str:
    # Fixed-point text, never "1E+3"; and no "-0.00" out of adding zeros of both signs.
    return format(abs(value) if value.is_zero() else value, "f")


def _time(label: str, raw: str, formats: tuple[str, ...]) -> str:
    """A required naive broker time, as `YYYY-MM-DD HH:MM:SS`."""
    text = " ".join(raw.split())
    if not text:
        raise _Unreadable(f"{label} is empty.")
    for layout in formats:
        try:
            return datetime.strptime(text, layout).strftime(_OUTPUT_TIME)
        except ValueError:
            continue
    raise _Unreadable(f"{label} is not a date and time: {_shown(raw)}.")


def _close_time(label: str, raw: str, formats: tuple[str, ...]) -> str | None:
    """A close time, None when the position is open (an empty cell or MetaTrader's zero time)."""
    if not raw.strip():
        return None
    moment = _time(label, raw, formats)
    return None if moment == _NEVER else moment


def _iso_time(label: str, raw: str) -> str:
    """An ISO 8601 time, checked and kept as written (our own export writes UTC with a Z)."""
    text = raw.strip()
    if not text:
        raise _Unreadable(f"{label} is empty.")
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise _Unreadable(f"{label} is not an ISO 8601 time: {_shown(raw)}.") from None
    return text


def _ticket(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise _Unreadable("Ticket is empty.")
    if not _WHOLE_NUMBER.fullmatch(text):
        raise _Unreadable(f"Ticket is not a whole number: {_shown(raw)}.")
    return text


def _magic_number(label: str, raw: str) -> str | None:
    """An EA's magic number; 0 (or nothing) is how the files say the trade was placed by hand."""
    text = raw.strip()
    if not text:
        return None
    if not _WHOLE_NUMBER.fullmatch(text):
        raise _Unreadable(f"{label} is not a whole number: {_shown(raw)}.")
    return None if int(text) == 0 else text


def _symbol(label: str, raw: str) -> str:
    text = raw.strip()
    if not text:
        raise _Unreadable(f"{label} is empty.")
    return text


def _direction(label: str, raw: str) -> str:
    text = raw.strip().upper()
    if text not in ("BUY", "SELL"):
        raise _Unreadable(f"{label} is not buy or sell: {_shown(raw)}.")
    return text


_CASH_TYPES = frozenset(
    {
        "balance",
        "credit",
        "deposit",
        "withdrawal",
        "withdraw",
        "charge",
        "correction",
        "bonus",
        "commission",
        "interest",
        "dividend",
        "tax",
        "financing",
    }
)
"""Money in or out of the account, under the names MetaTrader 4/5 and the tools reading them use."""
_PENDING_SUFFIXES = frozenset({"limit", "stop", "stop limit", "canceled", "cancelled"})


def _order_type(label: str, raw: str) -> tuple[RowKind, str]:
    """What a MetaTrader-style type says: a trade and its direction, cash, or a pending order that never filled.

    Only pending orders that did not fill stay in a history as `buy limit` and the like: a filled one
    becomes a `buy` or `sell` position.
    """
    words = raw.strip().lower().replace("_", " ").split()
    text = " ".join(words)
    if text in ("buy", "sell"):
        return RowKind.TRADE, text.upper()
    if text in _CASH_TYPES:
        return RowKind.CASH, ""
    if words and words[0] in ("buy", "sell") and " ".join(words[1:]) in _PENDING_SUFFIXES:
        return RowKind.CANCELLED, words[0].upper()
    raise _Unreadable(f"{label} is not a known order type: {_shown(raw)}.")


def _best_effort(read: Callable[[], str]) -> str:
    """A field of a row that is not a trade: kept when readable, left empty when not, never a problem."""
    try:
        return read()
    except _Unreadable:
        return ""


def _problem(line: int, reason: str) -> HistoryRow:
    return HistoryRow(line=line, kind=RowKind.TRADE, problem=reason)


def _cash(line: int, *, ticket: str | None, time: str, amount: str, comment: str) -> HistoryRow:
    return HistoryRow(line=line, kind=RowKind.CASH, ticket=ticket, open_time=time, profit=amount, comment=comment)


def _cancelled(
    line: int, direction: str, *, ticket: str | None, symbol: str, lots: Callable[[], str], time: Callable[[], str]
) -> HistoryRow:
    return HistoryRow(
        line=line,
        kind=RowKind.CANCELLED,
        ticket=ticket,
        symbol=symbol.strip(),
        direction=direction,
        lots=_best_effort(lots),
        open_time=_best_effort(time),
    )


# --- CSV files ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Record:
    """A CSV row, its cells named by the header's column names (lower case, single spaces)."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def get(self, column: str) -> str:
        """A cell of a column the format may lack, "" when it does."""
        return self.cells.get(column, "")


def _column_names(cells: list[str]) -> list[str]:
    """Header cells as record keys; a repeated name gets its rank (MQL5 has two "Time" and two "Price")."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for cell in cells:
        name = " ".join(cell.removeprefix("\ufeff").lower().split())
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return names


def _after_separator_line(lines: Iterable[str], delimiter: str) -> tuple[Iterator[str], int, str]:
    """The lines after Excel's optional `sep=,` line, how many lines that was, and the delimiter it declares."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return iterator, 0, delimiter
    first = first.removeprefix("\ufeff")
    declared = first.rstrip("\r\n")
    if declared.lower().startswith("sep=") and len(declared) <= 5:
        return iterator, 1, declared[4:] or delimiter
    return chain([first], iterator), 0, delimiter


def _head_columns(head: str, delimiter: str) -> list[str]:
    """The column names of the header at the top of `head`, for detection."""
    source, _, delimiter = _after_separator_line(head.splitlines(), delimiter)
    for cells in csv.reader(source, delimiter=delimiter):
        if any(cell.strip() for cell in cells):
            return _column_names(cells)
    return []


def _read_csv(
    lines: Iterable[str], *, delimiter: str, required: tuple[str, ...], convert: Callable[[_Record], HistoryRow]
) -> Iterator[HistoryRow]:
    """Stream the rows of a headed CSV file through `convert`, with their physical line numbers.

    `csv.reader.line_num` counts the physical lines read so far, so a row starts on the line after the
    previous row's last one, however many lines a quoted cell spans.
    """
    source, skipped, delimiter = _after_separator_line(lines, delimiter)
    reader = csv.reader(source, delimiter=delimiter)
    header: list[str] | None = None
    while True:
        line = skipped + reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield _problem(line, f"The line is not valid CSV: {error}.")
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _column_names(cells)
            missing = [column for column in required if column not in header]
            if missing:
                # Without its columns no row can be read: say so once, on the header line.
                yield _problem(line, f"The header lacks the column(s) {', '.join(map(repr, missing))}.")
                return
            continue
        if len(cells) != len(header):
            # More cells than columns usually means an unquoted delimiter; reading on would shift every cell.
            yield _problem(line, f"The row has {len(cells)} cells where the header has {len(header)}.")
            continue
        try:
            yield convert(_Record(line, dict(zip(header, cells, strict=True))))
        except _Unreadable as unreadable:
            yield _problem(line, str(unreadable))


class Mt4CsvReader:
    """MetaTrader 4 account history saved as CSV: every field quoted, rows grouped by type, not by time."""

    name = "mt4-csv"
    _COLUMNS = (
        "order",
        "opentime",
        "type",
        "size",
        "symbol",
        "openprice",
        "s/l",
        "t/p",
        "closetime",
        "closeprice",
        "commission",
        "swap",
        "profit",
    )

    def detects(self, head: str) -> bool:
        """The header names MetaTrader's order fields (`Order`, `openTime`, ..., `Profit`)."""
        return set(self._COLUMNS) <= set(_head_columns(head, ","))

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        """Positions, balance/credit rows (CASH) and cancelled pending orders, as they come."""
        return _read_csv(lines, delimiter=",", required=self._COLUMNS, convert=self._row)

    @staticmethod
    def _row(record: _Record) -> HistoryRow:
        kind, direction = _order_type("Type", record["type"])
        ticket = _ticket(record["order"])
        if kind is RowKind.CASH:
            opened = _time("openTime", record["opentime"], _METATRADER_TIMES)
            return _cash(
                record.line, ticket=ticket, time=opened, amount=_decimal("Profit", record["profit"]), comment=""
            )
        if kind is RowKind.CANCELLED:
            return _cancelled(
                record.line,
                direction,
                ticket=ticket,
                symbol=record["symbol"],
                lots=lambda: _decimal("Size", record["size"]),
                time=lambda: _time("openTime", record["opentime"], _METATRADER_TIMES),
            )
        close_time = _close_time("closeTime", record["closetime"], _METATRADER_TIMES)
        return HistoryRow(
            line=record.line,
            kind=RowKind.TRADE,
            ticket=ticket,
            symbol=_symbol("Symbol", record["symbol"]),
            direction=direction,
            lots=_decimal("Size", record["size"]),
            open_time=_time("openTime", record["opentime"], _METATRADER_TIMES),
            close_time=close_time,
            open_price=_optional_decimal("openPrice", record["openprice"]),
            close_price=None if close_time is None else _optional_decimal("closePrice", record["closeprice"]),
            stop_loss=_level("S/L", record["s/l"]),
            take_profit=_level("T/P", record["t/p"]),
            # Taxes are a charge like commission: folding them in keeps profit + commission + swap the net.
            commission=_total(
                _decimal_or_zero("Commission", record["commission"]), _decimal_or_zero("Taxes", record.get("taxes"))
            ),
            swap=_decimal_or_zero("Swap", record["swap"]),
            profit=_decimal("Profit", record["profit"]),
        )


class MyfxbookReader:
    """myfxbook's trade-history export: month-first dates, no tickets, Profit net of commission and swap."""

    name = "myfxbook"
    _COLUMNS = (
        "open date",
        "close date",
        "symbol",
        "action",
        "units/lots",
        "sl",
        "tp",
        "open price",
        "close price",
        "commission",
        "swap",
        "profit",
        "comment",
        "magic number",
    )

    def detects(self, head: str) -> bool:
        """The header has myfxbook's `Open Date`, `Close Date`, `Action`, `Units/Lots` ... columns."""
        return set(self._COLUMNS) <= set(_head_columns(head, ","))

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        """Positions (Buy/Sell) and deposits/withdrawals (CASH); tickets are None."""
        return _read_csv(lines, delimiter=",", required=self._COLUMNS, convert=self._row)

    @staticmethod
    def _row(record: _Record) -> HistoryRow:
        kind, direction = _order_type("Action", record["action"])
        if kind is RowKind.CASH:
            opened = _time("Open Date", record["open date"], _MYFXBOOK_TIMES)
            amount = _decimal("Profit", record["profit"])
            return _cash(record.line, ticket=None, time=opened, amount=amount, comment=record["comment"].strip())
        if kind is RowKind.CANCELLED:
            return _cancelled(
                record.line,
                direction,
                ticket=None,
                symbol=record["symbol"],
                lots=lambda: _decimal("Units/Lots", record["units/lots"]),
                time=lambda: _time("Open Date", record["open date"], _MYFXBOOK_TIMES),
            )
        close_time = _close_time("Close Date", record["close date"], _MYFXBOOK_TIMES)
        commission = _decimal_or_zero("Commission", record["commission"])
        swap = _decimal_or_zero("Swap", record["swap"])
        return HistoryRow(
            line=record.line,
            kind=RowKind.TRADE,
            magic_number=_magic_number("Magic Number", record["magic number"]),
            symbol=_symbol("Symbol", record["symbol"]),
            direction=direction,
            lots=_decimal("Units/Lots", record["units/lots"]),
            open_time=_time("Open Date", record["open date"], _MYFXBOOK_TIMES),
            close_time=close_time,
            open_price=_optional_decimal("Open Price", record["open price"]),
            close_price=None if close_time is None else _optional_decimal("Close Price", record["close price"]),
            stop_loss=_level("SL", record["sl"]),
            take_profit=_level("TP", record["tp"]),
            commission=commission,
            swap=swap,
            # myfxbook's Profit already has commission and swap taken off; gross it up so they count once.
            profit=_difference(_decimal("Profit", record["profit"]), commission, swap),
            comment=record["comment"].strip(),
        )


class FxBlueReader:
    """FX Blue's trade-history export: a `sep=,` line, then one row per position, deposit or order."""

    name = "fxblue"
    _COLUMNS = (
        "type",
        "ticket",
        "symbol",
        "lots",
        "buy/sell",
        "open price",
        "close price",
        "open time",
        "close time",
        "profit",
        "swap",
        "commission",
        "t/p",
        "s/l",
        "magic number",
        "order comment",
    )
    _POSITIONS = {"closed position": False, "open position": True}
    """Row types that are positions, and whether they are still open."""

    def detects(self, head: str) -> bool:
        """The header has FX Blue's `Type`, `Ticket`, `Buy/sell`, ... columns."""
        return set(self._COLUMNS) <= set(_head_columns(head, ","))

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        """Closed and open positions, cash rows (Deposit, Withdrawal, Credit) and orders (CANCELLED)."""
        return _read_csv(lines, delimiter=",", required=self._COLUMNS, convert=self._row)

    def _row(self, record: _Record) -> HistoryRow:
        kind = " ".join(record["type"].lower().split())
        ticket = _ticket(record["ticket"])
        if kind in _CASH_TYPES:
            opened = _time("Open time", record["open time"], _FXBLUE_TIMES)
            amount = _decimal("Profit", record["profit"])
            return _cash(
                record.line, ticket=ticket, time=opened, amount=amount, comment=record["order comment"].strip()
            )
        if kind.endswith("order"):
            # Pending and cancelled orders: nothing was ever traded.
            return _cancelled(
                record.line,
                _best_effort(lambda: _direction("Buy/sell", record["buy/sell"])),
                ticket=ticket,
                symbol=record["symbol"],
                lots=lambda: _decimal("Lots", record["lots"]),
                time=lambda: _time("Open time", record["open time"], _FXBLUE_TIMES),
            )
        if kind not in self._POSITIONS:
            raise _Unreadable(f"Type is not a known row type: {_shown(record['type'])}.")
        close_time = _close_time("Close time", record["close time"], _FXBLUE_TIMES)
        if self._POSITIONS[kind]:
            close_time = None
        elif close_time is None:
            raise _Unreadable("Close time is missing for a closed position.")
        return HistoryRow(
            line=record.line,
            kind=RowKind.TRADE,
            ticket=ticket,
            magic_number=_magic_number("Magic number", record["magic number"]),
            symbol=_symbol("Symbol", record["symbol"]),
            direction=_direction("Buy/sell", record["buy/sell"]),
            lots=_decimal("Lots", record["lots"]),
            open_time=_time("Open time", record["open time"], _FXBLUE_TIMES),
            close_time=close_time,
            open_price=_optional_decimal("Open price", record["open price"]),
            # For an open position FX Blue's close price is the market price at export, not a close.
            close_price=None if close_time is None else _optional_decimal("Close price", record["close price"]),
            stop_loss=_level("S/L", record["s/l"]),
            take_profit=_level("T/P", record["t/p"]),
            commission=_decimal_or_zero("Commission", record["commission"]),
            swap=_decimal_or_zero("Swap", record["swap"]),
            profit=_decimal("Profit", record["profit"]),
            comment=record["order comment"].strip(),
        )


class Mql5Reader:
    """MQL5 signal history: semicolon-separated, two Time and two Price columns (open, then close), no ticket."""

    name = "mql5"
    _COLUMNS = (
        "time",
        "type",
        "volume",
        "symbol",
        "price",
        "s/l",
        "t/p",
        "time#2",
        "price#2",
        "commission",
        "swap",
        "profit",
        "comment",
    )

    def detects(self, head: str) -> bool:
        """A semicolon-separated header `Time;Type;Volume;Symbol;Price;...;Profit;Comment`."""
        return set(self._COLUMNS) <= set(_head_columns(head, ";"))

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        """Positions (Buy/Sell), Balance and similar rows (CASH), cancelled orders; tickets are None."""
        return _read_csv(lines, delimiter=";", required=self._COLUMNS, convert=self._row)

    @staticmethod
    def _row(record: _Record) -> HistoryRow:
        kind, direction = _order_type("Type", record["type"])
        if kind is RowKind.CASH:
            opened = _time("Time", record["time"], _METATRADER_TIMES)
            amount = _decimal("Profit", record["profit"])
            return _cash(record.line, ticket=None, time=opened, amount=amount, comment=record["comment"].strip())
        if kind is RowKind.CANCELLED:
            return _cancelled(
                record.line,
                direction,
                ticket=None,
                symbol=record["symbol"],
                lots=lambda: _decimal("Volume", record["volume"]),
                time=lambda: _time("Time", record["time"], _METATRADER_TIMES),
            )
        close_time = _close_time("Close time", record["time#2"], _METATRADER_TIMES)
        return HistoryRow(
            line=record.line,
            kind=RowKind.TRADE,
            symbol=_symbol("Symbol", record["symbol"]),
            direction=direction,
            lots=_decimal("Volume", record["volume"]),
            open_time=_time("Time", record["time"], _METATRADER_TIMES),
            close_time=close_time,
            open_price=_optional_decimal("Price", record["price"]),
            close_price=None if close_time is None else _optional_decimal("Close price", record["price#2"]),
            stop_loss=_level("S/L", record["s/l"]),
            take_profit=_level("T/P", record["t/p"]),
            commission=_decimal_or_zero("Commission", record["commission"]),
            swap=_decimal_or_zero("Swap", record["swap"]),
            profit=_decimal("Profit", record["profit"]),
            comment=record["comment"].strip(),
        )


class TradeVantageCsvReader:
    """The service's own CSV export, so that an export imports back as the same trades."""

    name = "tradevantage-csv"
    HEADER = (
        "ticket_number,expert,ticker,direction,lot_size,open_time,close_time,open_price,close_price,"
        "stop_loss,take_profit,commission,swap,profit,account_number,comment"
    )
    _COLUMNS = tuple(HEADER.split(","))

    def detects(self, head: str) -> bool:
        """The first line is exactly our export's header."""
        first = head.removeprefix("\ufeff").splitlines()[:1]
        return first == [self.HEADER]

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        """Every row is a position; times stay ISO 8601 UTC as exported."""
        return _read_csv(lines, delimiter=",", required=self._COLUMNS, convert=self._row)

    @staticmethod
    def _row(record: _Record) -> HistoryRow:
        close_time = record["close_time"].strip()
        return HistoryRow(
            line=record.line,
            kind=RowKind.TRADE,
            ticket=_ticket(record["ticket_number"]),
            magic_number=_magic_number("expert", record["expert"]),
            symbol=_symbol("ticker", record["ticker"]),
            direction=_direction("direction", record["direction"]),
            lots=_decimal("lot_size", record["lot_size"]),
            open_time=_iso_time("open_time", record["open_time"]),
            close_time=_iso_time("close_time", close_time) if close_time else None,
            open_price=_optional_decimal("open_price", record["open_price"]),
            close_price=_optional_decimal("close_price", record["close_price"]),
            # Our export writes what was stored: an empty cell is no level, a 0 is kept as given.
            stop_loss=_optional_decimal("stop_loss", record["stop_loss"]),
            take_profit=_optional_decimal("take_profit", record["take_profit"]),
            commission=_decimal_or_zero("commission", record["commission"]),
            swap=_decimal_or_zero("swap", record["swap"]),
            profit=_decimal_or_zero("profit", record["profit"]),
            comment=record["comment"],
            account_number=record["account_number"].strip() or None,
        )


# --- MetaTrader 4 statements (HTML) ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Cell:
    title: str
    colspan: int
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        # &nbsp; arrives as U+00A0, which str.split() treats as a space like any other.
        return " ".join("".join(self.parts).split())


@dataclass(slots=True)
class _TableRow:
    line: int
    """The line its `<tr` starts on."""
    cells: list[_Cell] = field(default_factory=list)


class _TableRowParser(HTMLParser):
    """Collects table rows as they complete; fed line by line, it holds only the row being read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._row: _TableRow | None = None
        self._cell: _Cell | None = None
        self._finished: list[_TableRow] = []

    def take(self) -> list[_TableRow]:
        """The rows completed since the last call."""
        finished, self._finished = self._finished, []
        return finished

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._end_row()  # MT4 always closes its rows, but HTML does not require it
            self._row = _TableRow(line=self.getpos()[0])
        elif tag in ("td", "th") and self._row is not None:
            self._end_cell()
            values = dict(attrs)
            self._cell = _Cell(title=values.get("title") or "", colspan=_colspan(values.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.parts.append(data)

    def close(self) -> None:
        """Flush what is left and end the last row."""
        super().close()
        self._end_row()

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.cells.append(self._cell)
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self._finished.append(self._row)
        self._row = None


def _colspan(value: str | None) -> int:
    text = (value or "").strip().strip("\"'")
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else 1


class _Section(Enum):
    BEFORE = "before"
    CLOSED = "closed"
    OPEN = "open"
    AFTER = "after"


_SECTION_TITLES = {"closed transactions": _Section.CLOSED, "open trades": _Section.OPEN}
_FOLLOWING_SECTION = {_Section.BEFORE: _Section.CLOSED, _Section.CLOSED: _Section.OPEN}
_STATEMENT_TRADE_CELLS = 14


def _next_section(current: _Section, title: str) -> _Section:
    """The section a title row starts: by its English name, else by MT4's fixed order (for translated terminals).

    Closed Transactions, Open Trades, then Working Orders, Summary and the rest, which hold no trades.
    """
    name = title.rstrip(":").strip().lower()
    return _SECTION_TITLES.get(name) or _FOLLOWING_SECTION.get(current, _Section.AFTER)


def _section_title(row: _TableRow) -> str | None:
    """`Closed Transactions:` and the like: a single cell across the table, ending in a colon."""
    if len(row.cells) == 1 and row.cells[0].text.endswith(":"):
        return row.cells[0].text
    return None


class _Statement:
    """Where a statement's reading is: which section, and whether a column header row comes next."""

    def __init__(self) -> None:
        self._section = _Section.BEFORE
        self._column_header_next = False

    @property
    def finished(self) -> bool:
        """Past the open trades: nothing further is a trade."""
        return self._section is _Section.AFTER

    def rows(self, table_rows: list[_TableRow]) -> Iterator[HistoryRow]:
        """The history rows among `table_rows`."""
        for table_row in table_rows:
            if self.finished:
                return
            row = self._accept(table_row)
            if row is not None:
                yield row

    def _accept(self, table_row: _TableRow) -> HistoryRow | None:
        title = _section_title(table_row)
        if title is not None:
            self._section = _next_section(self._section, title)
            self._column_header_next = True
            return None
        if self._section not in (_Section.CLOSED, _Section.OPEN) or not table_row.cells:
            return None
        first = table_row.cells[0]
        column_header = self._column_header_next and not _WHOLE_NUMBER.fullmatch(first.text)
        self._column_header_next = False
        # Totals, "Closed P/L" and "No transactions" rows start with a cell spanning several columns.
        if column_header or first.colspan > 1 or not first.text:
            return None
        try:
            return _statement_row(table_row, is_open=self._section is _Section.OPEN)
        except _Unreadable as unreadable:
            return _problem(table_row.line, str(unreadable))


def _statement_row(row: _TableRow, *, is_open: bool) -> HistoryRow:
    """A statement row: Ticket, Open Time, Type, Size, Item, Price, S / L, T / P, Close Time, Price, Commission,
    Taxes, Swap, Profit; cash rows put their comment across ten columns and cancelled orders say so across four."""
    cells = row.cells
    if len(cells) < 3:
        raise _Unreadable(f"The row has {len(cells)} cells, too few for a trade.")
    ticket = _ticket(cells[0].text)
    # MT4 shows the order comment only as the ticket cell's tooltip.
    comment = cells[0].title.strip()
    kind, direction = _order_type("Type", cells[2].text)
    if kind is RowKind.CASH:
        if len(cells) < 4:
            raise _Unreadable(f"The row has {len(cells)} cells, too few for a balance row.")
        opened = _time("Time", cells[1].text, _METATRADER_TIMES)
        amount = _decimal("Amount", cells[-1].text)
        return _cash(row.line, ticket=ticket, time=opened, amount=amount, comment=comment or cells[3].text)
    if kind is RowKind.CANCELLED:
        return HistoryRow(
            line=row.line,
            kind=RowKind.CANCELLED,
            ticket=ticket,
            symbol=cells[4].text if len(cells) > 4 else "",
            direction=direction,
            lots=_best_effort(lambda: _decimal("Size", cells[3].text)) if len(cells) > 3 else "",
            open_time=_best_effort(lambda: _time("Open Time", cells[1].text, _METATRADER_TIMES)),
            comment=comment,
        )
    if len(cells) != _STATEMENT_TRADE_CELLS:
        raise _Unreadable(f"The row has {len(cells)} cells where a trade has {_STATEMENT_TRADE_CELLS}.")
    text = [cell.text for cell in cells]
    return HistoryRow(
        line=row.line,
        kind=RowKind.TRADE,
        ticket=ticket,
        symbol=_symbol("Item", text[4]),
        direction=direction,
        lots=_decimal("Size", text[3]),
        open_time=_time("Open Time", text[1], _METATRADER_TIMES),
        # Open trades have an empty close time, and their second Price is the market price, not a close.
        close_time=None if is_open else _time("Close Time", text[8], _METATRADER_TIMES),
        open_price=_optional_decimal("Price", text[5]),
        close_price=None if is_open else _optional_decimal("Close Price", text[9]),
        stop_loss=_level("S / L", text[6]),
        take_profit=_level("T / P", text[7]),
        # Taxes are a charge like commission: folding them in keeps profit + commission + swap the net.
        commission=_total(_decimal_or_zero("Commission", text[10]), _decimal_or_zero("Taxes", text[11])),
        swap=_decimal_or_zero("Swap", text[12]),
        profit=_decimal("Profit", text[13]),
        comment=comment,
    )


class Mt4HtmlReader:
    """MetaTrader 4 "Detailed Statement" (Save as Report): the Closed Transactions and Open Trades sections."""

    name = "mt4-html"
    _MARKS = ("closed transactions:", "<title>statement:", "<title>detailed statement")

    def detects(self, head: str) -> bool:
        """An HTML page with MT4's statement title or its Closed Transactions section."""
        lower = head.lower()
        return "<html" in lower and any(mark in lower for mark in self._MARKS)

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        """Closed and open trades, balance/credit rows (CASH) and cancelled pending orders; stops reading after
        the open trades, since Working Orders and Summary hold no trades."""
        parser = _TableRowParser()
        statement = _Statement()
        for line in lines:
            # The parser counts lines by their newlines: give every line one, even from a list without them.
            parser.feed(line if line.endswith("\n") else line + "\n")
            yield from statement.rows(parser.take())
            if statement.finished:
                return
        parser.close()
        yield from statement.rows(parser.take())


READERS: dict[str, Reader] = {
    reader.name: reader
    for reader in (
        # Our own header first: it is exact, and the most specific.
        TradeVantageCsvReader(),
        Mt4HtmlReader(),
        Mt4CsvReader(),
        MyfxbookReader(),
        FxBlueReader(),
        Mql5Reader(),
    )
}
"""Every reader, by its `--format` name."""


def detect_reader(head: str) -> Reader | None:
    """The reader for a file starting with `head` (its first ~4 KB of text), or None when no format matches."""
    return next((reader for reader in READERS.values() if reader.detects(head)), None)
