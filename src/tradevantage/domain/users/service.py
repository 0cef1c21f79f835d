"""The accounts service: registration, sign-in, token rotation and profile changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import NoReturn
from uuid import UUID, uuid4

from tradevantage.domain.clock import Clock
from tradevantage.domain.errors import AuthenticationFailed, FieldError, NotFound, require_valid
from tradevantage.domain.users import rules
from tradevantage.domain.users.entities import RefreshClaims, RefreshToken, Role, TokenPair, User
from tradevantage.domain.users.ports import AccountsUnitOfWork, PasswordHasher, TokenCodec
from tradevantage.domain.users.throttling import Throttle

INVALID_CREDENTIALS = "No active account found with the given credentials."
INVALID_TOKEN = "Token is invalid or expired."
INACTIVE_ACCOUNT = "This account is no longer active."
REUSED_TOKEN = "Refresh token was already used; every session of that sign-in is now signed out."


class UserService:
    """Use cases of the accounts context. Each public method is one unit of work."""

    def __init__(
        self,
        uow: AccountsUnitOfWork,
        hasher: PasswordHasher,
        tokens: TokenCodec,
        clock: Clock,
        throttle: Throttle | None = None,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._clock = clock
        self._throttle = throttle

    async def register(
        self, email: str, full_name: str, password: str, role: str = Role.USER, client: str = ""
    ) -> User:
        """Self-registration: any role but `admin`, a limited number per client address."""
        if self._throttle:
            await self._throttle.check_registration(client)
        if role == Role.ADMIN:
            require_valid([FieldError("role", "Administrators are created from the command line.")])
        return await self.create_account(email, full_name, password, role)

    async def create_account(self, email: str, full_name: str, password: str, role: str) -> User:
        """Create an account of any role (administrators' path, used by the command line)."""
        email = rules.normalize_email(email)
        full_name = full_name.strip()
        errors = [
            *rules.check_email(email),
            *rules.check_full_name(full_name),
            *rules.check_password(password, email),
            *_check_role(role),
        ]
        require_valid(errors)
        if await self._uow.users.get_by_email(email) is not None:
            raise rules.email_taken()
        await self._end_reads()
        user = User(
            id=uuid4(),
            email=email,
            full_name=full_name,
            role=Role(role),
            password_hash=await self._hasher.hash(password),
            is_active=True,
            date_joined=self._clock.now(),
        )
        await self._uow.users.add(user)
        await self._uow.commit()
        return user

    async def authenticate(self, email: str, password: str, client: str = "") -> TokenPair:
        """Sign in: a new token family. Unknown email and wrong password are refused alike, and so
        are callers past the failure limits (per email and per client address)."""
        key = rules.email_key(email)
        if self._throttle:
            await self._throttle.check_login(key, client)
        user = await self._uow.users.get_by_email(rules.normalize_email(email))
        await self._end_reads()
        if user is None:
            await self._hasher.verify_dummy(password)
            await self._failed_login(key, client)
        elif not await self._hasher.verify(user.password_hash, password) or not user.is_active:
            await self._failed_login(key, client)
        pair = await self._issue_pair(user, family_id=uuid4(), now=self._clock.now())
        await self._uow.commit()
        if self._throttle:
            await self._throttle.login_succeeded(key)
        return pair

    async def _failed_login(self, email_key: str, client: str) -> NoReturn:
        if self._throttle:
            await self._throttle.login_failed(email_key, client)
        raise AuthenticationFailed(INVALID_CREDENTIALS)

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Rotate a refresh token. Presenting an already-rotated one revokes its whole family."""
        claims = self._tokens.read_refresh(refresh_token)
        now = self._clock.now()
        stored = await self._uow.refresh_tokens.get(claims.token_id)
        if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
            raise AuthenticationFailed(INVALID_TOKEN)
        if not await self._uow.refresh_tokens.use(stored.id, now):
            await self._uow.refresh_tokens.revoke_family(stored.family_id, now)
            await self._uow.commit()
            raise AuthenticationFailed(REUSED_TOKEN)
        user = await self._uow.users.get(stored.user_id)
        if user is None or not user.is_active:
            raise AuthenticationFailed(INVALID_TOKEN)
        pair = await self._issue_pair(user, family_id=stored.family_id, now=now)
        await self._uow.commit()
        return pair

    async def logout(self, refresh_token: str) -> None:
        """Revoke the family of a refresh token. Logging out twice is not an error."""
        claims = self._tokens.read_refresh(refresh_token)
        await self._uow.refresh_tokens.revoke_family(claims.family_id, self._clock.now())
        await self._uow.commit()

    async def get_profile(self, user_id: UUID) -> User:
        return await self._active_user(user_id)

    async def update_profile(self, user_id: UUID, full_name: str) -> User:
        user = await self._active_user(user_id)
        full_name = full_name.strip()
        require_valid(rules.check_full_name(full_name))
        updated = replace(user, full_name=full_name)
        await self._uow.users.update(updated)
        await self._uow.commit()
        return updated

    async def change_password(self, user_id: UUID, current_password: str, new_password: str) -> None:
        """Change the password and sign out every session: all refresh tokens are revoked."""
        user = await self._active_user(user_id)
        await self._end_reads()
        errors = rules.check_password(new_password, user.email, field="new_password")
        if not await self._hasher.verify(user.password_hash, current_password):
            errors.insert(0, FieldError("current_password", "Your current password is incorrect."))
        require_valid(errors)
        updated = replace(user, password_hash=await self._hasher.hash(new_password))
        await self._uow.users.update(updated)
        await self._uow.refresh_tokens.revoke_all_of_user(user.id, self._clock.now())
        await self._uow.commit()

    async def access_allowed(self, user_id: UUID, family_id: UUID) -> bool:
        """Whether an access token still speaks for its user: the account is active and the sign-in
        it came from was not revoked (logout, a reused refresh token, a password change)."""
        user = await self._uow.users.get(user_id)
        if user is None or not user.is_active:
            return False
        return not await self._uow.refresh_tokens.family_revoked(family_id)

    async def find(self, email: str) -> User:
        """An account by email, for administrators' commands."""
        user = await self._uow.users.get_by_email(rules.normalize_email(email))
        if user is None:
            raise NotFound(f"No account has the email {email.strip()!r}.")
        return user

    async def set_role(self, email: str, role: str) -> User:
        """Administrators' command: give an account another role (takes effect on its next sign-in or refresh)."""
        require_valid(_check_role(role))
        user = await self.find(email)
        updated = replace(user, role=Role(role))
        await self._uow.users.update(updated)
        await self._uow.commit()
        return updated

    async def deactivate(self, email: str) -> User:
        """Administrators' command: the account can no longer sign in, and every refresh token is revoked."""
        user = await self.find(email)
        updated = replace(user, is_active=False)
        await self._uow.users.update(updated)
        await self._uow.refresh_tokens.revoke_all_of_user(user.id, self._clock.now())
        await self._uow.commit()
        return updated

    async def _end_reads(self) -> None:
        """End the reading transaction before slow hashing, so no connection or lock waits on it.

        Nothing was written yet; the writes that follow run in a transaction of their own.
        """
        await self._uow.rollback()

    async def _active_user(self, user_id: UUID) -> User:
        """The caller's account. One deleted or deactivated since the token was issued no longer
        authenticates: that is a refused token (401), not a missing object."""
        user = await self._uow.users.get(user_id)
        if user is None or not user.is_active:
            raise AuthenticationFailed(INACTIVE_ACCOUNT)
        return user

    async def _issue_pair(self, user: User, family_id: UUID, now: datetime) -> TokenPair:
        claims = RefreshClaims(token_id=uuid4(), family_id=family_id, user_id=user.id)
        refresh = self._tokens.issue_refresh(claims, now)
        await self._uow.refresh_tokens.add(
            RefreshToken(
                id=claims.token_id,
                family_id=family_id,
                user_id=user.id,
                issued_at=now,
                expires_at=refresh.expires_at,
            )
        )
        access = self._tokens.issue_access(user, family_id, now)
        expires_in = int((access.expires_at - now).total_seconds())
        return TokenPair(access=access.token, refresh=refresh.token, expires_in=expires_in)


def _check_role(role: str) -> list[FieldError]:
    if role not in set(Role):
        choices = ", ".join(member.value for member in Role)
        return [FieldError("role", f"Must be one of: {choices}.")]
    return []
