"""One session, one transaction: kept only when the service commits."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.adapters.persistence.expert_repository import SqlExpertRepository
from tradevantage.adapters.persistence.refresh_token_repository import SqlRefreshTokenRepository
from tradevantage.adapters.persistence.subscription_repository import SqlSubscriptionRepository
from tradevantage.adapters.persistence.trade_repository import SqlTradeRepository
from tradevantage.adapters.persistence.user_repository import SqlUserRepository


class SqlUnitOfWork:
    """Repositories over the session of one request or command.

    The session belongs to the caller (the request or the command), which closes it, rolling
    back whatever was not committed.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # Each repository is made when a use case first asks for it: most requests need one or two.
    @cached_property
    def users(self) -> SqlUserRepository:
        return SqlUserRepository(self._session)

    @cached_property
    def refresh_tokens(self) -> SqlRefreshTokenRepository:
        return SqlRefreshTokenRepository(self._session)

    @cached_property
    def experts(self) -> SqlExpertRepository:
        return SqlExpertRepository(self._session)

    @cached_property
    def subscriptions(self) -> SqlSubscriptionRepository:
        return SqlSubscriptionRepository(self._session)

    @cached_property
    def trades(self) -> SqlTradeRepository:
        return SqlTradeRepository(self._session)

    async def commit(self) -> None:
        await self._session.commit()

    async def rollback(self) -> None:
        await self._session.rollback()
