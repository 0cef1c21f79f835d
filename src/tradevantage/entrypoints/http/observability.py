"""Operations: Prometheus metrics, a request id on every request and answer, structured JSON logs."""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Any
from uuid import uuid4

import msgspec
import structlog
from litestar.enums import ScopeType
from litestar.plugins.prometheus import PrometheusController
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncEngine

from tradevantage.entrypoints.http.auth import PUBLIC

REQUEST_ID_HEADER = b"x-request-id"
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
APP_NAME = "tradevantage"


class MetricsController(PrometheusController):
    path = "/metrics"
    opt = PUBLIC
    include_in_schema = False


# With several workers (PROMETHEUS_MULTIPROC_DIR set), each process writes its own values and
# /metrics adds them up. Metrics register once per process, in prometheus_client's default registry.
_REQUEST_LABELS = ("method", "path", "status_code", "app_name")
_REQUESTS = Counter("tradevantage_requests_total", "Total requests", _REQUEST_LABELS)
_DURATIONS = Histogram("tradevantage_request_duration_seconds", "Request duration, in seconds", _REQUEST_LABELS)
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
_COUNTED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_PATH = "unmatched"
"""The `path` label of requests no route matched: the paths clients make up are not label values."""


class RequestMetrics:
    """Counts and times requests by method, route template (`/api/trade/{trade_id}`, never an id)
    and status.

    The labelled series of each (method, route, status) are looked up once and kept: prometheus_client's
    `labels()` takes a lock and checks its arguments on every call.
    """

    def __init__(self) -> None:
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str | None, status: int, seconds: float) -> None:
        key = (method if method in _COUNTED_METHODS else "OTHER", route or UNMATCHED_PATH, status)
        series = self._series.get(key)
        if series is None:
            values = (*key, APP_NAME)
            series = self._series[key] = (_REQUESTS.labels(*values), _DURATIONS.labels(*values))
        requests, durations = series
        requests.inc()
        durations.observe(seconds)


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
    binds it to every log line written while serving, logs one line per request and counts it in
    the metrics (but for scrapes of /metrics itself).

    It wraps the whole app, so the requests no route matches (404, 405) are logged and counted too;
    the route template Litestar's router puts into the scope is read once the answer is sent.
    """

    def __init__(self, app: ASGIApp, pool: PoolWatch, access_log: Any, metrics: RequestMetrics) -> None:
        self.app = app
        self.pool = pool
        self.access_log = access_log
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        request_id = _request_id(scope)
        id_header = (REQUEST_ID_HEADER, request_id.encode())
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            self.pool.update()
            if not path.startswith("/metrics"):
                self.metrics.observe(method, scope.get("path_template"), status, seconds)
            self.access_log.info(
                "request", method=method, path=path, status=status, duration_ms=round(seconds * 1000, 2)
            )
            structlog.contextvars.unbind_contextvars("request_id")


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            given = value.decode("latin-1")
            if _ACCEPTABLE_REQUEST_ID.match(given):
                return given
    return uuid4().hex


_TIMESTAMP = structlog.processors.TimeStamper(fmt="iso", utc=True)


def configure_logging(level: str) -> None:
    """Every log line, ours and the libraries', as one JSON object on standard output."""
    root = logging.getLogger()
    root.setLevel(level)
    if not any(getattr(handler, "tradevantage_json", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                foreign_pre_chain=[
                    structlog.contextvars.merge_contextvars,
                    structlog.stdlib.add_logger_name,
                    structlog.processors.add_log_level,
                    _TIMESTAMP,
                ],
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


def access_logger(level: str) -> Any:
    """The logger of the one line per request, in the same JSON shape as every other line.

    It is structlog's own, writing straight to standard output: going through the standard library's
    loggers, records and formatter took about a tenth of the CPU of a trade-auth request.
    """
    return structlog.wrap_logger(
        _StandardOutput(),
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            _TIMESTAMP,
            structlog.processors.JSONRenderer(serializer=_json_text),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level]),
    ).bind(logger="tradevantage.access")


def _json_text(event: dict[str, Any], **_: Any) -> str:
    return msgspec.json.encode(event).decode()


class _StandardOutput:
    """Writes each line to the standard output of the moment (as print does) and flushes it. A line
    that cannot be written is dropped: logging never fails a request."""

    def msg(self, line: str) -> None:
        try:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass

    debug = info = warning = error = critical = msg
