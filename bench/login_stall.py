"""Does Argon2 hashing stall the event loop? /health/ latency idle, then while 20 logins run at once.

Usage (against a running server, e.g. `make run` in another terminal):
    .venv/bin/python bench/login_stall.py --base http://127.0.0.1:8000 --seconds 5

It registers a throw-away user, then measures /health/ with one sequential client: first alone,
then while 20 clients log in back to back. With hashing in worker threads the health checks stay
fast; with hashing on the event loop each would wait behind every login in the queue.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import httpx

PASSWORD = "bench-secret-123"


async def health_latencies(client: httpx.AsyncClient, until: float) -> list[float]:
    latencies = []
    while time.monotonic() < until:
        started = time.perf_counter()
        response = await client.get("/health/")
        response.raise_for_status()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def login_loop(client: httpx.AsyncClient, email: str, until: float) -> int:
    count = 0
    while time.monotonic() < until:
        response = await client.post("/api/login/", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        count += 1
    return count


def summary(name: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{name}: {len(ordered)} requests, p50 {statistics.median(ordered):.1f} ms, "
        f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
    )


async def main(base: str, seconds: float, logins: int) -> None:
    limits = httpx.Limits(max_connections=logins + 5)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        registered = await client.post("/api/register/", json={"email": email, "full_name": "B", "password": PASSWORD})
        registered.raise_for_status()

        idle = await health_latencies(client, time.monotonic() + seconds)
        until = time.monotonic() + seconds
        busy, *counts = await asyncio.gather(
            health_latencies(client, until), *(login_loop(client, email, until) for _ in range(logins))
        )
    print(summary("/health/ idle", idle))
    print(summary(f"/health/ during {logins} concurrent logins", busy))
    print(f"logins: {sum(counts)} in {seconds:.0f} s = {sum(counts) / seconds:.1f}/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--logins", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.base, arguments.seconds, arguments.logins))
