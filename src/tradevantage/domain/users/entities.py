"""Entities of the accounts context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    USER = "user"
    PROGRAMMER = "programmer"
    ADMIN = "admin"


class TokenKind(StrEnum):
    """Every token says what it is for: an access token is no refresh token, and the reverse."""

    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True, slots=True)
class User:
    id: UUID
    email: str
    full_name: str
    role: Role
    password_hash: str
    is_active: bool
    date_joined: datetime


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request or command, as its access token describes it."""

    id: UUID
    email: str
    role: Role


@dataclass(frozen=True, slots=True)
class RefreshToken:
    """The server-side record of one issued refresh token.

    Tokens issued from one login form a family; each refresh uses one token up and issues the
    next. Showing a used token again means it leaked, so the whole family is revoked.
    """

    id: UUID
    family_id: UUID
    user_id: UUID
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    """What a verified refresh token says about itself."""

    token_id: UUID
    family_id: UUID
    user_id: UUID


@dataclass(frozen=True, slots=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int
    """Seconds until the access token expires."""
