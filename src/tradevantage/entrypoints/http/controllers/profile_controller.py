"""The caller's own profile and password."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from tradevantage.entrypoints.http.auth import BEARER
from tradevantage.entrypoints.http.dependencies import Authenticated, Users
from tradevantage.entrypoints.http.schemas.accounts import PasswordChange, ProfileUpdate, UserResponse
from tradevantage.entrypoints.http.schemas.problems import problem_responses


class ProfileController(Controller):
    path = "/api/user"
    tags = ["accounts"]
    security = BEARER

    @get("/", responses=problem_responses(401))
    async def show(self, request: Authenticated, user_service: Users) -> UserResponse:
        """The caller's profile."""
        return UserResponse.of(await user_service.get_profile(request.user.id))

    @patch("/", responses=problem_responses(413, 400, 401))
    async def update(self, data: JSONBody[ProfileUpdate], request: Authenticated, user_service: Users) -> UserResponse:
        """Change `full_name`; other fields are read-only here."""
        if isinstance(data.full_name, str):
            return UserResponse.of(await user_service.update_profile(request.user.id, data.full_name))
        return UserResponse.of(await user_service.get_profile(request.user.id))

    @post("/password", status_code=HTTP_204_NO_CONTENT, responses=problem_responses(413, 400, 401))
    async def change_password(
        self, data: JSONBody[PasswordChange], request: Authenticated, user_service: Users
    ) -> None:
        """Change the password; every refresh token of the account is revoked."""
        await user_service.change_password(request.user.id, data.current_password, data.new_password)
