"""The accounts rules, against fakes of every port."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.unit.fakes import FakeHasher, FakeTokenCodec, FakeUnitOfWork, FixedClock
from tradevantage.domain.errors import AuthenticationFailed, Conflict, ValidationFailed
from tradevantage.domain.users.entities import Role
from tradevantage.domain.users.service import INVALID_CREDENTIALS, REUSED_TOKEN, UserService


def fields_of(error: pytest.ExceptionInfo[ValidationFailed] | pytest.ExceptionInfo[Conflict]) -> list[str]:
    return [e.field for e in error.value.errors]


async def test_register_trims_email_and_name_and_commits(service: UserService, uow: FakeUnitOfWork) -> None:
    user = await service.register("  Trader@Example.com ", " Tess Trader ", PASSWORD)

    assert user.email == "Trader@Example.com"
    assert user.full_name == "Tess Trader"
    assert user.role is Role.USER
    assert user.password_hash == f"hashed:{PASSWORD}"
    assert uow.users.rows[user.id] == user
    assert uow.commits == 1


async def test_register_as_programmer_keeps_the_role(service: UserService) -> None:
    user = await service.register("dev@example.com", "Dev", PASSWORD, role="programmer")
    assert user.role is Role.PROGRAMMER


async def test_register_refuses_admin_role(service: UserService, uow: FakeUnitOfWork) -> None:
    with pytest.raises(ValidationFailed) as error:
        await service.register("boss@example.com", "Boss", PASSWORD, role="admin")
    assert fields_of(error) == ["role"]
    assert uow.users.rows == {}


async def test_create_account_may_make_an_admin(service: UserService) -> None:
    user = await service.create_account("boss@example.com", "Boss", PASSWORD, role="admin")
    assert user.role is Role.ADMIN


async def test_register_refuses_unknown_role(service: UserService) -> None:
    with pytest.raises(ValidationFailed) as error:
        await service.register("a@example.com", "A", PASSWORD, role="superuser")
    assert fields_of(error) == ["role"]


async def test_register_same_email_in_other_case_conflicts(service: UserService) -> None:
    await service.register("trader@example.com", "First", PASSWORD)
    with pytest.raises(Conflict) as error:
        await service.register(" TRADER@example.COM", "Second", PASSWORD)
    assert fields_of(error) == ["email"]


async def test_register_names_every_bad_field_at_once(service: UserService) -> None:
    with pytest.raises(ValidationFailed) as error:
        await service.register("not-an-email", "", "short")
    assert fields_of(error) == ["email", "full_name", "password"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1234567", "At least 8"),
        ("12345678901", "entirely numeric"),
        ("x" * 1025, "At most 1024"),
        ("Trader@Example.com", "may not be the email"),
    ],
)
async def test_register_refuses_weak_passwords(service: UserService, password: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        await service.register("trader@example.com", "T", password)
    assert fields_of(error) == ["password"]
    assert reason in error.value.errors[0].message


async def test_authenticate_issues_a_pair_for_the_right_password(service: UserService, uow: FakeUnitOfWork) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)

    pair = await service.authenticate("TRADER@example.com ", PASSWORD)

    assert pair.access == f"access:{user.id}"
    assert pair.expires_in == 15 * 60
    assert len(uow.refresh_tokens.rows) == 1


async def test_wrong_password_and_unknown_email_fail_alike(service: UserService, hasher: FakeHasher) -> None:
    await service.register("trader@example.com", "T", PASSWORD)

    with pytest.raises(AuthenticationFailed) as wrong_password:
        await service.authenticate("trader@example.com", "wrong-password-1")
    with pytest.raises(AuthenticationFailed) as unknown_email:
        await service.authenticate("nobody@example.com", PASSWORD)

    assert wrong_password.value.detail == unknown_email.value.detail == INVALID_CREDENTIALS
    assert hasher.dummy_verifications == 1


async def test_inactive_user_cannot_sign_in(service: UserService, uow: FakeUnitOfWork) -> None:
    user = UserFactory.build(is_active=False)
    await uow.users.add(user)
    with pytest.raises(AuthenticationFailed):
        await service.authenticate(user.email, PASSWORD)


async def test_refresh_rotates_within_the_family(service: UserService, uow: FakeUnitOfWork) -> None:
    await service.register("trader@example.com", "T", PASSWORD)
    first = await service.authenticate("trader@example.com", PASSWORD)

    second = await service.refresh(first.refresh)

    assert second.refresh != first.refresh
    tokens = list(uow.refresh_tokens.rows.values())
    assert len({t.family_id for t in tokens}) == 1
    assert [t.used_at is not None for t in tokens] == [True, False]


async def test_reusing_a_rotated_token_revokes_the_family(service: UserService, uow: FakeUnitOfWork) -> None:
    await service.register("trader@example.com", "T", PASSWORD)
    first = await service.authenticate("trader@example.com", PASSWORD)
    second = await service.refresh(first.refresh)
    commits_before = uow.commits

    with pytest.raises(AuthenticationFailed) as reuse:
        await service.refresh(first.refresh)

    assert reuse.value.detail == REUSED_TOKEN
    assert uow.commits == commits_before + 1, "the revocation must be kept although the call fails"
    assert all(t.revoked_at is not None for t in uow.refresh_tokens.rows.values())
    with pytest.raises(AuthenticationFailed):
        await service.refresh(second.refresh)


async def test_reuse_revokes_only_its_own_family(service: UserService) -> None:
    await service.register("trader@example.com", "T", PASSWORD)
    phone = await service.authenticate("trader@example.com", PASSWORD)
    terminal = await service.authenticate("trader@example.com", PASSWORD)
    await service.refresh(phone.refresh)

    with pytest.raises(AuthenticationFailed):
        await service.refresh(phone.refresh)

    assert (await service.refresh(terminal.refresh)).refresh


async def test_expired_refresh_token_is_refused(service: UserService, clock: FixedClock) -> None:
    await service.register("trader@example.com", "T", PASSWORD)
    pair = await service.authenticate("trader@example.com", PASSWORD)
    clock.advance(timedelta(days=14, seconds=1))
    with pytest.raises(AuthenticationFailed):
        await service.refresh(pair.refresh)


async def test_garbage_refresh_token_is_refused(service: UserService) -> None:
    with pytest.raises(AuthenticationFailed):
        await service.refresh("not a token")


async def test_refresh_of_deactivated_user_is_refused(service: UserService, uow: FakeUnitOfWork) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)
    pair = await service.authenticate("trader@example.com", PASSWORD)
    await uow.users.update(replace(user, is_active=False))
    with pytest.raises(AuthenticationFailed):
        await service.refresh(pair.refresh)


async def test_logout_revokes_the_family_and_may_repeat(service: UserService) -> None:
    await service.register("trader@example.com", "T", PASSWORD)
    pair = await service.authenticate("trader@example.com", PASSWORD)

    await service.logout(pair.refresh)
    await service.logout(pair.refresh)

    with pytest.raises(AuthenticationFailed):
        await service.refresh(pair.refresh)


async def test_change_password_revokes_every_refresh_token(service: UserService, uow: FakeUnitOfWork) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)
    sessions = [await service.authenticate("trader@example.com", PASSWORD) for _ in range(2)]

    await service.change_password(user.id, PASSWORD, "another-secret-7")

    for pair in sessions:
        with pytest.raises(AuthenticationFailed):
            await service.refresh(pair.refresh)
    assert (await service.authenticate("trader@example.com", "another-secret-7")).access
    assert uow.users.rows[user.id].password_hash == "hashed:another-secret-7"


async def test_change_password_with_wrong_current_names_current_password(service: UserService) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)
    with pytest.raises(ValidationFailed) as error:
        await service.change_password(user.id, "not-my-password", "another-secret-7")
    assert fields_of(error) == ["current_password"]


async def test_change_password_checks_the_new_one(service: UserService) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)
    with pytest.raises(ValidationFailed) as error:
        await service.change_password(user.id, PASSWORD, "1234")
    assert fields_of(error) == ["new_password"]


async def test_update_profile_trims_the_name(service: UserService, uow: FakeUnitOfWork) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)
    updated = await service.update_profile(user.id, "  Tess Trader  ")
    assert updated.full_name == "Tess Trader"
    assert uow.users.rows[user.id].full_name == "Tess Trader"


async def test_update_profile_refuses_a_blank_name(service: UserService) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)
    with pytest.raises(ValidationFailed) as error:
        await service.update_profile(user.id, "   ")
    assert fields_of(error) == ["full_name"]


async def test_a_deactivated_users_token_no_longer_authenticates(service: UserService, uow: FakeUnitOfWork) -> None:
    user = UserFactory.build(is_active=False)
    await uow.users.add(user)
    for use in (
        service.get_profile(user.id),
        service.update_profile(user.id, "New"),
        service.change_password(user.id, PASSWORD, "another-secret-7"),
    ):
        with pytest.raises(AuthenticationFailed):
            await use


async def test_change_password_names_both_bad_fields(service: UserService) -> None:
    user = await service.register("trader@example.com", "T", PASSWORD)
    with pytest.raises(ValidationFailed) as error:
        await service.change_password(user.id, "not-my-password", "123")
    assert fields_of(error) == ["current_password", "new_password"]


@pytest.mark.parametrize(
    ("email", "full_name", "password", "bad"),
    [
        ("a\x00@example.com", "A", PASSWORD, "email"),
        ("nul\x01@example.com", "A", PASSWORD, "email"),
        ("İ" * 130 + "@example.com", "A", PASSWORD, "email"),
        ("a@example.com", "A\x00B", PASSWORD, "full_name"),
        ("a@example.com", "\u200b\u200b", PASSWORD, "full_name"),
        ("a@example.com", "A\udcff", PASSWORD, "full_name"),
        ("a@example.com", "A", "secret-\udca3-123", "password"),
    ],
)
async def test_register_refuses_characters_that_cannot_be_stored(
    service: UserService, email: str, full_name: str, password: str, bad: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        await service.register(email, full_name, password)
    assert fields_of(error) == [bad]


class _TransactionWatchingHasher(FakeHasher):
    """Records whether a transaction was still open each time a slow hash ran."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        super().__init__()
        self._uow = uow
        self.open_transactions_seen: list[bool] = []

    def _note(self) -> None:
        self.open_transactions_seen.append(self._uow.rollbacks + self._uow.commits == 0)

    async def hash(self, password: str) -> str:
        self._note()
        return await super().hash(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        self._note()
        return await super().verify(password_hash, password)


@pytest.mark.parametrize("use_case", ["register", "authenticate", "change_password"])
async def test_no_transaction_is_held_open_while_hashing(use_case: str, clock: FixedClock) -> None:
    setup = FakeUnitOfWork()
    user = UserFactory.build()
    await setup.users.add(user)
    uow = FakeUnitOfWork()
    uow.users = setup.users
    hasher = _TransactionWatchingHasher(uow)
    service = UserService(uow=uow, hasher=hasher, tokens=FakeTokenCodec(clock), clock=clock)

    if use_case == "register":
        await service.register("new@example.com", "N", PASSWORD)
    elif use_case == "authenticate":
        await service.authenticate(user.email, PASSWORD)
    else:
        await service.change_password(user.id, PASSWORD, "another-secret-7")

    assert hasher.open_transactions_seen
    assert not any(hasher.open_transactions_seen)
