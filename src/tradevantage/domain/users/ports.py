"""Ports of the accounts context, implemented by adapters."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from tradevantage.domain.users.entities import IssuedToken, RefreshClaims, RefreshToken, User


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Store a new user; raise `Conflict` naming `email` when the email is taken."""
        ...

    async def get(self, user_id: UUID) -> User | None: ...

    async def get_by_email(self, email: str) -> User | None:
        """Find a user by email, compared case-insensitively."""
        ...

    async def update(self, user: User) -> None: ...

    async def first_admin(self) -> User | None:
        """The earliest active administrator, who owns placeholders the importer creates."""
        ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def get(self, token_id: UUID) -> RefreshToken | None: ...

    async def use(self, token_id: UUID, at: datetime) -> bool:
        """Mark the token used if it is neither used nor revoked; False when it was.

        Atomic, so two requests racing with the same token cannot both rotate it.
        """
        ...

    async def revoke_family(self, family_id: UUID, at: datetime) -> None: ...

    async def family_revoked(self, family_id: UUID) -> bool:
        """True once the family was revoked (logout, reuse of a rotated token, password change)."""
        ...

    async def revoke_all_of_user(self, user_id: UUID, at: datetime) -> None: ...


class PasswordHasher(Protocol):
    """Slow, salted hashing. Implementations must not block the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    async def verify_dummy(self, password: str) -> None:
        """Spend the time of a real verification, so an unknown email cannot be told apart."""
        ...


class TokenCodec(Protocol):
    """Signs and checks the tokens handed to clients."""

    def issue_access(self, user: User, family_id: UUID, now: datetime) -> IssuedToken:
        """An access token of the sign-in `family_id`: revoking the family refuses it too."""
        ...

    def issue_refresh(self, claims: RefreshClaims, now: datetime) -> IssuedToken: ...

    def read_refresh(self, token: str) -> RefreshClaims:
        """Verify signature, expiry and type; raise `AuthenticationFailed` otherwise."""
        ...


class AccountsUnitOfWork(Protocol):
    """One transaction over the accounts repositories; nothing is kept unless `commit` is called."""

    users: UserRepository
    refresh_tokens: RefreshTokenRepository

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
