"""How many failed sign-ins and registrations are allowed before callers must wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from tradevantage.domain.errors import DomainError


class TooManyAttempts(DomainError):
    """Refused for a while; `retry_after` says how many seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


class AttemptCounter(Protocol):
    """Counts attempts per key within a window, in a store shared by every replica when configured."""

    async def count(self, key: str) -> tuple[int, int]:
        """The attempts recorded under `key` and the seconds until its window ends (0 when none)."""
        ...

    async def add(self, key: str, window: timedelta) -> None: ...

    async def clear(self, key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    failed_logins_per_email: int = 5
    failed_logins_per_client: int = 20
    registrations_per_client: int = 10
    window: timedelta = timedelta(minutes=15)


class Throttle:
    """Sign-in failures are counted per email and per client address; registrations per client address.

    The per-email count applies whether or not the email has an account, so a refusal tells nothing.
    """

    def __init__(self, counter: AttemptCounter, policy: ThrottlePolicy = ThrottlePolicy()) -> None:
        self._counter = counter
        self._policy = policy

    async def check_login(self, email_key: str, client: str) -> None:
        await self._refuse_beyond(f"login:email:{email_key}", self._policy.failed_logins_per_email)
        await self._refuse_beyond(f"login:client:{client}", self._policy.failed_logins_per_client)

    async def login_failed(self, email_key: str, client: str) -> None:
        await self._counter.add(f"login:email:{email_key}", self._policy.window)
        await self._counter.add(f"login:client:{client}", self._policy.window)

    async def login_succeeded(self, email_key: str) -> None:
        await self._counter.clear(f"login:email:{email_key}")

    async def check_registration(self, client: str) -> None:
        key = f"register:client:{client}"
        await self._refuse_beyond(key, self._policy.registrations_per_client)
        await self._counter.add(key, self._policy.window)

    async def _refuse_beyond(self, key: str, limit: int) -> None:
        attempts, remaining = await self._counter.count(key)
        if attempts >= limit:
            raise TooManyAttempts(max(1, remaining))
