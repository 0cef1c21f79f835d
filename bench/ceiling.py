"""The ceiling for the EA bridge's subscription check: the least an app can do to answer it.

A minimal Litestar app with one route, `GET /api/trade-auth/{magic_number}/?user_id=<uuid>`, answered
with ONE raw asyncpg query and no authentication, no ORM, no middleware. `bench/hot_paths.py` runs it
through the service's own runner (`run_server`, same server, workers and settings), so the gap between
the service's trade-auth and this app is the cost of the service's code, not of the server.

Usage (normally started by bench/hot_paths.py):
    .venv/bin/python bench/ceiling.py --port 8001 --database-url postgresql://postgres@127.0.0.1:5432/DB
        [--server granian|uvicorn] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import asyncpg
from litestar import Litestar, Response, get
from litestar.datastructures import State

from tradevantage.config import Settings
from tradevantage.domain.values import format_timestamp
from tradevantage.entrypoints.cli.serving import DEFAULT_SERVER, Server, run_server

DATABASE_URL_VARIABLE = "TRADEVANTAGE_CEILING_DATABASE_URL"
"""The workers are built by an argument-less factory, so the database URL reaches them by environment."""

SERVICE_DEFAULTS = Settings()
POOL_SIZE = SERVICE_DEFAULTS.db_pool_size
"""Connections kept open per worker: the service's TRADEVANTAGE_DB_POOL_SIZE default."""
POOL_MAX = SERVICE_DEFAULTS.db_pool_size + SERVICE_DEFAULTS.db_max_overflow
"""SQLAlchemy's pool opens up to `max_overflow` more under load; asyncpg's `max_size` is the same limit."""

ACCESS_QUERY = """
SELECT s.subscribed_at, s.last_paid_at, s.expires_at, s.account_number,
       e.id AS expert_id, e.name, e.magic_number, e.version, u.email
FROM experts AS e
JOIN subscriptions AS s ON s.expert_id = e.id AND s.user_id = $2
JOIN users AS u ON u.id = s.user_id
WHERE e.magic_number = $1
"""


def _timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else format_timestamp(moment)


def _status(expires_at: datetime | None) -> str:
    if expires_at is None:
        return "pending"
    return "active" if datetime.now(UTC) < expires_at else "expired"


@get("/api/trade-auth/{magic_number:int}/")
async def trade_auth(magic_number: int, user_id: UUID, state: State) -> Response[dict[str, Any]]:
    """The subscription of `user_id` to the EA `magic_number`, as the service's trade-auth shows it."""
    pool = cast("asyncpg.Pool[asyncpg.Record]", state.pool)
    row = await pool.fetchrow(ACCESS_QUERY, magic_number, user_id)
    if row is None:
        return Response({"detail": "No subscription to this Expert Advisor."}, status_code=404)
    body = {
        "user": row["email"],
        "expert": {
            "id": str(row["expert_id"]),
            "name": row["name"],
            "magic_number": row["magic_number"],
            "version": row["version"],
        },
        "status": _status(row["expires_at"]),
        "subscribed_at": _timestamp(row["subscribed_at"]),
        "last_paid_at": _timestamp(row["last_paid_at"]),
        "expires_at": _timestamp(row["expires_at"]),
        "account_number": row["account_number"],
    }
    return Response(body)


@asynccontextmanager
async def database_pool(app: Litestar) -> AsyncIterator[None]:
    pool: asyncpg.Pool[asyncpg.Record] = await asyncpg.create_pool(
        os.environ[DATABASE_URL_VARIABLE], min_size=POOL_SIZE, max_size=POOL_MAX
    )
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


def create_app() -> Litestar:
    return Litestar(route_handlers=[trade_auth], lifespan=[database_pool], logging_config=None, debug=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server", choices=[server.value for server in Server], default=DEFAULT_SERVER.value)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", required=True, help="postgresql://user@host:port/database (asyncpg form)")
    arguments = parser.parse_args()
    os.environ[DATABASE_URL_VARIABLE] = arguments.database_url.replace("postgresql+asyncpg://", "postgresql://")
    # The worker processes import this module by name: make its folder importable for them.
    folder = str(Path(__file__).resolve().parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [folder, os.environ.get("PYTHONPATH")]))
    run_server(
        f"{Path(__file__).stem}:create_app",
        server=Server(arguments.server),
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
        log_level="warning",
        factory=True,
    )


if __name__ == "__main__":
    main()
