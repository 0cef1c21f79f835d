"""Test data, in one place."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from polyfactory import Use
from polyfactory.factories import DataclassFactory
from polyfactory.factories.msgspec_factory import MsgspecFactory

from tradevantage.domain.market.entities import ExpertAdvisor, ExpertDetails
from tradevantage.domain.trades.entities import Direction, Trade
from tradevantage.domain.users.entities import Principal, Role, User
from tradevantage.entrypoints.http.schemas.accounts import RegisterRequest

PASSWORD = "correct-horse-42"


class UserFactory(DataclassFactory[User]):
    email = Use(lambda: UserFactory.__faker__.unique.email())
    full_name = Use(lambda: UserFactory.__faker__.name())
    role = Role.USER
    password_hash = f"hashed:{PASSWORD}"
    is_active = True
    date_joined = Use(lambda: datetime(2025, 5, 3, 14, 0, tzinfo=UTC))


class RegistrationFactory(MsgspecFactory[RegisterRequest]):
    email = Use(lambda: RegistrationFactory.__faker__.unique.email())
    full_name = Use(lambda: RegistrationFactory.__faker__.name())
    password = PASSWORD
    role = "user"


class PrincipalFactory(DataclassFactory[Principal]):
    email = Use(lambda: PrincipalFactory.__faker__.unique.email())
    role = Role.USER


class ExpertDetailsFactory(DataclassFactory[ExpertDetails]):
    magic_number = Use(lambda: ExpertDetailsFactory.__random__.randint(1, 2**63 - 1))
    name = Use(lambda: f"EA {ExpertDetailsFactory.__faker__.unique.word()}")
    version = "1.0"
    supported_pairs = ("EURUSD",)
    timeframes = ("H1",)
    minimum_deposit = Decimal(100)
    price = Decimal("49.90")
    image_url = None
    file_url = None
    parameters = Use(dict)


class ExpertFactory(DataclassFactory[ExpertAdvisor]):
    details = Use(ExpertDetailsFactory.build)
    archived = False
    download_count = 0
    created_at = Use(lambda: datetime(2025, 5, 1, tzinfo=UTC))
    updated_at = Use(lambda: datetime(2025, 5, 1, tzinfo=UTC))


class TradeFactory(DataclassFactory[Trade]):
    """An open trade; give `user_id` and `expert_id` of stored rows."""

    ticket_number = Use(lambda: TradeFactory.__random__.randint(1, 2**63 - 1))
    ticker = "EURUSD"
    direction = Direction.BUY
    lot_size = Decimal("0.10")
    open_time = Use(lambda: datetime(2025, 5, 3, 14, 0, tzinfo=UTC))
    open_time_stamped_by_server = False
    created_at = Use(lambda: datetime(2025, 5, 3, 14, 0, tzinfo=UTC))
    updated_at = Use(lambda: datetime(2025, 5, 3, 14, 0, tzinfo=UTC))
    close_time = None
    open_price = None
    close_price = None
    stop_loss = None
    take_profit = None
    commission = Decimal(0)
    swap = Decimal(0)
    profit = Decimal(0)
    account_number = None
    comment = ""
