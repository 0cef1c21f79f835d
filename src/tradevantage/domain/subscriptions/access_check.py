"""The EA bridge's subscription check as a use case: one read, decided by the domain's rule."""

from __future__ import annotations

from dataclasses import dataclass

from tradevantage.domain.clock import Clock
from tradevantage.domain.market.service import magic_from_path
from tradevantage.domain.subscriptions.access import SubscriptionAccess, decide_access
from tradevantage.domain.subscriptions.entities import SubscriptionView
from tradevantage.domain.subscriptions.ports import AccessFactsReader
from tradevantage.domain.users.entities import Principal


@dataclass(frozen=True, slots=True)
class AccessCheck:
    decision: SubscriptionAccess
    view: SubscriptionView | None


class AccessCheckService:
    """May this caller trade this EA now? Terminals ask before every trade, so the check is one read
    and needs no unit of work: it changes nothing."""

    def __init__(self, reader: AccessFactsReader, clock: Clock) -> None:
        self._reader = reader
        self._clock = clock

    async def check(
        self,
        caller: Principal,
        magic_number: int | str,
        account_number: str | None = None,
        creator_email: str | None = None,
    ) -> AccessCheck:
        """The decision for `caller` and the EA `magic_number` (as the path gives it), from one query."""
        facts = await self._reader.access_facts(caller.id, magic_from_path(magic_number))
        decision = decide_access(facts, self._clock.now(), account_number, creator_email)
        return AccessCheck(decision=decision, view=facts.subscription)
