"""The EA bridge's subscription check: the hottest path of the service."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery

from tradevantage.domain.subscriptions.access import SubscriptionAccess
from tradevantage.domain.values import format_timestamp
from tradevantage.entrypoints.http.auth import BEARER
from tradevantage.entrypoints.http.dependencies import AccessChecks, Authenticated, now_at
from tradevantage.entrypoints.http.problems import problem
from tradevantage.entrypoints.http.schemas.problems import problem_responses
from tradevantage.entrypoints.http.schemas.subscriptions import TradeAuthResponse


class TradeAuthController(Controller):
    path = "/api/trade-auth"
    tags = ["ea-bridge"]
    security = BEARER

    @get("/{magic_number:str}", responses=problem_responses(401, 402, 403, 404, 410))
    async def check(
        self,
        magic_number: FromPath[str],
        request: Authenticated,
        access_check: AccessChecks,
        account_number: FromQuery[str | None] = None,
        creator_email: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """May the caller trade this EA now? 200 active, 402 unpaid, 403 other account, 404, 410 expired."""
        check = await access_check.check(request.user, magic_number, account_number, creator_email)
        if check.decision is SubscriptionAccess.ACTIVE and check.view is not None:
            return Response(TradeAuthResponse.of(check.view, now_at(request)))
        if check.decision is SubscriptionAccess.EXPIRED and check.view is not None:
            expires_at = check.view.subscription.expires_at
            extra = {"expires_at": format_timestamp(expires_at) if expires_at else None}
            return problem(410, "Subscription expired", extra=extra)
        if check.decision is SubscriptionAccess.AWAITING_PAYMENT:
            return problem(402, "Subscription awaiting payment")
        if check.decision is SubscriptionAccess.OTHER_ACCOUNT:
            return problem(403, "This subscription is bound to another trading account.")
        return problem(404, "No subscription to this Expert Advisor.")
