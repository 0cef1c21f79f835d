"""Subscriptions to Expert Advisors."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from tradevantage.domain.pagination import PageRequest
from tradevantage.entrypoints.http.auth import BEARER
from tradevantage.entrypoints.http.dependencies import Authenticated, Subscriptions, now_at
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
        request: Authenticated,
        subscription_service: Subscriptions,
        managed: FromQuery[bool] = False,
        page: FromQuery[int | None] = None,
        page_size: FromQuery[int | None] = None,
    ) -> SubscriptionPage:
        """The caller's subscriptions; `managed=true`: subscriptions to the caller's own EAs."""
        page_request = PageRequest.of(page, page_size)
        now = now_at(request)
        if managed:
            result = await subscription_service.list_managed(request.user, page_request)
        else:
            result = await subscription_service.list_own(request.user, page_request)
        next_url, previous_url = page_links(request, result)
        return SubscriptionPage(
            count=result.total,
            next=next_url,
            previous=previous_url,
            results=[SubscriptionResponse.of(view, now) for view in result.items],
        )

    @post("/", responses=problem_responses(400, 401, 404, 409, 413))
    async def subscribe(
        self, data: JSONBody[SubscribeRequest], request: Authenticated, subscription_service: Subscriptions
    ) -> Response[SubscriptionResponse]:
        """Subscribe to an EA by magic number (201), or resume a cancelled subscription (200)."""
        result = await subscription_service.subscribe(request.user, data.expert, data.account_number)
        status = HTTP_201_CREATED if result.created else HTTP_200_OK
        return Response(SubscriptionResponse.of(result.view, now_at(request)), status_code=status)

    @get("/{subscription_id:str}", responses=problem_responses(401, 404))
    async def show(
        self, subscription_id: FromPath[str], request: Authenticated, subscription_service: Subscriptions
    ) -> SubscriptionResponse:
        return SubscriptionResponse.of(await subscription_service.show(request.user, subscription_id), now_at(request))

    @patch("/{subscription_id:str}", responses=problem_responses(413, 400, 401, 404))
    async def change(
        self,
        subscription_id: FromPath[str],
        data: JSONBody[SubscriptionChange],
        request: Authenticated,
        subscription_service: Subscriptions,
    ) -> SubscriptionResponse:
        """Change `account_number` or `broker_utc_offset`."""
        view = await subscription_service.change(request.user, subscription_id, data.given())
        return SubscriptionResponse.of(view, now_at(request))

    @post("/{subscription_id:str}/cancel", status_code=HTTP_200_OK, responses=problem_responses(401, 404))
    async def cancel(
        self, subscription_id: FromPath[str], request: Authenticated, subscription_service: Subscriptions
    ) -> SubscriptionResponse:
        """Stop renewal; access lasts until `expires_at`."""
        return SubscriptionResponse.of(
            await subscription_service.cancel(request.user, subscription_id), now_at(request)
        )

    @delete("/{subscription_id:str}", status_code=HTTP_204_NO_CONTENT, responses=problem_responses(401, 404))
    async def remove(
        self, subscription_id: FromPath[str], request: Authenticated, subscription_service: Subscriptions
    ) -> None:
        """The same as cancel; the record is kept."""
        await subscription_service.cancel(request.user, subscription_id)

    @post(
        "/{subscription_id:str}/payments", status_code=HTTP_200_OK, responses=problem_responses(413, 400, 401, 403, 404)
    )
    async def record_payment(
        self,
        subscription_id: FromPath[str],
        data: JSONBody[PaymentRequest],
        request: Authenticated,
        subscription_service: Subscriptions,
    ) -> SubscriptionResponse:
        """Record a payment: the EA's creator or an admin. Extends by 30 days a period."""
        paid_at = filter_time("paid_at", data.paid_at)
        view = await subscription_service.record_payment(request.user, subscription_id, paid_at, data.periods)
        return SubscriptionResponse.of(view, now_at(request))
