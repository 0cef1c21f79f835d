"""Registration, sign-in and token rotation."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from tradevantage.entrypoints.http.auth import PUBLIC
from tradevantage.entrypoints.http.dependencies import Users
from tradevantage.entrypoints.http.schemas.accounts import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenResponse,
    UserResponse,
)
from tradevantage.entrypoints.http.schemas.problems import problem_responses


class AccountsController(Controller):
    path = "/api"
    tags = ["accounts"]
    opt = PUBLIC

    @post("/register", status_code=HTTP_201_CREATED, responses=problem_responses(400, 409, 413, 429))
    async def register(
        self, data: JSONBody[RegisterRequest], user_service: Users, request: Request[Any, Any, Any]
    ) -> UserResponse:
        """Create an account. `role` is `user` (default) or `programmer`."""
        user = await user_service.register(data.email, data.full_name, data.password, data.role, _client(request))
        return UserResponse.of(user)

    @post("/login", status_code=HTTP_200_OK, responses=problem_responses(400, 401, 413, 429))
    async def login(
        self, data: JSONBody[LoginRequest], user_service: Users, request: Request[Any, Any, Any]
    ) -> TokenResponse:
        """Exchange email and password for an access and a refresh token."""
        return TokenResponse.of(await user_service.authenticate(data.email, data.password, _client(request)))

    @post("/login/refresh", status_code=HTTP_200_OK, responses=problem_responses(413, 400, 401))
    async def refresh(self, data: JSONBody[RefreshRequest], user_service: Users) -> TokenResponse:
        """Rotate a refresh token. Reusing a rotated one signs out its whole family."""
        return TokenResponse.of(await user_service.refresh(data.refresh))

    @post("/logout", status_code=HTTP_204_NO_CONTENT, responses=problem_responses(413, 400, 401))
    async def logout(self, data: JSONBody[RefreshRequest], user_service: Users) -> None:
        """Revoke a refresh token and every token rotated from the same sign-in."""
        await user_service.logout(data.refresh)


def _client(request: Request[Any, Any, Any]) -> str:
    """The caller's address (behind a trusted proxy, the one it gives: TRADEVANTAGE_FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"
