"""Readiness answers within its budget even when SQLite is locked by a writer."""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradevantage.adapters.persistence.database import DatabaseProbe, create_engine
from tradevantage.adapters.persistence.migrator import Migrator


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "locked.db"
    Migrator(f"sqlite+aiosqlite:///{path}").upgrade()
    return path


@pytest.fixture
def unanswering_port() -> Iterator[int]:
    """A local port that takes connections into its backlog and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


async def test_probe_answers_in_time_while_another_process_holds_the_write_lock(migrated_sqlite: Path) -> None:
    writer = sqlite3.connect(migrated_sqlite, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite+aiosqlite:///{migrated_sqlite}")
    try:
        started = time.monotonic()
        answered = await DatabaseProbe(engine).answers(within_seconds=1.0)
        elapsed = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        await engine.dispose()

    assert answered is True, "a reader does not wait for a writer in WAL mode"
    assert elapsed < 1.5


async def test_probe_gives_up_after_its_budget(unanswering_port: int) -> None:
    engine = create_engine(f"postgresql+asyncpg://nobody@127.0.0.1:{unanswering_port}/none")
    try:
        started = time.monotonic()
        assert await DatabaseProbe(engine).answers(within_seconds=0.5) is False
        assert time.monotonic() - started < 1.0
    finally:
        await engine.dispose()
