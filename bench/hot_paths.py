"""Throughput and latency of the service's hot paths under wrk, on PostgreSQL, against a raw-asyncpg ceiling.

Usage (PostgreSQL reachable, wrk installed; the database is created and dropped by the script):
    make bench [BENCH_ARGS="--duration 5"]
    .venv/bin/python bench/hot_paths.py [--duration 10] [--connections 32] [--server granian|uvicorn]
        [--admin-url postgresql://postgres@127.0.0.1:5432/postgres] [--keep-database]

Options:
    --duration S       seconds of measured load per path (default 10), each after an unrecorded 3 s warm-up
    --connections N    wrk connections per path (default 32, over 2 wrk threads)
    --server NAME      ASGI server of the service and of the ceiling: granian (default) or uvicorn
    --admin-url URL    a database of the PostgreSQL server to run CREATE/DROP DATABASE from
    --keep-database    leave the benchmark database in place (its name is printed)

What it does, in about 4 minutes with the defaults:
 1. creates a database `tradevantage_bench_xxxx`, migrates it with the service's migrator and seeds it
    with COPY: 50 EAs, 1,000 traders with 1-5 active paid subscriptions each, 200,000 trades spread over
    them, and one heavy trader with 100,000 trades (every user has the same password, hashed once by the
    service's own Argon2 hasher);
 2. starts `tradevantage serve` as the container does (production settings, TRADEVANTAGE_WORKERS from the
    Dockerfile, log level WARNING, login throttles raised out of the way) and logs in 32 traders and the
    heavy one;
 3. starts the ceiling, bench/ceiling.py (trade-auth as one raw asyncpg query, no auth, no ORM, on the same
    server runner and workers), and drives wrk at each path in turn, counting socket errors and every status
    other than the expected one: trade-auth (three times, each followed at once by the ceiling: the machine's
    speed drifts within minutes, so the ratio is taken round by round and the median round reported), trade
    report (new ticket, repeat), trade close by ticket, EA list, trade list (first page and middle page of the
    heavy user), trade stats, login; then logins alongside trade-auth and the trade list, to see what password
    hashing does to the other paths' p99; meanwhile the resident memory of each server worker is sampled every
    second;
 4. writes the PostgreSQL plans, EXPLAIN (ANALYZE, BUFFERS), of every statement the service's TradeService
    sends for the heavy user's trade list and statistics to bench/out/plans-<timestamp>.txt;
 5. stops the servers and drops the database (unless --keep-database);
 6. prints a table (and its markdown) with the machine, and writes it all to bench/out/hot-paths-<timestamp>.json.

Every process it starts (servers, wrk) is stopped on exit, also on Ctrl-C or an error, and the database
dropped. wrk runs on the same machine as the server and PostgreSQL: the figures are for the three sharing
the CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from tradevantage.adapters.hashing import Argon2Cost, Argon2PasswordHasher
from tradevantage.adapters.persistence.migrator import Migrator
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.domain.pagination import DEFAULT_PAGE_SIZE, PageRequest
from tradevantage.domain.trades.entities import TradeFilter
from tradevantage.domain.users.entities import Principal, Role

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent

PASSWORD = "bench-secret-123"
SEED = 20250503
EXPERTS = 50
PROGRAMMERS = 5
TRADERS = 1_000
TRADES = 200_000
HEAVY_TRADES = 100_000
HEAVY_EMAIL = "heavy@bench.example.com"
LOGGED_IN_TRADERS = 32
STORED_CALLS_PER_TRADER = 10
"""Seeded trades per logged-in trader that the repeat and close paths rotate over."""
CLOSED_SHARE = 0.95
HISTORY = timedelta(days=730)
SYMBOLS = {"EURUSD": 1.085, "GBPUSD": 1.265, "USDJPY": 151.2, "XAUUSD": 2350.0, "EURUSD.m": 1.085, "US30": 39000.0}
LOTS = ("0.01", "0.02", "0.05", "0.10", "0.20", "0.50", "1.00")

WARMUP_SECONDS = 3
WRK_THREADS = 2
WRK_TIMEOUT = "30s"
"""The service's own request deadline (TRADEVANTAGE_REQUEST_TIMEOUT_SECONDS): wrk never gives up first."""
QUIET_WAIT_SECONDS = 35
"""At most the service's request deadline (30 s) and a little: then every abandoned request is over."""
SERVER_GRACE_SECONDS = 25
"""The servers let requests in flight finish for 20 s after SIGTERM; after this they are killed."""
DEFAULT_WORKERS = 2
"""What the container runs, if the Dockerfile's `ENV TRADEVANTAGE_WORKERS=` cannot be read."""
RAISED_LIMIT = "1000000"
"""Login and registration throttles (they count failures only) raised out of the benchmark's way."""

TRADE_AUTH = "trade-auth (active)"
TRADE_LIST = "trade list, first page (heavy)"
LOGIN = "login"
CEILING = "ceiling: trade-auth"
CEILING_ROUNDS = 3
"""Trade-auth and the ceiling are measured one after the other this many times; the round of the median
ratio is the one reported."""


# --------------------------------------------------------------------------------------------- seeding


@dataclass(frozen=True, slots=True)
class Trader:
    id: uuid.UUID
    email: str
    magic_numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Seeded:
    heavy: Trader
    traders: list[Trader]
    trades: int
    seconds: float = 0.0


class Table:
    """Rows for COPY into one table; each row is given by column name and checked against the columns."""

    def __init__(self, name: str, columns: str) -> None:
        self.name = name
        self.columns = columns.split()
        self.records: list[tuple[Any, ...]] = []

    def add(self, **values: Any) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.name}: expected {self.columns}, got {sorted(values)}")
        self.records.append(tuple(values[column] for column in self.columns))


class SeedBuilder:
    """The whole market, made from one random generator so that every run seeds the same one."""

    def __init__(self, password_hash: str, now: datetime) -> None:
        self.rng = random.Random(SEED)
        self.now = now
        self.password_hash = password_hash
        self.users = Table("users", "id email email_key full_name role password_hash is_active date_joined")
        self.experts = Table(
            "experts",
            "id magic_number name description version author supported_pairs timeframes minimum_deposit price"
            " instructions image_url file_url parameters created_by archived created_at updated_at",
        )
        self.subscriptions = Table(
            "subscriptions",
            "id user_id expert_id subscribed_at last_paid_at expires_at cancelled_at account_number broker_utc_offset",
        )
        self.trades = Table(
            "trades",
            "id user_id expert_id ticket_number ticker direction lot_size open_time open_time_stamped_by_server"
            " close_time open_price close_price stop_loss take_profit commission swap profit account_number"
            " comment created_at updated_at",
        )

    def tables(self) -> list[Table]:
        return [self.users, self.experts, self.subscriptions, self.trades]

    def user(self, email: str, role: str) -> uuid.UUID:
        user_id = uuid.uuid4()
        self.users.add(
            id=user_id,
            email=email,
            email_key=email.lower(),
            full_name=email.split("@", maxsplit=1)[0].title(),
            role=role,
            password_hash=self.password_hash,
            is_active=True,
            date_joined=self.now - HISTORY - timedelta(days=self.rng.randint(1, 300)),
        )
        return user_id

    def expert(self, number: int, magic_number: int, owner: uuid.UUID) -> uuid.UUID:
        expert_id = uuid.uuid4()
        created = self.now - HISTORY - timedelta(days=self.rng.randint(0, 400), seconds=number)
        self.experts.add(
            id=expert_id,
            magic_number=magic_number,
            name=f"Bench EA {number:02d}",
            description="A grid-and-trend Expert Advisor seeded for the benchmark.",
            version=f"{self.rng.randint(1, 4)}.{self.rng.randint(0, 9)}",
            author=f"Author {number % PROGRAMMERS}",
            supported_pairs=json.dumps(self.rng.sample(sorted(SYMBOLS), 3)),
            timeframes='["H1", "H4"]',
            minimum_deposit=Decimal("500.00"),
            price=Decimal(self.rng.choice(("0", "19.99", "49.00", "99.50", "149.00"))),
            instructions="Attach to an H1 chart.",
            image_url=None,
            file_url=None,
            parameters='{"risk": 1}',
            created_by=owner,
            archived=False,
            created_at=created,
            updated_at=created,
        )
        return expert_id

    def subscribe(self, user_id: uuid.UUID, expert_id: uuid.UUID) -> None:
        """An active, paid subscription: paid in the last weeks, expiring in the future."""
        paid = self.now - timedelta(days=self.rng.randint(0, 20))
        self.subscriptions.add(
            id=uuid.uuid4(),
            user_id=user_id,
            expert_id=expert_id,
            subscribed_at=self.now - timedelta(days=self.rng.randint(30, 700)),
            last_paid_at=paid,
            expires_at=paid + timedelta(days=30 * self.rng.randint(1, 12)),
            cancelled_at=None,
            account_number=None,
            broker_utc_offset=None,
        )

    def trade(self, user_id: uuid.UUID, expert_id: uuid.UUID, ticket: int) -> None:
        """A closed trade over the last two years, or (1 in 20) one opened in the last week and still open."""
        rng = self.rng
        ticker = rng.choice(tuple(SYMBOLS))
        lot_size = Decimal(rng.choice(LOTS))
        open_price = Decimal(f"{SYMBOLS[ticker] * (1 + rng.gauss(0, 0.03)):.5f}")
        close_time: datetime | None = None
        close_price: Decimal | None = None
        profit = Decimal("0.00")
        if rng.random() < CLOSED_SHARE:
            open_time = self.now - HISTORY + timedelta(seconds=rng.randint(0, int(HISTORY.total_seconds()) - 345_600))
            close_time = open_time + timedelta(seconds=rng.randint(60, 3 * 86_400))
            close_price = Decimal(f"{float(open_price) * (1 + rng.gauss(0, 0.002)):.5f}")
            profit = Decimal(rng.randint(-40_000, 48_000)) / 100
        else:
            open_time = self.now - timedelta(seconds=rng.randint(2 * 3_600, 7 * 86_400))
        self.trades.add(
            id=uuid.uuid4(),
            user_id=user_id,
            expert_id=expert_id,
            ticket_number=ticket,
            ticker=ticker,
            direction=rng.choice(("BUY", "SELL")),
            lot_size=lot_size,
            open_time=open_time,
            open_time_stamped_by_server=False,
            close_time=close_time,
            open_price=open_price,
            close_price=close_price,
            stop_loss=None,
            take_profit=None,
            commission=-(lot_size * 7).quantize(Decimal("0.01")),
            swap=Decimal(rng.randint(-300, 100)) / 100,
            profit=profit,
            account_number=None,
            comment="",
            created_at=open_time,
            updated_at=close_time or open_time,
        )

    def market(self) -> Seeded:
        rng = self.rng
        owners = [self.user(f"author{number}@bench.example.com", "programmer") for number in range(PROGRAMMERS)]
        magic_numbers = rng.sample(range(10_000, 99_999_999), EXPERTS)
        experts = {magic: self.expert(n, magic, owners[n % PROGRAMMERS]) for n, magic in enumerate(magic_numbers)}
        traders: list[Trader] = []
        for number in range(TRADERS):
            email = f"trader{number:04d}@bench.example.com"
            trader = Trader(self.user(email, "user"), email, tuple(rng.sample(magic_numbers, rng.randint(1, 5))))
            for magic in trader.magic_numbers:
                self.subscribe(trader.id, experts[magic])
            traders.append(trader)
        heavy = Trader(self.user(HEAVY_EMAIL, "user"), HEAVY_EMAIL, tuple(magic_numbers[:2]))
        for magic in heavy.magic_numbers:
            self.subscribe(heavy.id, experts[magic])

        # Tickets are unique per user: increasing from a per-user start, far below those the load invents.
        last_ticket = {trader.id: rng.randint(10_000_000, 90_000_000) for trader in traders}
        for _ in range(TRADES):
            trader = traders[rng.randrange(TRADERS)]
            last_ticket[trader.id] += rng.randint(1, 40)
            self.trade(trader.id, experts[rng.choice(trader.magic_numbers)], last_ticket[trader.id])
        for ticket in range(1, HEAVY_TRADES + 1):
            self.trade(heavy.id, experts[heavy.magic_numbers[ticket % 2]], 500_000_000 + ticket)
        return Seeded(heavy=heavy, traders=traders, trades=TRADES + HEAVY_TRADES)


async def seed(url: str) -> Seeded:
    started = time.perf_counter()
    # One hash for every user, by the service's own hasher at the service's default cost.
    defaults = Settings()
    cost = Argon2Cost(time_cost=defaults.argon2_time_cost, memory_kib=defaults.argon2_memory_kib)
    builder = SeedBuilder(await Argon2PasswordHasher(cost).hash(PASSWORD), datetime.now(UTC).replace(microsecond=0))
    seeded = builder.market()
    connection = await asyncpg.connect(asyncpg_url(url))
    try:
        for table in builder.tables():
            await connection.copy_records_to_table(table.name, records=table.records, columns=table.columns)
        # What autovacuum does to a table that has settled: statistics, and the visibility map
        # without which an index-only scan still reads every row it skips.
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()
    return Seeded(seeded.heavy, seeded.traders, seeded.trades, time.perf_counter() - started)


# --------------------------------------------------------------------------------------------- database


def asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def database_url(admin_url: str, name: str) -> str:
    """The service's (SQLAlchemy) URL of database `name` on the server of `admin_url`."""
    server = asyncpg_url(admin_url).rsplit("/", 1)[0]
    return server.replace("postgresql://", "postgresql+asyncpg://") + "/" + name


async def execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(asyncpg_url(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def fetch_value(url: str, query: str, *arguments: Any) -> Any:
    connection = await asyncpg.connect(asyncpg_url(url))
    try:
        return await connection.fetchval(query, *arguments)
    finally:
        await connection.close()


async def wait_for_quiet(url: str, seconds: float) -> float:
    """Wait until no query runs in the database (requests abandoned by the previous wrk run may still be
    working); how long that took."""
    started = time.monotonic()
    database = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(asyncpg_url(url))
    try:
        while time.monotonic() - started < seconds:
            busy = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = $1 AND state <> 'idle' AND pid <> pg_backend_pid()",
                database,
            )
            if busy == 0:
                break
            await asyncio.sleep(0.2)
    finally:
        await connection.close()
    return time.monotonic() - started


# --------------------------------------------------------------------------------------------- processes


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name: [state, ppid, ...]; empty once the process is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _start_time(pid: int) -> str | None:
    """Tells a process from a later one that reuses its id."""
    fields = _stat_fields(pid)
    return fields[19] if len(fields) > 19 else None


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    pending = list(children.get(root, []))
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return sorted(found)


def resident_mib(pid: int) -> float | None:
    with suppress(OSError):
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def command_line(pid: int) -> str:
    with suppress(OSError):
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return ""


class Processes:
    """The processes this run started; each is stopped by its id: SIGTERM, then SIGKILL after its grace."""

    def __init__(self) -> None:
        self._running: dict[int, tuple[subprocess.Popen[bytes], float]] = {}

    def start(
        self, args: list[str], *, grace: float, env: dict[str, str] | None = None, log: Path | None = None
    ) -> subprocess.Popen[bytes]:
        with log.open("ab") if log else open(os.devnull, "wb") as log_file:
            process = subprocess.Popen(
                args,
                env=env,
                cwd=ROOT,
                stdout=log_file if log else subprocess.PIPE,
                stderr=subprocess.STDOUT if log else subprocess.PIPE,
                start_new_session=True,  # Ctrl-C reaches this script alone, which then stops them in order
            )
        self._running[process.pid] = (process, grace)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        _, grace = self._running.pop(process.pid, (process, 5.0))
        family = [(pid, _start_time(pid)) for pid in descendants(process.pid)]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid, started in family:  # workers outliving a parent that had to be killed
            if started is not None and _start_time(pid) == started:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for process, _ in reversed(list(self._running.values())):
            self.stop(process)


class MemorySampler:
    """Samples the resident memory of a server and its descendants once a second, keeping each one's peak."""

    HELPERS = ("resource_tracker", "semaphore_tracker", "forkserver")
    """multiprocessing's helper processes, which are not workers."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peaks: dict[int, float] = {}
        self.commands: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            for pid in [self.root, *descendants(self.root)]:
                mib = resident_mib(pid)
                if mib is not None:
                    self.commands.setdefault(pid, command_line(pid))
                    self.peaks[pid] = max(mib, self.peaks.get(pid, 0.0))

    def stop(self) -> dict[str, Any]:
        """Peaks in MiB of each worker (by pid) and of the server's main process."""
        self._stop.set()
        self._thread.join()
        workers = {
            str(pid): round(mib, 1)
            for pid, mib in sorted(self.peaks.items())
            if pid != self.root and not any(helper in self.commands[pid] for helper in self.HELPERS)
        }
        return {"workers_max_rss_mib": workers, "main_process_max_rss_mib": round(self.peaks.get(self.root, 0.0), 1)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(
    process: subprocess.Popen[bytes], url: str, log: Path, up: tuple[int, ...] = (200,), seconds: float = 90
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}; see {log}")
        with suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code in up:
                return
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s; see {log}")


def container_workers() -> int:
    """TRADEVANTAGE_WORKERS from the Dockerfile's ENV: the benchmark runs what the container runs."""
    match = re.search(r"TRADEVANTAGE_WORKERS=(\d+)", (ROOT / "Dockerfile").read_text())
    return int(match.group(1)) if match else DEFAULT_WORKERS


# --------------------------------------------------------------------------------------------- wrk


TICKET = "__TICKET__"
"""In a call's body, replaced by a new ticket number on every request."""


@dataclass(frozen=True, slots=True)
class Call:
    """One request that the wrk threads rotate over."""

    method: str
    path: str
    token: str = ""
    body: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    calls: list[Call]
    expected: int
    """Any other status counts as an error."""
    connections: int


@dataclass(slots=True)
class Measurement:
    path: str
    connections: int
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    """Socket errors (connect, read, write, timeout) plus responses with another status than expected."""
    socket_errors: dict[str, int]
    statuses: dict[str, int]
    first_unexpected: str
    """Status and start of the body of the first unexpected response, to tell why."""
    vs_ceiling: float | None = None
    p99_idle_ms: float | None = None
    """Alongside logins: this path's p99 when it ran alone, on all the connections."""
    p99_vs_idle: float | None = None
    p99_without_logins_ms: float | None = None
    """Alongside logins: this path's p99 in the same pair run without the logins."""
    p99_vs_without_logins: float | None = None


LUA_PROGRAM = r"""
-- Each thread rotates over `calls` from its own offset; a body with the ticket marker gets a new ticket per
-- request: the run's prefix, the thread's number and a counter. Statuses are counted per thread and summed
-- in done(), which prints one JSON line for bench/hot_paths.py.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

local function headers_of(call)
  local headers = {}
  if call[3] ~= "" then headers["Authorization"] = "Bearer " .. call[3] end
  if call[4] ~= "" then headers["Content-Type"] = "application/json" end
  return headers
end

function init(args)
  unexpected, statuses, sample, counter = 0, {}, "", 0
  position = math.floor((index - 1) * #calls / thread_count)
  prebuilt = {}
  for i, call in ipairs(calls) do
    if not string.find(call[4], ticket_marker, 1, true) then
      local body = nil
      if call[4] ~= "" then body = call[4] end
      prebuilt[i] = wrk.format(call[1], call[2], headers_of(call), body)
    end
  end
end

function request()
  position = position % #calls + 1
  if prebuilt[position] then return prebuilt[position] end
  counter = counter + 1
  local call = calls[position]
  local ticket = ticket_prefix .. string.format("%02d%09d", index, counter)
  local body = string.gsub(call[4], ticket_marker, ticket, 1)
  return wrk.format(call[1], call[2], headers_of(call), body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= expected then
    unexpected = unexpected + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 400) end
  end
end

function done(summary, latency, requests)
  local total, merged, first = 0, {}, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
    for status, count in pairs(thread:get("statuses")) do merged[status] = (merged[status] or 0) + count end
    if first == "" then first = thread:get("sample") end
  end
  local parts = {}
  for status, count in pairs(merged) do table.insert(parts, string.format('"%d":%d', status, count)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"connect":%d,"read":%d,'
      .. '"write":%d,"timeout":%d,"unexpected":%d,"statuses":{%s},"sample":"%s"}\n',
    summary.requests, summary.duration, math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
    math.floor(latency.max), e.connect, e.read, e.write, e.timeout, total, table.concat(parts, ","),
    (string.gsub(first, '[%c"\\\128-\255]', " "))))
end
"""


def lua_string(text: str) -> str:
    if not (text.isascii() and text.isprintable()):
        raise ValueError(f"not printable ASCII: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(scenario: Scenario, ticket_prefix: str, threads: int) -> str:
    calls = ",\n".join(
        "  {" + ", ".join(lua_string(part) for part in (call.method, call.path, call.token, call.body)) + "}"
        for call in scenario.calls
    )
    return (
        f"-- Generated by bench/hot_paths.py for: {scenario.name}\n"
        f"calls = {{\n{calls}\n}}\n"
        f"expected = {scenario.expected}\n"
        f"thread_count = {threads}\n"
        f"ticket_marker = {lua_string(TICKET)}\n"
        f"ticket_prefix = {lua_string(ticket_prefix)}\n" + LUA_PROGRAM
    )


class Wrk:
    """wrk runs, each with its own Lua script and ticket prefix (so new tickets never repeat across runs)."""

    def __init__(self, executable: str, processes: Processes, folder: Path, database_url: str) -> None:
        self.executable = executable
        self.processes = processes
        self.folder = folder
        self.database_url = database_url
        self.runs = 0

    def settle(self) -> None:
        """Each run starts on a quiet database, not behind the previous run's leftovers."""
        waited = asyncio.run(wait_for_quiet(self.database_url, QUIET_WAIT_SECONDS))
        if waited > 1:
            print(f"  (waited {waited:.1f} s for the previous run's queries to finish)")

    def start(self, scenario: Scenario, base_url: str, seconds: int) -> subprocess.Popen[bytes]:
        self.runs += 1
        threads = min(WRK_THREADS, scenario.connections)
        script = self.folder / f"run{self.runs:03d}.lua"
        script.write_text(lua_script(scenario, f"7{self.runs:03d}", threads))
        args = [self.executable, f"-t{threads}", f"-c{scenario.connections}", f"-d{seconds}s", "--latency"]
        return self.processes.start([*args, "--timeout", WRK_TIMEOUT, "-s", str(script), base_url], grace=3)

    def finish(self, scenario: Scenario, process: subprocess.Popen[bytes]) -> Measurement:
        output, errors = process.communicate()
        self.processes.stop(process)
        text = output.decode(errors="replace")
        line = next((line for line in text.splitlines() if line.startswith("BENCH_RESULT ")), None)
        if process.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed on {scenario.name} ({process.returncode}):\n{text}{errors.decode()}")
        raw = json.loads(line.removeprefix("BENCH_RESULT "))
        seconds = raw["duration_us"] / 1e6
        socket_errors = {name: raw[name] for name in ("connect", "read", "write", "timeout")}
        return Measurement(
            path=scenario.name,
            connections=scenario.connections,
            requests=raw["requests"],
            seconds=round(seconds, 2),
            requests_per_second=round(raw["requests"] / seconds, 1),
            p50_ms=round(raw["p50_us"] / 1000, 2),
            p99_ms=round(raw["p99_us"] / 1000, 2),
            max_ms=round(raw["max_us"] / 1000, 2),
            errors=sum(socket_errors.values()) + raw["unexpected"],
            socket_errors=socket_errors,
            statuses=raw["statuses"],
            first_unexpected=raw["sample"],
        )

    def measure(self, scenario: Scenario, base_url: str, seconds: int) -> Measurement:
        """An unrecorded warm-up, then the measured run."""
        self.settle()
        warmup = self.finish(scenario, self.start(scenario, base_url, WARMUP_SECONDS))
        if warmup.errors:
            print(f"  (warm-up of {scenario.name}: {warmup.errors} errors; first: {warmup.first_unexpected})")
        self.settle()
        result = self.finish(scenario, self.start(scenario, base_url, seconds))
        print(
            f"  {result.path:<34} {result.requests_per_second:>8.1f} req/s  p50 {result.p50_ms:>8.2f} ms"
            f"  p99 {result.p99_ms:>8.2f} ms  errors {result.errors}"
            + (f"; first: {result.first_unexpected}" if result.errors else "")
        )
        return result

    def measure_together(self, scenarios: list[Scenario], base_url: str, seconds: int) -> list[Measurement]:
        """Several wrk processes started at the same moment."""
        self.settle()
        started = [(scenario, self.start(scenario, base_url, seconds)) for scenario in scenarios]
        return [self.finish(scenario, process) for scenario, process in started]


# --------------------------------------------------------------------------------------------- scenarios


@dataclass(frozen=True, slots=True)
class LoggedIn:
    trader: Trader
    token: str
    magic_number: int
    """One of the trader's EAs, for trade-auth and new trades."""


@dataclass(frozen=True, slots=True)
class StoredTrade:
    token: str
    """The access token of the trade's owner."""
    magic_number: int
    ticket_number: int
    ticker: str
    direction: str
    lot_size: Decimal
    open_time: datetime
    closed: bool


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def log_in(base_url: str, seeded: Seeded) -> tuple[str, list[LoggedIn]]:
    """The heavy user's access token, and a few traders', each with one of their EAs."""
    rng = random.Random(SEED + 1)
    chosen = rng.sample(seeded.traders, LOGGED_IN_TRADERS)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def token(email: str) -> str:
            response = await client.post("/api/login/", json={"email": email, "password": PASSWORD})
            if response.status_code != 200:
                raise RuntimeError(f"login of {email} answered {response.status_code}: {response.text}")
            access: str = response.json()["access"]
            return access

        heavy, *tokens = await asyncio.gather(*(token(trader.email) for trader in [seeded.heavy, *chosen]))
    traders = [LoggedIn(t, access, rng.choice(t.magic_numbers)) for t, access in zip(chosen, tokens, strict=True)]
    return heavy, traders


async def stored_trades(url: str, traders: list[LoggedIn]) -> list[StoredTrade]:
    """Seeded trades of the logged-in traders, read back exactly as stored; open ones among them."""
    tokens = {logged_in.trader.id: logged_in.token for logged_in in traders}
    connection = await asyncpg.connect(asyncpg_url(url))
    try:
        rows = await connection.fetch(
            "SELECT t.user_id, e.magic_number, t.ticket_number, t.ticker, t.direction, t.lot_size, t.open_time,"
            " t.close_time IS NOT NULL AS closed FROM trades AS t JOIN experts AS e ON e.id = t.expert_id"
            " WHERE t.user_id = ANY($1::uuid[]) ORDER BY t.user_id, t.ticket_number",
            list(tokens),
        )
    finally:
        await connection.close()
    by_user: dict[uuid.UUID, list[StoredTrade]] = {}
    for row in rows:
        fields = {name: row[name] for name in ("magic_number", "ticket_number", "ticker", "direction", "closed")}
        trade = StoredTrade(tokens[row["user_id"]], lot_size=row["lot_size"], open_time=row["open_time"], **fields)
        by_user.setdefault(row["user_id"], []).append(trade)
    rng = random.Random(SEED + 2)
    picked: list[StoredTrade] = []
    for trades in by_user.values():
        still_open = [trade for trade in trades if not trade.closed]
        some_open = rng.sample(still_open, min(len(still_open), STORED_CALLS_PER_TRADER // 2))
        others = [trade for trade in trades if trade not in some_open]
        picked += some_open + rng.sample(others, STORED_CALLS_PER_TRADER - len(some_open))
    rng.shuffle(picked)
    return picked


def new_trade_body(magic_number: int, open_time: datetime) -> str:
    body = {
        "expert": magic_number,
        "ticket_number": TICKET,
        "ticker": "EURUSD",
        "direction": "BUY",
        "lot_size": "0.10",
        "open_time": timestamp(open_time),
    }
    return json.dumps(body).replace(f'"{TICKET}"', TICKET)  # a JSON number once the ticket is in


def repeat_body(trade: StoredTrade) -> str:
    """Exactly the fixed fields as stored, so that the answer is 200 with the stored trade, not 409."""
    body = {
        "expert": trade.magic_number,
        "ticket_number": trade.ticket_number,
        "ticker": trade.ticker,
        "direction": trade.direction,
        "lot_size": format(trade.lot_size.normalize(), "f"),
        "open_time": timestamp(trade.open_time),
    }
    return json.dumps(body)


def close_body(trade: StoredTrade) -> str:
    close_time = trade.open_time + timedelta(minutes=45)
    return json.dumps({"close_time": timestamp(close_time), "close_price": "1.1", "profit": "12.50"})


def service_scenarios(
    heavy: str, traders: list[LoggedIn], trades: list[StoredTrade], deep_page: int, connections: int
) -> list[Scenario]:
    opened = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    calls = {
        TRADE_AUTH: [Call("GET", f"/api/trade-auth/{t.magic_number}/", t.token) for t in traders],
        "trade report, new ticket": [
            Call("POST", "/api/trade/", t.token, new_trade_body(t.magic_number, opened)) for t in traders
        ],
        "trade report, repeat": [Call("POST", "/api/trade/", trade.token, repeat_body(trade)) for trade in trades],
        "trade close by ticket": [
            Call("PATCH", f"/api/trade/ticket/{trade.ticket_number}/", trade.token, close_body(trade))
            for trade in trades
        ],
        "EA list, first page": [Call("GET", "/api/experts/", t.token) for t in traders],
        TRADE_LIST: [Call("GET", "/api/trade/", heavy)],
        f"trade list, page {deep_page} (heavy)": [Call("GET", f"/api/trade/?page={deep_page}", heavy)],
        "trade stats (heavy)": [Call("GET", "/api/trade/stats/", heavy)],
        LOGIN: [
            Call("POST", "/api/login/", body=json.dumps({"email": t.trader.email, "password": PASSWORD}))
            for t in traders
        ],
    }
    expected = {"trade report, new ticket": 201}
    return [Scenario(name, paths, expected.get(name, 200), connections) for name, paths in calls.items()]


def combined_scenarios(scenarios: list[Scenario], connections: int) -> list[Scenario]:
    """Logins on a quarter of the connections, alongside trade-auth and the trade list on half each."""
    share = {
        LOGIN: max(1, connections // 4),
        TRADE_AUTH: max(1, connections // 2),
        TRADE_LIST: max(1, connections // 2),
    }
    return [Scenario(s.name, s.calls, s.expected, share[s.name]) for s in scenarios if s.name in share]


def ceiling_scenario(traders: list[LoggedIn], connections: int) -> Scenario:
    calls = [Call("GET", f"/api/trade-auth/{t.magic_number}/?user_id={t.trader.id}") for t in traders]
    return Scenario(CEILING, calls, 200, connections)


# --------------------------------------------------------------------------------------------- plans


async def capture_plans(url: str, heavy: Trader, deep_page: int) -> str:
    """Run the heavy user's trade list and statistics once through the TradeService the HTTP controllers
    use, and EXPLAIN (ANALYZE, BUFFERS) every SELECT it sends, whatever the repository calls its methods.
    Each use gets a new container: nothing one use cached in the service can hide the next one's SQL."""
    caller = Principal(id=heavy.id, email=heavy.email, role=Role.USER)
    everything = TradeFilter()
    uses: dict[str, Callable[[Any], Awaitable[object]]] = {
        "trade list, first page": lambda trades: trades.browse(caller, everything, None, PageRequest.of(1, None)),
        f"trade list, page {deep_page}, read cold and then again (sought from its bookmark)": lambda trades: read_twice(
            trades.browse, caller, everything, None, PageRequest.of(deep_page, None)
        ),
        "trade stats": lambda trades: trades.statistics(caller, everything),
    }
    sections = [f"PostgreSQL plans of {heavy.email}'s requests ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"]
    raw = await asyncpg.connect(asyncpg_url(url))
    try:
        for title, use in uses.items():
            sections.append(await explain_use(url, title, use, raw))
    finally:
        await raw.close()
    return "\n\n".join(sections) + "\n"


async def read_twice(use: Callable[..., Awaitable[object]], *arguments: Any) -> None:
    await use(*arguments)
    await use(*arguments)


async def explain_use(
    url: str, title: str, use: Callable[[Any], Awaitable[object]], raw: asyncpg.Connection[asyncpg.Record]
) -> str:
    container = build_container(Settings(database_url=url, jwt_secret=secrets.token_urlsafe(36)))
    engine = container.engine()
    captured: list[tuple[str, Any]] = []

    def remember(*arguments: Any) -> None:  # before_cursor_execute(connection, cursor, statement, parameters, ...)
        captured.append((arguments[2], arguments[3]))

    event.listen(engine.sync_engine, "before_cursor_execute", remember)
    started = time.perf_counter()
    try:
        async with container.session_factory()() as session:
            await use(container.trade_service(uow__session=session))
        elapsed = time.perf_counter() - started
    except Exception as error:  # noqa: BLE001 - a changed service API must not cost the whole run
        return f"=== {title}: could not run it: {type(error).__name__}: {error}"
    finally:
        await engine.dispose()
    lines = [f"=== {title}: {elapsed * 1000:.1f} ms in TradeService, {len(captured)} statements"]
    for statement, parameters in captured:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            lines.append(await explain(raw, statement, parameters))
    return "\n\n".join(lines)


async def explain(connection: asyncpg.Connection[asyncpg.Record], statement: str, parameters: Any) -> str:
    try:
        rows = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *(parameters or ()))
        plan = "\n".join(row[0] for row in rows)
    except asyncpg.PostgresError as error:
        plan = f"(EXPLAIN failed: {error})"
    return f"--- {statement.strip()}\n--- parameters: {parameters!r}\n{plan}"


# --------------------------------------------------------------------------------------------- report


def machine(server: str, workers: int, postgres: str, load_before: str) -> dict[str, Any]:
    model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    git = shutil.which("git")
    described = [git or "git", "describe", "--always", "--dirty"]
    commit = subprocess.run(described, cwd=ROOT, capture_output=True, text=True, check=False).stdout if git else ""
    return {
        "cpu": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "postgresql": postgres,
        "python": platform.python_version(),
        "server": server,
        "workers": workers,
        "commit": commit.strip(),
        "load_average_before_run": load_before,
    }


def ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


HEADERS = ["path", "conns", "requests/s", "p50 ms", "p99 ms", "errors", "req/s vs ceiling"]
COMBINED_HEADERS = [
    "logins alongside",
    "conns",
    "requests/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "p99 vs idle (idle p99 ms)",
    "p99 vs no logins (p99 ms)",
]


def rows(results: list[Measurement], combined: bool = False) -> list[list[str]]:
    def compared(value: float | None, base_ms: float | None) -> str:
        return "" if value is None or base_ms is None else f"{ratio(value)} ({base_ms:.2f})"

    def comparisons(r: Measurement) -> list[str]:
        if not combined:
            return [ratio(r.vs_ceiling)]
        return [
            compared(r.p99_vs_idle, r.p99_idle_ms),
            compared(r.p99_vs_without_logins, r.p99_without_logins_ms),
        ]

    return [
        [
            r.path,
            str(r.connections),
            f"{r.requests_per_second:.1f}",
            f"{r.p50_ms:.2f}",
            f"{r.p99_ms:.2f}",
            str(r.errors),
            *comparisons(r),
        ]
        for r in results
    ]


def plain_table(headers: list[str], body: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *body, strict=True)]

    def line(cells: list[str]) -> str:
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([cells[0].ljust(widths[0]), *rest])

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(cells) for cells in body)])


def markdown_table(headers: list[str], body: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(headers) - 1)
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [headers, align, *body])


def report(summary: dict[str, Any], results: list[Measurement], combined: list[Measurement]) -> str:
    about, memory, seeded = summary["machine"], summary["memory"], summary["seed"]
    workers = ", ".join(f"{mib:.0f}" for mib in memory["workers_max_rss_mib"].values())
    heading = [
        f"Machine: {about['cpu']}, {about['cores']} cores, {about['memory_gib']} GiB RAM; PostgreSQL"
        f" {about['postgresql']}; Python {about['python']}; {about['server']}, {about['workers']} workers;"
        f" commit {about['commit']}; load average before the run {about['load_average_before_run']}",
        f"Data: {seeded['trades']:,} trades ({seeded['heavy_user_trades']:,} of them the heavy user's), {TRADERS:,}"
        f" traders, {EXPERTS} EAs. Load: wrk -t{WRK_THREADS}, {summary['options']['duration']} s per path after"
        f" a {WARMUP_SECONDS} s warm-up, wrk on the same machine.",
        f"Peak resident memory per service worker: {workers} MiB (main process"
        f" {memory['main_process_max_rss_mib']:.0f} MiB)",
        "Trade-auth against the ceiling, measured one after the other in "
        + ", ".join(
            f"{r['trade_auth']['requests_per_second']:.0f}/{r['ceiling']['requests_per_second']:.0f} req/s"
            f" = {r['ratio']:.2f}x"
            for r in summary["trade_auth_against_ceiling"]
        )
        + "; the tables show the round of the median ratio.",
    ]
    tables = [(HEADERS, rows(results)), (COMBINED_HEADERS, rows(combined, combined=True))]
    return "\n\n".join(
        [
            "\n".join(heading),
            *(plain_table(headers, body) for headers, body in tables),
            "Markdown:",
            *(markdown_table(headers, body) for headers, body in tables),
        ]
    )


# --------------------------------------------------------------------------------------------- main


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of measured load per path (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections per path (default 32)")
    parser.add_argument("--server", choices=("granian", "uvicorn"), default="granian", help="(default granian)")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the benchmark database")
    arguments = parser.parse_args()
    if arguments.duration < 1 or arguments.connections < 4:
        parser.error("--duration must be 1 or more, --connections 4 or more")
    return arguments


def service_environment(url: str, workers: int) -> dict[str, str]:
    return {
        **os.environ,
        "TRADEVANTAGE_DATABASE_URL": url,
        "TRADEVANTAGE_JWT_SECRET": secrets.token_urlsafe(36),  # 48 characters
        "TRADEVANTAGE_ENVIRONMENT": "production",
        "TRADEVANTAGE_MIGRATE_ON_START": "false",
        "TRADEVANTAGE_WORKERS": str(workers),
        "TRADEVANTAGE_LOG_LEVEL": "INFO",  # as the container runs: one JSON line per request
        "TRADEVANTAGE_FAILED_LOGINS_PER_EMAIL": RAISED_LIMIT,
        "TRADEVANTAGE_FAILED_LOGINS_PER_CLIENT": RAISED_LIMIT,
        "TRADEVANTAGE_REGISTRATIONS_PER_CLIENT": RAISED_LIMIT,
    }


def exit_on_sigterm() -> None:
    """SIGTERM and SIGHUP unwind like Ctrl-C does, through the cleanup."""

    def stop(number: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """The cleanup runs to its end: another Ctrl-C or SIGTERM does not cut it short."""
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@dataclass(slots=True)
class Run:
    """One benchmark run: its options, the processes it started, and the files it writes."""

    options: argparse.Namespace
    stamp: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y%m%d-%H%M%S"))
    database: str = field(default_factory=lambda: f"tradevantage_bench_{secrets.token_hex(2)}")
    processes: Processes = field(default_factory=Processes)
    workers: int = field(default_factory=container_workers)
    load_before: str = field(default_factory=lambda: " ".join(Path("/proc/loadavg").read_text().split()[:3]))
    """1, 5 and 15 minute load averages before the run: anything else busy on the machine shows here."""

    @property
    def url(self) -> str:
        return database_url(self.options.admin_url, self.database)

    def output(self, kind: str, suffix: str) -> Path:
        return OUT / f"{kind}-{self.stamp}.{suffix}"

    def start_service(self) -> tuple[subprocess.Popen[bytes], str]:
        port, log = free_port(), self.output("service", "log")
        command = [str(VENV_BIN / "tradevantage"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        service = self.processes.start(
            [*command, "--server", self.options.server],
            grace=SERVER_GRACE_SECONDS,
            env=service_environment(self.url, self.workers),
            log=log,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(service, f"{base}/health/ready/", log)
        return service, base

    def start_ceiling(self) -> tuple[subprocess.Popen[bytes], str]:
        port, log = free_port(), self.output("ceiling", "log")
        command = [sys.executable, str(ROOT / "bench" / "ceiling.py"), "--port", str(port)]
        command += ["--server", self.options.server, "--workers", str(self.workers)]
        ceiling = self.processes.start(
            [*command, "--database-url", asyncpg_url(self.url)], grace=SERVER_GRACE_SECONDS, log=log
        )
        base = f"http://127.0.0.1:{port}"
        # It has no health route: an EA nobody subscribes to answers 404 once it is up.
        wait_until_up(ceiling, f"{base}/api/trade-auth/1/?user_id={uuid.UUID(int=0)}", log, up=(404,))
        return ceiling, base


def measure_service(
    run: Run, wrk: Wrk, seeded: Seeded, deep_page: int
) -> tuple[list[Measurement], list[Measurement], dict[str, Any], list[CeilingRound]]:
    """Every service path alone (trade-auth in rounds against the ceiling), then logins alongside trade-auth
    and the trade list; and the workers' memory."""
    options = run.options
    service, base = run.start_service()
    sampler = MemorySampler(service.pid)
    ceiling: subprocess.Popen[bytes] | None = None
    try:
        heavy, traders = asyncio.run(log_in(base, seeded))
        trades = asyncio.run(stored_trades(run.url, traders))
        scenarios = service_scenarios(heavy, traders, trades, deep_page, options.connections)
        ceiling, ceiling_base = run.start_ceiling()
        print(f"service ({options.server}, {run.workers} workers) at {base}, ceiling (bench/ceiling.py) at")
        print(f"{ceiling_base}, {options.connections} connections:")
        alone: list[Measurement] = []
        rounds: list[CeilingRound] = []
        for scenario in scenarios:
            if scenario.name == TRADE_AUTH:
                against = ceiling_scenario(traders, options.connections)
                rounds = [
                    CeilingRound(
                        wrk.measure(scenario, base, options.duration),
                        wrk.measure(against, ceiling_base, options.duration),
                    )
                    for _ in range(CEILING_ROUNDS)
                ]
                alone.append(median_round(rounds).service)
            else:
                alone.append(wrk.measure(scenario, base, options.duration))
        run.processes.stop(ceiling)
        ceiling = None
        combined = combined_scenarios(scenarios, options.connections)
        print("trade-auth and the trade list together, first without logins, then alongside logins ...")
        pair = wrk.measure_together([s for s in combined if s.name != LOGIN], base, options.duration)
        together = wrk.measure_together(combined, base, options.duration)
    finally:
        memory = sampler.stop()
        if ceiling is not None:
            run.processes.stop(ceiling)
        run.processes.stop(service)
    compare_p99s(together, alone, pair)
    return alone, together, memory, rounds


@dataclass(frozen=True, slots=True)
class CeilingRound:
    """Trade-auth, then the ceiling at once after it: on a machine whose speed drifts by tens of percent
    within minutes, only a ratio measured side by side means something."""

    service: Measurement
    ceiling: Measurement

    @property
    def ratio(self) -> float:
        return self.service.requests_per_second / self.ceiling.requests_per_second


def median_round(rounds: list[CeilingRound]) -> CeilingRound:
    return sorted(rounds, key=lambda r: r.ratio)[len(rounds) // 2]


def compare_p99s(together: list[Measurement], alone: list[Measurement], pair: list[Measurement]) -> None:
    """The p99s alongside logins against the same paths alone and in the same pair without the logins."""
    idle = {result.path: result.p99_ms for result in alone}
    without_logins = {result.path: result.p99_ms for result in pair}
    for result in together:
        result.p99_idle_ms = idle[result.path]
        result.p99_vs_idle = round(result.p99_ms / result.p99_idle_ms, 2) if result.p99_idle_ms else None
        result.p99_without_logins_ms = without_logins.get(result.path)
        if result.p99_without_logins_ms:
            result.p99_vs_without_logins = round(result.p99_ms / result.p99_without_logins_ms, 2)


def benchmark(run: Run, wrk_executable: str) -> None:
    print(f"database {run.database}: migrating and seeding ...")
    Migrator(run.url).upgrade()
    seeded = asyncio.run(seed(run.url))
    print(f"seeded {seeded.trades:,} trades of {TRADERS + 1:,} traders in {seeded.seconds:.1f} s")
    query = "SELECT count(*) FROM trades WHERE user_id = $1"
    heavy_trades = int(asyncio.run(fetch_value(run.url, query, seeded.heavy.id)))
    deep_page = max(1, math.ceil(heavy_trades / DEFAULT_PAGE_SIZE) // 2)

    with tempfile.TemporaryDirectory(prefix="hot-paths-wrk-") as folder:
        wrk = Wrk(wrk_executable, run.processes, Path(folder), run.url)
        results, combined, memory, rounds = measure_service(run, wrk, seeded, deep_page)
        plans = run.output("plans", "txt")
        plans.write_text(asyncio.run(capture_plans(run.url, seeded.heavy, deep_page)))

    middle = median_round(rounds)
    middle.service.vs_ceiling = round(middle.ratio, 2)
    middle.ceiling.vs_ceiling = 1.0
    results.append(middle.ceiling)

    postgres = str(asyncio.run(fetch_value(run.url, "SHOW server_version")))
    summary = {
        "options": vars(run.options),
        "machine": machine(run.options.server, run.workers, postgres, run.load_before),
        "seed": {"trades": seeded.trades, "heavy_user_trades": heavy_trades, "seconds": round(seeded.seconds, 1)},
        "deep_page": deep_page,
        "results": [asdict(result) for result in results],
        "combined": [asdict(result) for result in combined],
        "memory": memory,
        "trade_auth_against_ceiling": [
            {"trade_auth": asdict(r.service), "ceiling": asdict(r.ceiling), "ratio": round(r.ratio, 3)} for r in rounds
        ],
        "plans": str(plans),
    }
    output = run.output("hot-paths", "json")
    output.write_text(json.dumps(summary, indent=2) + "\n")
    print("\n" + report(summary, results, combined) + "\n")
    print(f"results: {output}\nplans:   {plans}")
    failing = [result.path for result in [*results, *combined] if result.errors]
    if failing:
        print(f"ERRORS on: {', '.join(failing)} (first_unexpected in the JSON tells why)")


def install_wrk() -> str | None:
    """Debian's wrk, installed with apt-get when this runs as root (as on the development machines)."""
    apt_get = shutil.which("apt-get")
    if apt_get is None or os.geteuid() != 0:
        return None
    print("wrk is not installed; installing Debian's package ...")
    install = [apt_get, "install", "-y", "-q", "wrk"]
    if subprocess.run(install, capture_output=True, check=False).returncode != 0:
        subprocess.run([apt_get, "update", "-q"], capture_output=True, check=False)
        subprocess.run(install, capture_output=True, check=False)
    return shutil.which("wrk")


def main() -> int:
    options = parse_arguments()
    wrk_executable = shutil.which("wrk") or install_wrk()
    if wrk_executable is None:
        print("wrk is not installed and could not be installed (apt-get install wrk)", file=sys.stderr)
        return 2
    exit_on_sigterm()
    OUT.mkdir(parents=True, exist_ok=True)
    run = Run(options)
    started = time.monotonic()
    asyncio.run(execute(options.admin_url, f'CREATE DATABASE "{run.database}"'))
    try:
        benchmark(run, wrk_executable)
    finally:
        with uninterrupted():
            run.processes.stop_all()
            if options.keep_database:
                print(f"kept database {run.database}")
            else:
                asyncio.run(execute(options.admin_url, f'DROP DATABASE IF EXISTS "{run.database}" WITH (FORCE)'))
            print(f"total time: {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
