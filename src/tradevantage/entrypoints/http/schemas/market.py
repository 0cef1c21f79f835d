"""Shapes of the market endpoints."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from tradevantage.domain.market.entities import ExpertAdvisor
from tradevantage.domain.values import format_decimal, format_timestamp
from tradevantage.entrypoints.http.schemas.partial import PartialBody

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class ExpertWrite(PartialBody):
    """An EA as clients send it. POST and PUT need `magic_number` and `name`; PATCH sends any subset."""

    magic_number: int | str | Unset = UNSET
    name: str | Unset = UNSET
    description: str | Unset = UNSET
    version: str | Unset = UNSET
    author: str | Unset = UNSET
    supported_pairs: list[str] | Unset = UNSET
    timeframes: list[str] | Unset = UNSET
    minimum_deposit: Decimal | Unset = UNSET
    price: Decimal | Unset = UNSET
    instructions: str | Unset = UNSET
    image_url: str | Unset | None = UNSET
    file_url: str | Unset | None = UNSET
    parameters: dict[str, Any] | Unset = UNSET


class ExpertResponse(msgspec.Struct):
    id: UUID
    magic_number: int
    name: str
    description: str
    version: str
    author: str
    supported_pairs: list[str]
    timeframes: list[str]
    minimum_deposit: str
    price: str
    instructions: str
    image_url: str | None
    file_url: str | None
    parameters: dict[str, Any]
    created_by: UUID
    download_count: int
    archived: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, expert: ExpertAdvisor) -> ExpertResponse:
        details = expert.details
        return cls(
            id=expert.id,
            magic_number=details.magic_number,
            name=details.name,
            description=details.description,
            version=details.version,
            author=details.author,
            supported_pairs=list(details.supported_pairs),
            timeframes=list(details.timeframes),
            minimum_deposit=format_decimal(details.minimum_deposit),
            price=format_decimal(details.price),
            instructions=details.instructions,
            image_url=details.image_url,
            file_url=details.file_url,
            parameters=details.parameters,
            created_by=expert.created_by,
            download_count=expert.download_count,
            archived=expert.archived,
            created_at=format_timestamp(expert.created_at),
            updated_at=format_timestamp(expert.updated_at),
        )


class ExpertPage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[ExpertResponse]
