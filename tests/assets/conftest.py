"""Fixtures of the asset tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gendexhand.assets import reload_catalog


@pytest.fixture
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own decomposition cache and asset library."""
    monkeypatch.setenv("GENDEXHAND_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GENDEXHAND_ASSET_DIR", str(tmp_path / "library"))
    reload_catalog()
    yield
    reload_catalog()
