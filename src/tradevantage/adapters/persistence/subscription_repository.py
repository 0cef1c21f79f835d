"""Subscriptions in SQL, read together with their EA and subscriber."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from tradevantage.adapters.persistence.constraints import unique_violations_as_conflicts
from tradevantage.adapters.persistence.models import EXPERTS, SUBSCRIPTIONS, USERS, ExpertRow, SubscriptionRow, UserRow
from tradevantage.adapters.persistence.queries import AnyRow, AnySelect, Column, Columns, fetch_page, ordered
from tradevantage.domain.pagination import Page, PageRequest
from tradevantage.domain.subscriptions.entities import ExpertStanding, ExpertSummary, Subscription, SubscriptionView

_EXPERT_COLUMNS = (
    ExpertRow.id,
    ExpertRow.magic_number,
    ExpertRow.name,
    ExpertRow.version,
    ExpertRow.created_by,
    ExpertRow.archived,
)
SUBSCRIPTION_FIELDS = (
    "id",
    "user_id",
    "expert_id",
    "subscribed_at",
    "last_paid_at",
    "expires_at",
    "cancelled_at",
    "account_number",
    "broker_utc_offset",
)
Subscriber = aliased(UserRow, name="subscriber")


def _standing_statement(expert_key: Column) -> Select[Any]:
    """A trade report's EA (by `expert_key`), the reporter's email, and their subscription to it if
    any, built once like the access check."""
    experts, subscriptions, users = EXPERTS, SUBSCRIPTIONS, USERS
    return (
        select(
            experts.c.id.label("expert_key"),
            experts.c.magic_number,
            users.c.email,
            *(subscriptions.c[name] for name in SUBSCRIPTION_FIELDS),
        )
        .select_from(experts)
        .join(users, users.c.id == bindparam("user_id"))
        .outerjoin(
            subscriptions,
            and_(subscriptions.c.expert_id == experts.c.id, subscriptions.c.user_id == users.c.id),
        )
        .where(expert_key == bindparam("expert"))
    )


_STANDING_BY_ID = _standing_statement(EXPERTS.c.id)
_STANDING_BY_MAGIC = _standing_statement(EXPERTS.c.magic_number)
_SUBSCRIPTION_OF = select(*(SUBSCRIPTIONS.c[name] for name in SUBSCRIPTION_FIELDS)).where(
    SUBSCRIPTIONS.c.user_id == bindparam("user_id"), SUBSCRIPTIONS.c.expert_id == bindparam("expert_id")
)
"""A user's subscription to an EA, on the table and built once: every trade correction reads it."""


class SqlSubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, subscription: Subscription) -> None:
        with unique_violations_as_conflicts():
            self._session.add(SubscriptionRow(**_values(subscription)))
            await self._session.flush()

    async def update(self, subscription: Subscription) -> None:
        values = _values(subscription)
        del values["id"]
        await self._session.execute(
            update(SubscriptionRow).where(SubscriptionRow.id == subscription.id).values(**values)
        )

    async def find(self, user_id: UUID, expert_id: UUID) -> Subscription | None:
        row = (await self._session.execute(_SUBSCRIPTION_OF, {"user_id": user_id, "expert_id": expert_id})).first()
        if row is None:
            return None
        return subscription_from(row._mapping)

    async def view(self, subscription_id: UUID, for_update: bool = False) -> SubscriptionView | None:
        statement = _views().where(SubscriptionRow.id == subscription_id)
        if for_update:
            statement = statement.with_for_update(of=SubscriptionRow)
        row = (await self._session.execute(statement)).first()
        return None if row is None else _view(row)

    async def list_page(
        self, page: PageRequest, subscriber: UUID | None = None, creator: UUID | None = None
    ) -> Page[SubscriptionView]:
        statement = _views()
        if subscriber is not None:
            statement = statement.where(SubscriptionRow.user_id == subscriber)
        if creator is not None:
            statement = statement.where(ExpertRow.created_by == creator)
        statement = statement.order_by(*ordered(SubscriptionRow.subscribed_at, True, SubscriptionRow.id))
        rows, total = await fetch_page(self._session, statement, page)
        return Page([_view(row) for row in rows], total, page)

    async def expiring_between(self, start: datetime, end: datetime) -> list[SubscriptionView]:
        statement = (
            _views()
            .where(SubscriptionRow.expires_at >= start, SubscriptionRow.expires_at <= end)
            .order_by(SubscriptionRow.expires_at, SubscriptionRow.id)
        )
        return [_view(row) for row in (await self._session.execute(statement)).all()]

    async def standing(self, user_id: UUID, expert: UUID | int) -> ExpertStanding | None:
        statement = _STANDING_BY_ID if isinstance(expert, UUID) else _STANDING_BY_MAGIC
        row = (await self._session.execute(statement, {"user_id": user_id, "expert": expert})).first()
        if row is None:
            return None
        columns = row._mapping
        subscription = None
        if columns["id"] is not None:
            subscription = subscription_from(columns)
        return ExpertStanding(columns["expert_key"], columns["magic_number"], subscription, columns["email"])


def _views() -> AnySelect:
    return (
        select(SubscriptionRow, *_EXPERT_COLUMNS, Subscriber.email)
        .join(ExpertRow, ExpertRow.id == SubscriptionRow.expert_id)
        .join(Subscriber, Subscriber.id == SubscriptionRow.user_id)
    )


def _view(row: AnyRow) -> SubscriptionView:
    subscription_row, expert_id, magic_number, name, version, created_by, archived, email = row[:8]
    return SubscriptionView(
        subscription=_subscription(subscription_row),
        expert=ExpertSummary(
            id=expert_id,
            magic_number=magic_number,
            name=name,
            version=version,
            created_by=created_by,
            archived=archived,
        ),
        user_email=email,
    )


def subscription_from(columns: Columns) -> Subscription:
    """A subscription from a row read by column name (a table row's mapping, or asyncpg's record)."""
    return Subscription(**{name: columns[name] for name in SUBSCRIPTION_FIELDS})


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(**{name: getattr(row, name) for name in SUBSCRIPTION_FIELDS})


def _values(subscription: Subscription) -> dict[str, Any]:
    return {name: getattr(subscription, name) for name in SUBSCRIPTION_FIELDS}
