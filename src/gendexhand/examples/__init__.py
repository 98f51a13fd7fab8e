"""Example scene and plan files shipped with the package."""

from importlib import resources
from pathlib import Path


def example_scenes() -> list[Path]:
    """Paths of the packaged example scene files, sorted by name."""
    root = resources.files("gendexhand.examples").joinpath("scenes")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))
