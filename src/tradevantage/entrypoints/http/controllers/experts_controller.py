"""The market of Expert Advisors."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from tradevantage.domain.market.entities import ExpertFilter
from tradevantage.domain.pagination import PageRequest
from tradevantage.entrypoints.http.auth import BEARER
from tradevantage.entrypoints.http.dependencies import Authenticated, Experts
from tradevantage.entrypoints.http.listing import filter_text, filter_time, page_links
from tradevantage.entrypoints.http.schemas.market import ExpertPage, ExpertResponse, ExpertWrite
from tradevantage.entrypoints.http.schemas.problems import problem_responses


class ExpertsController(Controller):
    path = "/api/experts"
    tags = ["market"]
    security = BEARER

    @get("/", responses=problem_responses(400, 401, 404))
    async def list_experts(
        self,
        request: Authenticated,
        expert_service: Experts,
        page: FromQuery[int | None] = None,
        page_size: FromQuery[int | None] = None,
        search: FromQuery[str | None] = None,
        author: FromQuery[str | None] = None,
        version: FromQuery[str | None] = None,
        created_at_after: FromQuery[str | None] = None,
        created_at_before: FromQuery[str | None] = None,
        owned: FromQuery[bool] = False,
        ordering: FromQuery[str | None] = None,
    ) -> ExpertPage:
        """Expert Advisors in the market (archived ones hidden), newest first by default."""
        where = ExpertFilter(
            search=filter_text("search", search),
            author=filter_text("author", author),
            version=filter_text("version", version),
            created_after=filter_time("created_at_after", created_at_after),
            created_before=filter_time("created_at_before", created_at_before),
        )
        result = await expert_service.browse(request.user, where, ordering, PageRequest.of(page, page_size), owned)
        next_url, previous_url = page_links(request, result)
        return ExpertPage(
            count=result.total,
            next=next_url,
            previous=previous_url,
            results=[ExpertResponse.of(expert) for expert in result.items],
        )

    @post("/", status_code=HTTP_201_CREATED, responses=problem_responses(413, 400, 401, 403, 409))
    async def publish(
        self, data: JSONBody[ExpertWrite], request: Authenticated, expert_service: Experts
    ) -> ExpertResponse:
        """Publish an EA: programmers and admins."""
        return ExpertResponse.of(await expert_service.publish(request.user, data.given()))

    @get("/{magic_number:str}", responses=problem_responses(401, 404))
    async def show(self, magic_number: FromPath[str], expert_service: Experts) -> ExpertResponse:
        """One EA by magic number; archived ones stay readable."""
        return ExpertResponse.of(await expert_service.find(magic_number))

    @put("/{magic_number:str}", responses=problem_responses(413, 400, 401, 403, 404, 409))
    async def replace(
        self, magic_number: FromPath[str], data: JSONBody[ExpertWrite], request: Authenticated, expert_service: Experts
    ) -> ExpertResponse:
        """Replace an EA's details: its creator or an admin."""
        return ExpertResponse.of(await expert_service.revise(request.user, magic_number, data.given(), partial=False))

    @patch("/{magic_number:str}", responses=problem_responses(413, 400, 401, 403, 404, 409))
    async def amend(
        self, magic_number: FromPath[str], data: JSONBody[ExpertWrite], request: Authenticated, expert_service: Experts
    ) -> ExpertResponse:
        """Change some of an EA's details: its creator or an admin."""
        return ExpertResponse.of(await expert_service.revise(request.user, magic_number, data.given(), partial=True))

    @delete("/{magic_number:str}", status_code=HTTP_204_NO_CONTENT, responses=problem_responses(401, 403, 404))
    async def archive(self, magic_number: FromPath[str], request: Authenticated, expert_service: Experts) -> None:
        """Archive an EA: hidden from the list, no new subscriptions, nothing deleted."""
        await expert_service.archive(request.user, magic_number)
