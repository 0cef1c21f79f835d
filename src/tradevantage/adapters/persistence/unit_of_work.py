"""One session, one transaction: kept only when the service commits."""

from __future__ import annotations

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
        self.users = SqlUserRepository(session)
        self.refresh_tokens = SqlRefreshTokenRepository(session)
        self.experts = SqlExpertRepository(session)
        self.subscriptions = SqlSubscriptionRepository(session)
        self.trades = SqlTradeRepository(session)

    async def commit(self) -> None:
        await self._session.commit()

    async def rollback(self) -> None:
        await self._session.rollback()
