from __future__ import annotations

import pytest

from tests.unit.fakes import FakeHasher, FakeTokenCodec, FakeUnitOfWork, FixedClock
from tradevantage.domain.users.service import UserService


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def service(uow: FakeUnitOfWork, hasher: FakeHasher, clock: FixedClock) -> UserService:
    return UserService(uow=uow, hasher=hasher, tokens=FakeTokenCodec(clock), clock=clock)
