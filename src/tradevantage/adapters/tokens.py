"""JSON Web Tokens, signed and checked with Litestar's JWT support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import Token

from tradevantage.domain.errors import AuthenticationFailed
from tradevantage.domain.users.entities import IssuedToken, RefreshClaims, TokenKind, User
from tradevantage.domain.users.service import INVALID_TOKEN


@dataclass(frozen=True, slots=True)
class JwtSettings:
    secret: str
    algorithm: str
    issuer: str
    audience: str
    access_lifetime: timedelta
    refresh_lifetime: timedelta


class JwtTokenCodec:
    """Issues access and refresh tokens; checks refresh tokens (access tokens are checked by the HTTP auth)."""

    def __init__(self, settings: JwtSettings) -> None:
        self._settings = settings

    def issue_access(self, user: User, family_id: UUID, now: datetime) -> IssuedToken:
        expires_at = now + self._settings.access_lifetime
        token = Token(
            sub=str(user.id),
            exp=expires_at,
            iat=now,
            iss=self._settings.issuer,
            aud=self._settings.audience,
            extras={
                "typ": TokenKind.ACCESS.value,
                "email": user.email,
                "role": user.role.value,
                "fam": str(family_id),
            },
        )
        return IssuedToken(token=self._encode(token), expires_at=expires_at)

    def issue_refresh(self, claims: RefreshClaims, now: datetime) -> IssuedToken:
        expires_at = now + self._settings.refresh_lifetime
        token = Token(
            sub=str(claims.user_id),
            exp=expires_at,
            iat=now,
            iss=self._settings.issuer,
            aud=self._settings.audience,
            jti=str(claims.token_id),
            extras={"typ": TokenKind.REFRESH.value, "fam": str(claims.family_id)},
        )
        return IssuedToken(token=self._encode(token), expires_at=expires_at)

    def read_refresh(self, token: str) -> RefreshClaims:
        try:
            decoded = Token.decode(
                token,
                secret=self._settings.secret,
                algorithm=self._settings.algorithm,
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                require_claims=["exp", "iat", "jti", "sub"],
            )
            if decoded.extras.get("typ") != TokenKind.REFRESH.value:
                raise AuthenticationFailed(INVALID_TOKEN)
            return RefreshClaims(
                token_id=UUID(str(decoded.jti)),
                family_id=UUID(str(decoded.extras["fam"])),
                user_id=UUID(decoded.sub),
            )
        except (NotAuthorizedException, KeyError, ValueError):
            raise AuthenticationFailed(INVALID_TOKEN) from None

    def _encode(self, token: Token) -> str:
        return token.encode(secret=self._settings.secret, algorithm=self._settings.algorithm)
