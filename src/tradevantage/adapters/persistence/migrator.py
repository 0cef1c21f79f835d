"""Applies the Alembic migrations, from code: the command line, start-up and tests share it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")


class Migrator:
    def __init__(self, database_url: str) -> None:
        self._config = Config()
        self._config.set_main_option("script_location", str(MIGRATIONS))
        self._config.attributes["database_url"] = database_url

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema up to `revision`. Must be called outside a running event loop."""
        command.upgrade(self._config, revision)

    def downgrade(self, revision: str) -> None:
        command.downgrade(self._config, revision)

    def revisions(self) -> list[str]:
        """Revision ids from the first to the newest."""
        script = ScriptDirectory.from_config(self._config)
        return [rev.revision for rev in reversed(list(script.walk_revisions()))]
