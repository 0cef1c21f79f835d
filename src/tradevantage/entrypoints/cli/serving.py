"""Running an ASGI app under granian or uvicorn, with the settings production uses.

The service's `serve` command and the benchmark's ceiling app both start through `run_server`, so a
comparison between them is a comparison of applications, not of server settings.
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path

import uvicorn
from granian import Granian
from granian.constants import HTTPModes, Interfaces, Loops
from granian.log import LogLevels


class Server(StrEnum):
    GRANIAN = "granian"
    UVICORN = "uvicorn"


DEFAULT_SERVER = Server.GRANIAN
"""Measured faster on the benchmark's paths (README, "Performance")."""

GRACEFUL_SHUTDOWN_SECONDS = 20

GRANIAN_LOGS_TO_ROOT = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {},
    "handlers": {},
    "loggers": {"_granian": {"handlers": [], "propagate": True}},
}
"""Granian's own lines go through the root logger, which the app writes as JSON (granian.access
stays off: each request is logged once, by the app)."""


def run_server(
    target: str, *, server: Server, host: str, port: int, workers: int, log_level: str, factory: bool = True
) -> None:
    """Serve `target` ("module:attribute", an app factory when `factory`) until SIGTERM or SIGINT.

    Both servers run uvloop and leave access logs to the app. On SIGTERM they stop accepting
    connections and let requests in flight finish.
    """
    if workers > 1:
        prepare_shared_metrics()
    if server is Server.GRANIAN:
        _run_granian(target, host=host, port=port, workers=workers, log_level=log_level, factory=factory)
    else:
        _run_uvicorn(target, host=host, port=port, workers=workers, log_level=log_level, factory=factory)


def _run_granian(target: str, *, host: str, port: int, workers: int, log_level: str, factory: bool) -> None:
    Granian(
        target,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        factory=factory,
        log_enabled=True,
        log_level=LogLevels(log_level.lower()),
        log_dictconfig=GRANIAN_LOGS_TO_ROOT,
        log_access=False,
        respawn_failed_workers=True,
        workers_kill_timeout=GRACEFUL_SHUTDOWN_SECONDS,
    ).serve()


def _run_uvicorn(target: str, *, host: str, port: int, workers: int, log_level: str, factory: bool) -> None:
    uvicorn.run(
        target,
        factory=factory,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level.lower(),
        log_config=None,  # logging is configured by the app: JSON lines with request ids
        access_log=False,
        loop="uvloop",
        http="httptools",
        proxy_headers=False,  # the app reads X-Forwarded-For itself, under either server
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        # Importing the app takes seconds on a small, busy machine: do not kill workers still starting.
        timeout_worker_healthcheck=30,
    )


def prepare_shared_metrics() -> None:
    """Several worker processes share their metrics through files, so /metrics adds up all of them.

    Uses PROMETHEUS_MULTIPROC_DIR when set (emptied of a previous run's files), else a new
    temporary folder; the workers inherit the variable.
    """
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tradevantage-metrics-")
