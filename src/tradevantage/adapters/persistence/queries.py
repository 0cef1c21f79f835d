"""Query pieces every list shares: pages with their total, ordering with ties by id, literal substring search."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

from sqlalchemy import Row, Select, SQLColumnExpression, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.domain.pagination import PageRequest

AnySelect: TypeAlias = Select[*tuple[Any, ...]]
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
Column: TypeAlias = SQLColumnExpression[Any]


LARGEST_SQL_INTEGER = 2**63 - 1
"""What a LIMIT or OFFSET can be on PostgreSQL and SQLite: a page further on lies past any end."""


class Columns(Protocol):
    """One row read by column name: SQLAlchemy's row mapping, or asyncpg's record."""

    def __getitem__(self, name: str, /) -> Any: ...


async def fetch_page(session: AsyncSession, statement: AnySelect, page: PageRequest) -> tuple[list[AnyRow], int]:
    """The rows of one page and the number of rows in all pages: two statements, whatever the size.

    The count is a separate statement so the page itself can stop after its rows (an index-ordered
    LIMIT), which a window count over every row would prevent.
    """
    total = await count_rows(session, statement)
    if total == 0 or page.offset >= total:
        return [], total
    rows = list((await session.execute(statement.limit(page.size).offset(page.offset))).all())
    return rows, total


async def count_rows(session: AsyncSession, statement: AnySelect) -> int:
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int(await session.scalar(counted) or 0)


def ordered(column: Column, descending: bool, tie_breaker: Column, nullable: bool = False) -> list[Any]:
    """Sort by `column`, then by id in the same direction (so one index serves both), nulls last."""
    first = column.desc() if descending else column.asc()
    second = tie_breaker.desc() if descending else tie_breaker.asc()
    return [first.nulls_last() if nullable else first, second]


def contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with `%`, `_` and the escape character taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
