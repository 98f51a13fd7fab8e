"""The trusted success predicates (the grammar that composes them is in
:mod:`gendexhand.predicates`): each reads the scene's current state and changes nothing."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np

from gendexhand.config.scene import RegionConfig
from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.builder import ObjectHandle
from gendexhand.sim.contact import (
    hand_contact_forces,
    hand_lift_force,
    hand_net_force,
    touches_other_than_hand,
    touching,
)
from gendexhand.sim.probe import lift_follow
from gendexhand.sim.rotation import axis_angle_matrix, quat_to_matrix, rotation_angle_deg
from gendexhand.sim.scene import Scene

GRASP_FORCE = 0.2
"""Newtons: the least normal force a finger (or the palm) must press with to count in a grasp."""
CARRY_SUPPORT = 0.8
"""Fraction of an object's weight the hand must hold up for it to count as carried."""
ON_TOP_GAP = 0.015
"""Metres: how far above the support's top the object's lowest point may be in ``on_top``."""
MAX_TEXT = 2000
"""Characters: the longest success expression accepted."""
GRIP_OPPOSITION = 0.5
"""A grip's net hand force on the object is at most this fraction of its normal forces' sum."""
HELD_FOLLOW = 0.8
"""The least fraction of the palm's rise an object must follow in ``held``'s trial lift (one
that the table carried follows 0; learned grasps of the hammer that a lift dropped, 0.6–0.8)."""

ArgKind = Literal["object", "container", "joint", "number", "axis", "point", "target", "region"]
Arg = str | float | tuple[float, ...]
Predicate = Callable[..., bool | float]
"""A predicate: ``fn(ctx, *args)`` → bool (a condition) or float (a measure)."""

AXES = {"x": 0, "y": 1, "z": 2}


# ---------------------------------------------------------------------------------- context
@dataclass(frozen=True, eq=False)
class PredicateContext:
    """What predicates read: the scene, and each object's orientation at the start of the task."""

    scene: Scene
    initial_quats: dict[str, np.ndarray] = field(default_factory=dict)
    """Object name → quaternion (w, x, y, z) of its body at the start; used by ``rotated``."""

    @classmethod
    def capture(cls, scene: Scene) -> PredicateContext:
        """A context whose initial orientations are the objects' orientations in ``scene.data``
        now."""
        quats = {n: scene.data.xquat[h.body].copy() for n, h in scene.objects.items()}
        return cls(scene, quats)


# ---------------------------------------------------------------------------------- registry
PREDICATES: dict[str, Predicate] = {}
"""Predicate name → function ``fn(ctx, *args)``: all that a success expression may call."""


@dataclass(frozen=True)
class _Signature:
    kinds: tuple[ArgKind, ...]
    params: tuple[str, ...]
    required: int
    numeric: bool

    def text(self, name: str) -> str:
        return f"{name}({', '.join(self.params)})"


SIGNATURES: dict[str, _Signature] = {}
F = TypeVar("F", bound=Callable[..., Any])


def _predicate(*kinds: ArgKind, numeric: bool = False) -> Callable[[F], F]:
    """Register a predicate under its function name; ``kinds`` describe its arguments."""

    def register(fn: F) -> F:
        params = list(inspect.signature(fn).parameters.values())[1:]  # after ctx
        if len(params) != len(kinds):
            raise TypeError(f"{fn.__name__}: {len(params)} parameters, {len(kinds)} kinds")
        shown = tuple(p.name if p.default is p.empty else f"{p.name}={p.default}" for p in params)
        required = sum(p.default is p.empty for p in params)
        PREDICATES[fn.__name__] = fn
        SIGNATURES[fn.__name__] = _Signature(tuple(kinds), shown, required, numeric)
        return fn

    return register


def describe_predicates() -> str:
    """One line per predicate: its signature and the summary of its docstring (for prompts)."""
    lines = []
    for name, fn in PREDICATES.items():
        doc = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ").replace("``", "")
        lines.append(f"{SIGNATURES[name].text(name)}: {doc}")
    return "\n".join(lines)


def allowed_text() -> str:
    sigs = ", ".join(s.text(n) for n, s in SIGNATURES.items())
    return (
        f"Allowed: and, or, not, parentheses, comparisons (<, <=, >, >=, ==, !=) of a numeric "
        f"predicate with a number, and calls of the predicates {sigs}."
    )


# ---------------------------------------------------------------------------------- helpers
def object_handle(scene: Scene, name: str) -> ObjectHandle:
    if name in scene.objects:
        return scene.objects[name]
    raise ConfigError(unknown_name_message("object", name, scene.objects))


def _bounds(scene: Scene, handle: ObjectHandle) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = collision_bounds(scene.model, scene.data, handle.geoms)
    if not np.all(np.isfinite(lo)):
        raise ConfigError(f"object {handle.name!r} has no collision geometry to measure")
    return lo, hi


def interior_site(scene: Scene, container: str) -> int:
    handle = object_handle(scene, container)
    if not any(p.name == "interior" for p in handle.asset.parts):
        have = sorted(
            n for n, h in scene.objects.items() if any(p.name == "interior" for p in h.asset.parts)
        )
        raise ConfigError(
            f"{container!r} (asset {handle.asset.id!r}) has no 'interior' part, so nothing can be "
            f"inside it. Objects with an interior: {', '.join(have) or 'none'}."
        )
    return int(scene.model.site(f"{container}/interior").id)


def locate_point(scene: Scene, point: str) -> tuple[Literal["site", "body"], int]:
    """Resolve a point name (see the module docstring) to a site or body id."""
    if point == "palm":
        return "site", int(scene.robot.palm_site)
    if point.startswith("tip:"):
        finger = point[4:]
        if finger not in scene.robot.tip_sites:
            raise ConfigError(unknown_name_message("finger", finger, scene.robot.tip_sites))
        return "site", int(scene.robot.tip_sites[finger])
    if "/" in point:
        obj, part = point.split("/", 1)
        handle = object_handle(scene, obj)
        names = [p.name for p in handle.asset.parts] + [
            f"grasp:{g.name}" for g in handle.asset.grasps
        ]
        if part not in names:
            raise ConfigError(f"object {obj!r}: " + unknown_name_message("part", part, names))
        return "site", int(scene.model.site(point).id)
    return "body", object_handle(scene, point).body


def _position(scene: Scene, point: str | Sequence[float]) -> np.ndarray:
    if not isinstance(point, str):
        return np.asarray(point, dtype=float)
    kind, i = locate_point(scene, point)
    return (scene.data.site_xpos if kind == "site" else scene.data.xpos)[i].copy()


# ---------------------------------------------------------------------------------- predicates
def _weight(scene: Scene, obj: str) -> float:
    """The weight of ``obj`` and whatever is attached to it (N)."""
    body = object_handle(scene, obj).body
    return float(scene.model.body_subtreemass[body]) * float(-scene.model.opt.gravity[2])


@_predicate("object")
def grasped(ctx: PredicateContext, obj: str) -> bool:
    """The hand holds ``obj``. True in any of three cases (forces are per finger or palm, summed
    over contacts; see :func:`hand_parts` for which hand bodies are which):

    * pinched or clasped: the thumb presses with a normal force of at least ``GRASP_FORCE``
      (0.2 N) and so does another finger or the palm;
    * wrapped: the palm and three or more fingers each press with that force;
    * carried: ``obj`` touches nothing but the hand, and the hand's contact forces hold up at
      least ``CARRY_SUPPORT`` (80 %) of its weight: it is off the table and borne by the hand
      alone, e.g. hooked by curled fingers.
    """
    scene = ctx.scene
    forces = hand_contact_forces(scene, obj)
    pressing = {part for part, f in forces.items() if f >= GRASP_FORCE}
    if "thumb" in pressing and len(pressing) >= 2:
        return True
    if "palm" in pressing and len(pressing) >= 4:
        return True
    if sum(forces.values()) < GRASP_FORCE or touches_other_than_hand(scene, obj):
        return False
    return hand_lift_force(scene, obj) >= CARRY_SUPPORT * _weight(scene, obj)


@_predicate("object", "number")
def lifted(ctx: PredicateContext, obj: str, h: float) -> bool:
    """The lowest point of ``obj``'s collision geometry is at least ``h`` metres above the table
    top."""
    scene = ctx.scene
    lo, _ = _bounds(scene, object_handle(scene, obj))
    return bool(lo[2] - scene.config.table.height >= h)


@_predicate("object", "container")
def inside(ctx: PredicateContext, obj: str, container: str) -> bool:
    """``obj`` is inside ``container``: its centre lies in the container's ``interior`` part.

    Precisely: ``obj``'s body origin lies in the box of site ``<container>/interior`` (in the
    site's frame, within its half extents), and ``obj``'s lowest point is below the top of the
    container's collision bounds (its rim). An object resting on the rim has its centre above the
    interior box and is not inside. Raises :class:`ConfigError` if the container has no interior.
    """
    scene = ctx.scene
    m, d = scene.model, scene.data
    site = interior_site(scene, container)
    handle = object_handle(scene, obj)
    local = d.site_xmat[site].reshape(3, 3).T @ (d.xpos[handle.body] - d.site_xpos[site])
    if not np.all(np.abs(local) <= m.site_size[site]):
        return False
    lo, _ = _bounds(scene, handle)
    _, rim = _bounds(scene, object_handle(scene, container))
    return bool(lo[2] < rim[2])


@_predicate("object", "object")
def on_top(ctx: PredicateContext, obj: str, support: str) -> bool:
    """``obj`` rests on ``support``.

    All of: ``obj``'s lowest point is at most ``ON_TOP_GAP`` (1.5 cm) above the top of
    ``support``'s collision bounds and not below their bottom (so things lying in a plate's or a
    tray's hollow, below its rim, count as on it); ``obj``'s centre (body origin) projects inside
    the (x, y) extent of those bounds; and a geom of ``obj`` touches a geom of ``support`` (an
    active contact).
    """
    scene = ctx.scene
    a, b = object_handle(scene, obj), object_handle(scene, support)
    lo_a, _ = _bounds(scene, a)
    lo_b, hi_b = _bounds(scene, b)
    centre = scene.data.xpos[a.body]
    if not lo_b[2] <= lo_a[2] <= hi_b[2] + ON_TOP_GAP:
        return False
    if not (np.all(lo_b[:2] <= centre[:2]) and np.all(centre[:2] <= hi_b[:2])):
        return False
    return touching(scene, a, b)


REGION_REST = 0.01
"""Metres: how far above the table top an object's lowest point may be in ``in_region``."""


def region_config(scene: Scene, name: str) -> RegionConfig:
    regions = {r.name: r for r in scene.config.regions}
    if name in regions:
        return regions[name]
    raise ConfigError(unknown_name_message("goal region", name, regions))


@_predicate("object", "region")
def in_region(ctx: PredicateContext, obj: str, region: str) -> bool:
    """``obj`` rests on the table inside goal region ``region``.

    Precisely: ``obj``'s centre (body origin) projects inside the region's rectangle on the
    table top, and ``obj``'s lowest point is at most ``REGION_REST`` (1 cm) above the table
    top (it stands on the table, it is not held over the region).
    """
    scene = ctx.scene
    r = region_config(scene, region)
    handle = object_handle(scene, obj)
    centre = scene.data.xpos[handle.body]
    half = np.asarray(r.size) / 2
    if np.any(np.abs(centre[:2] - np.asarray(r.pos)) > half):
        return False
    lo, _ = _bounds(scene, handle)
    return bool(lo[2] - scene.config.table.height <= REGION_REST)


@_predicate("point", "point", "number")
def near(ctx: PredicateContext, a: str, b: str, d: float) -> bool:
    """Points ``a`` and ``b`` are at most ``d`` metres apart.

    Each point is an object name, ``"<object>/<part>"``, ``"palm"`` or ``"tip:<finger>"``.
    """
    gap = np.linalg.norm(_position(ctx.scene, a) - _position(ctx.scene, b))
    return bool(gap <= d)


@_predicate("object", "joint", numeric=True)
def joint_fraction(ctx: PredicateContext, obj: str, joint: str) -> float:
    """How open articulated joint ``joint`` of ``obj`` is: 0 closed, 1 fully open (a number).

    The catalog's closed/opened values are at scale 1; slide joints (metres) are divided by the
    object's scale first, hinge joints (radians) are not. Values beyond the catalog's closed or
    opened positions give fractions below 0 or above 1.
    """
    handle = object_handle(ctx.scene, obj)
    if joint not in handle.joints:
        raise ConfigError(f"object {obj!r}: " + unknown_name_message("joint", joint, handle.joints))
    info = handle.asset.joint(joint)
    value = float(ctx.scene.data.qpos[handle.joints[joint]])
    if info.kind == "slide":
        value /= handle.scale
    return float(info.fraction(value))


@_predicate("object", "number")
def upright(ctx: PredicateContext, obj: str, tol_deg: float = 15.0) -> bool:
    """``obj``'s body z axis is within ``tol_deg`` degrees of world +z."""
    z = ctx.scene.data.xmat[object_handle(ctx.scene, obj).body].reshape(3, 3)[:, 2]
    return bool(math.degrees(math.acos(float(np.clip(z[2], -1.0, 1.0)))) <= tol_deg)


@_predicate("object", "axis", "number", "number")
def rotated(
    ctx: PredicateContext, obj: str, axis: str, angle_deg: float, tol_deg: float = 15.0
) -> bool:
    """``obj`` has turned by ``angle_deg`` degrees about world axis ``axis`` since the start.

    ``axis`` is ``"x"``, ``"y"`` or ``"z"``; positive angles turn counter-clockwise looking down
    the axis. Precisely: the rotation taking the object's initial orientation (from the context)
    to its current one, in the world frame, is within ``tol_deg`` degrees (geodesic angle) of the
    rotation by ``angle_deg`` about that axis — so tilting about another axis also counts against
    the tolerance.
    """
    scene = ctx.scene
    handle = object_handle(scene, obj)
    if axis not in AXES:
        raise ConfigError(f"rotated(): axis must be 'x', 'y' or 'z', not {axis!r}")
    if obj not in ctx.initial_quats:
        raise ConfigError(
            f"rotated(): no initial orientation of {obj!r}; build the context with "
            "PredicateContext.capture(scene)"
        )
    start = quat_to_matrix(ctx.initial_quats[obj])
    now = scene.data.xmat[handle.body].reshape(3, 3)
    turned = now @ start.T
    target = axis_angle_matrix(np.eye(3)[AXES[axis]], math.radians(angle_deg))
    return rotation_angle_deg(target.T @ turned) <= tol_deg


@_predicate("target", "number")
def palm_at(ctx: PredicateContext, target: str | Sequence[float], tol: float) -> bool:
    """The palm site is within ``tol`` metres of ``target``: a world point ``[x, y, z]`` or a
    point name as for :func:`near`."""
    palm = ctx.scene.data.site_xpos[ctx.scene.robot.palm_site]
    return bool(np.linalg.norm(palm - _position(ctx.scene, target)) <= tol)


# ---------------------------------------------------------------------------------- parser


@_predicate("object", "number")
def gripped(ctx: PredicateContext, obj: str, factor: float = 2.0) -> bool:
    """The hand holds ``obj`` (:func:`grasped`) in a grip that can lift it: the normal forces of
    the fingers and palm on it sum to at least ``factor`` times its weight (with friction about
    1 such a grip bears the weight with margin), and they oppose each other — the hand's net
    force on it is at most half their sum (``GRIP_OPPOSITION``) — so that a thumb pressing
    the object onto the table, with a fingertip brushing it, is a grasp but not a grip."""
    if not grasped(ctx, obj):
        return False
    scene = ctx.scene
    total = sum(hand_contact_forces(scene, obj).values())
    net = float(np.linalg.norm(hand_net_force(scene, obj)))
    return total >= factor * _weight(scene, obj) and net <= GRIP_OPPOSITION * total


@_predicate("object", "number")
def held(ctx: PredicateContext, obj: str, follow: float = HELD_FOLLOW) -> bool:
    """The grasp would survive a lift: ``obj`` is :func:`grasped`, and in a trial lift on a
    scratch copy of the scene (the arm's targets ramped over 0.48 s to raise the palm 10 cm,
    then kept 0.16 s; every other target kept) it rises by at least ``follow`` times the
    palm's rise
    (:func:`~gendexhand.sim.probe.lift_follow`). A grasp that only presses the object onto the
    table is not held. It costs some milliseconds (the trial simulates), and the scene is not
    changed."""
    scene = ctx.scene
    return grasped(ctx, obj) and lift_follow(scene, object_handle(scene, obj).name) >= follow
