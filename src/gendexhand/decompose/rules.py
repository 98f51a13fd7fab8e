"""The rules planner's plans: a subtask chain for each task family of stage 1.

The split is the paper's: where contact decides the outcome, the subtask is learned; elsewhere
it is planned. Planned motion moves the arm (reach a grasp pose, approach, lift, carry, pull a
joint, back off). A free object is grasped by an ``rl`` subtask acting on the hand's finger
groups only (arm and wrist frozen), with reward code from :mod:`gendexhand.decompose.rewards`;
an in-hand rotation is learned the same way. A handle is closed on and a hand opened by scripted
actions. ``learned=False`` writes a scripted close for every grasp (nothing to train; weaker on
small objects). Plans name only the groups and fingers the embodiment has (:class:`Hand`).

Every subtask's success names the task's own objects, and the last one is the task's success,
so a chain that runs to its end has done the task. :func:`rules_plan` raises
:class:`~gendexhand.errors.ConfigError` for a family it has no plan for, with the families it
has.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from gendexhand.assets.catalog import get_asset
from gendexhand.config.loading import parse_model
from gendexhand.config.scene import EmbodimentConfig, ObjectConfig, SceneConfig
from gendexhand.decompose.rewards import Reward, grasp_reward, rotate_reward
from gendexhand.errors import ConfigError
from gendexhand.plan.schema import PlanConfig
from gendexhand.predicates.parser import JOINT_TERM
from gendexhand.propose.schema import TaskProposal
from gendexhand.store.paths import SCENE_FILE

SPEED = 0.3
"""Fraction of the joint speed limit for every planned motion."""
NOISE_XY = 0.02
"""± metres of start-position noise for every free object (furniture stays put)."""
CARRY = 0.12
"""Metres the palm lifts a grasped object before carrying it."""
OPEN_FRACTION = 0.8
"""How far a pull opens a joint (the families' success asks for at least half)."""
GRASP_HORIZON = 40
"""Control steps a learned grasp gets (1.6 s at 25 Hz)."""
TILT = 130.0
"""Degrees a tip_out plan turns the held container (past the side, opening down)."""
ROTATE_HORIZON = 100
"""Control steps a learned in-hand rotation gets."""
SIDE_GRASP = "body_side"
"""The grasp frame a free object is reached at when its asset has it and it is reachable (else
any): a learned grasp from the side held the bottle in 20/20 episodes, from whichever frame
reached first 12/20 (benchmarks/RESULTS.md, issue 16)."""
_LIFTED = re.compile(r"lifted\(\s*\w+\s*,\s*([0-9.]+)\s*\)")
_ROTATED = re.compile(r"rotated\(\s*'?(\w+)'?\s*,\s*'?([xyz])'?\s*,\s*(-?[0-9.]+)")
_JOINT = JOINT_TERM

Step = dict[str, Any]


@dataclass(frozen=True)
class Hand:
    """What a plan may name of the embodiment: its finger groups and its fingertips."""

    groups: tuple[str, ...]
    """Actuator groups of the fingers (discovery names each finger's group after the finger)."""
    fingers: tuple[str, ...]
    """Fingertip names (``thumb``, ``index``…), as reward code reads them."""


@lru_cache(maxsize=8)
def _hand(name: str, hand: Path | None) -> Hand:
    from gendexhand.embodiment.embodiment import Embodiment
    from gendexhand.embodiment.registry import robot_spec

    robot = robot_spec(name, hand)
    layout = Embodiment(robot.spec.compile(), robot).layout  # the robot alone, no scene
    fingers = tuple(layout.fingers)
    return Hand(tuple(g.name for g in layout.groups if g.name in fingers), fingers)


def hand_of(embodiment: EmbodimentConfig) -> Hand:
    """The :class:`Hand` of a scene's embodiment, discovered from its model (cached)."""
    return _hand(embodiment.name, embodiment.hand)


@dataclass(frozen=True)
class _Ctx:
    proposal: TaskProposal
    config: SceneConfig
    hand: Hand
    learned: bool


def _motion(name: str, success: str, **spec: Any) -> Step:
    if spec["primitive"] != "pre_grasp":  # a grasp pose is reached at the default speed
        spec = {"speed": SPEED, **spec}
    return {"name": name, "kind": "motion", "success": success, "motion": spec}


def _scripted(name: str, action: str, steps: int, success: str) -> Step:
    return {"name": name, "kind": "scripted", "success": success,
            "scripted": {"action": action, "steps": steps}}  # fmt: skip


def _role(p: TaskProposal, *roles: str) -> str:
    for o in p.objects:
        if o.role in roles:
            return o.name
    raise ConfigError(f"{p.id}: the {p.family} plan needs an object with role "
                      f"{' or '.join(roles)}; the proposal has "
                      f"{', '.join(f'{o.name} ({o.role})' for o in p.objects)}")  # fmt: skip


def _learned(name: str, groups: tuple[str, ...], reward: Reward, horizon: int,
             success: str) -> Step:  # fmt: skip
    rl = {"groups": list(groups), "action": "group_synergy", "horizon": horizon,
          "weights": reward.weights, "success_bonus": 10.0, "reward": reward.code}  # fmt: skip
    return {"name": name, "kind": "rl", "success": success, "rl": rl}


def _grasp(x: _Ctx, t: str, prefix: str = "", near: float = 0.12) -> list[Step]:
    if x.learned:
        close = _learned(f"{prefix}grasp", x.hand.groups, grasp_reward(t, x.hand.fingers),
                         GRASP_HORIZON, f"held({t})")  # fmt: skip
    else:
        close = _scripted(f"{prefix}close", "close", 20, f"grasped({t})")
    reach = _motion(f"{prefix}reach", f"not lifted({t}, 0.01)", primitive="pre_grasp", object=t)
    if SIDE_GRASP in {g.name for g in get_asset(_obj(x.config, t).asset).grasps}:
        reach["motion"]["prefer"] = SIDE_GRASP
    return [reach, _motion(f"{prefix}approach", f"near(palm, {t}, {near})",
                           primitive="approach"), close]  # fmt: skip


def _near(config: SceneConfig, name: str) -> float:
    """How near the palm at a grasp of a container is to its origin: 12 cm, or for a large
    one (a bowl grasped at its rim) its half diagonal and 5 cm."""
    o = _obj(config, name)
    half = float(np.linalg.norm(get_asset(o.asset).size)) * o.scale / 2
    return max(0.12, round(half + 0.05, 2))


def _carry_to(t: str, holder: str, part: str, height: float, success: str) -> list[Step]:
    site = f"'{holder}/{part}'"
    return [
        _motion("lift", f"grasped({t}) and lifted({t}, 0.06)", primitive="lift", height=CARRY),
        _motion(
            "transport",
            f"grasped({t}) and near({t}, {site}, 0.15)",
            primitive="transport_to",
            object=holder,
            part=part,
            height=height,
        ),
        _scripted("release", "open", 15, f"not grasped({t})"),
        _scripted("settle", "hold", 25, success),
    ]


def _half_height(config: SceneConfig, name: str) -> float:
    o = _obj(config, name)
    return get_asset(o.asset).size[2] * o.scale / 2


def _obj(config: SceneConfig, name: str) -> ObjectConfig:
    for o in config.objects:
        if o.instance == name:
            return o
    raise ConfigError(f"the scene has no object {name!r}; it has "
                      f"{', '.join(o.instance for o in config.objects)}")  # fmt: skip


def _pick(x: _Ctx) -> list[Step]:
    p = x.proposal
    t = _role(p, "target")
    found = _LIFTED.search(p.success)
    h = float(found.group(1)) if found else 0.1
    return [*_grasp(x, t), _motion("lift", p.success, primitive="lift", height=h + 0.05)]


def _rotate(x: _Ctx) -> list[Step]:
    """Grasp, lift clear of the table, then turn the object with the fingers (learned)."""
    p = x.proposal
    t = _role(p, "target")
    found = _ROTATED.search(p.success)
    if found is None:
        raise ConfigError(f"{p.id}: the success {p.success!r} has no rotated(object, axis, "
                          "degrees) term to learn")  # fmt: skip
    turn = rotate_reward(t, x.hand.fingers, found.group(2), float(found.group(3)))
    return [*_grasp(x, t),
            _motion("lift", f"grasped({t}) and lifted({t}, 0.05)", primitive="lift", height=0.1),
            _learned("rotate", x.hand.groups, turn, ROTATE_HORIZON, p.success)]  # fmt: skip


def _place(x: _Ctx) -> list[Step]:
    p, c = x.proposal, x.config
    t, holder = _role(p, "target"), _role(p, "container", "support")
    inside = next(o.role for o in p.objects if o.name == holder) == "container"
    part = "interior" if inside else "body"
    height = 0.06 if inside else _half_height(c, t) + 0.03
    return [*_grasp(x, t), *_carry_to(t, holder, part, height, p.success)]


def _task_joint(p: TaskProposal, c: SceneConfig) -> tuple[str, str]:
    found = _JOINT.search(p.success)
    if found:
        return found.group(1), found.group(2)
    a = _role(p, "articulated")
    joints = get_asset(_obj(c, a).asset).joints
    if not joints:
        raise ConfigError(f"{p.id}: {a} has no joint to open")
    return a, joints[0].name


def _handle_grasp(asset: str, joint: str) -> str | None:
    """The grasp frame of the handle that moves ``joint`` (an asset with several doors names
    its joints and handles by side), or None for any of them."""
    grasps = [g.name for g in get_asset(asset).grasps]
    side = joint.split("_", 1)[0]
    mine = [g for g in grasps if g.startswith(f"{side}_")]
    return mine[0] if len(mine) == 1 else None


def _articulate(p: TaskProposal, c: SceneConfig, fraction: float, prefix: str = "",
                done: str | None = None) -> list[Step]:  # fmt: skip
    a, j = _task_joint(p, c)
    asset = _obj(c, a).asset
    grasp = _handle_grasp(asset, j)
    handle = next((q.name for q in get_asset(asset).parts if q.kind == "handle"
                   and (grasp is None or grasp.startswith(q.name))), None)  # fmt: skip
    goal = done or p.success
    reach: Step = _motion(f"{prefix}reach", f"not grasped({a})", primitive="pre_grasp", object=a)
    if grasp is not None:
        reach["motion"]["grasp"] = grasp
    near = f"near(palm, '{a}/{handle}', 0.1)" if handle else f"near(palm, {a}, 0.3)"
    approach = _motion(f"{prefix}approach", near, primitive="approach")
    if fraction == 0.0:  # shut by pushing the handle with the open hand, then up and away
        return [
            reach,
            approach,
            _motion(f"{prefix}push", goal, primitive="pull", object=a, joint=j, fraction=0.0),
            _motion(f"{prefix}retreat", goal, primitive="retreat", distance=0.08, direction="up"),
        ]
    return [
        reach,
        approach,
        _scripted(f"{prefix}close", "close", 20, f"grasped({a})"),
        _motion(f"{prefix}pull", goal, primitive="pull", object=a, joint=j, fraction=fraction),
        _scripted(f"{prefix}release", "open", 15, goal),
        _motion(f"{prefix}retreat", goal, primitive="retreat", distance=0.08),
    ]


def _open(x: _Ctx) -> list[Step]:
    return _articulate(x.proposal, x.config, OPEN_FRACTION)


def _close(x: _Ctx) -> list[Step]:
    return _articulate(x.proposal, x.config, 0.0)


def _open_and_place(x: _Ctx) -> list[Step]:
    p, c = x.proposal, x.config
    a, j = _task_joint(p, c)
    t = _role(p, "target")
    opened = f"joint_fraction({a}, {j}) >= 0.5"
    first = _articulate(p, c, OPEN_FRACTION, prefix="open_", done=opened)
    return [*first, *_grasp(x, t), *_carry_to(t, a, "interior", 0.05, p.success)]


def _tip(x: _Ctx) -> list[Step]:
    """Grasp the container, lift it, and pour: turn it about the palm's normal until the
    target falls out."""
    p = x.proposal
    cup = _role(p, "container")
    return [*_grasp(x, cup, near=_near(x.config, cup)),
            _motion("lift", f"grasped({cup}) and lifted({cup}, 0.05)", primitive="lift",
                    height=0.12),
            _motion("tilt", p.success, primitive="tilt", angle=TILT)]  # fmt: skip


_REGION = re.compile(r"\bin_region\(\s*([a-z_][a-z0-9_]*)\s*,\s*([a-z_][a-z0-9_]*)\s*\)")


def _push(x: _Ctx) -> list[Step]:
    p = x.proposal
    found = _REGION.search(p.success)
    if found is None:
        raise ConfigError(f"{p.id}: a push_to_region success names in_region(object, region); "
                          f"this one is {p.success!r}")  # fmt: skip
    t, region = found.group(1), found.group(2)
    return [
        _motion("push", p.success, primitive="push", object=t, region=region),
        _motion("retreat", p.success, primitive="retreat", distance=0.08, direction="up"),
    ]


PLANS: dict[str, Callable[[_Ctx], list[Step]]] = {
    "pick_lift": _pick, "place_in": _place, "place_on": _place, "stack": _place,
    "open_hinge": _open, "open_slide": _open, "close_hinge": _close, "close_slide": _close,
    "open_and_place": _open_and_place, "rotate_in_hand": _rotate, "push_to_region": _push,
    "tip_out": _tip,
}  # fmt: skip
"""Family → its chain (every family of :mod:`gendexhand.propose.families`); a family outside
it gets a ConfigError from :func:`rules_plan` that lists these."""


def _noise(c: SceneConfig) -> dict[str, Any]:
    return {o.instance: {"xy": [NOISE_XY, NOISE_XY]} for o in c.objects
            if not (o.is_fixed or get_asset(o.asset).articulated)}  # fmt: skip


def rules_plan(
    proposal: TaskProposal,
    config: SceneConfig,
    scene: str = SCENE_FILE,
    *,
    hand: Hand | None = None,
    learned: bool = True,
) -> PlanConfig:
    """The plan of ``proposal`` on ``config`` (whose file is ``scene``, beside the plan), for
    ``hand`` (default: the scene's embodiment's); ``learned``: learned grasps and rotations."""
    make = PLANS.get(proposal.family or "")
    if make is None:
        raise ConfigError(f"{proposal.id}: the rules planner has no plan for family "
                          f"{proposal.family!r}; it plans {', '.join(PLANS)}")  # fmt: skip
    x = _Ctx(proposal, config, hand or hand_of(config.embodiment), learned)
    data = {"task": proposal.id, "description": proposal.description, "scene": scene,
            "randomize": _noise(config), "subtasks": make(x)}  # fmt: skip
    return parse_model(PlanConfig, data, f"{proposal.id}: the rules plan")
