"""Seeded faults: deliberately broken copies of a good scene, for measuring stage 2.

:func:`inject` breaks one scene in one way, with parameters drawn from a seeded generator, and
says which verifier check should find the fault (any of :data:`EXPECTED` of its kind):

- ``interpenetrating``: an object moved into another (or, alone, sunk 1–2 cm into the table);
- ``floating``: an object lifted 15–40 cm into the air;
- ``oversized``: an object scaled to 1.2–1.8 times its category's largest plausible size;
- ``off_table``: an object moved 5–20 cm beyond a side edge of the table;
- ``upside_down``: a free container turned over (150–180° about x or y), resting on the table;
- ``blocked_joint``: an object put where the moving part of a joint the task needs will pass;
- ``unreachable``: the target moved to the far end of the table;
- ``already_solved``: the scene set up so that the task's success holds at the start.

A kind that does not apply to a scene (no container to turn over, no joint to block, a success
that cannot hold without the hand) raises :class:`~gendexhand.errors.ConfigError`.
:func:`inject_many` breaks one scene in several ways at once, each on a different object.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mujoco
import numpy as np

from gendexhand.assets.catalog import get_asset, plausible_size
from gendexhand.config.scene import ObjectConfig, SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.predicates.parser import JOINT_BOUND, NOT_INSIDE_TERM
from gendexhand.propose.schema import TaskProposal
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.scene import Scene, build_scene

EXPECTED: dict[str, tuple[str, ...]] = {
    "interpenetrating": ("penetration",),
    "floating": ("settle_motion", "fell"),
    "oversized": ("implausible_size",),
    "off_table": ("off_table",),
    "upside_down": ("not_upright",),
    "blocked_joint": ("swing_blocked",),
    "unreachable": ("unreachable", "outside_workspace"),
    "already_solved": ("already_solved",),
}
"""Fault kind → the verifier checks any one of which detects it."""
KINDS = tuple(EXPECTED)
_JOINT = JOINT_BOUND
_PAIR = re.compile(r"(?<!not )\b(inside|on_top|in_region)\(\s*(\w+)\s*,\s*(\w+)\s*\)")
_NOT_INSIDE = NOT_INSIDE_TERM


@dataclass(frozen=True)
class Seeded:
    """A broken scene: what was broken, how, and which checks should find it."""

    kinds: tuple[str, ...]
    config: SceneConfig
    proposal: TaskProposal
    objects: tuple[str, ...]
    """The object each fault was put on, in the order of ``kinds``."""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return "+".join(self.kinds)

    def expected(self) -> list[tuple[str, ...]]:
        return [EXPECTED[k] for k in self.kinds]


def _roles(proposal: TaskProposal) -> dict[str, str]:
    return {o.name: o.role for o in proposal.objects}


def _movable(config: SceneConfig, o: ObjectConfig) -> bool:
    return not (o.is_fixed or get_asset(o.asset).articulated)


def _rest(config: SceneConfig, o: ObjectConfig) -> float:
    return config.table.height + get_asset(o.asset).bottom * o.scale + 0.001


def _replace(config: SceneConfig, name: str, **update: Any) -> SceneConfig:
    data = config.model_dump(mode="json")
    data["objects"] = [{**o.model_dump(mode="json"), **update} if o.instance == name
                       else o.model_dump(mode="json") for o in config.objects]  # fmt: skip
    return SceneConfig.model_validate(data)


def _obj(config: SceneConfig, name: str) -> ObjectConfig:
    for o in config.objects:
        if o.instance == name:
            return o
    raise ConfigError(f"the scene has no object {name!r} (the success or the roles name it)")


def _choose(rng: random.Random, names: Sequence[str], roles: dict[str, str],
            prefer: Sequence[str] = ("target", "distractor")) -> str:  # fmt: skip
    if not names:
        raise ConfigError("no object this fault applies to")
    for role in prefer:
        pool = [n for n in names if roles.get(n) == role]
        if pool:
            return rng.choice(sorted(pool))
    return rng.choice(sorted(names))


Injected = tuple[SceneConfig, TaskProposal, str]
"""The broken scene, its proposal (a fault may add a distractor) and the object broken."""
Injector = Callable[[SceneConfig, TaskProposal, random.Random, set[str]], Injected]


def _free(config: SceneConfig, used: set[str]) -> list[str]:
    return [o.instance for o in config.objects if _movable(config, o) and o.instance not in used]


def _interpenetrating(c: SceneConfig, p: TaskProposal, rng: random.Random,
                      used: set[str]) -> Injected:  # fmt: skip
    name = _choose(rng, _free(c, used), _roles(p))
    others = [o for o in c.objects if o.instance != name]
    if not others:  # alone on the table: sunk into it
        o = _obj(c, name)
        return _replace(c, name, pos=(*o.pos[:2], _rest(c, o) - rng.uniform(0.01, 0.02))), p, name
    other = rng.choice(others)
    dx, dy = (rng.uniform(-0.015, 0.015) for _ in range(2))
    return _replace(c, name, pos=(other.pos[0] + dx, other.pos[1] + dy)), p, name


def _floating(c: SceneConfig, p: TaskProposal, rng: random.Random,
              used: set[str]) -> Injected:  # fmt: skip
    name = _choose(rng, _free(c, used), _roles(p))
    o = _obj(c, name)
    z = _rest(c, o) + rng.uniform(0.15, 0.4)
    return _replace(c, name, pos=(o.pos[0], o.pos[1], z)), p, name


def _oversized(c: SceneConfig, p: TaskProposal, rng: random.Random,
               used: set[str]) -> Injected:  # fmt: skip
    name = _choose(rng, _free(c, used), _roles(p), prefer=("container", "support", "target"))
    o = _obj(c, name)
    asset = get_asset(o.asset)
    hi = plausible_size(asset.category)[1]
    scale = min(10.0, hi * rng.uniform(1.2, 1.8) / max(asset.size))
    if max(asset.size) * scale <= hi:
        raise ConfigError(f"{name} cannot be scaled beyond {hi} m")
    return _replace(c, name, scale=round(scale, 4)), p, name


def _off_table(c: SceneConfig, p: TaskProposal, rng: random.Random,
               used: set[str]) -> Injected:  # fmt: skip
    name = _choose(rng, _free(c, used), _roles(p))
    o = _obj(c, name)
    half = c.table.size[1] / 2
    side = 1.0 if o.pos[1] >= c.table.pos[1] else -1.0
    y = c.table.pos[1] + side * (half + rng.uniform(0.05, 0.2))
    return _replace(c, name, pos=(o.pos[0], y)), p, name


def _upside_down(c: SceneConfig, p: TaskProposal, rng: random.Random,
                 used: set[str]) -> Injected:  # fmt: skip
    pool = [n for n in _free(c, used)
            if any(q.kind == "interior" for q in get_asset(_obj(c, n).asset).parts)]  # fmt: skip
    name = _choose(rng, pool, _roles(p), prefer=("container",))
    angle = rng.uniform(150.0, 180.0)
    euler = (angle, 0.0, 0.0) if rng.random() < 0.5 else (0.0, angle, 0.0)
    turned = _replace(c, name, euler_deg=euler)
    o = _obj(turned, name)
    lifted = _replace(turned, name, pos=(o.pos[0], o.pos[1], c.table.height + 1.0))
    scene = _built(lifted)  # rest it on the table as turned: its lowest point 2 mm above
    lo, _ = collision_bounds(scene.model, scene.data, scene.objects[name].geoms)
    z = c.table.height + 1.0 - (float(lo[2]) - c.table.height) + 0.002
    return _replace(turned, name, pos=(o.pos[0], o.pos[1], round(z, 4))), p, name


def _unreachable(c: SceneConfig, p: TaskProposal, rng: random.Random,
                 used: set[str]) -> Injected:  # fmt: skip
    name = _choose(rng, _free(c, used), _roles(p), prefer=("target",))
    x = c.table.pos[0] + c.table.size[0] / 2 - rng.uniform(0.04, 0.1)
    y = c.table.pos[1] + rng.uniform(-0.3, 0.3) * c.table.size[1] / 2
    return _replace(c, name, pos=(x, y)), p, name


def _built(c: SceneConfig) -> Scene:
    return build_scene(c, settle=False)


def _moving_bounds(scene: Scene, name: str, joint: str, value: float,
                   moving_part: bool = True) -> tuple[Any, Any]:  # fmt: skip
    """Bounds of the part ``joint`` moves at ``value`` (or of the rest of the object)."""
    m, d = scene.model, scene.data
    h = scene.objects[name]
    adr = h.joints[joint]
    jid = next(j for j in range(m.njnt) if m.jnt_qposadr[j] == adr)
    moving = {int(m.jnt_bodyid[jid])}
    for b in range(int(m.jnt_bodyid[jid]) + 1, m.nbody):
        if int(m.body_parentid[b]) in moving:
            moving.add(b)
    geoms = [g for g in h.geoms if (int(m.geom_bodyid[g]) in moving) == moving_part]
    d.qpos[adr] = value
    mujoco.mj_kinematics(m, d)
    return collision_bounds(m, d, geoms)


def _task_joint(c: SceneConfig, p: TaskProposal) -> tuple[str, str, bool]:
    """(object, joint, opening) of the joint the task moves."""
    found = _JOINT.search(p.success)
    if found:
        return found.group(1), found.group(2), found.group(3).startswith(">")
    for o in p.objects:
        if o.role == "articulated":
            joints = get_asset(_obj(c, o.name).asset).joints
            if joints:
                return o.name, joints[0].name, True
    raise ConfigError("the task moves no joint")


BLOCKER = "blocker"
"""The distractor (a cube) added when a scene has no free object to put in a joint's way."""


def _outside(point: np.ndarray, half: np.ndarray, box: tuple[Any, Any]) -> bool:
    lo, hi = box
    return bool(np.any(point + half <= lo[:2]) or np.any(point - half >= hi[:2]))


def _sweep_points(scene: Scene, art: str, joint: str, start: float, end: float,
                  rng: random.Random) -> list[tuple[np.ndarray, float]]:  # fmt: skip
    """Points on the table the moving part passes over between ``start`` and ``end``, each with
    the height of the part's lowest point there: the middle of the room a part grows into on
    the way out (a drawer pulled, a door swung open), and the part's centre half-way."""
    lo0, hi0 = _moving_bounds(scene, art, joint, start)
    lo1, hi1 = _moving_bounds(scene, art, joint, end)
    mid_lo, mid_hi = _moving_bounds(scene, art, joint, (start + end) / 2)
    out = []
    grow = [(float(lo0[i] - lo1[i]), i, -1) for i in (0, 1)]
    grow += [(float(hi1[i] - hi0[i]), i, 1) for i in (0, 1)]
    ext, axis, sign = max(grow)
    if ext >= 0.03:
        where = np.array([(lo1[0] + hi1[0]) / 2, (lo1[1] + hi1[1]) / 2])
        where[axis] = (lo0[axis] if sign < 0 else hi0[axis]) + sign * ext * rng.uniform(0.4, 0.6)
        out.append((where, float(lo1[2])))
    out.append(((mid_lo[:2] + mid_hi[:2]) / 2, float(mid_lo[2])))
    return out


def _blocked_joint(c: SceneConfig, p: TaskProposal, rng: random.Random,
                   used: set[str]) -> Injected:  # fmt: skip
    art, joint, opening = _task_joint(c, p)
    o = _obj(c, art)
    info = get_asset(o.asset).joint(joint)
    start = o.joints.get(joint, info.scaled(info.closed, o.scale))
    end = info.scaled(info.opened if opening else info.closed, o.scale)
    if abs(end - start) < 1e-6:  # the task only asks for what holds: sweep the whole range
        end = info.scaled(info.closed if opening else info.opened, o.scale)
    scene = _built(c)
    at_start = _moving_bounds(scene, art, joint, start)
    static = _moving_bounds(scene, art, joint, start, moving_part=False)
    pool = [n for n in _free(c, used) if n != art]
    if pool:
        name = _choose(rng, pool, _roles(p), prefer=("distractor", "target"))
    else:  # nothing free to move: a cube joins the scene as a distractor
        name = BLOCKER
        c = SceneConfig.model_validate({**c.model_dump(mode="json"), "objects": [
            *c.model_dump(mode="json")["objects"], {"asset": "cube", "name": name,
                                                    "pos": [0.0, 0.0]}]})  # fmt: skip
        p = p.model_copy(update={"objects": [
            *p.objects, p.objects[0].model_copy(update={"asset": "cube", "name": name,
                                                        "role": "distractor"})]})  # fmt: skip
    b = _obj(c, name)
    asset = get_asset(b.asset)
    half = np.asarray(asset.size[:2]) * b.scale / 2
    top = c.table.height + asset.size[2] * b.scale
    room = np.asarray(c.table.size) / 2 - half - 0.02
    for where, bottom in _sweep_points(scene, art, joint, start, end, rng):
        if top < bottom + 0.01:
            continue  # the part passes above it
        if np.any(np.abs(where - np.asarray(c.table.pos)) > room):
            continue  # the part swings out beyond the table
        if _outside(where, half, at_start) and _outside(where, half, static):
            return _replace(c, name, pos=(float(where[0]), float(where[1]))), p, name
    raise ConfigError(f"no room on the table in the way of {art}'s {joint}")


def _already_solved(c: SceneConfig, p: TaskProposal, rng: random.Random,
                    used: set[str]) -> Injected:  # fmt: skip
    found = _JOINT.search(p.success)
    if found and found.group(1) not in used:
        name, joint, opening = found.group(1), found.group(2), found.group(3).startswith(">")
        o = _obj(c, name)
        info = get_asset(o.asset).joint(joint)
        value = info.scaled(info.opened if opening else info.closed, o.scale)
        return _replace(c, name, joints={**o.joints, joint: value}), p, name
    out = _NOT_INSIDE.search(p.success)
    if out and out.group(1) not in used:
        name, holder = out.group(1), _obj(c, out.group(2))
        o = _obj(c, name)
        side = -1.0 if holder.pos[1] >= 0 else 1.0
        return _replace(c, name, pos=(holder.pos[0], holder.pos[1] + side * 0.2)), p, name
    pair = _PAIR.search(p.success)
    if pair is None or pair.group(2) in used:
        raise ConfigError(f"success {p.success!r} cannot hold without the hand")
    pred, name, other = pair.groups()
    o = _obj(c, name)
    if pred == "in_region":
        region = next((r for r in c.regions if r.name == other), None)
        if region is None:
            raise ConfigError(f"the scene has no goal region {other!r}")
        return _replace(c, name, pos=(region.pos[0], region.pos[1])), p, name
    holder = _obj(c, other)
    for j in get_asset(holder.asset).joints:  # a drawer or a box: opened to take it
        holder = holder.model_copy(
            update={"joints": {**holder.joints, j.name: j.scaled(j.opened, holder.scale)}}
        )
        c = _replace(c, other, joints=holder.joints)
    scene = _built(c)
    h = scene.objects[other]
    lo, hi = collision_bounds(scene.model, scene.data, h.geoms)
    if pred == "inside":
        try:
            xy = scene.data.site_xpos[scene.model.site(f"{other}/interior").id][:2]
        except KeyError:
            raise ConfigError(f"{other} has no part named 'interior' to put {name} in") from None
    else:
        xy = (lo[:2] + hi[:2]) / 2
    half = get_asset(o.asset).size[2] * o.scale / 2
    z = float(hi[2]) + half + rng.uniform(0.005, 0.02)
    return _replace(c, name, pos=(float(xy[0]), float(xy[1]), z)), p, name


INJECTORS: dict[str, Injector] = {
    "interpenetrating": _interpenetrating, "floating": _floating, "oversized": _oversized,
    "off_table": _off_table, "upside_down": _upside_down, "blocked_joint": _blocked_joint,
    "unreachable": _unreachable, "already_solved": _already_solved,
}  # fmt: skip


def inject_many(
    config: SceneConfig, proposal: TaskProposal, kinds: Sequence[str], seed: int
) -> Seeded:
    """``config`` broken in each of ``kinds`` (on different objects), from ``seed``."""
    rng = random.Random(f"{seed}:{'+'.join(kinds)}:{proposal.id}")
    used: set[str] = set()
    names = []
    # a solved task first: the other faults are then measured on the state it sets
    kinds = sorted(kinds, key=lambda k: k != "already_solved")
    for kind in kinds:
        if kind not in INJECTORS:
            raise ConfigError(f"unknown fault {kind!r}; choose from {', '.join(KINDS)}")
        config, proposal, name = INJECTORS[kind](config, proposal, rng, used)
        used.add(name)
        names.append(name)
    return Seeded(tuple(kinds), config, proposal, tuple(names), {"seed": seed})


def inject(config: SceneConfig, proposal: TaskProposal, kind: str, seed: int) -> Seeded:
    """``config`` broken in one way; see the module docstring."""
    return inject_many(config, proposal, [kind], seed)


def applicable(config: SceneConfig, proposal: TaskProposal, seed: int) -> list[Seeded]:
    """Every single fault that applies to the scene, each drawn from ``seed``."""
    out = []
    for kind in KINDS:
        try:
            out.append(inject(config, proposal, kind, seed))
        except ConfigError:
            continue
    return out
