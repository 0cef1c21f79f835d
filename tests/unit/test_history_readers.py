"""Reading trade-history files: the real exports in shared/data/histories give the README's figures, and each
format's quirks (thousands separators, cash and cancelled rows, broken rows, line numbers) are handled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tradevantage.adapters.histories.readers import (
    READERS,
    FxBlueReader,
    Mql5Reader,
    Mt4CsvReader,
    Mt4HtmlReader,
    MyfxbookReader,
    TradeVantageCsvReader,
    detect_reader,
)
from tradevantage.adapters.histories.rows import HistoryRow, RowKind

HISTORIES = Path(__file__).resolve().parents[1] / "data" / "histories"
needs_samples = pytest.mark.skipif(not HISTORIES.is_dir(), reason=f"the sample histories are not at {HISTORIES}")

MT4_CSV_HEADER = (
    '"Order","openTime","Type","Size","Symbol","openPrice","S/L","T/P","closeTime","closePrice",'
    '"Commission","Taxes","Swap","Profit"'
)
MQL5_HEADER = "Time;Type;Volume;Symbol;Price;S/L;T/P;Time;Price;Commission;Swap;Profit;Comment"
TRADEVANTAGE_HEADER = (
    "ticket_number,expert,ticker,direction,lot_size,open_time,close_time,open_price,close_price,"
    "stop_loss,take_profit,commission,swap,profit,account_number,comment"
)


def read_sample(file_name: str, reader_name: str, newline: str | None = None) -> list[HistoryRow]:
    # The samples are ASCII; errors="replace" is how the importer opens files of unknown encoding.
    with (HISTORIES / file_name).open(encoding="utf-8", errors="replace", newline=newline) as stream:
        return list(READERS[reader_name].read(stream))


def of_kind(rows: list[HistoryRow], kind: RowKind) -> list[HistoryRow]:
    return [row for row in rows if row.kind is kind and row.problem is None]


def closed_trades(rows: list[HistoryRow]) -> list[HistoryRow]:
    return [row for row in of_kind(rows, RowKind.TRADE) if row.close_time is not None]


def open_trades(rows: list[HistoryRow]) -> list[HistoryRow]:
    return [row for row in of_kind(rows, RowKind.TRADE) if row.close_time is None]


def net(rows: list[HistoryRow]) -> Decimal:
    return sum((Decimal(row.profit) + Decimal(row.commission) + Decimal(row.swap) for row in rows), Decimal(0))


def total(rows: list[HistoryRow], field: str) -> Decimal:
    return sum((Decimal(getattr(row, field)) for row in rows), Decimal(0))


def problems(rows: list[HistoryRow]) -> list[tuple[int, str | None]]:
    return [(row.line, row.problem) for row in rows if row.problem is not None]


# --- The real exports -------------------------------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("newline", [None, ""])
def test_mt4_statement_gives_the_readme_figures(newline: str | None) -> None:
    rows = read_sample("mt4-statement.htm", "mt4-html", newline)

    closed = closed_trades(rows)
    assert problems(rows) == []
    assert len(closed) == 124
    assert Counter(row.direction for row in closed) == {"BUY": 68, "SELL": 56}
    assert [row.direction for row in open_trades(rows)] == ["SELL"]
    assert len(of_kind(rows, RowKind.CANCELLED)) == 3
    assert len(of_kind(rows, RowKind.CASH)) == 1
    assert net(closed) == Decimal("8205.65")
    assert total(closed, "profit") == Decimal("10780.02")
    assert total(closed, "lots") == Decimal("493.83")
    assert len({row.ticket for row in closed}) == 124


@needs_samples
def test_mt4_statement_rows_carry_title_comments_line_numbers_and_plain_numbers() -> None:
    rows = read_sample("mt4-statement.htm", "mt4-html")
    by_ticket = {row.ticket: row for row in rows}

    first = rows[0]
    assert (first.line, first.ticket, first.comment) == (40, "77953025", "#2022052714 [sl]")
    assert (first.symbol, first.open_time, first.close_time) == ("gbpjpy", "2023-12-29 07:32:27", "2023-12-29 14:56:11")
    assert by_ticket["77896825"].profit == "1434.86"
    assert by_ticket["75411043"].profit == "-1004.94"
    assert by_ticket["75408826"].kind is RowKind.CASH
    assert by_ticket["75408826"].profit == "100000.00"
    assert by_ticket["77947916"].kind is RowKind.CANCELLED
    still_open = by_ticket["78412103"]
    assert (still_open.close_time, still_open.close_price, still_open.profit) == (None, None, "202.95")


@needs_samples
def test_mt4_history_csv_gives_the_readme_figures() -> None:
    rows = read_sample("mt4-history.csv", "mt4-csv")

    closed = closed_trades(rows)
    assert problems(rows) == []
    assert len(closed) == 84
    assert open_trades(rows) == []
    assert len({row.ticket for row in closed}) == 84
    assert net(closed) == Decimal("253.06")
    assert total(closed, "profit") == Decimal("254.13")
    assert total(closed, "lots") == Decimal("3.72")
    assert len({row.symbol for row in closed}) == 11
    assert of_kind(rows, RowKind.CASH) == []
    assert of_kind(rows, RowKind.CANCELLED) == []


@needs_samples
def test_myfxbook_export_gives_the_readme_figures_counting_commission_once() -> None:
    rows = read_sample("myfxbook-export.csv", "myfxbook")

    closed = closed_trades(rows)
    assert problems(rows) == []
    assert len(closed) == 2
    assert {row.symbol for row in closed} == {"XAUUSD"}
    assert {row.magic_number for row in closed} == {"47836541"}
    assert {row.ticket for row in closed} == {None}
    # myfxbook's Profit column (36.40 + 39.30) is already the net.
    assert net(closed) == Decimal("75.70")
    assert total(closed, "commission") == Decimal("-1.40")
    assert total(closed, "lots") == Decimal("0.200")
    first = closed[0]
    assert (first.line, first.direction, first.open_time) == (2, "SELL", "2025-08-14 03:30:00")
    assert first.comment == "31.65000000"


@needs_samples
@pytest.mark.parametrize("newline", [None, ""])
def test_fxblue_export_gives_the_readme_figures(newline: str | None) -> None:
    rows = read_sample("fxblue-export.csv", "fxblue", newline)

    closed = closed_trades(rows)
    assert problems(rows) == []
    assert len(closed) == 2
    assert net(closed) == Decimal("-32.26")
    assert len(open_trades(rows)) == 1
    assert open_trades(rows)[0].line == 3  # after the sep=, line and the header
    assert [row.profit for row in of_kind(rows, RowKind.CASH)] == ["10000"]
    assert {row.magic_number for row in of_kind(rows, RowKind.TRADE)} == {"123"}
    assert {row.symbol for row in closed} == {"EURUSD.i"}


@needs_samples
@pytest.mark.parametrize(
    ("file_name", "reader_name"),
    [
        ("mt4-statement.htm", "mt4-html"),
        ("mt4-history.csv", "mt4-csv"),
        ("myfxbook-export.csv", "myfxbook"),
        ("fxblue-export.csv", "fxblue"),
    ],
)
def test_each_sample_is_detected_as_its_format(file_name: str, reader_name: str) -> None:
    with (HISTORIES / file_name).open(encoding="utf-8", errors="replace") as stream:
        head = stream.read(4096)

    reader = detect_reader(head)

    assert reader is not None
    assert reader.name == reader_name


# --- Formats without a sample -----------------------------------------------------------------------------------


def test_mql5_signal_history_is_read_with_gross_profit_and_no_ticket() -> None:
    lines = [
        MQL5_HEADER,
        "2025.08.13 12:26:40;Buy;0.10;EURUSD;1.16500;1.16000;1.17000;2025.08.13 15:00:05;1.16700;-0.70;-0.12;20.00;",
        "2025.08.14 09:00:00;Sell;0.20;XAUUSD;3350.00;0;0;2025.08.14 10:30:00;3340.00;-1.40;0.00;200.00;signal 7",
    ]

    rows = list(Mql5Reader().read(lines))

    assert problems(rows) == []
    assert [row.line for row in rows] == [2, 3]
    buy, sell = rows
    assert (buy.ticket, buy.direction, buy.lots, buy.symbol) == (None, "BUY", "0.10", "EURUSD")
    assert (buy.open_time, buy.close_time) == ("2025-08-13 12:26:40", "2025-08-13 15:00:05")
    assert (buy.open_price, buy.close_price, buy.stop_loss, buy.take_profit) == (
        "1.16500",
        "1.16700",
        "1.16000",
        "1.17000",
    )
    assert net([buy]) == Decimal("19.18")
    assert (sell.stop_loss, sell.take_profit, sell.comment) == (None, None, "signal 7")
    reader = detect_reader("\n".join(lines))
    assert reader is not None
    assert reader.name == "mql5"


def test_mql5_balance_rows_are_cash() -> None:
    lines = [MQL5_HEADER, "2025.08.01 00:00:00;Balance;;;;;;;;0;0;5000.00;deposit"]

    (row,) = Mql5Reader().read(lines)

    assert (row.kind, row.profit, row.open_time, row.problem) == (RowKind.CASH, "5000.00", "2025-08-01 00:00:00", None)


def test_tradevantage_csv_reads_our_own_export_back() -> None:
    lines = [
        TRADEVANTAGE_HEADER,
        "12345678,42,EURUSD.m,BUY,0.10,2025-05-03T14:00:00Z,2025-05-03T16:30:00Z,1.08500,1.08700,1.08000,1.09000,"
        "-0.70,-0.12,20.00,5012345,first",
        "12345679,0,XAUUSD,SELL,0.20,2025-05-04T09:00:00Z,,3300.00,,,,0.00,0.00,0.00,,",
    ]

    rows = list(TradeVantageCsvReader().read(lines))

    assert problems(rows) == []
    closed, still_open = rows
    assert (closed.ticket, closed.magic_number, closed.symbol) == ("12345678", "42", "EURUSD.m")
    assert closed.direction == "BUY"
    assert (closed.open_time, closed.close_time) == ("2025-05-03T14:00:00Z", "2025-05-03T16:30:00Z")
    assert (closed.stop_loss, closed.take_profit, closed.comment) == ("1.08000", "1.09000", "first")
    assert net([closed]) == Decimal("19.18")
    assert (still_open.magic_number, still_open.close_time, still_open.close_price) == (None, None, None)
    assert (still_open.stop_loss, still_open.take_profit, still_open.line) == (None, None, 3)
    reader = detect_reader(TRADEVANTAGE_HEADER + "\n")
    assert reader is not None
    assert reader.name == "tradevantage-csv"


# --- Quirks and bad rows -----------------------------------------------------------------------------------------


def mt4_csv_row(ticket: str, kind: str = "buy", size: str = "0.10", profit: str = "10.00") -> str:
    cells = [ticket, "2019.08.27 06:57:50", kind, size, "eurusd", "1.10791", "1.104", "1.1175"]
    cells += ["2019.08.28 06:57:50", "1.10818", "-0.50", "-0.10", "-0.20", profit]
    return ",".join(f'"{cell}"' for cell in cells)


def test_a_broken_row_in_an_mt4_csv_is_reported_on_its_line_and_the_rest_still_read() -> None:
    lines = [
        MT4_CSV_HEADER,
        mt4_csv_row("1001"),
        mt4_csv_row("1002", size="abc"),
        mt4_csv_row("1003"),
        '"1004","2019.08.27 06:57:50","buy"',
        mt4_csv_row("1005", kind="buy stop limit order"),
        mt4_csv_row("1006"),
    ]

    rows = list(Mt4CsvReader().read(lines))

    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7]
    assert problems(rows) == [
        (3, "Size is not a number: 'abc'."),
        (5, "The row has 3 cells where the header has 14."),
        (6, "Type is not a known order type: 'buy stop limit order'."),
    ]
    assert all(row.kind is RowKind.TRADE for row in rows)
    assert [row.ticket for row in closed_trades(rows)] == ["1001", "1003", "1006"]
    # Taxes are folded into commission so that profit + commission + swap stays the net.
    assert rows[0].commission == "-0.60"
    assert net(rows[:1]) == Decimal("9.20")


def test_bad_dates_and_tickets_are_problems_not_exceptions() -> None:
    lines = [
        MT4_CSV_HEADER,
        mt4_csv_row("1001").replace("2019.08.27 06:57:50", "27/08/2019"),
        mt4_csv_row("#1002"),
    ]

    rows = list(Mt4CsvReader().read(lines))

    assert problems(rows) == [
        (2, "openTime is not a date and time: '27/08/2019'."),
        (3, "Ticket is not a whole number: '#1002'."),
    ]


def test_mt4_csv_cash_and_cancelled_rows_are_not_trades() -> None:
    lines = [
        MT4_CSV_HEADER,
        mt4_csv_row("2001", kind="credit", size="0", profit="500.00"),
        mt4_csv_row("2002", kind="balance", size="0", profit="-100.00"),
        mt4_csv_row("2003", kind="sell limit"),
    ]

    rows = list(Mt4CsvReader().read(lines))

    assert [(row.kind, row.profit) for row in rows[:2]] == [(RowKind.CASH, "500.00"), (RowKind.CASH, "-100.00")]
    assert (rows[2].kind, rows[2].direction, rows[2].ticket) == (RowKind.CANCELLED, "SELL", "2003")
    assert problems(rows) == []


@pytest.mark.parametrize(
    ("written", "read"),
    [("1 434.86", "1434.86"), ("-1 004.94", "-1004.94"), ("100 000.00", "100000.00"), ("1,234,567.5", "1234567.5")],
)
def test_thousands_separators_are_removed(written: str, read: str) -> None:
    lines = [MT4_CSV_HEADER, mt4_csv_row("3001", profit=written)]

    (row,) = Mt4CsvReader().read(lines)

    assert (row.profit, row.problem) == (read, None)


@pytest.mark.parametrize("written", ["1,5", "1 43", "12e3", "NaN", "--1"])
def test_numbers_that_are_not_plain_decimals_are_problems(written: str) -> None:
    lines = [MT4_CSV_HEADER, mt4_csv_row("3002", profit=written)]

    (row,) = Mt4CsvReader().read(lines)

    assert row.problem == f"Profit is not a number: {written!r}."


def test_csv_line_numbers_count_lines_inside_quoted_cells() -> None:
    header = "Tags,Open Date,Close Date,Symbol,Action,Units/Lots,SL,TP,Open Price,Close Price,Commission,Swap,Pips,"
    header += "Profit,Gain,Comment,Magic Number"
    row = ",08/14/2025 03:30,08/14/2025 04:00,XAUUSD,Sell,0.100,0,0,3373.65,3369.94,-0.70,0.00,371.0,36.40,1.38,"
    lines = [header + "\n", row + '"two\n', 'lines",0\n', row + "plain,47836541\n", row + "missing\n"]

    rows = list(MyfxbookReader().read(lines))

    assert [row.line for row in rows] == [2, 4, 5]
    assert rows[0].comment == "two\nlines"
    assert rows[0].magic_number is None
    assert rows[1].magic_number == "47836541"
    assert problems(rows) == [(5, "The row has 16 cells where the header has 17.")]


def test_a_missing_column_is_reported_once_on_the_header_line() -> None:
    lines = ["sep=,", "Type,Ticket,Symbol,Lots", "Closed position,1,EURUSD,0.1"]

    rows = list(FxBlueReader().read(lines))

    assert len(rows) == 1
    assert rows[0].line == 2
    assert rows[0].problem is not None
    assert rows[0].problem.startswith("The header lacks the column(s) 'buy/sell'")


def statement(closed: list[str], still_open: list[str], working: list[str]) -> list[str]:
    """A small MT4 detailed statement, laid out as MT4 writes it (one row per line, headings included)."""
    header = '<tr align=center bgcolor="#C0C0C0"><td>Ticket</td><td nowrap>Open Time</td><td>Type</td>'
    header += "<td>Size</td><td>Item</td><td>Price</td><td>S / L</td><td>T / P</td><td nowrap>Close Time</td>"
    header += "<td>Price</td><td>Commission</td><td>Taxes</td><td>Swap</td><td>Profit</td></tr>"
    return [
        "<html><head><title>Statement: 1 - Demo</title></head><body><table>",
        "<tr align=left><td colspan=14><b>Closed Transactions:</b></td></tr>",
        header,
        *closed,
        "<tr align=right><td colspan=10>&nbsp;</td><td class=mspt>0.00</td><td class=mspt>0.00</td>"
        "<td class=mspt>0.00</td><td class=mspt>0.00</td></tr>",
        "<tr align=left><td colspan=14><b>Open Trades:</b></td></tr>",
        header,
        *still_open,
        "<tr align=left><td colspan=14><b>Working Orders:</b></td></tr>",
        header,
        *working,
        "<tr align=left><td colspan=14><b>Summary:</b></td></tr>",
        "</table></body></html>",
    ]


def statement_trade(ticket: str, kind: str, profit: str, close: str = "2024.01.03 10:00:00", title: str = "") -> str:
    cells = [
        f'<td title="{title}">{ticket}</td>',
        "<td class=msdate nowrap>2024.01.02 09:00:00</td>",
        f"<td>{kind}</td>",
        "<td class=mspt>1.00</td>",
        "<td>EURUSD.i</td>",
        "<td>1.10000</td><td>0.00000</td><td>1.11000</td>",
        f"<td class=msdate nowrap>{close}</td>",
        "<td>1.10500</td>",
        "<td class=mspt>-7.00</td><td class=mspt>-1.00</td><td class=mspt>-2.50</td>",
        f"<td class=mspt>{profit}</td>",
    ]
    return "<tr align=right>" + "".join(cells) + "</tr>"


def test_statement_reads_cash_credit_cancelled_and_open_rows_and_stops_before_working_orders() -> None:
    lines = statement(
        closed=[
            statement_trade("101", "sell", "1 434.86", title="so: 12%"),
            '<tr><td title="Credit in">102</td><td>2024.01.01 00:00:00</td><td>credit</td>'
            "<td colspan=10 align=left>Credit in</td><td class=mspt>2 000.00</td></tr>",
            '<tr><td title="c">103</td><td>2024.01.01 00:00:00</td><td>sell stop</td><td>0.50</td><td>gbpusd</td>'
            "<td>1.2</td><td>1.3</td><td>1.1</td><td>2024.01.01 05:00:00</td><td>1.25</td>"
            "<td colspan=4>expired</td></tr>",
            statement_trade("104", "buy", "12.00", close="2024.13.40 10:00:00"),
        ],
        still_open=[statement_trade("105", "buy", "-3.00", close="&nbsp;")],
        working=[statement_trade("106", "buy limit", "0.00", close="&nbsp;")],
    )

    rows = list(Mt4HtmlReader().read(lines))

    assert [(row.line, row.ticket, row.kind) for row in rows if row.problem is None] == [
        (4, "101", RowKind.TRADE),
        (5, "102", RowKind.CASH),
        (6, "103", RowKind.CANCELLED),
        (11, "105", RowKind.TRADE),
    ]
    assert problems(rows) == [(7, "Close Time is not a date and time: '2024.13.40 10:00:00'.")]
    sold = rows[0]
    assert (sold.symbol, sold.direction, sold.profit, sold.comment) == ("EURUSD.i", "SELL", "1434.86", "so: 12%")
    assert (sold.commission, sold.swap, sold.stop_loss, sold.take_profit) == ("-8.00", "-2.50", None, "1.11000")
    assert (rows[1].profit, rows[1].comment) == ("2000.00", "Credit in")
    assert (rows[2].direction, rows[2].symbol, rows[2].lots) == ("SELL", "gbpusd", "0.50")
    assert (rows[4].close_time, rows[4].close_price) == (None, None)


def test_statement_without_line_breaks_in_the_input_still_numbers_lines() -> None:
    lines = statement(closed=[statement_trade("101", "buy", "5.00")], still_open=[], working=[])
    text = "\n".join(lines)

    (row,) = Mt4HtmlReader().read(text.splitlines(keepends=True))

    assert (row.line, row.ticket, row.problem) == (4, "101", None)


def test_fxblue_zero_close_time_means_open_and_orders_are_not_trades() -> None:
    header = "Type,Ticket,Symbol,Lots,Buy/sell,Open price,Close price,Open time,Close time,Profit,Swap,Commission,"
    header += "T/P,S/L,Magic number,Order comment"
    lines = [
        "sep=,",
        header,
        "Open position,1,EURUSD,0.25,Sell,1.1,1.2,2025/08/18 11:00:00,1970/01/01 00:00:00,-5,0,0,0,0,0,x",
        "Cancelled order,2,EURUSD,0.25,Buy,1.1,0,2025/08/18 11:00:00,2025/08/18 12:00:00,0,0,0,0,0,0,",
        "Closed position,3,EURUSD,0.25,Buy,1.1,1.2,2025/08/18 11:00:00,1970/01/01 00:00:00,5,0,0,0,0,7,",
        "Withdrawal,4,,0,,0,0,2025/08/19 11:00:00,2025/08/19 11:00:00,-300,0,0,0,0,0,",
    ]

    rows = list(FxBlueReader().read(lines))

    assert [(row.line, row.kind) for row in rows] == [
        (3, RowKind.TRADE),
        (4, RowKind.CANCELLED),
        (5, RowKind.TRADE),
        (6, RowKind.CASH),
    ]
    assert (rows[0].close_time, rows[0].direction, rows[0].magic_number) == (None, "SELL", None)
    assert rows[2].problem == "Close time is missing for a closed position."
    assert rows[3].profit == "-300"


def test_readers_stream_rows_before_the_file_is_read_to_the_end() -> None:
    pulled: list[int] = []

    def lines(rows: list[str]) -> Iterator[str]:
        for number, line in enumerate(rows, start=1):
            pulled.append(number)
            yield line + "\n"

    csv_lines = [MT4_CSV_HEADER] + [mt4_csv_row(str(4000 + number)) for number in range(100)]
    html_lines = statement([statement_trade(str(5000 + n), "buy", "1.00") for n in range(100)], [], [])

    first_csv = next(iter(Mt4CsvReader().read(lines(csv_lines))))
    assert (first_csv.ticket, max(pulled)) == ("4000", 2)
    pulled.clear()
    first_html = next(iter(Mt4HtmlReader().read(lines(html_lines))))
    assert (first_html.ticket, max(pulled)) == ("5000", 4)


def test_unknown_text_is_detected_as_no_format() -> None:
    assert detect_reader("date,amount\n2025-01-01,5\n") is None
    assert detect_reader("") is None


def test_every_reader_is_registered_by_its_name() -> None:
    assert sorted(READERS) == ["fxblue", "mql5", "mt4-csv", "mt4-html", "myfxbook", "tradevantage-csv"]
    assert all(name == reader.name for name, reader in READERS.items())
