"""Query pieces every list shares: one-statement pages, ordering with ties by id, literal substring search."""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy import Row, Select, SQLColumnExpression, func
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.domain.pagination import PageRequest

_TOTAL = "_total_rows"
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
Column: TypeAlias = SQLColumnExpression[Any]


async def fetch_page(session: AsyncSession, statement: AnySelect, page: PageRequest) -> tuple[list[AnyRow], int]:
    """The rows of one page and the total count, in a single statement (a window count)."""
    paged = statement.add_columns(func.count().over().label(_TOTAL)).limit(page.size).offset(page.offset)
    rows = list((await session.execute(paged)).all())
    return rows, (rows[0]._mapping[_TOTAL] if rows else 0)


def ordered(column: Column, descending: bool, tie_breaker: Column) -> list[Any]:
    """Sort by `column`, nulls last whichever the direction, then by id."""
    first = column.desc() if descending else column.asc()
    return [first.nulls_last(), tie_breaker.asc()]


def contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with `%`, `_` and the escape character taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
