"""A deadline for every request, so a client sending its body slowly (or a stuck handler) cannot hold a
worker's resources: past it the request is answered 408, or simply ended if its answer had begun."""

from __future__ import annotations

import asyncio

import msgspec
from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

TIMEOUT_BODY = msgspec.json.encode(
    {
        "type": "about:blank",
        "title": "Request Timeout",
        "status": 408,
        "detail": "The request took too long to arrive or to be handled.",
    }
)


class RequestTimeoutMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, send_tracking)
        except TimeoutError:
            if started:
                return
            start: HTTPResponseStartEvent = {
                "type": "http.response.start",
                "status": 408,
                "headers": [(b"content-type", b"application/problem+json"), (b"connection", b"close")],
            }
            body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": TIMEOUT_BODY, "more_body": False}
            await send(start)
            await send(body)
