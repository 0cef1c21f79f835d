"""Column types shared by the tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine

MONEY_SCALE = 10**8
"""Eight decimal places are kept."""


class Money(TypeDecorator[Decimal]):
    """An exact decimal with eight places: NUMERIC(20, 8) on PostgreSQL; on SQLite, whose NUMERIC is a
    float, an integer count of 10^-8 units, so that sums stay exact there too (up to about 9.2e10).

    Arithmetic on Money columns must be wrapped in `type_coerce(..., Money())` to keep this type.
    """

    impl = Numeric(20, 8)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(20, 8, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return int((Decimal(value) * MONEY_SCALE).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(str(value)) / MONEY_SCALE
        return Decimal(value)
