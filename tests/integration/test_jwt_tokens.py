"""Signed tokens: what the codec accepts and refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest

from tests.factories import UserFactory
from tradevantage.adapters.tokens import JwtSettings, JwtTokenCodec
from tradevantage.domain.errors import AuthenticationFailed
from tradevantage.domain.users.entities import RefreshClaims

SETTINGS = JwtSettings(
    secret="s" * 48,
    algorithm="HS256",
    issuer="tradevantage",
    audience="tradevantage-api",
    access_lifetime=timedelta(minutes=15),
    refresh_lifetime=timedelta(days=14),
)


def now() -> datetime:
    return datetime.now(UTC)


def test_refresh_token_round_trips() -> None:
    codec = JwtTokenCodec(SETTINGS)
    claims = RefreshClaims(token_id=uuid4(), family_id=uuid4(), user_id=uuid4())

    issued = codec.issue_refresh(claims, now())

    assert codec.read_refresh(issued.token) == claims


def test_access_token_is_refused_as_refresh_token() -> None:
    codec = JwtTokenCodec(SETTINGS)
    access = codec.issue_access(UserFactory.build(), uuid4(), now())
    with pytest.raises(AuthenticationFailed):
        codec.read_refresh(access.token)


def test_access_token_carries_type_role_and_lifetime() -> None:
    user = UserFactory.build()
    moment = now()
    family = uuid4()
    access = JwtTokenCodec(SETTINGS).issue_access(user, family, moment)

    payload = jwt.decode(access.token, SETTINGS.secret, algorithms=["HS256"], audience=SETTINGS.audience)

    assert payload["sub"] == str(user.id)
    assert payload["extras"] == {"typ": "access", "email": user.email, "role": user.role.value, "fam": str(family)}
    assert payload["exp"] - payload["iat"] == 15 * 60


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda p: jwt.encode(p, "another secret " * 4, algorithm="HS256"), id="other-key"),
        pytest.param(lambda p: jwt.encode({**p, "iss": "someone-else"}, "s" * 48, algorithm="HS256"), id="issuer"),
        pytest.param(lambda p: jwt.encode({**p, "aud": "other-api"}, "s" * 48, algorithm="HS256"), id="audience"),
        pytest.param(
            lambda p: jwt.encode({**p, "exp": int((now() - timedelta(seconds=5)).timestamp())}, "s" * 48, "HS256"),
            id="expired",
        ),
        pytest.param(lambda p: jwt.encode(p, None, algorithm="none"), id="alg-none"),
    ],
)
def test_forged_refresh_tokens_are_refused(forge: object) -> None:
    payload = {
        "sub": str(uuid4()),
        "jti": str(uuid4()),
        "iat": int(now().timestamp()),
        "exp": int((now() + timedelta(days=1)).timestamp()),
        "iss": "tradevantage",
        "aud": "tradevantage-api",
        "extras": {"typ": "refresh", "fam": str(uuid4())},
    }
    token = forge(payload)  # type: ignore[operator]
    with pytest.raises(AuthenticationFailed):
        JwtTokenCodec(SETTINGS).read_refresh(token)
