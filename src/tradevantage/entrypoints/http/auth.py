"""Bearer authentication with Litestar's JWT support: access tokens only, checked without a query."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID

import jwt
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import ImproperlyConfiguredException, NotAuthorizedException
from litestar.middleware.authentication import AuthenticationResult
from litestar.openapi.spec import SecurityRequirement
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token
from litestar.security.jwt.token import JWTDecodeOptions
from sqlalchemy.exc import DBAPIError

from tradevantage.config import Settings
from tradevantage.container import Container
from tradevantage.domain.users.entities import Principal, Role, TokenKind

PUBLIC = {"exclude_from_auth": True}
"""Handler `opt` of the routes anyone may call."""
SCHEME_NAME = "BearerToken"
BEARER: list[SecurityRequirement] = [{SCHEME_NAME: []}]
"""The OpenAPI `security` of the routes that need an access token."""


VERIFIED_TOKENS_KEPT = 10_000
"""Access tokens a worker remembers as verified: a terminal sends the same token for its lifetime."""


class BearerAuthenticationMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT check, taking the token only from an `Authorization: Bearer …` header.

    A token's signature and claims are verified the first time the worker sees it; after that the
    same string is known to be good until it expires, so only its expiry and its revocation are
    checked again on each request.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_name = self.auth_header.lower().encode("latin-1")
        self._verified: dict[str, tuple[Principal, Token, float]] = {}

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        scheme, _, token = _header(connection.scope["headers"], self._header_name).partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("An access token is required: Authorization: Bearer <token>.")
        return await self.authenticate_token(encoded_token=token.strip(), connection=connection)

    async def authenticate_token(
        self, encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        known = self._verified.get(encoded_token)
        if known is None or time.time() > known[2]:
            self._verified.pop(encoded_token, None)
            result = await super().authenticate_token(encoded_token, connection)
            self._remember(encoded_token, result)
            return result
        principal, token, _ = known
        if self.revoked_token_handler and await self.revoked_token_handler(token, connection):
            raise NotAuthorizedException()
        return AuthenticationResult(user=principal, auth=token)

    def _remember(self, encoded_token: str, result: AuthenticationResult) -> None:
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        token: Token = result.auth
        usable_until = token.exp.timestamp() + getattr(self.token_cls, "leeway_seconds", 0)
        self._verified[encoded_token] = (result.user, token, usable_until)


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    """The first value of header `name` (lower case) in the ASGI scope's raw headers, or "".

    Read straight from the scope: Litestar's `connection.headers` builds a mapping of all of them."""
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def token_with_leeway(seconds: int) -> type[Token]:
    """Litestar's Token, accepting `exp` and `nbf` up to `seconds` off, for clocks that drift a little."""

    class LenientToken(Token):
        leeway_seconds: ClassVar[int] = seconds

        def __post_init__(self) -> None:
            # Token's own check refuses any `exp` in the past, whatever the decoder's leeway.
            now = datetime.now(UTC).timestamp()
            if not self.sub:
                raise ImproperlyConfiguredException("sub must be a string with a length greater than 0")
            self.exp = self.exp.astimezone(UTC).replace(microsecond=0)
            self.iat = self.iat.astimezone(UTC).replace(microsecond=0)
            if self.exp.timestamp() < now - seconds or self.iat.timestamp() > now + seconds:
                raise ImproperlyConfiguredException("The token is expired or issued in the future.")

        @classmethod
        def decode_payload(
            cls,
            encoded_token: str,
            secret: str,
            algorithms: list[str],
            issuer: str | Sequence[str] | None = None,
            audience: str | Sequence[str] | None = None,
            options: JWTDecodeOptions | None = None,
        ) -> Any:
            return jwt.decode(
                jwt=encoded_token,
                key=secret,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                options=options,  # type: ignore[arg-type]
                leeway=seconds,
            )

    return LenientToken


async def principal_from_token(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The caller an access token describes; None (401) for any other kind of token."""
    if token.extras.get("typ") != TokenKind.ACCESS.value:
        return None
    try:
        return Principal(id=UUID(token.sub), email=str(token.extras["email"]), role=Role(token.extras["role"]))
    except (KeyError, ValueError):
        return None


def build_jwt_auth(settings: Settings, container: Container) -> JWTAuth[Principal, Token]:
    return JWTAuth[Principal, Token](
        revoked_token_handler=TokenStateCheck(container, settings.token_check_cache_seconds).refused,
        token_secret=settings.jwt_secret,
        algorithm=settings.jwt_algorithm,
        retrieve_user_handler=principal_from_token,
        accepted_issuers=[settings.jwt_issuer],
        accepted_audiences=[settings.jwt_audience],
        require_claims=["exp", "iat", "sub"],
        default_token_expiration=settings.access_token_lifetime,
        exclude=["^/schema"],
        description="An access token from POST /api/login/.",
        openapi_security_scheme_name=SCHEME_NAME,
        authentication_middleware_class=BearerAuthenticationMiddleware,
        token_cls=token_with_leeway(settings.jwt_leeway_seconds),
    )


def security_per_route(app_config: AppConfig) -> AppConfig:
    """Drop the schema-wide security requirement the JWT backend adds: public routes need none,
    and the others declare `BEARER` themselves."""
    if app_config.openapi_config is not None:
        app_config.openapi_config.security = None
    return app_config


class TokenStateCheck:
    """Refuses access tokens of deactivated accounts and of revoked sign-ins.

    The answer for a (user, sign-in) pair is kept for `ttl` seconds per process, so the hot paths do
    not query on every request; a revocation takes effect within that time.
    """

    def __init__(self, container: Container, ttl: float) -> None:
        self._container = container
        self._ttl = ttl
        self._known: dict[tuple[str, str], tuple[bool, float]] = {}

    async def refused(self, token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> bool:
        key = (token.sub, str(token.extras.get("fam", "")))
        cached = self._known.get(key)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return not cached[0]
        allowed = await self._allowed(*key)
        if self._ttl > 0:
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[key] = (allowed, now + self._ttl)
        return not allowed

    async def _allowed(self, user_id: str, family_id: str) -> bool:
        try:
            user, family = UUID(user_id), UUID(family_id)
        except ValueError:
            return False
        try:
            return await self._ask(user, family)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            # The pool held connections the server had ended (a restart): all of them are discarded
            # now, so the check is asked once more, on a new connection, instead of failing the request.
            return await self._ask(user, family)

    async def _ask(self, user: UUID, family: UUID) -> bool:
        async with self._container.session_factory()() as session:
            return await self._container.user_service(uow__session=session).access_allowed(user, family)
