"""The layer rules of ARCHITECTURE.md, as import-linter contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout
    assert ", 0 broken" in result.stdout


def test_the_domain_imports_no_framework_even_lazily() -> None:
    """import-linter sees imports anywhere in a module; this also catches string-built ones."""
    forbidden = ("litestar", "sqlalchemy", "advanced_alchemy", "asyncpg", "msgspec", "dependency_injector")
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "src/tradevantage/domain").rglob("*.py")
        for name in forbidden
        if f"import {name}" in path.read_text() or f"from {name}" in path.read_text()
    ]
    assert offenders == []
