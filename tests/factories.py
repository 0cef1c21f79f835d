"""Test data, in one place."""

from __future__ import annotations

from datetime import UTC, datetime

from polyfactory import Use
from polyfactory.factories import DataclassFactory
from polyfactory.factories.msgspec_factory import MsgspecFactory

from tradevantage.domain.users.entities import Role, User
from tradevantage.entrypoints.http.schemas.accounts import RegisterRequest

PASSWORD = "correct-horse-42"


class UserFactory(DataclassFactory[User]):
    email = Use(lambda: UserFactory.__faker__.unique.email())
    full_name = Use(lambda: UserFactory.__faker__.name())
    role = Role.USER
    password_hash = f"hashed:{PASSWORD}"
    is_active = True
    date_joined = Use(lambda: datetime(2025, 5, 3, 14, 0, tzinfo=UTC))


class RegistrationFactory(MsgspecFactory[RegisterRequest]):
    email = Use(lambda: RegistrationFactory.__faker__.unique.email())
    full_name = Use(lambda: RegistrationFactory.__faker__.name())
    password = PASSWORD
    role = "user"
