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
from tradevantage.domain.subscriptions.access_check import AccessCheckService
from tradevantage.domain.subscriptions.service import SubscriptionService
from tradevantage.domain.trades.service import TradeService
from tradevantage.domain.users.entities import Principal
from tradevantage.domain.users.service import UserService


def container_of(state: State) -> Container:
    return cast("Container", state.container)


READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
"""Requests of these methods only read, as HTTP has them do."""


def request_session(request: Request[Any, Any, State]) -> AsyncSession:
    """A session for this request alone (to use in `async with`: leaving it rolls back whatever was
    not committed); requests that only read get one without a transaction on PostgreSQL."""
    container = container_of(request.app.state)
    factory = container.read_session_factory if request.method in READ_ONLY_METHODS else container.session_factory
    return factory()()


# Each service comes with its request's session in one dependency, not as a second dependency on a
# session dependency: Litestar resolves (and cleans up) each dependency of a request on its own, and
# the second one was 3% of a trade-auth's instructions.


async def provide_user_service(request: Request[Any, Any, State]) -> AsyncGenerator[UserService, None]:
    async with request_session(request) as session:
        yield container_of(request.app.state).user_service(uow__session=session)


async def provide_expert_service(request: Request[Any, Any, State]) -> AsyncGenerator[ExpertService, None]:
    async with request_session(request) as session:
        yield container_of(request.app.state).expert_service(uow__session=session)


async def provide_subscription_service(
    request: Request[Any, Any, State],
) -> AsyncGenerator[SubscriptionService, None]:
    async with request_session(request) as session:
        yield container_of(request.app.state).subscription_service(uow__session=session)


async def provide_trade_service(request: Request[Any, Any, State]) -> AsyncGenerator[TradeService, None]:
    async with request_session(request) as session:
        yield container_of(request.app.state).trade_service(uow__session=session)


def provide_access_check(request: Request[Any, Any, State]) -> AccessCheckService:
    return container_of(request.app.state).access_check()


def now_at(request: Request[Any, Any, State]) -> datetime:
    """The request's instant, from the container's clock (so tests can pin it)."""
    return container_of(request.app.state).clock().now()


Users: TypeAlias = NamedDependency[UserService]
"""The accounts service of this request."""
Experts: TypeAlias = NamedDependency[ExpertService]
Subscriptions: TypeAlias = NamedDependency[SubscriptionService]
Trades: TypeAlias = NamedDependency[TradeService]
AccessChecks: TypeAlias = NamedDependency[AccessCheckService]
Authenticated: TypeAlias = Request[Principal, Token, State]
"""The request of a caller whose access token was accepted: `request.user` is who is calling.

Taken as the request itself rather than as a dependency: Litestar resolves the dependencies of one
level concurrently in a task group, which costs more than the work when the session is the only
dependency that does any."""

dependencies = {
    "user_service": Provide(provide_user_service),
    "expert_service": Provide(provide_expert_service),
    "subscription_service": Provide(provide_subscription_service),
    "trade_service": Provide(provide_trade_service),
    "access_check": Provide(provide_access_check, sync_to_thread=False),
}
