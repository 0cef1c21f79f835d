"""Subscriptions to Expert Advisors."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from tradevantage.domain.pagination import PageRequest
from tradevantage.entrypoints.http.auth import BEARER
from tradevantage.entrypoints.http.dependencies import Caller, Now, Subscriptions
from tradevantage.entrypoints.http.listing import filter_time, page_links
from tradevantage.entrypoints.http.schemas.problems import problem_responses
from tradevantage.entrypoints.http.schemas.subscriptions import (
    PaymentRequest,
    SubscribeRequest,
    SubscriptionChange,
    SubscriptionPage,
    SubscriptionResponse,
)


class SubscriptionsController(Controller):
    path = "/api/subscriptions"
    tags = ["subscriptions"]
    security = BEARER

    @get("/", responses=problem_responses(400, 401, 403, 404))
    async def list_subscriptions(
        self,
        request: Request[Any, Any, Any],
        principal: Caller,
        subscription_service: Subscriptions,
        now: Now,
        managed: FromQuery[bool] = False,
        page: FromQuery[int | None] = None,
        page_size: FromQuery[int | None] = None,
    ) -> SubscriptionPage:
        """The caller's subscriptions; `managed=true`: subscriptions to the caller's own EAs."""
        page_request = PageRequest.of(page, page_size)
        if managed:
            result = await subscription_service.list_managed(principal, page_request)
        else:
            result = await subscription_service.list_own(principal, page_request)
        next_url, previous_url = page_links(request, result)
        return SubscriptionPage(
            count=result.total,
            next=next_url,
            previous=previous_url,
            results=[SubscriptionResponse.of(view, now) for view in result.items],
        )

    @post("/", responses=problem_responses(400, 401, 404, 409, 413))
    async def subscribe(
        self, data: JSONBody[SubscribeRequest], principal: Caller, subscription_service: Subscriptions, now: Now
    ) -> Response[SubscriptionResponse]:
        """Subscribe to an EA by magic number (201), or resume a cancelled subscription (200)."""
        result = await subscription_service.subscribe(principal, data.expert, data.account_number)
        status = HTTP_201_CREATED if result.created else HTTP_200_OK
        return Response(SubscriptionResponse.of(result.view, now), status_code=status)

    @get("/{subscription_id:str}", responses=problem_responses(401, 404))
    async def show(
        self, subscription_id: FromPath[str], principal: Caller, subscription_service: Subscriptions, now: Now
    ) -> SubscriptionResponse:
        return SubscriptionResponse.of(await subscription_service.show(principal, subscription_id), now)

    @patch("/{subscription_id:str}", responses=problem_responses(413, 400, 401, 404))
    async def change(
        self,
        subscription_id: FromPath[str],
        data: JSONBody[SubscriptionChange],
        principal: Caller,
        subscription_service: Subscriptions,
        now: Now,
    ) -> SubscriptionResponse:
        """Change `account_number` or `broker_utc_offset`."""
        view = await subscription_service.change(principal, subscription_id, data.given())
        return SubscriptionResponse.of(view, now)

    @post("/{subscription_id:str}/cancel", status_code=HTTP_200_OK, responses=problem_responses(401, 404))
    async def cancel(
        self, subscription_id: FromPath[str], principal: Caller, subscription_service: Subscriptions, now: Now
    ) -> SubscriptionResponse:
        """Stop renewal; access lasts until `expires_at`."""
        return SubscriptionResponse.of(await subscription_service.cancel(principal, subscription_id), now)

    @delete("/{subscription_id:str}", status_code=HTTP_204_NO_CONTENT, responses=problem_responses(401, 404))
    async def remove(
        self, subscription_id: FromPath[str], principal: Caller, subscription_service: Subscriptions
    ) -> None:
        """The same as cancel; the record is kept."""
        await subscription_service.cancel(principal, subscription_id)

    @post(
        "/{subscription_id:str}/payments", status_code=HTTP_200_OK, responses=problem_responses(413, 400, 401, 403, 404)
    )
    async def record_payment(
        self,
        subscription_id: FromPath[str],
        data: JSONBody[PaymentRequest],
        principal: Caller,
        subscription_service: Subscriptions,
        now: Now,
    ) -> SubscriptionResponse:
        """Record a payment: the EA's creator or an admin. Extends by 30 days a period."""
        paid_at = filter_time("paid_at", data.paid_at)
        view = await subscription_service.record_payment(principal, subscription_id, paid_at, data.periods)
        return SubscriptionResponse.of(view, now)
