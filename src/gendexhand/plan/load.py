"""Reading a plan: ``plan.yaml``, the scene it names, and the checks of one against the other."""

from __future__ import annotations

import functools
from pathlib import Path

from gendexhand.config.loading import load_scene, parse_model
from gendexhand.config.scene import NAMED_VIEWS, SceneConfig
from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.plan.controllers import PlanCheck, controller_for
from gendexhand.plan.schema import PlanConfig
from gendexhand.predicates import parse_success
from gendexhand.yamlio import read_yaml


def scene_path(plan: PlanConfig, plan_path: Path) -> Path:
    """The scene file a plan names: ``plan.scene``, relative to the plan file's folder."""
    return plan.scene if plan.scene.is_absolute() else plan_path.parent / plan.scene


def load_plan(path: Path) -> tuple[PlanConfig, SceneConfig]:
    """Read ``plan.yaml`` and the scene it names; check one against the other."""
    plan = parse_model(PlanConfig, read_yaml(path), str(path))
    scene = load_scene(scene_path(plan, path))
    validate_plan(plan, scene, str(path))
    return plan, scene


def plan_inputs(plan_path: Path, plan: PlanConfig, scene: SceneConfig) -> dict[str, Path]:
    """The files a plan's results depend on (for a run's manifest): the plan, its scene and a
    custom hand file (an edited hand changes every result)."""
    out = {"plan": plan_path, "scene": scene_path(plan, plan_path)}
    if scene.embodiment.hand is not None:
        out["hand"] = scene.embodiment.hand
    return out


@functools.cache
def embodiment_groups(name: str, hand: Path | None) -> tuple[str, ...]:
    """The actuator groups the embodiment's hand and arm were found to have."""
    from gendexhand.embodiment.embodiment import Embodiment
    from gendexhand.embodiment.registry import robot_spec

    robot = robot_spec(name, hand)
    return tuple(g.name for g in Embodiment(robot.spec.compile(), robot).groups)


def validate_plan(plan: PlanConfig, scene_config: SceneConfig, source: str = "plan") -> None:
    """Objects, parts, grasp frames, joints and groups named by the plan exist; every success
    expression parses. Raises :class:`ConfigError` naming the subtask and field."""
    from gendexhand.assets.catalog import get_asset

    objects = {o.instance: get_asset(o.asset) for o in scene_config.objects}
    for name in plan.randomize:
        if name not in objects:
            raise ConfigError(
                f"{source}: randomize.{name}: " + unknown_name_message("object", name, objects)
            )
    views = {*NAMED_VIEWS, *(c.name for c in scene_config.cameras)}
    if plan.view not in views:
        raise ConfigError(f"{source}: view: " + unknown_name_message("view", plan.view, views))
    groups = embodiment_groups(scene_config.embodiment.name, scene_config.embodiment.hand)
    regions = [r.name for r in scene_config.regions]
    for i, sub in enumerate(plan.subtasks):
        where = f"{source}: subtasks[{i}] ({sub.name})"
        controller_for(sub).check(PlanCheck(objects, groups, where, regions))
        try:
            parse_success(sub.success, None)
        except ConfigError as exc:
            raise ConfigError(f"{where}.success: {exc}") from None
