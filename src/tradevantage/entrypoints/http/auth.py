"""Bearer authentication with Litestar's JWT support: access tokens only, checked without a query."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTAuth, Token

from tradevantage.config import Settings
from tradevantage.domain.users.entities import Principal, Role, TokenKind

PUBLIC = {"exclude_from_auth": True}
"""Handler `opt` of the routes anyone may call."""


async def principal_from_token(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The caller an access token describes; None (401) for any other kind of token."""
    if token.extras.get("typ") != TokenKind.ACCESS.value:
        return None
    try:
        return Principal(id=UUID(token.sub), email=str(token.extras["email"]), role=Role(token.extras["role"]))
    except (KeyError, ValueError):
        return None


def build_jwt_auth(settings: Settings) -> JWTAuth[Principal, Token]:
    return JWTAuth[Principal, Token](
        token_secret=settings.jwt_secret,
        algorithm=settings.jwt_algorithm,
        retrieve_user_handler=principal_from_token,
        accepted_issuers=[settings.jwt_issuer],
        accepted_audiences=[settings.jwt_audience],
        require_claims=["exp", "iat", "sub"],
        default_token_expiration=settings.access_token_lifetime,
        exclude=["^/schema"],
        description="An access token from POST /api/login/.",
    )
