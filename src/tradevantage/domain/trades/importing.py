"""Importing trade histories exported by trading tools: the same rules as the API, no HTTP, no subscription.

Rows stream in from a reader (one per file format); they are checked and written in batches inside one
unit of work, which is committed only when every row is valid (or invalid rows are to be skipped).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID, uuid4

from tradevantage.domain.clock import Clock
from tradevantage.domain.errors import FieldError, NotFound, ValidationFailed
from tradevantage.domain.market.entities import ExpertAdvisor, ExpertDetails
from tradevantage.domain.market.ports import ExpertRepository
from tradevantage.domain.trades import rules
from tradevantage.domain.trades.entities import Trade
from tradevantage.domain.trades.ports import TradeRepository
from tradevantage.domain.users.ports import UserRepository
from tradevantage.domain.values import parse_positive_id

BATCH_SIZE = 500
KEPT_PROBLEMS = 1000
"""Invalid rows are all counted; the first this many are described, so memory stays flat."""


class HistoryLine(Protocol):
    """One row of a history file, as a reader yields it (text values, naive broker times)."""

    @property
    def line(self) -> int: ...

    @property
    def kind(self) -> str: ...

    @property
    def ticket(self) -> str | None: ...

    @property
    def magic_number(self) -> str | None: ...

    @property
    def symbol(self) -> str: ...

    @property
    def direction(self) -> str: ...

    @property
    def lots(self) -> str: ...

    @property
    def open_time(self) -> str: ...

    @property
    def close_time(self) -> str | None: ...

    @property
    def open_price(self) -> str | None: ...

    @property
    def close_price(self) -> str | None: ...

    @property
    def stop_loss(self) -> str | None: ...

    @property
    def take_profit(self) -> str | None: ...

    @property
    def commission(self) -> str: ...

    @property
    def swap(self) -> str: ...

    @property
    def profit(self) -> str: ...

    @property
    def comment(self) -> str: ...

    @property
    def account_number(self) -> str | None: ...

    @property
    def problem(self) -> str | None: ...


class ImportUnitOfWork(Protocol):
    users: UserRepository
    experts: ExpertRepository
    trades: TradeRepository

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ImportOptions:
    fallback_magic_number: int | None = None
    utc_offset: timedelta = timedelta(0)
    skip_invalid: bool = False
    create_experts: bool = False


@dataclass(frozen=True, slots=True)
class InvalidRow:
    line: int
    reason: str


@dataclass(slots=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cash: int = 0
    cancelled: int = 0
    invalid: int = 0
    problems: list[InvalidRow] = field(default_factory=list)
    written: bool = False
    """False when invalid rows kept the whole file from being written."""

    def refuse(self, line: int, reason: str) -> None:
        self.invalid += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(InvalidRow(line, reason))


class TradeImporter:
    """Imports one file's rows for one user. Re-importing the same file changes nothing."""

    def __init__(self, uow: ImportUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._experts: dict[int, ExpertAdvisor | None] = {}

    async def run(
        self,
        user_email: str,
        lines: Iterable[HistoryLine],
        options: ImportOptions,
        on_batch: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        user = await self._uow.users.get_by_email(user_email)
        if user is None:
            raise NotFound(f"No account has the email {user_email.strip()!r}.")
        owner = await self._placeholder_owner(options)
        summary = ImportSummary()
        batch: list[HistoryLine] = []
        for line in lines:
            batch.append(line)
            if len(batch) == BATCH_SIZE:
                await self._import_batch(user.id, owner, batch, options, summary)
                if on_batch:
                    on_batch(len(batch))
                batch = []
        if batch:
            await self._import_batch(user.id, owner, batch, options, summary)
            if on_batch:
                on_batch(len(batch))
        if summary.invalid and not options.skip_invalid:
            await self._uow.rollback()
            return summary
        await self._uow.commit()
        summary.written = True
        return summary

    async def _import_batch(
        self,
        user_id: UUID,
        owner: UUID | None,
        batch: list[HistoryLine],
        options: ImportOptions,
        summary: ImportSummary,
    ) -> None:
        candidates = await self._candidates(user_id, owner, batch, options, summary)
        stored = await self._uow.trades.get_many_by_tickets(user_id, [trade.ticket_number for _, trade in candidates])
        new: dict[int, Trade] = {}
        for line_number, trade in candidates:
            existing = stored.get(trade.ticket_number) or new.get(trade.ticket_number)
            if existing is None:
                new[trade.ticket_number] = trade
                summary.created += 1
                continue
            changed = rules.changed_fixed_fields(existing, trade.expert_id, _fixed_values(trade))
            if changed:
                summary.refuse(
                    line_number, f"Ticket {trade.ticket_number} was imported before with another {', '.join(changed)}."
                )
                continue
            # Like a repeated report, an import only adds closing data: an older file, where the trade
            # was still open, must not reopen it.
            closing = {name: getattr(trade, name) for name in rules.CLOSING_FIELDS}
            if trade.close_time is None:
                closing = {name: value for name, value in closing.items() if name not in ("close_time", "close_price")}
            if existing.close_time is not None and trade.close_time is None:
                closing = {}
            if all(getattr(existing, name) == value for name, value in closing.items()):
                summary.unchanged += 1
                continue
            updated = replace(existing, **closing, updated_at=self._clock.now())
            if existing.ticket_number in new:
                new[existing.ticket_number] = updated
            else:
                await self._uow.trades.update(updated)
                stored[existing.ticket_number] = updated
            summary.updated += 1
        if new:
            await self._uow.trades.add_many(list(new.values()))

    async def _candidates(
        self,
        user_id: UUID,
        owner: UUID | None,
        batch: list[HistoryLine],
        options: ImportOptions,
        summary: ImportSummary,
    ) -> list[tuple[int, Trade]]:
        """The batch's trades with their line numbers; cash and cancelled rows counted, bad rows refused."""
        candidates: list[tuple[int, Trade]] = []
        for line in batch:
            if line.kind == "cash":
                summary.cash += 1
            elif line.kind == "cancelled":
                summary.cancelled += 1
            elif line.problem:
                summary.refuse(line.line, line.problem)
            else:
                try:
                    candidates.append((line.line, await self._trade_of(user_id, owner, line, options)))
                except (ValidationFailed, NotFound) as error:
                    summary.refuse(line.line, _reason(error))
        return candidates

    async def _trade_of(self, user_id: UUID, owner: UUID | None, line: HistoryLine, options: ImportOptions) -> Trade:
        raw: dict[str, Any] = {
            "ticker": line.symbol,
            "direction": line.direction,
            "lot_size": line.lots,
            "open_time": line.open_time,
            "close_time": line.close_time,
            "open_price": line.open_price,
            "close_price": line.close_price,
            "stop_loss": line.stop_loss,
            "take_profit": line.take_profit,
            "commission": line.commission,
            "swap": line.swap,
            "profit": line.profit,
            "comment": line.comment[: rules.MAX_COMMENT_LENGTH],
            "account_number": line.account_number,
        }
        values = rules.read_fields(raw, options.utc_offset)
        values["ticket_number"] = _ticket_of(line, values)
        expert = await self._expert_for(line, options, owner)
        now = self._clock.now()
        trade = Trade(
            id=uuid4(),
            user_id=user_id,
            expert_id=expert.id,
            open_time_stamped_by_server=False,
            created_at=now,
            updated_at=now,
            **values,
        )
        rules.check_close_after_open(trade)
        return trade

    async def _expert_for(self, line: HistoryLine, options: ImportOptions, owner: UUID | None) -> ExpertAdvisor:
        magic = _magic_of(line, options)
        if magic not in self._experts:
            self._experts[magic] = await self._uow.experts.get_by_magic(magic)
        expert = self._experts[magic]
        if expert is None:
            if owner is None:
                raise NotFound(f"No Expert Advisor has the magic number {magic} (add --create-experts to create it).")
            expert = _placeholder(magic, owner, self._clock.now())
            await self._uow.experts.add(expert)
            self._experts[magic] = expert
        return expert

    async def _placeholder_owner(self, options: ImportOptions) -> UUID | None:
        if not options.create_experts:
            return None
        admin = await self._uow.users.first_admin()
        if admin is None:
            raise NotFound(
                "Placeholder Expert Advisors are owned by an admin: create one first (users create --role admin)."
            )
        return admin.id


def _magic_of(line: HistoryLine, options: ImportOptions) -> int:
    given = line.magic_number if line.magic_number not in (None, "", "0") else None
    if given is None:
        if options.fallback_magic_number is None:
            raise ValidationFailed([FieldError("expert", "The row names no EA: give --expert MAGIC.")])
        return options.fallback_magic_number
    try:
        return parse_positive_id(given)
    except ValueError as error:
        raise ValidationFailed([FieldError("magic_number", str(error))]) from None


def _ticket_of(line: HistoryLine, values: dict[str, Any]) -> int:
    """The file's ticket; for formats without one, a number derived from the row itself, so that
    importing the same file again finds the same trades."""
    if line.ticket not in (None, ""):
        try:
            return parse_positive_id(line.ticket)
        except ValueError as error:
            raise ValidationFailed([FieldError("ticket", str(error))]) from None
    identity = "|".join(
        str(part)
        for part in (
            values["open_time"].isoformat(),
            line.symbol,
            values["direction"],
            values["lot_size"],
            line.open_price,
        )
    )
    digest = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big")
    return digest % (2**63 - 1) + 1


def _fixed_values(trade: Trade) -> dict[str, Any]:
    return {name: getattr(trade, name) for name in rules.FIXED_FIELDS}


def _placeholder(magic: int, owner: UUID, now: Any) -> ExpertAdvisor:
    """A private stand-in for an EA known only by its magic number: archived, so the market does not show it."""
    details = ExpertDetails(
        magic_number=magic,
        name=f"Imported EA {magic}",
        description="Created by a trade-history import for an EA not in the market.",
        price=Decimal(0),
    )
    return ExpertAdvisor(id=uuid4(), details=details, created_by=owner, archived=True, created_at=now, updated_at=now)


def _reason(error: ValidationFailed | NotFound) -> str:
    if isinstance(error, ValidationFailed) and error.errors:
        return "; ".join(f"{e.field}: {e.message}" for e in error.errors)
    return error.detail
