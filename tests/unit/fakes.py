"""In-memory fakes of the domain's ports: fast, no I/O, and honest about commits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from tradevantage.domain.errors import AuthenticationFailed
from tradevantage.domain.users import rules
from tradevantage.domain.users.entities import IssuedToken, RefreshClaims, RefreshToken, User
from tradevantage.domain.users.service import INVALID_TOKEN

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=14)


class FixedClock:
    def __init__(self, now: datetime = datetime(2025, 5, 3, 14, 0, tzinfo=UTC)) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class FakeHasher:
    def __init__(self) -> None:
        self.dummy_verifications = 0

    async def hash(self, password: str) -> str:
        return f"hashed:{password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"

    async def verify_dummy(self, password: str) -> None:
        self.dummy_verifications += 1


class FakeTokenCodec:
    """Tokens are readable strings; a refresh token past its lifetime is refused like an expired JWT."""

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock

    def issue_access(self, user: User, now: datetime) -> IssuedToken:
        return IssuedToken(token=f"access:{user.id}", expires_at=now + ACCESS_LIFETIME)

    def issue_refresh(self, claims: RefreshClaims, now: datetime) -> IssuedToken:
        expires_at = now + REFRESH_LIFETIME
        token = f"refresh:{claims.token_id}:{claims.family_id}:{claims.user_id}:{expires_at.isoformat()}"
        return IssuedToken(token=token, expires_at=expires_at)

    def read_refresh(self, token: str) -> RefreshClaims:
        try:
            kind, token_id, family_id, user_id, expires_at = token.split(":", 4)
            if kind != "refresh" or datetime.fromisoformat(expires_at) <= self._clock.now():
                raise AuthenticationFailed(INVALID_TOKEN)
            return RefreshClaims(token_id=UUID(token_id), family_id=UUID(family_id), user_id=UUID(user_id))
        except ValueError:
            raise AuthenticationFailed(INVALID_TOKEN) from None


class InMemoryUserRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, User] = {}

    async def add(self, user: User) -> None:
        if any(rules.email_key(u.email) == rules.email_key(user.email) for u in self.rows.values()):
            raise rules.email_taken()
        self.rows[user.id] = user

    async def get(self, user_id: UUID) -> User | None:
        return self.rows.get(user_id)

    async def get_by_email(self, email: str) -> User | None:
        key = rules.email_key(email)
        return next((u for u in self.rows.values() if rules.email_key(u.email) == key), None)

    async def update(self, user: User) -> None:
        self.rows[user.id] = user


class InMemoryRefreshTokenRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, RefreshToken] = {}

    async def add(self, token: RefreshToken) -> None:
        self.rows[token.id] = token

    async def get(self, token_id: UUID) -> RefreshToken | None:
        return self.rows.get(token_id)

    async def use(self, token_id: UUID, at: datetime) -> bool:
        token = self.rows.get(token_id)
        if token is None or token.used_at is not None or token.revoked_at is not None:
            return False
        self.rows[token_id] = replace(token, used_at=at)
        return True

    async def revoke_family(self, family_id: UUID, at: datetime) -> None:
        for token in list(self.rows.values()):
            if token.family_id == family_id and token.revoked_at is None:
                self.rows[token.id] = replace(token, revoked_at=at)

    async def revoke_all_of_user(self, user_id: UUID, at: datetime) -> None:
        for token in list(self.rows.values()):
            if token.user_id == user_id and token.revoked_at is None:
                self.rows[token.id] = replace(token, revoked_at=at)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.users = InMemoryUserRepository()
        self.refresh_tokens = InMemoryRefreshTokenRepository()
        self.commits = 0
        self.rollbacks = 0

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        self.rollbacks += 1
