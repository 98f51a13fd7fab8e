"""Scenes for proposals: where each object goes, at what scale and in what joint state.

Positions are in front of the robot, in the band the example tasks use (the Franka stands at the
table's back edge, x = -0.5): a graspable target at (0.05, -0.12), what receives it at
(0.05, 0.16), furniture at (0.40, …) with its front to the robot. Joint states follow the task
(a door closed for "open", open for "close"); a thing to tip out starts inside its container.
Every scene is then checked by :mod:`gendexhand.propose.build`.
"""

from __future__ import annotations

from typing import Any

from gendexhand.assets.catalog import get_asset
from gendexhand.config.scene import SceneConfig
from gendexhand.propose.families import Candidate, interior

LAYOUTS: tuple[dict[str, tuple[float, float]], ...] = (
    {"target": (0.05, -0.12), "receiver": (0.05, 0.16), "furniture": (0.40, 0.05),
     "single": (0.10, 0.0)},
    {"target": (0.05, 0.14), "receiver": (0.05, -0.14), "furniture": (0.37, 0.20),
     "single": (0.05, 0.08)},
    {"target": (0.0, -0.18), "receiver": (0.10, 0.10), "furniture": (0.35, -0.10),
     "single": (0.15, -0.08)},
)  # fmt: skip
"""Places tried in turn (x, y on the table) until a scene is buildable."""
EXTRA: tuple[tuple[float, float], ...] = (
    (-0.10, 0.02), (0.20, -0.30), (-0.12, 0.30), (0.22, 0.32), (-0.14, -0.30), (0.25, 0.0),
    (0.10, 0.30), (0.10, -0.30),
)  # fmt: skip
"""Places for a second target and for distractors, in the order they are taken."""
REGION_MIN, REGION_FACTOR = 0.12, 1.6
"""A goal region is square, its side this factor × the target's footprint, at least the minimum."""
CLEARANCE = 0.12
"""Metres between a target's centre and the front of the furniture it goes into."""


def _joint_values(candidate: Candidate, instance: str) -> dict[str, float]:
    asset = get_asset(next(o.asset for o in candidate.proposal.objects if o.name == instance))
    out = {}
    for name, fraction in candidate.joints.get(instance, {}).items():
        j = asset.joint(name)
        value = j.closed + fraction * (j.opened - j.closed)
        out[name] = round(j.scaled(value, candidate.scales.get(instance, 1.0)), 4)
    return out


def scene_for(
    candidate: Candidate, embodiment: str = "franka_shadow", variant: int = 0
) -> SceneConfig:
    """The scene of ``candidate`` on ``embodiment`` in layout ``variant`` (not yet checked)."""
    at = LAYOUTS[variant % len(LAYOUTS)]
    p = candidate.proposal
    objects: list[dict[str, Any]] = []
    articulated = [o for o in p.objects if o.role == "articulated"]
    targets = [o for o in p.objects if o.role == "target"]
    receivers = [o for o in p.objects if o.role in ("container", "support")]
    for o in articulated:
        fx, fy = at["furniture"]
        if targets:  # furniture stands behind what is to go into it, its front clear of it
            depth = get_asset(o.asset).size[0] * candidate.scales.get(o.name, 1.0)
            fx = max(fx, at["target"][0] + CLEARANCE + depth / 2)
        objects.append({"asset": o.asset, "name": o.name, "pos": [round(fx, 3), fy],
                        "joints": _joint_values(candidate, o.name)})  # fmt: skip
    free = list(EXTRA)  # for a second target, a second receiver and distractors
    if p.family == "tip_out" and receivers and targets:
        cup, ball = receivers[0], targets[0]
        objects.append({"asset": cup.asset, "name": cup.name, "pos": list(at["single"])})
        objects.append({"asset": ball.asset, "name": ball.name,
                        "pos": _inside(candidate, cup.name, ball.name, at["single"])})  # fmt: skip
        for o in targets[1:] + receivers[1:]:
            objects.append({"asset": o.asset, "name": o.name, "pos": list(free.pop(0))})
    else:
        alone = not receivers and not articulated
        for k, o in enumerate(targets):
            xy = (at["single"] if alone else at["target"]) if k == 0 else free.pop(0)
            objects.append({"asset": o.asset, "name": o.name, "pos": list(xy)})
        for k, o in enumerate(receivers):
            xy = at["receiver"] if k == 0 else free.pop(0)
            objects.append({"asset": o.asset, "name": o.name, "pos": list(xy)})
    for o in p.objects:
        if o.role == "distractor" and free:
            objects.append({"asset": o.asset, "name": o.name, "pos": list(free.pop(0))})
    regions = []
    for k, name in enumerate(p.regions):
        xy = at["receiver"] if k == 0 and not receivers else free.pop(0)
        foot = max((max(get_asset(o.asset).size[:2]) * candidate.scales.get(o.name, 1.0)
                    for o in targets), default=0.1)  # fmt: skip
        side = round(max(REGION_MIN, REGION_FACTOR * foot), 3)
        regions.append({"name": name, "pos": list(xy), "size": [side, side]})
    for obj in objects:
        scale = candidate.scales.get(obj["name"], 1.0)
        if scale != 1.0:
            obj["scale"] = scale
        if obj["name"] == obj["asset"]:
            del obj["name"]
    return SceneConfig.model_validate({
        "task": {"name": p.id, "description": p.description},
        "embodiment": {"name": embodiment},
        "objects": objects,
        "regions": regions,
        "views": ["front", "left", "top", "near_hand"],
    })  # fmt: skip


def _inside(candidate: Candidate, cup: str, ball: str, xy: tuple[float, float]) -> list[float]:
    """A point resting on the floor of ``cup``'s interior, for ``ball``."""
    cup_asset = get_asset(next(o.asset for o in candidate.proposal.objects if o.name == cup))
    ball_asset = get_asset(next(o.asset for o in candidate.proposal.objects if o.name == ball))
    part = interior(cup_asset)
    assert part is not None  # the family chose a container with an interior
    s, bs = candidate.scales.get(cup, 1.0), candidate.scales.get(ball, 1.0)
    table = SceneConfig.model_fields["table"].default.height
    centre = table + cup_asset.bottom * s + 0.001
    floor = centre + (part.pos[2] - part.half_size[2]) * s
    return [xy[0], xy[1], round(floor + ball_asset.bottom * bs + 0.003, 4)]
