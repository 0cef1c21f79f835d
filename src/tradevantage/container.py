"""The composition root: one place that decides which adapter serves which port."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from tradevantage.adapters.attempt_counter import StoreAttemptCounter, create_store
from tradevantage.adapters.clock import SystemClock
from tradevantage.adapters.hashing import Argon2Cost, Argon2PasswordHasher
from tradevantage.adapters.histories.formats import choose_reader
from tradevantage.adapters.memory_cache import LruCache
from tradevantage.adapters.persistence.access_facts_reader import SqlAccessFactsReader
from tradevantage.adapters.persistence.database import (
    DatabaseProbe,
    create_engine,
    create_read_session_factory,
    create_session_factory,
)
from tradevantage.adapters.persistence.migrator import Migrator
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.adapters.tokens import JwtSettings, JwtTokenCodec
from tradevantage.config import Settings
from tradevantage.domain.caching import SharedComputations
from tradevantage.domain.market.service import ExpertService
from tradevantage.domain.pagination import Bookmarks
from tradevantage.domain.subscriptions.access_check import AccessCheckService
from tradevantage.domain.subscriptions.service import SubscriptionService
from tradevantage.domain.trades.entities import TradeStatistics
from tradevantage.domain.trades.importing import TradeImporter
from tradevantage.domain.trades.ports import HistoryKey, ListKey
from tradevantage.domain.trades.service import TradeService
from tradevantage.domain.users.service import UserService
from tradevantage.domain.users.throttling import Throttle, ThrottlePolicy


def _jwt_settings(settings: Settings) -> JwtSettings:
    return JwtSettings(
        secret=settings.jwt_secret,
        algorithm=settings.jwt_algorithm,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        access_lifetime=settings.access_token_lifetime,
        refresh_lifetime=settings.refresh_token_lifetime,
    )


def _throttle_policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        failed_logins_per_email=settings.failed_logins_per_email,
        failed_logins_per_client=settings.failed_logins_per_client,
        registrations_per_client=settings.registrations_per_client,
        window=timedelta(minutes=settings.throttle_window_minutes),
    )


STATISTICS_KEPT = 256
COUNTS_KEPT = 8192
LISTS_BOOKMARKED = 1024


class Container(containers.DeclarativeContainer):
    """Holds settings, the engine and stateless adapters; builds per-use objects on demand.

    It never holds a session: callers pass theirs, e.g. `container.user_service(uow__session=session)`.
    """

    settings = providers.Singleton(Settings.from_env)

    engine = providers.Singleton(
        lambda s: create_engine(
            s.database_url,
            pool_size=s.db_pool_size,
            max_overflow=s.db_max_overflow,
            prepared_statements=s.db_prepared_statements,
        ),
        settings,
    )
    session_factory = providers.Singleton(create_session_factory, engine)
    read_session_factory = providers.Singleton(create_read_session_factory, engine)
    """Sessions for use cases that only read (GET and HEAD requests)."""
    database_probe = providers.Singleton(DatabaseProbe, engine)
    migrator = providers.Factory(lambda s: Migrator(s.database_url, s.db_prepared_statements), settings)

    clock = providers.Singleton(SystemClock)
    throttle_store = providers.Singleton(lambda s: create_store(s.redis_url), settings)
    throttle = providers.Singleton(
        lambda s, counter: Throttle(counter, _throttle_policy(s)),
        settings,
        providers.Singleton(StoreAttemptCounter, throttle_store),
    )
    password_hasher = providers.Singleton(
        lambda s: Argon2PasswordHasher(Argon2Cost(time_cost=s.argon2_time_cost, memory_kib=s.argon2_memory_kib)),
        settings,
    )
    jwt_settings = providers.Singleton(_jwt_settings, settings)
    token_codec = providers.Singleton(JwtTokenCodec, jwt_settings)

    unit_of_work = providers.Factory(SqlUnitOfWork)
    user_service = providers.Factory(
        UserService,
        uow=unit_of_work,
        hasher=password_hasher,
        tokens=token_codec,
        clock=clock,
        throttle=throttle,
    )
    expert_service = providers.Factory(ExpertService, uow=unit_of_work, clock=clock)
    subscription_service = providers.Factory(SubscriptionService, uow=unit_of_work, clock=clock)
    access_facts_reader = providers.Singleton(
        lambda e, s: SqlAccessFactsReader(e, pooled_connections=s.db_pool_size + s.db_max_overflow), engine, settings
    )
    access_check = providers.Singleton(AccessCheckService, reader=access_facts_reader, clock=clock)
    """The EA bridge's check: stateless, with no session (it reads on a pooled connection of its own)."""
    # Each worker keeps the statistics of its most recently asked histories and filters (a large
    # history's daily series is tens of kilobytes) and many more row counts (a few bytes each).
    statistics_cache: providers.Singleton[LruCache[HistoryKey, TradeStatistics]] = providers.Singleton(
        LruCache, max_entries=STATISTICS_KEPT
    )
    count_cache: providers.Singleton[LruCache[HistoryKey, int]] = providers.Singleton(LruCache, max_entries=COUNTS_KEPT)
    bookmarks: providers.Singleton[LruCache[ListKey, Bookmarks]] = providers.Singleton(
        LruCache, max_entries=LISTS_BOOKMARKED
    )
    statistics_computations: providers.Singleton[SharedComputations[HistoryKey, TradeStatistics]] = providers.Singleton(
        SharedComputations
    )
    trade_service = providers.Factory(
        TradeService,
        uow=unit_of_work,
        clock=clock,
        statistics_cache=statistics_cache,
        count_cache=count_cache,
        bookmarks=bookmarks,
        statistics_computations=statistics_computations,
    )
    trade_importer = providers.Factory(TradeImporter, uow=unit_of_work, clock=clock)
    history_reader = providers.Callable(choose_reader)
    """`container.history_reader(format_name, head_of_file)`: the reader of a trade-history format."""


def build_container(settings: Settings | None = None) -> Container:
    """A container over `settings`, or over the environment's settings when none are given."""
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
