"""The bridge between Litestar's request scope and the container: one session per request."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any, TypeAlias, cast

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.security.jwt import Token
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.container import Container
from tradevantage.domain.market.service import ExpertService
from tradevantage.domain.subscriptions.service import SubscriptionService
from tradevantage.domain.trades.service import TradeService
from tradevantage.domain.users.entities import Principal
from tradevantage.domain.users.service import UserService


def container_of(state: State) -> Container:
    return cast("Container", state.container)


READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
"""Requests of these methods only read, as HTTP has them do."""


async def provide_db_session(request: Request[Any, Any, State]) -> AsyncGenerator[AsyncSession, None]:
    """A session for this request alone; closing it rolls back whatever was not committed."""
    container = container_of(request.app.state)
    factory = container.read_session_factory if request.method in READ_ONLY_METHODS else container.session_factory
    async with factory()() as session:
        yield session


def provide_user_service(state: State, db_session: NamedDependency[AsyncSession]) -> UserService:
    return container_of(state).user_service(uow__session=db_session)


def provide_expert_service(state: State, db_session: NamedDependency[AsyncSession]) -> ExpertService:
    return container_of(state).expert_service(uow__session=db_session)


def provide_subscription_service(state: State, db_session: NamedDependency[AsyncSession]) -> SubscriptionService:
    return container_of(state).subscription_service(uow__session=db_session)


def provide_trade_service(state: State, db_session: NamedDependency[AsyncSession]) -> TradeService:
    return container_of(state).trade_service(uow__session=db_session)


def now_at(request: Request[Any, Any, State]) -> datetime:
    """The request's instant, from the container's clock (so tests can pin it)."""
    return container_of(request.app.state).clock().now()


Users: TypeAlias = NamedDependency[UserService]
"""The accounts service of this request."""
Experts: TypeAlias = NamedDependency[ExpertService]
Subscriptions: TypeAlias = NamedDependency[SubscriptionService]
Trades: TypeAlias = NamedDependency[TradeService]
Authenticated: TypeAlias = Request[Principal, Token, State]
"""The request of a caller whose access token was accepted: `request.user` is who is calling.

Taken as the request itself rather than as a dependency: Litestar resolves the dependencies of one
level concurrently in a task group, which costs more than the work when the session is the only
dependency that does any."""

dependencies = {
    "db_session": Provide(provide_db_session),
    "user_service": Provide(provide_user_service, sync_to_thread=False),
    "expert_service": Provide(provide_expert_service, sync_to_thread=False),
    "subscription_service": Provide(provide_subscription_service, sync_to_thread=False),
    "trade_service": Provide(provide_trade_service, sync_to_thread=False),
}
