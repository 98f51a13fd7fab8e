"""Imported assets on disk (filled in with the importers)."""

from __future__ import annotations

from pathlib import Path

from gendexhand.assets.model import AssetInfo


def load_library(root: Path) -> list[AssetInfo]:
    return []
