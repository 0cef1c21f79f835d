"""The application factory."""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING, cast

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tradevantage import __version__
from tradevantage.container import Container, build_container
from tradevantage.entrypoints.http.auth import build_jwt_auth, security_per_route
from tradevantage.entrypoints.http.body import TolerantRequest
from tradevantage.entrypoints.http.controllers.accounts_controller import AccountsController
from tradevantage.entrypoints.http.controllers.experts_controller import ExpertsController
from tradevantage.entrypoints.http.controllers.health_controller import HealthController
from tradevantage.entrypoints.http.controllers.profile_controller import ProfileController
from tradevantage.entrypoints.http.controllers.subscriptions_controller import SubscriptionsController
from tradevantage.entrypoints.http.controllers.trade_auth_controller import TradeAuthController
from tradevantage.entrypoints.http.controllers.trades_controller import TradesController
from tradevantage.entrypoints.http.dependencies import dependencies
from tradevantage.entrypoints.http.observability import (
    MetricsController,
    PoolWatch,
    RequestContextMiddleware,
    RequestMetrics,
    access_logger,
    configure_logging,
)
from tradevantage.entrypoints.http.problems import exception_handlers
from tradevantage.entrypoints.http.security_headers import SecurityHeadersMiddleware
from tradevantage.entrypoints.http.timeouts import RequestTimeoutMiddleware

if TYPE_CHECKING:
    from litestar.types import ASGIApp
    from uvicorn._types import ASGI3Application

logger = logging.getLogger("tradevantage")


def create_app(container: Container | None = None) -> Litestar:
    """Build the API over `container` (by default, one configured from the environment)."""
    container = container or build_container()
    settings = container.settings()
    configure_logging(settings.log_level)
    auth = build_jwt_auth(settings, container)
    pool = PoolWatch(container.engine())
    pool.update()

    async def close_database() -> None:
        await container.engine().dispose()
        logger.info("database pool closed")

    app = Litestar(
        route_handlers=[
            AccountsController,
            ProfileController,
            ExpertsController,
            SubscriptionsController,
            TradeAuthController,
            TradesController,
            HealthController,
            MetricsController,
        ],
        logging_config=None,
        dependencies=dependencies,
        exception_handlers=exception_handlers(),
        request_class=TolerantRequest,
        request_max_body_size=settings.max_body_bytes,
        on_app_init=[auth.on_app_init, security_per_route],
        on_shutdown=[close_database],
        state=State({"container": container}),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins)) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="TradeVantage API",
            version=__version__,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(), ScalarRenderPlugin(path="/scalar")],
        ),
        debug=False,
    )
    # Route middleware only sees requests that match a route; wrapping the whole handler gives the
    # unmatched ones (404, 405) a request id, an access-log line and their count too.
    handler = RequestContextMiddleware(
        RequestTimeoutMiddleware(SecurityHeadersMiddleware(app.asgi_handler), settings.request_timeout_seconds),
        pool,
        access_logger(settings.log_level),
        RequestMetrics(),
    )
    # The client's address, as a trusted proxy gives it (throttling counts per address), whichever
    # server runs the app.
    app.asgi_handler = cast(
        "ASGIApp", ProxyHeadersMiddleware(cast("ASGI3Application", handler), settings.forwarded_allow_ips)
    )
    return app


def create_served_app() -> Litestar:
    """The app as `tradevantage serve` runs it, one per worker process.

    Once a worker has started, the objects it built (modules, routes, the ORM's mappings: a few hundred
    thousand) are frozen out of the garbage collector's full passes, which would otherwise walk all of
    them every few seconds under load and stall every request in flight for tens of milliseconds.
    """
    app = create_app()
    app.on_startup.append(freeze_startup_objects)
    return app


def freeze_startup_objects() -> None:
    gc.collect()
    gc.freeze()
