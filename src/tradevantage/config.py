"""Settings from `TRADEVANTAGE_*` environment variables, read when the application is built."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from tradevantage.adapters.persistence.database import is_sqlite, sqlite_path

PREFIX = "TRADEVANTAGE_"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./tradevantage.db"
SECRET_FILE_NAME = ".tradevantage-secret"
MIN_SECRET_LENGTH = 32
PRODUCTION = "production"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    environment: str = "development"
    jwt_secret: str = ""
    jwt_algorithm: str = "HS256"
    jwt_issuer: str = "tradevantage"
    jwt_audience: str = "tradevantage-api"
    access_token_lifetime: timedelta = timedelta(minutes=15)
    refresh_token_lifetime: timedelta = timedelta(days=14)
    cors_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    db_pool_size: int = 10
    db_max_overflow: int = 0
    db_prepared_statements: bool = True
    migrate_on_start: bool = True
    max_body_bytes: int = 1024 * 1024
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19 * 1024
    workers: int = 1
    jwt_leeway_seconds: int = 10
    token_check_cache_seconds: int = 5
    redis_url: str | None = None
    failed_logins_per_email: int = 5
    failed_logins_per_client: int = 20
    registrations_per_client: int = 10
    throttle_window_minutes: int = 15
    request_timeout_seconds: int = 30
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies trusted to give the client's address in X-Forwarded-For: addresses or networks,
    comma-separated, or `*`."""

    @property
    def is_production(self) -> bool:
        return self.environment == PRODUCTION

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; in development a missing JWT secret is generated once and kept."""
        env = _Env(os.environ if environ is None else environ)
        database_url = env.text("DATABASE_URL", DEFAULT_DATABASE_URL)
        environment = env.text("ENVIRONMENT", "development").lower()
        settings = cls(
            database_url=database_url,
            environment=environment,
            jwt_secret=env.text("JWT_SECRET", ""),
            jwt_issuer=env.text("JWT_ISSUER", "tradevantage"),
            jwt_audience=env.text("JWT_AUDIENCE", "tradevantage-api"),
            access_token_lifetime=timedelta(minutes=env.integer("ACCESS_TOKEN_MINUTES", 15, maximum=24 * 60)),
            refresh_token_lifetime=timedelta(days=env.integer("REFRESH_TOKEN_DAYS", 14, maximum=365)),
            cors_origins=tuple(o.strip() for o in env.text("CORS_ORIGINS", "").split(",") if o.strip()),
            log_level=env.choice("LOG_LEVEL", "INFO", LOG_LEVELS),
            db_pool_size=env.integer("DB_POOL_SIZE", 10),
            db_max_overflow=env.integer("DB_MAX_OVERFLOW", 0, minimum=0),
            db_prepared_statements=env.boolean("DB_PREPARED_STATEMENTS", True),
            migrate_on_start=env.boolean("MIGRATE_ON_START", is_sqlite(database_url)),
            argon2_time_cost=env.integer("ARGON2_TIME_COST", 2, maximum=100),
            argon2_memory_kib=env.integer("ARGON2_MEMORY_KIB", 19 * 1024),
            workers=env.integer("WORKERS", 1, maximum=64),
            jwt_leeway_seconds=env.integer("JWT_LEEWAY_SECONDS", 10, minimum=0, maximum=300),
            redis_url=env.text("REDIS_URL", "") or None,
            failed_logins_per_email=env.integer("FAILED_LOGINS_PER_EMAIL", 5),
            failed_logins_per_client=env.integer("FAILED_LOGINS_PER_CLIENT", 20),
            registrations_per_client=env.integer("REGISTRATIONS_PER_CLIENT", 10),
            request_timeout_seconds=env.integer("REQUEST_TIMEOUT_SECONDS", 30, maximum=3600),
            throttle_window_minutes=env.integer("THROTTLE_WINDOW_MINUTES", 15, maximum=24 * 60),
            token_check_cache_seconds=env.integer("TOKEN_CHECK_CACHE_SECONDS", 5, minimum=0, maximum=300),
            # The unprefixed name is uvicorn's, which the service read before it did this itself.
            forwarded_allow_ips=env.text("FORWARDED_ALLOW_IPS", env.unprefixed("FORWARDED_ALLOW_IPS", "127.0.0.1")),
        )
        return settings.with_secret()

    def with_secret(self) -> Settings:
        """These settings with a usable JWT secret, or a `ConfigurationError` saying why there is none."""
        if self.is_production:
            if len(self.jwt_secret) < MIN_SECRET_LENGTH:
                raise ConfigurationError(
                    f"{PREFIX}JWT_SECRET must be set to at least {MIN_SECRET_LENGTH} random characters in production "
                    f'(for example: python -c "import secrets; print(secrets.token_urlsafe(48))").'
                )
            return self
        if self.jwt_secret:
            return self
        return replace(self, jwt_secret=_local_secret(self.database_url))


class _Env:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def text(self, name: str, default: str) -> str:
        value = self._environ.get(PREFIX + name, "").strip()
        return value or default

    def unprefixed(self, name: str, default: str) -> str:
        return self._environ.get(name, "").strip() or default

    def integer(self, name: str, default: int, maximum: int = 1_000_000, minimum: int = 1) -> int:
        raw = self.text(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            raise ConfigurationError(f"{PREFIX}{name} must be a whole number, not {raw!r}.") from None
        if not minimum <= value <= maximum:
            raise ConfigurationError(f"{PREFIX}{name} must be from {minimum} to {maximum}, not {value}.")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default).upper()
        if value not in choices:
            raise ConfigurationError(f"{PREFIX}{name} must be one of {', '.join(choices)}, not {value!r}.")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.text(name, "true" if default else "false").lower()
        if raw in ("1", "true", "yes", "on"):
            return True
        if raw in ("0", "false", "no", "off"):
            return False
        raise ConfigurationError(f"{PREFIX}{name} must be true or false, not {raw!r}.")


def _local_secret(database_url: str) -> str:
    """A secret kept beside the local database, so restarts and workers sign alike."""
    database_file = sqlite_path(database_url)
    folder = database_file.parent if database_file is not None else Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_FILE_NAME
    if path.exists():
        return path.read_text().strip()
    # Written aside, then linked into place: a second worker starting at the same moment
    # either sees no file or a complete one, and whoever links first wins.
    draft = folder / f"{SECRET_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as draft_file:
        draft_file.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()
