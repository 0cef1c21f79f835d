"""Shapes of the accounts endpoints."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec

from tradevantage.domain.users.entities import TokenPair, User
from tradevantage.domain.values import format_timestamp


class RegisterRequest(msgspec.Struct):
    email: str
    full_name: str
    password: str
    role: Literal["user", "programmer", "admin"] = "user"
    """`admin` is refused: administrators are made from the command line."""


class LoginRequest(msgspec.Struct):
    email: str
    password: str


class RefreshRequest(msgspec.Struct):
    refresh: str


class ProfileUpdate(msgspec.Struct):
    full_name: str | msgspec.UnsetType = msgspec.UNSET


class PasswordChange(msgspec.Struct):
    current_password: str
    new_password: str


class UserResponse(msgspec.Struct):
    id: UUID
    email: str
    full_name: str
    role: Literal["user", "programmer", "admin"]
    date_joined: str

    @classmethod
    def of(cls, user: User) -> UserResponse:
        return cls(
            id=user.id,
            email=user.email,
            full_name=user.full_name,
            role=user.role.value,
            date_joined=format_timestamp(user.date_joined),
        )


class TokenResponse(msgspec.Struct):
    """`access`/`refresh` are the documented names; the `*_token` twins serve EA code already deployed."""

    access: str
    refresh: str
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"

    @classmethod
    def of(cls, pair: TokenPair) -> TokenResponse:
        return cls(
            access=pair.access,
            refresh=pair.refresh,
            access_token=pair.access,
            refresh_token=pair.refresh,
            expires_in=pair.expires_in,
        )
