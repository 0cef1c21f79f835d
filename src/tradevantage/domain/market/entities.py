"""Entities of the market."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

TIMEFRAMES = ("M1", "M5", "M15", "M30", "H1", "H4", "D1", "W1", "MN1")
MAX_MAGIC_NUMBER = 2**63 - 1


@dataclass(frozen=True, slots=True)
class ExpertDetails:
    """What a creator writes about an EA; everything but identity and bookkeeping."""

    magic_number: int
    name: str
    description: str = ""
    version: str = "1.0"
    author: str = ""
    supported_pairs: tuple[str, ...] = ()
    timeframes: tuple[str, ...] = ()
    minimum_deposit: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    instructions: str = ""
    image_url: str | None = None
    file_url: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExpertAdvisor:
    id: UUID
    details: ExpertDetails
    created_by: UUID
    archived: bool
    created_at: datetime
    updated_at: datetime
    download_count: int = 0
    """Subscriptions to it, whatever their status: computed when read, never stored."""

    @property
    def magic_number(self) -> int:
        return self.details.magic_number

    @property
    def is_free(self) -> bool:
        return self.details.price == 0


@dataclass(frozen=True, slots=True)
class ExpertFilter:
    search: str | None = None
    author: str | None = None
    version: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    created_by: UUID | None = None
    include_archived: bool = False
