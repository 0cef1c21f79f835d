"""Ports of the market, implemented by adapters."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from tradevantage.domain.market.entities import ExpertAdvisor, ExpertFilter
from tradevantage.domain.pagination import Ordering, Page, PageRequest
from tradevantage.domain.users.ports import UserRepository


class ExpertRepository(Protocol):
    async def add(self, expert: ExpertAdvisor) -> None:
        """Store a new EA; raise `Conflict` for a taken magic number or a name its creator already uses."""
        ...

    async def update(self, expert: ExpertAdvisor) -> None:
        """Store changed details or the archived flag; same conflicts as `add`."""
        ...

    async def get_by_magic(self, magic_number: int) -> ExpertAdvisor | None:
        """The EA, archived or not, with its `download_count`."""
        ...

    async def get(self, expert_id: UUID) -> ExpertAdvisor | None: ...

    async def id_of(self, magic_number: int) -> UUID | None:
        """The id of the EA that has this magic number now, archived or not."""
        ...

    async def labels(self, expert_ids: list[UUID]) -> dict[UUID, tuple[int, str]]:
        """The current magic number and name of each EA, by id, in one query."""
        ...

    async def list_page(self, where: ExpertFilter, ordering: Ordering, page: PageRequest) -> Page[ExpertAdvisor]:
        """One page with `download_count`s, in a number of statements that does not grow with the page."""
        ...


class MarketUnitOfWork(Protocol):
    users: UserRepository
    experts: ExpertRepository

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
