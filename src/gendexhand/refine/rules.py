"""The offline refiner: deterministic directives from the verifier's findings (no images).

One fix per object and round, the most serious finding first: a distractor in any trouble is
removed; a wrong size is rescaled into range; a container on its side is turned upright; an
object inside another, the robot or the table is moved clear of it; one off the table, out of
reach or without a reachable grasp is moved towards the robot's front; a blocker is moved out of
a joint's swing; a task that is already solved has its target moved away from where success
holds (or its joint set back). With no error left it answers ``ACCEPT``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import mujoco
import numpy as np

from gendexhand.assets.catalog import get_asset
from gendexhand.config.scene import ObjectConfig, SceneConfig
from gendexhand.predicates.parser import JOINT_TERM, NOT_INSIDE_TERM
from gendexhand.refine.verify import VerifierReport
from gendexhand.sim.checks import Check, Finding

ORDER = (Check.INSIDE_ROBOT_BASE, Check.IMPLAUSIBLE_SIZE, Check.NOT_GRASPABLE, Check.NOT_UPRIGHT,
         Check.OVERLAPS_ROBOT, Check.PENETRATION, Check.OFF_TABLE, Check.OUTSIDE_WORKSPACE,
         Check.FELL, Check.SETTLE_ROTATION, Check.SETTLE_MOTION, Check.ALREADY_SOLVED,
         Check.SWING_BLOCKED, Check.UNREACHABLE)  # fmt: skip
"""Findings in the order they are fixed (the first of an object's findings wins): size and pose
first, then where things stand, then the task's state (a joint set back may also bring its handle
within reach), then what is in the way or out of reach."""
SIZE_CHECKS = (Check.IMPLAUSIBLE_SIZE, Check.NOT_GRASPABLE)
HOME = (0.05, 0.0)
"""Where objects out of reach move towards: in front of the robot, on the table."""
MARGIN = 0.03
"""Metres added to every move beyond the measured overlap or distance."""
SWING_STEP = 0.12
"""Metres a blocker moves sideways out of a joint's swing per round (at least)."""
SWING_MARGIN = 0.06
"""Metres a blocker keeps from the side of the articulated object (doors and handles stand out)."""
UNREACHABLE_STEP = 0.08
"""Metres an object without a reachable grasp moves per round."""
NEAR_HOME = 0.25
"""Metres from :data:`HOME` within which an unreachable object moves away from its neighbour
rather than towards the robot."""
GAP = 0.01
"""Metres kept between footprints when looking for a clear spot."""
SPOT_STEP, SPOT_RINGS = 0.02, 15
"""Clear spots are looked for on rings this far apart, out to this many rings."""
SOLVED_STEP = 0.25
"""Metres a target moves away when the task already holds."""
IN_FLOOR = 0.012
"""Metres above the table an object put back into a container rests (its floor)."""
_JOINT = JOINT_TERM
_NOT_INSIDE = NOT_INSIDE_TERM
UNSOLVED_OPENING = 0.8
"""Fraction of its range a closed joint is opened to when a closing task already holds."""


def _obj(config: SceneConfig, name: str) -> ObjectConfig | None:
    return next((o for o in config.objects if o.instance == name), None)


def _centre(config: SceneConfig, o: ObjectConfig) -> np.ndarray:
    asset = get_asset(o.asset)
    z = o.pos[2] if len(o.pos) == 3 else config.table.height + asset.bottom * o.scale + 0.001
    return np.array([o.pos[0], o.pos[1], z])


def _up(o: ObjectConfig) -> np.ndarray:
    quat = np.zeros(4)
    mujoco.mju_euler2Quat(quat, np.deg2rad(np.asarray(o.euler_deg, dtype=float)), "XYZ")
    mat = np.zeros(9)
    mujoco.mju_quat2Mat(mat, quat)
    return mat.reshape(3, 3)[:, 2]


def _goto(name: str, here: np.ndarray, xy: np.ndarray) -> list[str]:
    return [f"MOVE {name} {axis} {v:.4f}" for axis, v in zip("xy", xy - here[:2], strict=True)
            if abs(v) >= 1e-4]  # fmt: skip


def _clear(config: SceneConfig, name: str, xy: np.ndarray) -> bool:
    """``name`` standing at ``xy`` is on the table and clear of every other footprint."""
    o = _obj(config, name)
    if o is None or not _on_table(config, o, xy):
        return False
    mine = _half(o)
    return all(np.any(np.abs(xy - np.asarray(q.pos[:2])) >= mine + _half(q) + GAP)
               for q in config.objects if q.instance != name)  # fmt: skip


def _spot(config: SceneConfig, name: str, want: np.ndarray) -> np.ndarray:
    """The clear point nearest ``want``: rings of :data:`SPOT_STEP` around it, the point
    nearest :data:`HOME` of the first ring with one; ``want`` itself if none is clear."""
    if _clear(config, name, want):
        return want
    home = np.asarray(HOME)
    for ring in range(1, SPOT_RINGS + 1):
        r = ring * SPOT_STEP
        ring_pts = [want + r * np.array([math.cos(a), math.sin(a)])
                    for a in np.linspace(0, 2 * math.pi, 16, endpoint=False)]  # fmt: skip
        free = [p for p in ring_pts if _clear(config, name, p)]
        if free:
            return min(free, key=lambda p: (round(float(np.linalg.norm(p - home)), 6), *p))
    return want


def _toward(config: SceneConfig, name: str, here: np.ndarray, there: tuple[float, float],
            dist: float) -> list[str]:  # fmt: skip
    """Move ``name`` up to ``dist`` towards ``there``, to the nearest clear spot."""
    delta = np.asarray(there) - here[:2]
    norm = float(np.linalg.norm(delta))
    want = here[:2] + (delta / norm * min(dist, norm) if norm > 1e-6 else 0.0)
    return _goto(name, here, _spot(config, name, want))


def _out_of_swing(config: SceneConfig, o: ObjectConfig, blocker: str) -> list[str]:
    """Move ``blocker`` out of ``o``'s swing: to a side, past the articulated object's width
    (drawers and doors swing within it), the nearer side first; else in front of it, past a
    door as wide as the object. A place it already stands at (and is still blocked) is passed
    over for the next."""
    b = _obj(config, blocker)
    if b is None:
        return []
    near = 1.0 if b.pos[1] >= o.pos[1] else -1.0
    where = _centre(config, b)
    tries = []
    for side in (near, -near):
        y = o.pos[1] + side * (_half(o)[1] + _half(b)[1] + SWING_MARGIN)
        want = np.array([where[0], y if abs(y - where[1]) >= SWING_STEP / 4
                         else where[1] + side * SWING_STEP])  # fmt: skip
        spot = _spot(config, blocker, want)
        if abs(spot[1] - o.pos[1]) >= _half(o)[1] + _half(b)[1] and _clear(config, blocker, spot):
            tries.append(spot)
    x = o.pos[0] - _half(o)[0] - 2 * _half(o)[1] - _half(b)[0] - MARGIN
    tries.append(_spot(config, blocker, np.array([x, where[1]])))
    for spot in tries:
        if float(np.linalg.norm(spot - where[:2])) > 0.01:
            return _goto(blocker, where, spot)
    return []


def _unreachable(config: SceneConfig, name: str, here: np.ndarray) -> list[str]:
    """Far from the robot's front: towards it. Near it: away from the nearest neighbour, whose
    bulk is the likelier obstacle to the hand."""
    home = np.asarray(HOME)
    others = [q for q in config.objects if q.instance != name]
    far = float(np.linalg.norm(here[:2] - home))
    if far > NEAR_HOME or not others:  # most of the way in at once
        return _toward(config, name, here, HOME, max(UNREACHABLE_STEP, far - 0.6 * NEAR_HOME))
    nearest = min(others, key=lambda q: float(np.linalg.norm(np.asarray(q.pos[:2]) - here[:2])))
    away = here[:2] - np.asarray(nearest.pos[:2])
    norm = float(np.linalg.norm(away))
    away = away / norm if norm > 1e-6 else np.array([0.0, -1.0])
    return _goto(name, here, _spot(config, name, here[:2] + away * UNREACHABLE_STEP))


def _half(o: ObjectConfig) -> np.ndarray:
    """Half the object's footprint (x, y), turned with its yaw to the nearest quarter."""
    size = np.asarray(get_asset(o.asset).size[:2], dtype=float) * o.scale / 2
    quarter = round(o.euler_deg[2] / 90.0) % 2
    return size[::-1] if quarter else size


def _exit(here: np.ndarray, away: np.ndarray, a: ObjectConfig, b: ObjectConfig,
          centre: np.ndarray) -> float:  # fmt: skip
    """How far ``a`` must go along the unit vector ``away`` for the footprints to part."""
    reach = _half(a) + _half(b)
    out = np.inf
    for i in (0, 1):
        if abs(away[i]) > 1e-6:
            out = min(out, (reach[i] - (here[i] - centre[i]) * np.sign(away[i])) / abs(away[i]))
    return max(0.0, float(out))


def _on_table(config: SceneConfig, o: ObjectConfig, xy: np.ndarray) -> bool:
    room = np.asarray(config.table.size) / 2 - _half(o) - 0.02
    return bool(np.all(np.abs(xy - np.asarray(config.table.pos)) <= room))


def _apart(config: SceneConfig, name: str, other: str, dist: float) -> list[str]:
    """Move ``name`` horizontally away from ``other`` by ``dist``, or farther when one stands
    inside the other's footprint (a ball inside a cabinet)."""
    a, b = _obj(config, name), _obj(config, other)
    if a is None:
        return []
    if other == "table":
        return [f"MOVE {name} z {dist:.4f}"]
    here = _centre(config, a)
    there = _centre(config, b)[:2] if b is not None else np.asarray(HOME)
    away = here[:2] - there
    if float(np.linalg.norm(away)) < 1e-6:  # on top of each other: to the side nearer home
        away = np.array([0.0, 1.0 if here[1] <= HOME[1] else -1.0])
    ways = [away / np.linalg.norm(away)]
    if b is not None:  # or straight out of a side of the other's footprint
        ways += [np.array(v) for v in ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0))]
    best: tuple[float, np.ndarray] | None = None
    for way in ways:
        t = max(dist, _exit(here[:2], way, a, b, there) + MARGIN) if b is not None else dist
        end = here[:2] + way * t
        if not _on_table(config, a, end) and best is not None:
            continue
        cost = t + 0.5 * float(np.linalg.norm(end - np.asarray(HOME)))
        cost += 0.0 if _on_table(config, a, end) else 10.0
        if best is None or cost < best[0]:
            best = (cost, way * t)
    assert best is not None
    end = here[:2] + best[1]
    if b is not None and other != "table":
        end = _spot(config, name, end)
    away = end - here[:2]
    return [f"MOVE {name} {axis} {v:.4f}" for axis, v in zip("xy", away, strict=True)
            if abs(v) >= 1e-4]  # fmt: skip


def _upright(name: str, o: ObjectConfig) -> list[str]:
    """Two world-axis turns that bring the object's up axis back to +z."""
    x, y, z = _up(o)
    roll = math.degrees(math.atan2(y, z))
    z2 = math.hypot(y, z)
    pitch = math.degrees(math.atan2(-x, z2))
    out = [f"ROTATE {name} x {roll:.3f}"] if abs(roll) > 0.01 else []
    return out + ([f"ROTATE {name} y {pitch:.3f}"] if abs(pitch) > 0.01 else [])


def _fix(f: Finding, config: SceneConfig, success: str = "",
         sizes: Sequence[Finding] = ()) -> list[str]:  # fmt: skip
    """The directives for ``f``; ``sizes`` are every size finding of the same object (the
    rescale satisfies all of them at once where it can)."""
    o = _obj(config, f.object)
    if o is None:
        return []
    name, movable = f.object, not (o.is_fixed or get_asset(o.asset).articulated)
    if f.check in SIZE_CHECKS:
        factors = [g.threshold / g.value * (1.05 if g.value < g.threshold else 0.95)
                   for g in (sizes or [f])]  # fmt: skip
        shrink = [x for x in factors if x < 1.0]
        factor = min(shrink) if shrink else max(factors)
        return [f"SCALE {name} {factor:.4f}"]
    if f.check is Check.NOT_UPRIGHT:
        rest = config.table.height + get_asset(o.asset).bottom * o.scale + 0.001
        down = [f"MOVE {name} z {rest - o.pos[2]:.4f}"] if len(o.pos) == 3 else []
        return _upright(name, o) + down
    if f.check in (Check.INSIDE_ROBOT_BASE, Check.OVERLAPS_ROBOT):
        return [f"MOVE {name} x {f.value + 0.05:.4f}"] if f.unit else [f"MOVE {name} x 0.3"]
    if f.check is Check.PENETRATION and f.other is not None:
        if not movable and f.other != "table":  # furniture stays; the other object moves
            return _apart(config, f.other, name, f.value + MARGIN)
        return _apart(config, name, f.other, f.value + MARGIN)
    here = _centre(config, o)
    if f.check in (Check.OFF_TABLE, Check.OUTSIDE_WORKSPACE):
        return _toward(config, name, here, HOME, f.value + MARGIN + 0.05)
    if f.check in (Check.FELL, Check.SETTLE_MOTION, Check.SETTLE_ROTATION):
        if len(o.pos) == 3:  # placed in the air: put it down on the table
            rest = config.table.height + get_asset(o.asset).bottom * o.scale + 0.001
            return [f"MOVE {name} z {rest - o.pos[2]:.4f}"]
        if float(np.degrees(np.arccos(np.clip(_up(o)[2], -1, 1)))) > 1.0:
            return _upright(name, o)
        return _toward(config, name, here, HOME, 0.05)
    if f.check is Check.SWING_BLOCKED and f.other is not None:
        return _out_of_swing(config, o, f.other.split(" ", 1)[0])
    if f.check is Check.UNREACHABLE:  # furniture too: it may stand too far away
        return _unreachable(config, name, here)
    if f.check is Check.ALREADY_SOLVED:
        return _unsolve(name, o, config, success)
    return []


def _unsolve(name: str, o: ObjectConfig, config: SceneConfig, success: str = "") -> list[str]:
    out = _NOT_INSIDE.search(success)
    holder = _obj(config, out.group(2)) if out else None
    target = _obj(config, out.group(1)) if out else None
    if holder is not None and target is not None:  # it must start inside: put it back in
        here = _centre(config, target)
        z = config.table.height + get_asset(target.asset).bottom * target.scale + IN_FLOOR
        return [
            *_goto(target.instance, here, np.asarray(holder.pos[:2], dtype=float)),
            f"MOVE {target.instance} z {z - here[2]:.4f}",
        ]
    asset = get_asset(o.asset)
    if asset.joints:  # open: closed; closed: 0.8 open (where stage 1 starts such tasks)
        named = {m.group(2) for m in _JOINT.finditer(success) if m.group(1) == name}
        j = next((q for q in asset.joints if q.name in named), asset.joints[0])
        closed, opened = j.scaled(j.closed, o.scale), j.scaled(j.opened, o.scale)
        now = o.joints.get(j.name, closed)
        shut = abs(now - closed) <= abs(now - opened)
        value = closed + UNSOLVED_OPENING * (opened - closed) if shut else closed
        return [f"SET_JOINT {name} {j.name} {value:.4f}"]
    side = -1.0 if o.pos[1] >= 0 else 1.0
    return [f"MOVE {name} y {side * SOLVED_STEP:.4f}"]


def rules_directives(
    report: VerifierReport, config: SceneConfig, roles: Mapping[str, str], success: str = ""
) -> list[str]:
    """The directives that fix ``report``'s errors (``["ACCEPT"]`` when there are none);
    ``success`` is the task's success predicate, to undo a task that already holds."""
    errors = sorted(report.errors, key=lambda f: ORDER.index(f.check) if f.check in ORDER else 99)
    if not errors:
        return ["ACCEPT"]
    out: list[str] = []
    done: set[str] = set()
    for f in errors:
        who = {f.object} | ({f.other.split(" ", 1)[0]} if f.other else set())
        distractors = sorted(n for n in who if roles.get(n) == "distractor" and n not in done)
        if distractors:
            out += [f"REMOVE {n}" for n in distractors]
            done.update(distractors)
            continue
        if f.object in done:
            continue
        sizes = [g for g in errors if g.object == f.object and g.check in SIZE_CHECKS]
        fix = [d for d in _fix(f, config, success, sizes) if d.split()[1] not in done]
        if fix:
            out += fix
            done.update({f.object} | {d.split()[1] for d in fix})
    return out
