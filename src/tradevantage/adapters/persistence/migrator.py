"""Applies the Alembic migrations, from code: the command line, start-up and tests share it."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")


class Migrator:
    def __init__(self, database_url: str, prepared_statements: bool = True) -> None:
        # Alembic is imported here, not at module level: the server imports this module at start
        # and only a migrating command needs Alembic (it costs most of a second to import).
        from alembic.config import Config  # noqa: PLC0415

        self._config = Config()
        self._config.set_main_option("script_location", str(MIGRATIONS))
        self._config.attributes["database_url"] = database_url
        self._config.attributes["prepared_statements"] = prepared_statements

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema up to `revision`. Must be called outside a running event loop."""
        from alembic import command  # noqa: PLC0415

        command.upgrade(self._config, revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command  # noqa: PLC0415

        command.downgrade(self._config, revision)

    def revisions(self) -> list[str]:
        """Revision ids from the first to the newest."""
        from alembic.script import ScriptDirectory  # noqa: PLC0415

        script = ScriptDirectory.from_config(self._config)
        return [rev.revision for rev in reversed(list(script.walk_revisions()))]
