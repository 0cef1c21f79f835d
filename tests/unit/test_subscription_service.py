"""Subscribing, paying and cancelling, against fakes with a fixed clock."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories import ExpertDetailsFactory, ExpertFactory, UserFactory
from tests.unit.fakes import FakeUnitOfWork, FixedClock
from tradevantage.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tradevantage.domain.market.entities import ExpertAdvisor
from tradevantage.domain.pagination import PageRequest
from tradevantage.domain.subscriptions.access import SubscriptionAccess
from tradevantage.domain.subscriptions.access_check import AccessCheckService
from tradevantage.domain.subscriptions.entities import SubscriptionStatus
from tradevantage.domain.subscriptions.service import SubscriptionService
from tradevantage.domain.users.entities import Principal, Role

DAY = timedelta(days=1)


async def principal(uow: FakeUnitOfWork, role: Role = Role.USER) -> Principal:
    user = UserFactory.build(role=role)
    await uow.users.add(user)
    return Principal(id=user.id, email=user.email, role=role)


@pytest.fixture
def subscriptions(uow: FakeUnitOfWork, clock: FixedClock) -> SubscriptionService:
    return SubscriptionService(uow=uow, clock=clock)


@pytest.fixture
def access(uow: FakeUnitOfWork, clock: FixedClock) -> AccessCheckService:
    """The EA bridge's check, reading the same fake store the subscription service writes."""
    return AccessCheckService(reader=uow.subscriptions, clock=clock)


@pytest.fixture
async def author(uow: FakeUnitOfWork) -> Principal:
    return await principal(uow, Role.PROGRAMMER)


async def expert_of(uow: FakeUnitOfWork, author: Principal, price: str = "49.90", **fields: object) -> ExpertAdvisor:
    expert = ExpertFactory.build(
        created_by=author.id, details=ExpertDetailsFactory.build(price=Decimal(price)), **fields
    )
    await uow.experts.add(expert)
    return expert


async def test_subscribing_to_a_paid_expert_is_pending(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal
) -> None:
    expert = await expert_of(uow, author)
    trader = await principal(uow)

    result = await subscriptions.subscribe(trader, str(expert.magic_number), account_number=12345)

    assert result.created is True
    assert result.view.subscription.expires_at is None
    assert result.view.subscription.account_number == "12345"
    assert result.view.user_email == trader.email


async def test_free_expert_is_active_for_thirty_days_at_once(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal, clock: FixedClock
) -> None:
    expert = await expert_of(uow, author, price="0")
    result = await subscriptions.subscribe(await principal(uow), expert.magic_number)
    assert result.view.subscription.expires_at == clock.now() + 30 * DAY
    assert result.view.subscription.status(clock.now()) is SubscriptionStatus.ACTIVE


async def test_subscribing_twice_conflicts_unless_cancelled(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal
) -> None:
    expert = await expert_of(uow, author)
    trader = await principal(uow)
    first = await subscriptions.subscribe(trader, expert.magic_number)

    with pytest.raises(Conflict):
        await subscriptions.subscribe(trader, expert.magic_number)
    await subscriptions.cancel(trader, first.view.subscription.id)
    resumed = await subscriptions.subscribe(trader, expert.magic_number)

    assert resumed.created is False
    assert resumed.view.subscription.id == first.view.subscription.id
    assert resumed.view.subscription.cancelled_at is None


async def test_unknown_and_archived_experts(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal
) -> None:
    trader = await principal(uow)
    archived = await expert_of(uow, author, archived=True)
    with pytest.raises(NotFound):
        await subscriptions.subscribe(trader, 999_999)
    with pytest.raises(Conflict):
        await subscriptions.subscribe(trader, archived.magic_number)
    with pytest.raises(ValidationFailed) as error:
        await subscriptions.subscribe(trader, "0")
    assert [e.field for e in error.value.errors] == ["expert"]


async def test_only_programmers_and_admins_list_managed(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal
) -> None:
    expert = await expert_of(uow, author)
    trader = await principal(uow)
    await subscriptions.subscribe(trader, expert.magic_number)

    with pytest.raises(PermissionDenied):
        await subscriptions.list_managed(trader, PageRequest())
    managed = await subscriptions.list_managed(author, PageRequest())
    assert [v.user_email for v in managed.items] == [trader.email]
    assert (await subscriptions.list_own(author, PageRequest())).items == []


async def test_another_users_subscription_is_not_found_but_admins_see_it(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal
) -> None:
    expert = await expert_of(uow, author)
    trader = await principal(uow)
    subscription_id = (await subscriptions.subscribe(trader, expert.magic_number)).view.subscription.id

    for stranger in (await principal(uow), author):
        with pytest.raises(NotFound):
            await subscriptions.show(stranger, subscription_id)
    assert (await subscriptions.show(await principal(uow, Role.ADMIN), subscription_id)).user_email == trader.email
    with pytest.raises(NotFound):
        await subscriptions.show(trader, "not-a-uuid")


async def test_payment_by_creator_extends_and_activates(
    subscriptions: SubscriptionService,
    access: AccessCheckService,
    uow: FakeUnitOfWork,
    author: Principal,
    clock: FixedClock,
) -> None:
    expert = await expert_of(uow, author)
    trader = await principal(uow)
    subscription_id = (await subscriptions.subscribe(trader, expert.magic_number)).view.subscription.id

    paid = await subscriptions.record_payment(author, subscription_id, periods=2)

    assert paid.subscription.expires_at == clock.now() + 60 * DAY
    check = await access.check(trader, expert.magic_number)
    assert check.decision is SubscriptionAccess.ACTIVE


async def test_subscriber_may_not_record_a_payment_strangers_do_not_see_it(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal
) -> None:
    expert = await expert_of(uow, author)
    trader = await principal(uow)
    subscription_id = (await subscriptions.subscribe(trader, expert.magic_number)).view.subscription.id

    with pytest.raises(PermissionDenied):
        await subscriptions.record_payment(trader, subscription_id)
    with pytest.raises(NotFound):
        await subscriptions.record_payment(await principal(uow, Role.PROGRAMMER), subscription_id)
    admin_paid = await subscriptions.record_payment(await principal(uow, Role.ADMIN), subscription_id)
    assert admin_paid.subscription.last_paid_at is not None


async def test_cancel_keeps_access_until_expiry_and_repeats_harmlessly(
    subscriptions: SubscriptionService,
    access: AccessCheckService,
    uow: FakeUnitOfWork,
    author: Principal,
    clock: FixedClock,
) -> None:
    expert = await expert_of(uow, author, price="0")
    trader = await principal(uow)
    subscription_id = (await subscriptions.subscribe(trader, expert.magic_number)).view.subscription.id

    first = await subscriptions.cancel(trader, subscription_id)
    clock.advance(DAY)
    second = await subscriptions.cancel(trader, subscription_id)

    assert first.subscription.cancelled_at == second.subscription.cancelled_at
    assert (await access.check(trader, expert.magic_number)).decision is SubscriptionAccess.ACTIVE
    clock.advance(30 * DAY)
    assert (await access.check(trader, expert.magic_number)).decision is SubscriptionAccess.EXPIRED


async def test_change_binds_an_account(
    subscriptions: SubscriptionService, access: AccessCheckService, uow: FakeUnitOfWork, author: Principal
) -> None:
    expert = await expert_of(uow, author, price="0")
    trader = await principal(uow)
    subscription_id = (await subscriptions.subscribe(trader, expert.magic_number)).view.subscription.id

    await subscriptions.change(trader, subscription_id, {"account_number": "5551234", "broker_utc_offset": 120})

    denied = await access.check(trader, expert.magic_number, account_number="999")
    allowed = await access.check(trader, expert.magic_number, account_number="5551234")
    assert (denied.decision, allowed.decision) == (SubscriptionAccess.OTHER_ACCOUNT, SubscriptionAccess.ACTIVE)


async def test_subscribing_again_to_a_lapsed_free_expert_renews_it(
    subscriptions: SubscriptionService, uow: FakeUnitOfWork, author: Principal, clock: FixedClock
) -> None:
    expert = await expert_of(uow, author, price="0")
    trader = await principal(uow)
    first = await subscriptions.subscribe(trader, expert.magic_number)
    with pytest.raises(Conflict):
        await subscriptions.subscribe(trader, expert.magic_number)
    clock.advance(31 * DAY)

    renewed = await subscriptions.subscribe(trader, expert.magic_number)

    assert renewed.created is False
    assert renewed.view.subscription.id == first.view.subscription.id
    assert renewed.view.subscription.expires_at == clock.now() + 30 * DAY
