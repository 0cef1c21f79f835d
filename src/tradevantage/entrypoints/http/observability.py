"""Operations: Prometheus metrics, a request id on every request and answer, structured JSON logs."""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Any
from uuid import uuid4

import structlog
from litestar.enums import ScopeType
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncEngine

from tradevantage.entrypoints.http.auth import PUBLIC

REQUEST_ID_HEADER = "x-request-id"
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = structlog.get_logger("tradevantage.access")

METRICS = PrometheusConfig(
    app_name="tradevantage",
    prefix="tradevantage",
    group_path=True,  # label by route template (/api/trade/{trade_id:str}), not by each id
    exclude=["^/metrics"],
)


class MetricsController(PrometheusController):
    path = "/metrics"
    opt = PUBLIC
    include_in_schema = False


# With several workers (PROMETHEUS_MULTIPROC_DIR set), each process writes its own value and
# /metrics adds them up.
_POOL_GAUGES = {
    "checkedout": Gauge(
        "tradevantage_db_pool_in_use", "Database connections checked out of the pools.", multiprocess_mode="livesum"
    ),
    "checkedin": Gauge(
        "tradevantage_db_pool_idle", "Open database connections waiting in the pools.", multiprocess_mode="livesum"
    ),
    "overflow": Gauge(
        "tradevantage_db_pool_overflow", "Connections opened beyond the pool sizes.", multiprocess_mode="livesum"
    ),
}


class PoolWatch:
    """Copies an engine's pool readings into the gauges; called after every request, it costs three reads."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._pool: Any = engine.sync_engine.pool

    def update(self) -> None:
        for reading, gauge in _POOL_GAUGES.items():
            read = getattr(self._pool, reading, None)
            if callable(read):
                # overflow() counts up from minus the pool size; below zero means none.
                gauge.set(max(0, read()))


class RequestContextMiddleware:
    """Gives each request an id (the client's `X-Request-ID` if it is sane), returns it in the answer,
    binds it to every log line written while serving, and logs one line per request."""

    def __init__(self, app: ASGIApp, pool: PoolWatch) -> None:
        self.app = app
        self.pool = pool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "")
        request_id = _request_id(scope)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self.pool.update()
            access_log.info(
                "request",
                method=method,
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER.encode():
            given = value.decode("latin-1")
            if _ACCEPTABLE_REQUEST_ID.match(given):
                return given
    return uuid4().hex


def configure_logging(level: str) -> None:
    """Every log line, ours and the libraries', as one JSON object on standard output."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    root.setLevel(level)
    if not any(getattr(handler, "tradevantage_json", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                foreign_pre_chain=shared,
                processors=[
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(),
                ],
            )
        )
        handler.tradevantage_json = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # Each request is logged once, as JSON with its id, by RequestContextMiddleware.
    logging.getLogger("uvicorn.access").disabled = True
