"""Liveness and readiness, for load balancers and Kubernetes probes."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get, head
from litestar.datastructures import State

from tradevantage.entrypoints.http.auth import PUBLIC
from tradevantage.entrypoints.http.dependencies import container_of
from tradevantage.entrypoints.http.problems import problem
from tradevantage.entrypoints.http.schemas.problems import problem_responses


class HealthStatus(msgspec.Struct):
    status: str


class HealthController(Controller):
    path = "/health"
    tags = ["operations"]
    opt = PUBLIC
    include_in_schema = True

    @get("/")
    async def live(self) -> HealthStatus:
        """The process serves requests. Touches no database."""
        return HealthStatus(status="ok")

    @head("/", include_in_schema=False)
    async def live_head(self) -> None:
        """HEAD for load balancers that probe with it."""

    @get("/ready", responses=problem_responses(503))
    async def ready(self, state: State) -> Response[Any]:
        """The database answers within a second."""
        if await container_of(state).database_probe().answers(within_seconds=1.0):
            return Response(HealthStatus(status="ok"))
        return problem(503, "The database does not answer.")
