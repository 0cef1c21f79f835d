"""The service's own JSON export: one JSON object a line, with the columns of the CSV export."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from tradevantage.adapters.histories.rows import HistoryRow, RowKind


class TradevantageJsonLines:
    name = "tradevantage-json"

    def detects(self, head: str) -> bool:
        first = head.removeprefix("\ufeff").lstrip().splitlines()[:1]
        return bool(first) and first[0].startswith("{") and '"ticket_number"' in first[0]

    def read(self, lines: Iterable[str]) -> Iterator[HistoryRow]:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise TypeError
            except (ValueError, TypeError, RecursionError):
                yield HistoryRow(line=number, kind=RowKind.TRADE, problem="Not a JSON object.")
                continue
            yield self._row(number, record)

    @staticmethod
    def _row(number: int, record: dict[str, Any]) -> HistoryRow:
        def text(name: str) -> str | None:
            value = record.get(name)
            return None if value is None else str(value)

        return HistoryRow(
            line=number,
            kind=RowKind.TRADE,
            ticket=text("ticket_number"),
            magic_number=text("expert"),
            symbol=text("ticker") or "",
            direction=text("direction") or "",
            lots=text("lot_size") or "",
            open_time=text("open_time") or "",
            close_time=text("close_time"),
            open_price=text("open_price"),
            close_price=text("close_price"),
            stop_loss=text("stop_loss"),
            take_profit=text("take_profit"),
            commission=text("commission") or "0",
            swap=text("swap") or "0",
            profit=text("profit") or "0",
            comment=text("comment") or "",
            account_number=text("account_number"),
        )
