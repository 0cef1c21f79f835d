"""How long `tradevantage trades import` takes, and how much memory it holds, as files grow.

Usage:
    .venv/bin/python bench/import_at_scale.py [--rows 50000 200000] [--database-url URL]

For each size it writes a MetaTrader 4 history CSV of that many rows (streamed, a few symbols, closed
trades), creates a fresh SQLite database (or uses --database-url, a PostgreSQL URL whose database is
emptied of trades first is not handled: give a fresh one), runs the real command as a child process and
reports wall time, rows per second and the child's peak resident memory. Memory that does not grow with
the row count shows the import streams.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

HEADER = (
    '"Order","openTime","Type","Size","Symbol","openPrice","S/L","T/P","closeTime","closePrice",'
    '"Commission","Taxes","Swap","Profit"\n'
)
SYMBOLS = ["eurusd", "gbpusd", "usdjpy", "xauusd", "audcad", "nzdusd"]


def write_history(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    start = datetime(2019, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for ticket in range(1, rows + 1):
            opened = start + timedelta(minutes=ticket * 7)
            closed = opened + timedelta(minutes=rng.randint(1, 900))
            price = rng.uniform(1, 2000)
            cells = [
                str(10_000_000 + ticket),
                opened.strftime("%Y.%m.%d %H:%M:%S"),
                rng.choice(("buy", "sell")),
                f"{rng.choice((0.01, 0.1, 0.5, 1.0)):.2f}",
                rng.choice(SYMBOLS),
                f"{price:.5f}",
                "0",
                "0",
                closed.strftime("%Y.%m.%d %H:%M:%S"),
                f"{price * rng.uniform(0.99, 1.01):.5f}",
                f"{-rng.randint(0, 300) / 100:.2f}",
                "0",
                f"{rng.randint(-100, 100) / 100:.2f}",
                f"{rng.randint(-5000, 6000) / 100:.2f}",
            ]
            out.write(",".join(f'"{cell}"' for cell in cells) + "\n")


def tradevantage(*arguments: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("tradevantage")), *arguments]
    return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, check=True)


def measure(rows: int, database_url: str | None, folder: Path) -> None:
    history = folder / f"history-{rows}.csv"
    write_history(history, rows)
    url = database_url or f"sqlite+aiosqlite:///{folder / f'import-{rows}.db'}"
    env = {**os.environ, "TRADEVANTAGE_DATABASE_URL": url, "TRADEVANTAGE_JWT_SECRET": "b" * 48}
    tradevantage("db", "upgrade", env=env)
    tradevantage(
        "users", "create", "bulk@example.com", "--full-name", "Bulk", "--password-stdin", env=env, stdin="bulk-secret-1"
    )
    tradevantage(
        "users",
        "create",
        "root@example.com",
        "--full-name",
        "Root",
        "--role",
        "admin",
        "--password-stdin",
        env=env,
        stdin="root-secret-1",
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = tradevantage(
        "trades", "import", str(history), "--user", "bulk@example.com", "--expert", "777", "--create-experts", env=env
    )
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    created = next(line for line in result.stdout.splitlines() if "created" in line).split()[-1]
    print(
        f"{rows:>7} rows ({history.stat().st_size / 1e6:.1f} MB): {elapsed:.1f} s, {rows / elapsed:,.0f} rows/s, "
        f"created {created}, peak memory of the import {max(peak_kib, before) / 1024:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tradevantage-import-") as folder:
        for rows in arguments.rows:
            measure(rows, arguments.database_url, Path(folder))


if __name__ == "__main__":
    main()
