"""Trade history: the EA bridge reports trades here, the dashboard reads them."""

from __future__ import annotations

from typing import TypeVar

from litestar import Controller, Response, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from tradevantage.domain.pagination import PageRequest
from tradevantage.domain.trades.entities import TradeFilter
from tradevantage.entrypoints.http.auth import BEARER
from tradevantage.entrypoints.http.dependencies import Authenticated, Trades
from tradevantage.entrypoints.http.listing import page_links
from tradevantage.entrypoints.http.schemas.problems import problem_responses
from tradevantage.entrypoints.http.schemas.trades import TradePage, TradeResponse, TradeStatsResponse, TradeWrite
from tradevantage.entrypoints.trade_filters import build_trade_filter

T = TypeVar("T")


def provide_trade_filter(
    expert: FromQuery[str | None] = None,
    ticker: FromQuery[str | None] = None,
    direction: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    account_number: FromQuery[str | None] = None,
    open_time_after: FromQuery[str | None] = None,
    open_time_before: FromQuery[str | None] = None,
    close_time_after: FromQuery[str | None] = None,
    close_time_before: FromQuery[str | None] = None,
    profit_min: FromQuery[str | None] = None,
    profit_max: FromQuery[str | None] = None,
    lot_size_min: FromQuery[str | None] = None,
    lot_size_max: FromQuery[str | None] = None,
) -> TradeFilter:
    """The filters of the trade list and statistics; every bad one is named by its parameter."""
    return build_trade_filter(
        expert=expert,
        ticker=ticker,
        direction=direction,
        status=status,
        account_number=account_number,
        open_time_after=open_time_after,
        open_time_before=open_time_before,
        close_time_after=close_time_after,
        close_time_before=close_time_before,
        profit_min=profit_min,
        profit_max=profit_max,
        lot_size_min=lot_size_min,
        lot_size_max=lot_size_max,
    )


class TradesController(Controller):
    path = "/api/trade"
    tags = ["trades"]
    security = BEARER
    dependencies = {"trade_filter": Provide(provide_trade_filter, sync_to_thread=False)}

    @get("/", responses=problem_responses(400, 401, 404))
    async def list_trades(
        self,
        request: Authenticated,
        trade_service: Trades,
        trade_filter: NamedDependency[TradeFilter],
        page: FromQuery[int | None] = None,
        page_size: FromQuery[int | None] = None,
        ordering: FromQuery[str | None] = None,
    ) -> TradePage:
        """The caller's trades, newest `open_time` first by default."""
        result = await trade_service.browse(request.user, trade_filter, ordering, PageRequest.of(page, page_size))
        next_url, previous_url = page_links(request, result)
        return TradePage(
            count=result.total,
            next=next_url,
            previous=previous_url,
            results=[TradeResponse.of(view) for view in result.items],
        )

    @post("/", responses=problem_responses(400, 401, 403, 404, 409, 413))
    async def report(
        self, data: JSONBody[TradeWrite], request: Authenticated, trade_service: Trades
    ) -> Response[TradeResponse]:
        """Report a trade, idempotently on the ticket: 201 the first time (with `Location`), 200 after."""
        result = await trade_service.report(request.user, data.given())
        body = TradeResponse.of(result.view)
        if result.created:
            return Response(body, status_code=HTTP_201_CREATED, headers={"Location": f"/api/trade/{body.id}/"})
        return Response(body, status_code=HTTP_200_OK)

    @get("/stats", responses=problem_responses(400, 401))
    async def statistics(
        self,
        request: Authenticated,
        trade_service: Trades,
        trade_filter: NamedDependency[TradeFilter],
    ) -> TradeStatsResponse:
        """Dashboard figures over the trades the filters match, computed by the database."""
        return TradeStatsResponse.of(await trade_service.statistics(request.user, trade_filter))

    @get("/{trade_id:str}", responses=problem_responses(401, 404))
    async def show(self, trade_id: FromPath[str], request: Authenticated, trade_service: Trades) -> TradeResponse:
        return TradeResponse.of(await trade_service.find(request.user, trade_id))

    @put("/{trade_id:str}", responses=problem_responses(400, 401, 404, 413))
    async def replace(
        self, trade_id: FromPath[str], data: JSONBody[TradeWrite], request: Authenticated, trade_service: Trades
    ) -> TradeResponse:
        """Replace a trade's editable fields; fixed ones may only be restated."""
        view = await trade_service.correct(request.user, trade_id, data.given(), by_ticket=False, partial=False)
        return TradeResponse.of(view)

    @patch("/{trade_id:str}", responses=problem_responses(400, 401, 404, 413))
    async def amend(
        self, trade_id: FromPath[str], data: JSONBody[TradeWrite], request: Authenticated, trade_service: Trades
    ) -> TradeResponse:
        """Change some fields, typically closing the trade."""
        view = await trade_service.correct(request.user, trade_id, data.given(), by_ticket=False, partial=True)
        return TradeResponse.of(view)

    @get("/ticket/{ticket_number:str}", responses=problem_responses(401, 404))
    async def show_by_ticket(
        self, ticket_number: FromPath[str], request: Authenticated, trade_service: Trades
    ) -> TradeResponse:
        return TradeResponse.of(await trade_service.find(request.user, ticket_number, by_ticket=True))

    @patch("/ticket/{ticket_number:str}", responses=problem_responses(400, 401, 404, 413))
    async def amend_by_ticket(
        self, ticket_number: FromPath[str], data: JSONBody[TradeWrite], request: Authenticated, trade_service: Trades
    ) -> TradeResponse:
        """Close or correct a trade by the ticket the EA knows."""
        view = await trade_service.correct(request.user, ticket_number, data.given(), by_ticket=True, partial=True)
        return TradeResponse.of(view)
