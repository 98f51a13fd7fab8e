"""Example scene and plan files shipped with the package."""

from importlib import resources
from pathlib import Path


def example_scenes() -> list[Path]:
    """Paths of the packaged example scene files, sorted by name."""
    root = resources.files("gendexhand.examples").joinpath("scenes")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


def task_plans() -> dict[str, Path]:
    """The packaged task plans (``tasks/<name>/plan.yaml``), by task name."""
    root = resources.files("gendexhand.examples").joinpath("tasks")
    return {
        p.name: Path(str(p)) / "plan.yaml"
        for p in sorted(root.iterdir(), key=lambda p: p.name)
        if p.joinpath("plan.yaml").is_file()
    }
