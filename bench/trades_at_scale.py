"""The trade list and statistics at 100,000 trades for one user, on PostgreSQL: plans and latencies.

Usage (PostgreSQL reachable; the database is created and dropped by the script):
    .venv/bin/python bench/trades_at_scale.py [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--trades 100000] [--repeat 20]

It seeds one trader with N trades over two EAs and six symbols (COPY, a few seconds), starts
`tradevantage serve` on that database, times GET /api/trade/ (first page and a deep page) and
GET /api/trade/stats/ over HTTP, and prints the PostgreSQL plan (EXPLAIN ANALYZE) of every SQL
statement those requests run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from tradevantage.adapters.hashing import Argon2PasswordHasher
from tradevantage.adapters.persistence.database import create_engine, create_session_factory
from tradevantage.adapters.persistence.migrator import Migrator
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.domain.pagination import Ordering, PageRequest
from tradevantage.domain.trades.entities import TradeFilter

PASSWORD = "bench-secret-123"
SYMBOLS = ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD", "EURUSD.m", "US30"]


async def seed(url: str, trades: int) -> uuid.UUID:
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    now = datetime.now(UTC)
    user_id, author_id = uuid.uuid4(), uuid.uuid4()
    password_hash = await Argon2PasswordHasher().hash(PASSWORD)
    for uid, email, role in ((user_id, "heavy@example.com", "user"), (author_id, "author@example.com", "programmer")):
        await connection.execute(
            "INSERT INTO users (id, email, email_key, full_name, role, password_hash, is_active, date_joined)"
            " VALUES ($1, $2, $2, 'Bench', $3, $4, true, $5)",
            uid,
            email,
            role,
            password_hash,
            now,
        )
    experts = [uuid.uuid4(), uuid.uuid4()]
    for number, expert_id in enumerate(experts, start=1):
        await connection.execute(
            "INSERT INTO experts (id, magic_number, name, description, version, author, supported_pairs, timeframes,"
            " minimum_deposit, price, instructions, parameters, created_by, archived, created_at, updated_at)"
            " VALUES ($1, $2, $3, '', '1.0', 'Bench', '[]', '[]', 0, 0, '', '{}', $4, false, $5, $5)",
            expert_id,
            number,
            f"EA {number}",
            author_id,
            now,
        )
        await connection.execute(
            "INSERT INTO subscriptions (id, user_id, expert_id, subscribed_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            uuid.uuid4(),
            user_id,
            expert_id,
            now,
            now + timedelta(days=365),
        )
    rng = random.Random(7)
    start = now - timedelta(days=3 * 365)
    records = []
    for ticket in range(1, trades + 1):
        opened = start + timedelta(seconds=ticket * 900 + rng.randint(0, 600))
        closed = None if ticket > trades - 50 else opened + timedelta(minutes=rng.randint(1, 600))
        records.append(
            (
                uuid.uuid4(),
                user_id,
                experts[ticket % 2],
                ticket,
                rng.choice(SYMBOLS),
                rng.choice(("BUY", "SELL")),
                Decimal(rng.choice(("0.01", "0.10", "0.50", "1.00"))),
                opened,
                False,
                closed,
                Decimal(rng.randint(-5000, 6000)) / 100,
                Decimal(-rng.randint(0, 300)) / 100,
                Decimal(rng.randint(-100, 100)) / 100,
                "",
                now,
                now,
            )
        )
    await connection.copy_records_to_table(
        "trades",
        records=records,
        columns=[
            "id",
            "user_id",
            "expert_id",
            "ticket_number",
            "ticker",
            "direction",
            "lot_size",
            "open_time",
            "open_time_stamped_by_server",
            "close_time",
            "profit",
            "commission",
            "swap",
            "comment",
            "created_at",
            "updated_at",
        ],
    )
    await connection.execute("ANALYZE")
    await connection.close()
    return user_id


async def explain(url: str, user_id: uuid.UUID, deep_page: int) -> None:
    """Run the repository's own queries once, and EXPLAIN ANALYZE each statement they send."""
    engine = create_engine(url)
    captured: list[tuple[str, Any]] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: captured.append((a[2], a[3])))
    async with create_session_factory(engine)() as session:
        trades = SqlUnitOfWork(session).trades
        ordering = Ordering("open_time", descending=True)
        plans = {
            "list, first page": lambda: trades.list_page(user_id, TradeFilter(), ordering, PageRequest(1, 10)),
            f"list, page {deep_page}": lambda: trades.list_page(
                user_id, TradeFilter(), ordering, PageRequest(deep_page, 10)
            ),
            "stats: totals": lambda: trades.totals(user_id, TradeFilter()),
            "stats: by expert": lambda: trades.results_by_expert(user_id, TradeFilter()),
            "stats: by day": lambda: trades.results_by_day(user_id, TradeFilter()),
        }
        raw = await asyncpg.connect(url.replace("+asyncpg", ""))
        for title, run in plans.items():
            captured.clear()
            await run()
            for statement, parameters in captured:
                rows = await raw.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
                print(f"\n--- {title}\n" + "\n".join(row[0] for row in rows))
        await raw.close()
    await engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def time_http(url: str, deep_page: int, repeat: int) -> None:
    port = free_port()
    env = {**os.environ, "TRADEVANTAGE_DATABASE_URL": url, "TRADEVANTAGE_JWT_SECRET": "b" * 48}
    tradevantage = str(Path(sys.executable).with_name("tradevantage"))
    server = subprocess.Popen(
        [tradevantage, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/health/").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.25)
        with httpx.Client(base_url=base, timeout=30) as http:
            token = http.post("/api/login/", json={"email": "heavy@example.com", "password": PASSWORD}).json()["access"]
            headers = {"Authorization": f"Bearer {token}"}
            for title, path in (
                ("GET /api/trade/ (first page)", "/api/trade/"),
                (f"GET /api/trade/?page={deep_page}", f"/api/trade/?page={deep_page}"),
                ("GET /api/trade/stats/", "/api/trade/stats/"),
            ):
                http.get(path, headers=headers).raise_for_status()
                timings = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    http.get(path, headers=headers).raise_for_status()
                    timings.append((time.perf_counter() - started) * 1000)
                timings.sort()
                print(
                    f"{title}: median {statistics.median(timings):.1f} ms, "
                    f"max {timings[-1]:.1f} ms over {repeat} sequential requests"
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


async def create_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(admin_url)
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()


async def drop_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(admin_url)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    arguments = parser.parse_args()
    name = f"tradevantage_bench_{uuid.uuid4().hex[:8]}"
    url = arguments.admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + "/" + name
    deep_page = arguments.trades // 20
    asyncio.run(create_database(arguments.admin_url, name))
    try:
        Migrator(url).upgrade()
        started = time.perf_counter()
        user_id = asyncio.run(seed(url, arguments.trades))
        print(f"seeded {arguments.trades} trades in {time.perf_counter() - started:.1f} s")
        asyncio.run(explain(url, user_id, deep_page))
        print()
        time_http(url, deep_page, arguments.repeat)
    finally:
        asyncio.run(drop_database(arguments.admin_url, name))


if __name__ == "__main__":
    main()
