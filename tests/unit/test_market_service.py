"""Publishing, changing and archiving Expert Advisors, against fakes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import PrincipalFactory, UserFactory
from tests.unit.fakes import FakeUnitOfWork, FixedClock
from tradevantage.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tradevantage.domain.market.entities import ExpertFilter
from tradevantage.domain.market.service import ExpertService
from tradevantage.domain.pagination import PageRequest
from tradevantage.domain.users.entities import Principal, Role


@pytest.fixture
def market(uow: FakeUnitOfWork, clock: FixedClock) -> ExpertService:
    return ExpertService(uow=uow, clock=clock)


@pytest.fixture
async def programmer(uow: FakeUnitOfWork) -> Principal:
    user = UserFactory.build(role=Role.PROGRAMMER, full_name="Paula Programmer")
    await uow.users.add(user)
    return Principal(id=user.id, email=user.email, role=user.role)


async def test_programmer_publishes_with_defaults_and_author_from_profile(
    market: ExpertService, programmer: Principal, uow: FakeUnitOfWork
) -> None:
    expert = await market.publish(programmer, {"magic_number": "123", "name": " Scalper ", "price": Decimal("49.9")})

    assert expert.magic_number == 123
    assert expert.details.name == "Scalper"
    assert expert.details.author == "Paula Programmer"
    assert expert.details.version == "1.0"
    assert expert.details.price == Decimal("49.9")
    assert expert.created_by == programmer.id
    assert uow.commits == 1


async def test_plain_user_may_not_publish(market: ExpertService) -> None:
    with pytest.raises(PermissionDenied):
        await market.publish(PrincipalFactory.build(role=Role.USER), {"magic_number": 1, "name": "X"})


async def test_publish_names_every_bad_field(market: ExpertService, programmer: Principal) -> None:
    with pytest.raises(ValidationFailed) as error:
        await market.publish(
            programmer,
            {"magic_number": 0, "timeframes": ["H2"], "image_url": "ftp://x", "price": Decimal(-1)},
        )
    assert [e.field for e in error.value.errors] == ["name", "magic_number", "timeframes", "image_url", "price"]


async def test_duplicate_magic_number_conflicts(market: ExpertService, programmer: Principal) -> None:
    await market.publish(programmer, {"magic_number": 7, "name": "A"})
    with pytest.raises(Conflict) as error:
        await market.publish(programmer, {"magic_number": 7, "name": "B"})
    assert [e.field for e in error.value.errors] == ["magic_number"]


async def test_same_creator_may_not_reuse_a_name(market: ExpertService, programmer: Principal) -> None:
    await market.publish(programmer, {"magic_number": 7, "name": "A"})
    with pytest.raises(Conflict) as error:
        await market.publish(programmer, {"magic_number": 8, "name": "A"})
    assert [e.field for e in error.value.errors] == ["name"]


async def test_only_creator_or_admin_revises(market: ExpertService, programmer: Principal) -> None:
    await market.publish(programmer, {"magic_number": 7, "name": "A"})
    other = PrincipalFactory.build(role=Role.PROGRAMMER)
    admin = PrincipalFactory.build(role=Role.ADMIN)

    with pytest.raises(PermissionDenied):
        await market.revise(other, 7, {"version": "2.0"}, partial=True)
    revised = await market.revise(admin, 7, {"version": "2.0"}, partial=True)

    assert revised.details.version == "2.0"
    assert revised.details.name == "A"


async def test_full_update_needs_the_required_fields_and_resets_the_rest(
    market: ExpertService, programmer: Principal
) -> None:
    await market.publish(programmer, {"magic_number": 7, "name": "A", "description": "old"})
    with pytest.raises(ValidationFailed) as error:
        await market.revise(programmer, 7, {"description": "new"}, partial=False)
    assert [e.field for e in error.value.errors] == ["magic_number", "name"]

    replaced = await market.revise(programmer, 7, {"magic_number": 7, "name": "B"}, partial=False)
    assert replaced.details.description == ""
    assert replaced.details.author == "Paula Programmer"


async def test_archive_hides_from_the_list_but_keeps_the_detail(market: ExpertService, programmer: Principal) -> None:
    await market.publish(programmer, {"magic_number": 7, "name": "A"})
    await market.archive(programmer, 7)

    listed = await market.browse(programmer, ExpertFilter(), None, PageRequest())

    assert listed.items == []
    assert (await market.find(7)).archived is True


@pytest.mark.parametrize("magic", ["abc", "0", "-5", str(2**63)])
async def test_magic_number_of_the_wrong_form_is_not_found(market: ExpertService, magic: str) -> None:
    with pytest.raises(NotFound):
        await market.find(magic)


async def test_page_past_the_end_is_not_found(market: ExpertService, programmer: Principal) -> None:
    await market.publish(programmer, {"magic_number": 7, "name": "A"})
    assert (await market.browse(programmer, ExpertFilter(), None, PageRequest(1, 10))).total == 1
    with pytest.raises(NotFound):
        await market.browse(programmer, ExpertFilter(), None, PageRequest(2, 10))


async def test_unknown_ordering_names_the_parameter(market: ExpertService, programmer: Principal) -> None:
    with pytest.raises(ValidationFailed) as error:
        await market.browse(programmer, ExpertFilter(), "-popularity", PageRequest())
    assert [e.field for e in error.value.errors] == ["ordering"]
