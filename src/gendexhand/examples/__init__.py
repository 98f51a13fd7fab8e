"""Example scene and plan files shipped with the package."""

from importlib import resources
from pathlib import Path


def example_scenes() -> list[Path]:
    """Paths of the packaged example scene files, sorted by name."""
    root = resources.files("gendexhand.examples").joinpath("scenes")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


def task_plans(learned: bool = False) -> dict[str, Path]:
    """The packaged task plans (``tasks/<name>/plan.yaml``), by task name: those that run
    without training, or (``learned``) those with rl subtasks that need ``gendexhand train``."""
    import yaml

    root = resources.files("gendexhand.examples").joinpath("tasks")
    out = {}
    for p in sorted(root.iterdir(), key=lambda p: p.name):
        if not p.joinpath("plan.yaml").is_file():
            continue
        data = yaml.safe_load(p.joinpath("plan.yaml").read_text())
        has_rl = any(s.get("kind") == "rl" for s in data.get("subtasks", []))
        if has_rl == learned:
            out[p.name] = Path(str(p)) / "plan.yaml"
    return out
