"""The market service: who may publish, change and archive an Expert Advisor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from uuid import uuid4

from tradevantage.domain.clock import Clock
from tradevantage.domain.errors import NotFound, PermissionDenied
from tradevantage.domain.market import rules
from tradevantage.domain.market.entities import ExpertAdvisor, ExpertFilter
from tradevantage.domain.market.ports import MarketUnitOfWork
from tradevantage.domain.pagination import Ordering, Page, PageRequest
from tradevantage.domain.users.entities import Principal, Role

EXPERT_ORDERINGS = ("created_at", "name", "price", "download_count")
DEFAULT_EXPERT_ORDERING = "-created_at"
PUBLISHERS = (Role.PROGRAMMER, Role.ADMIN)


class ExpertService:
    """Use cases of the market. Each public method is one unit of work."""

    def __init__(self, uow: MarketUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def publish(self, caller: Principal, fields: Mapping[str, Any]) -> ExpertAdvisor:
        """Create an EA. Programmers and admins only; `author` defaults to the creator's name."""
        if caller.role not in PUBLISHERS:
            raise PermissionDenied("Only programmers and admins may publish Expert Advisors.")
        details = rules.build_details(fields)
        if not details.author:
            creator = await self._uow.users.get(caller.id)
            details = replace(details, author=creator.full_name if creator else "")
        now = self._clock.now()
        expert = ExpertAdvisor(
            id=uuid4(), details=details, created_by=caller.id, archived=False, created_at=now, updated_at=now
        )
        await self._uow.experts.add(expert)
        await self._uow.commit()
        return expert

    async def find(self, magic_number: int | str) -> ExpertAdvisor:
        """Any EA by magic number, archived ones included (their detail stays readable)."""
        return await self._expert(magic_number)

    async def browse(
        self, caller: Principal, where: ExpertFilter, ordering: str | None, page: PageRequest, owned: bool = False
    ) -> Page[ExpertAdvisor]:
        """The market list: archived EAs hidden; `owned` narrows it to the caller's own."""
        order = Ordering.parse(ordering, EXPERT_ORDERINGS, DEFAULT_EXPERT_ORDERING)
        where = replace(where, include_archived=False, created_by=caller.id if owned else None)
        result = await self._uow.experts.list_page(where, order, page)
        return result.or_not_found()

    async def revise(
        self, caller: Principal, magic_number: int | str, fields: Mapping[str, Any], partial: bool
    ) -> ExpertAdvisor:
        """Change an EA's details: its creator or an admin. A full update needs every required field."""
        expert = await self._editable(caller, magic_number)
        details = rules.build_details(fields, base=expert.details if partial else None)
        if not partial and "author" not in fields:
            details = replace(details, author=expert.details.author)
        revised = replace(expert, details=details, updated_at=self._clock.now())
        await self._uow.experts.update(revised)
        await self._uow.commit()
        return revised

    async def archive(self, caller: Principal, magic_number: int | str) -> None:
        """Hide an EA from the market and refuse new subscriptions; nothing referencing it is deleted."""
        expert = await self._editable(caller, magic_number)
        if not expert.archived:
            await self._uow.experts.update(replace(expert, archived=True, updated_at=self._clock.now()))
            await self._uow.commit()

    async def _editable(self, caller: Principal, magic_number: int | str) -> ExpertAdvisor:
        expert = await self._expert(magic_number)
        if caller.role is not Role.ADMIN and expert.created_by != caller.id:
            raise PermissionDenied("Only the creator of this Expert Advisor or an admin may change it.")
        return expert

    async def _expert(self, magic_number: int | str) -> ExpertAdvisor:
        expert = await self._uow.experts.get_by_magic(magic_from_path(magic_number))
        if expert is None:
            raise NotFound("No Expert Advisor has this magic number.")
        return expert


def magic_from_path(value: int | str) -> int:
    """A magic number as a path parameter: one of the wrong form is simply not found."""
    try:
        return rules.parse_magic_number(value)
    except ValueError:
        raise NotFound("No Expert Advisor has this magic number.") from None
