"""Trusted success predicates over the simulator state, and a safe parser that composes them.

A plan's ``success:`` string (written by a person or an LLM) is an expression over the predicates
below, e.g. ``grasped(bottle) and lifted(bottle, 0.1)`` or
``joint_fraction(cabinet, door_hinge) >= 0.8``. It is parsed with :mod:`ast` and turned into a
tree of closures; it is never run as code, and only this grammar is accepted::

    condition  := condition "and" condition | condition "or" condition | "not" condition
                | "(" condition ")" | call                     (a predicate that returns a bool)
                | operand cmp operand [cmp operand …]          (each pair has a numeric call)
    cmp        := "<" | "<=" | ">" | ">=" | "==" | "!="
    operand    := call (a predicate that returns a number) | number
    call       := PREDICATE "(" [arg {"," arg}] ")"            (positional arguments only)
    arg        := name | 'string' | number | "[" number {"," number} "]"
    number     := ["-"] integer-or-decimal

A bare name is the same as the quoted string (``grasped(bottle)`` is ``grasped('bottle')``); names
holding ``/`` or ``:`` must be quoted (``near('bowl/rim', 'tip:thumb', 0.03)``).

Units: metres for distances and heights, degrees for angles, newtons for forces. Every predicate
reads the scene's current ``data`` and changes nothing.

Points (``near``, ``palm_at``): an object name (its body origin, which for catalog assets is the
centre of its collision box at rest), ``"<object>/<part>"`` (the part's site, e.g.
``"bowl/interior"``; grasp frames are ``"<object>/grasp:<name>"``), ``"palm"`` (the palm site) or
``"tip:<finger>"`` (a fingertip site, e.g. ``"tip:thumb"``). ``"palm"`` always means the hand's
palm, even in a scene with an object of that name.
"""

from __future__ import annotations

import ast
import inspect
import math
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import mujoco
import numpy as np

from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.builder import ObjectHandle
from gendexhand.sim.scene import Scene

__all__ = [
    "GRASP_FORCE",
    "ON_TOP_GAP",
    "PREDICATES",
    "PredicateContext",
    "Success",
    "describe_predicates",
    "grasped",
    "hand_contact_forces",
    "hand_parts",
    "inside",
    "joint_fraction",
    "lifted",
    "near",
    "on_top",
    "palm_at",
    "parse_success",
    "rotated",
    "upright",
]

GRASP_FORCE = 0.2
"""Newtons: the least normal force a finger (or the palm) must press with to count in a grasp."""
CARRY_SUPPORT = 0.8
"""Fraction of an object's weight the hand must hold up for it to count as carried."""
ON_TOP_GAP = 0.015
"""Metres: how far above the support's top the object's lowest point may be in ``on_top``."""
MAX_TEXT = 2000
"""Characters: the longest success expression accepted."""

ArgKind = Literal["object", "container", "joint", "number", "axis", "point", "target"]
Arg = str | float | tuple[float, ...]
Predicate = Callable[..., bool | float]
"""A predicate: ``fn(ctx, *args)`` → bool (a condition) or float (a measure)."""

_AXES = {"x": 0, "y": 1, "z": 2}


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


_SIGNATURES: dict[str, _Signature] = {}
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
        _SIGNATURES[fn.__name__] = _Signature(tuple(kinds), shown, required, numeric)
        return fn

    return register


def describe_predicates() -> str:
    """One line per predicate: its signature and the summary of its docstring (for prompts)."""
    lines = []
    for name, fn in PREDICATES.items():
        doc = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ").replace("``", "")
        lines.append(f"{_SIGNATURES[name].text(name)}: {doc}")
    return "\n".join(lines)


def _allowed() -> str:
    sigs = ", ".join(s.text(n) for n, s in _SIGNATURES.items())
    return (
        f"Allowed: and, or, not, parentheses, comparisons (<, <=, >, >=, ==, !=) of a numeric "
        f"predicate with a number, and calls of the predicates {sigs}."
    )


# ---------------------------------------------------------------------------------- helpers
def _handle(scene: Scene, name: str) -> ObjectHandle:
    if name in scene.objects:
        return scene.objects[name]
    raise ConfigError(unknown_name_message("object", name, scene.objects))


def _bounds(scene: Scene, handle: ObjectHandle) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = collision_bounds(scene.model, scene.data, handle.geoms)
    if not np.all(np.isfinite(lo)):
        raise ConfigError(f"object {handle.name!r} has no collision geometry to measure")
    return lo, hi


def _interior_site(scene: Scene, container: str) -> int:
    handle = _handle(scene, container)
    if not any(p.name == "interior" for p in handle.asset.parts):
        have = sorted(
            n for n, h in scene.objects.items() if any(p.name == "interior" for p in h.asset.parts)
        )
        raise ConfigError(
            f"{container!r} (asset {handle.asset.id!r}) has no 'interior' part, so nothing can be "
            f"inside it. Objects with an interior: {', '.join(have) or 'none'}."
        )
    return int(scene.model.site(f"{container}/interior").id)


def _locate(scene: Scene, point: str) -> tuple[Literal["site", "body"], int]:
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
        handle = _handle(scene, obj)
        names = [p.name for p in handle.asset.parts] + [
            f"grasp:{g.name}" for g in handle.asset.grasps
        ]
        if part not in names:
            raise ConfigError(f"object {obj!r}: " + unknown_name_message("part", part, names))
        return "site", int(scene.model.site(point).id)
    return "body", _handle(scene, point).body


def _position(scene: Scene, point: str | Sequence[float]) -> np.ndarray:
    if not isinstance(point, str):
        return np.asarray(point, dtype=float)
    kind, i = _locate(scene, point)
    return (scene.data.site_xpos if kind == "site" else scene.data.xpos)[i].copy()


def hand_parts(scene: Scene) -> dict[int, str]:
    """Every body of the hand (the subtree of the hand root) → the finger it belongs to.

    A body belongs to finger *f* if it is *f*'s fingertip body, one of that body's ancestors below
    the palm body, or a descendant of one of those (walking up, the first such body decides).
    Every other hand body — the palm body, the bodies above it up to the hand root, and bodies
    shared by the chains of several fingers — is ``"palm"``. Arm links are not hand bodies.
    The map is computed once per model (it is read at every step of an rl subtask) and kept only
    as long as the model lives.
    """
    parts = _HAND_PARTS.get(scene.model)
    if parts is None:
        layout = scene.robot.layout
        tips = tuple((t.finger, t.body) for t in layout.fingertips)
        parts = _hand_parts(scene.model, layout.hand_root, layout.palm_body, tips)
        _HAND_PARTS[scene.model] = parts
    return parts


_HAND_PARTS: weakref.WeakKeyDictionary[mujoco.MjModel, dict[int, str]] = weakref.WeakKeyDictionary()


def _hand_parts(
    m: mujoco.MjModel, root: int, palm: int, tips: tuple[tuple[str, int], ...]
) -> dict[int, str]:
    owners: dict[int, set[str]] = {}
    for finger, tip_body in tips:
        b = tip_body
        while b > 0 and b not in (palm, root):
            owners.setdefault(b, set()).add(finger)
            b = int(m.body_parentid[b])
    out: dict[int, str] = {}
    for body in range(1, m.nbody):
        up, in_hand = body, False
        while up > 0:
            if up == root:
                in_hand = True
                break
            up = int(m.body_parentid[up])
        if not in_hand:
            continue
        part, up = "palm", body
        while up > 0 and up not in (palm, root):
            fingers = owners.get(up)
            if fingers is not None:
                if len(fingers) == 1:
                    part = next(iter(fingers))
                break
            up = int(m.body_parentid[up])
        out[body] = part
    return out


def hand_contact_forces(scene: Scene, obj: str) -> dict[str, float]:
    """Total normal force (N) on object ``obj`` (any of its bodies) from each finger and the palm.

    Keys are finger names (``"thumb"``, ``"index"``…) and ``"palm"`` as given by
    :func:`hand_parts`; parts that do not touch the object are absent.
    """
    handle = _handle(scene, obj)
    m, d = scene.model, scene.data
    parts = hand_parts(scene)
    mine = set(handle.bodies)
    force = np.zeros(6)
    out: dict[str, float] = {}
    for i in range(d.ncon):
        c = d.contact[i]
        b1, b2 = int(m.geom_bodyid[c.geom1]), int(m.geom_bodyid[c.geom2])
        if b1 in mine and b2 in parts:
            part = parts[b2]
        elif b2 in mine and b1 in parts:
            part = parts[b1]
        else:
            continue
        mujoco.mj_contactForce(m, d, i, force)
        out[part] = out.get(part, 0.0) + float(force[0])
    return out


def _hand_lift_force(scene: Scene, obj: str) -> float:
    """Upward (world +z) component of the hand's total contact force on ``obj`` (N)."""
    mine = set(_handle(scene, obj).bodies)
    parts = hand_parts(scene)
    m, d = scene.model, scene.data
    force = np.zeros(6)
    up = 0.0
    for i in range(d.ncon):
        c = d.contact[i]
        b1, b2 = int(m.geom_bodyid[c.geom1]), int(m.geom_bodyid[c.geom2])
        if b2 in mine and b1 in parts:
            sign = 1.0  # the contact force acts on geom2, along the frame's normal
        elif b1 in mine and b2 in parts:
            sign = -1.0
        else:
            continue
        mujoco.mj_contactForce(m, d, i, force)
        world = c.frame.reshape(3, 3).T @ force[:3]
        up += sign * float(world[2])
    return up


def _touches_other_than_hand(scene: Scene, obj: str) -> bool:
    """Whether ``obj`` is in contact with anything that is not part of the hand."""
    mine = set(_handle(scene, obj).bodies)
    parts = hand_parts(scene)
    m, d = scene.model, scene.data
    for c in d.contact[: d.ncon]:
        b1, b2 = int(m.geom_bodyid[c.geom1]), int(m.geom_bodyid[c.geom2])
        if b1 in mine and b2 not in mine and b2 not in parts:
            return True
        if b2 in mine and b1 not in mine and b1 not in parts:
            return True
    return False


def _touching(scene: Scene, a: ObjectHandle, b: ObjectHandle) -> bool:
    d = scene.data
    ga, gb = set(a.geoms), set(b.geoms)
    for i in range(d.ncon):
        g1, g2 = int(d.contact[i].geom1), int(d.contact[i].geom2)
        if (g1 in ga and g2 in gb) or (g1 in gb and g2 in ga):
            return True
    return False


def _quat_to_mat(quat: np.ndarray) -> np.ndarray:
    mat = np.zeros(9)
    mujoco.mju_quat2Mat(mat, np.asarray(quat, dtype=float))
    return mat.reshape(3, 3)


def _axis_angle_mat(axis: np.ndarray, angle: float) -> np.ndarray:
    quat = np.zeros(4)
    mujoco.mju_axisAngle2Quat(quat, axis, angle)
    return _quat_to_mat(quat)


def _rotation_angle_deg(rot: np.ndarray) -> float:
    """The angle (degrees) of a rotation matrix: its geodesic distance from the identity."""
    return math.degrees(math.acos(float(np.clip((np.trace(rot) - 1.0) / 2.0, -1.0, 1.0))))


# ---------------------------------------------------------------------------------- predicates
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
    if sum(forces.values()) < GRASP_FORCE or _touches_other_than_hand(scene, obj):
        return False
    handle = _handle(scene, obj)
    weight = float(scene.model.body_subtreemass[handle.body]) * float(-scene.model.opt.gravity[2])
    return _hand_lift_force(scene, obj) >= CARRY_SUPPORT * weight


@_predicate("object", "number")
def lifted(ctx: PredicateContext, obj: str, h: float) -> bool:
    """The lowest point of ``obj``'s collision geometry is at least ``h`` metres above the table
    top."""
    scene = ctx.scene
    lo, _ = _bounds(scene, _handle(scene, obj))
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
    site = _interior_site(scene, container)
    handle = _handle(scene, obj)
    local = d.site_xmat[site].reshape(3, 3).T @ (d.xpos[handle.body] - d.site_xpos[site])
    if not np.all(np.abs(local) <= m.site_size[site]):
        return False
    lo, _ = _bounds(scene, handle)
    _, rim = _bounds(scene, _handle(scene, container))
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
    a, b = _handle(scene, obj), _handle(scene, support)
    lo_a, _ = _bounds(scene, a)
    lo_b, hi_b = _bounds(scene, b)
    centre = scene.data.xpos[a.body]
    if not lo_b[2] <= lo_a[2] <= hi_b[2] + ON_TOP_GAP:
        return False
    if not (np.all(lo_b[:2] <= centre[:2]) and np.all(centre[:2] <= hi_b[:2])):
        return False
    return _touching(scene, a, b)


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
    handle = _handle(ctx.scene, obj)
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
    z = ctx.scene.data.xmat[_handle(ctx.scene, obj).body].reshape(3, 3)[:, 2]
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
    handle = _handle(scene, obj)
    if axis not in _AXES:
        raise ConfigError(f"rotated(): axis must be 'x', 'y' or 'z', not {axis!r}")
    if obj not in ctx.initial_quats:
        raise ConfigError(
            f"rotated(): no initial orientation of {obj!r}; build the context with "
            "PredicateContext.capture(scene)"
        )
    start = _quat_to_mat(ctx.initial_quats[obj])
    now = scene.data.xmat[handle.body].reshape(3, 3)
    turned = now @ start.T
    target = _axis_angle_mat(np.eye(3)[_AXES[axis]], math.radians(angle_deg))
    return _rotation_angle_deg(target.T @ turned) <= tol_deg


@_predicate("target", "number")
def palm_at(ctx: PredicateContext, target: str | Sequence[float], tol: float) -> bool:
    """The palm site is within ``tol`` metres of ``target``: a world point ``[x, y, z]`` or a
    point name as for :func:`near`."""
    palm = ctx.scene.data.site_xpos[ctx.scene.robot.palm_site]
    return bool(np.linalg.norm(palm - _position(ctx.scene, target)) <= tol)


# ---------------------------------------------------------------------------------- parser
BoolFn = Callable[[PredicateContext], bool]
NumFn = Callable[[PredicateContext], float]


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple[Arg, ...]
    fn: Predicate = field(compare=False, repr=False)
    """Bound when parsed: later changes to :data:`PREDICATES` do not change a parsed condition."""

    @property
    def label(self) -> str:
        def show(a: Arg) -> str:
            if isinstance(a, tuple):
                return "[" + ", ".join(f"{v:g}" for v in a) + "]"
            return f"{a:g}" if isinstance(a, float) else a

        return f"{self.name}({', '.join(show(a) for a in self.args)})"

    def __call__(self, ctx: PredicateContext) -> bool | float:
        return self.fn(ctx, *self.args)


class Success:
    """A parsed success condition: call it with a :class:`PredicateContext` to get a bool."""

    def __init__(self, text: str, evaluate: BoolFn, calls: Sequence[_Call]) -> None:
        self.text = text
        self._evaluate = evaluate
        self._calls = tuple(dict.fromkeys(calls))  # unique, in order of appearance

    def __call__(self, ctx: PredicateContext) -> bool:
        return bool(self._evaluate(ctx))

    def names(self) -> tuple[str, ...]:
        """The predicate names used, each once, in order of appearance."""
        return tuple(dict.fromkeys(c.name for c in self._calls))

    def calls(self) -> tuple[str, ...]:
        """The predicate calls, in canonical form (``lifted(bottle, 0.1)``), each once."""
        return tuple(c.label for c in self._calls)

    def explain(self, ctx: PredicateContext) -> str:
        """Every predicate call with its current value, e.g.
        ``lifted(bottle, 0.1)=False; joint_fraction(cabinet, door_hinge)=0.412``."""
        parts = []
        for call in self._calls:
            value = call(ctx)
            shown = f"{value:.3f}" if _SIGNATURES[call.name].numeric else str(bool(value))
            parts.append(f"{call.label}={shown}")
        return "; ".join(parts)

    def __repr__(self) -> str:
        return f"Success({self.text!r})"


_CMP: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}

_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.NamedExpr: "assignment expression (:=)",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.BinOp: "arithmetic",
    ast.IfExp: "conditional expression (x if c else y)",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.Starred: "star expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.List: "list",
    ast.Tuple: "tuple",
}


def _constant(value: float) -> NumFn:
    return lambda ctx: value


class _Parser:
    def __init__(self, text: str, scene: Scene | None) -> None:
        self.text = text
        self.scene = scene
        self.calls: list[_Call] = []

    # -------------------------------------------------------------- errors
    def error(self, message: str, allowed: bool = True) -> ConfigError:
        tail = f" {_allowed()}" if allowed else ""
        return ConfigError(f"success condition {self.text!r}: {message}.{tail}")

    def source(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ast.dump(node)

    def reject(self, node: ast.AST, where: str) -> ConfigError:
        what = _CONSTRUCTS.get(type(node), type(node).__name__)
        hint = ""
        if isinstance(node, ast.Attribute):
            what = f"attribute access '.{node.attr}'"
        elif isinstance(node, ast.BinOp):
            what = f"arithmetic ({type(node.op).__name__})"
            if isinstance(node.op, ast.Div):
                hint = " (quote names that hold '/', like 'bowl/rim')"
        elif isinstance(node, ast.Constant):
            what = f"constant {node.value!r}"
        elif isinstance(node, ast.Name):
            what = f"bare name {node.id!r}"
        elif isinstance(node, ast.UnaryOp):
            what = f"operator {type(node.op).__name__}"
        elif isinstance(node, ast.Call):
            what = "call of something other than a predicate name"
        return self.error(f"{what} is not allowed {where}: {self.source(node)}{hint}")

    # -------------------------------------------------------------- conditions
    def condition(self, node: ast.AST) -> BoolFn:
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda ctx: all(p(ctx) for p in parts)
            return lambda ctx: any(p(ctx) for p in parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.condition(node.operand)
            return lambda ctx: not inner(ctx)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            call, numeric = self.call(node)
            if numeric:
                raise self.error(
                    f"{call.name}() returns a number, not a condition; compare it, e.g. "
                    f"{self.source(node)} >= 0.9"
                )
            return lambda ctx: bool(call(ctx))
        raise self.reject(node, "as a condition")

    def compare(self, node: ast.Compare) -> BoolFn:
        for op in node.ops:
            if type(op) not in _CMP:
                symbol = type(op).__name__
                raise self.error(
                    f"comparison operator {symbol} is not allowed: {self.source(node)}"
                )
        operands = [self.operand(n) for n in (node.left, *node.comparators)]
        ops = []
        for k, op in enumerate(node.ops):
            if isinstance(operands[k], float) and isinstance(operands[k + 1], float):
                raise self.error(
                    "a comparison needs a numeric predicate on one side, e.g. "
                    f"joint_fraction(cabinet, door_hinge) >= 0.8: {self.source(node)}"
                )
            ops.append(_CMP[type(op)])
        evals = [_constant(o) if isinstance(o, float) else o for o in operands]

        def evaluate(ctx: PredicateContext) -> bool:
            left = evals[0](ctx)
            for op, right_fn in zip(ops, evals[1:], strict=True):
                right = right_fn(ctx)
                if not op(left, right):
                    return False
                left = right
            return True

        return evaluate

    def operand(self, node: ast.AST) -> float | NumFn:
        if isinstance(node, ast.Call):
            call, numeric = self.call(node)
            if not numeric:
                raise self.error(
                    f"{call.name}() is a condition, not a number; it cannot be compared (use "
                    f"'not' to negate it): {self.source(node)}"
                )
            return lambda ctx: float(call(ctx))
        number = self.number(node)
        if number is None:
            raise self.reject(node, "in a comparison")
        return number

    def number(self, node: ast.AST) -> float | None:
        sign = 1.0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            sign, node = -1.0, node.operand
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            value = sign * float(node.value)
            if not math.isfinite(value):
                raise self.error(f"numbers must be finite: {self.source(node)}")
            return value
        return None

    # -------------------------------------------------------------- calls
    def call(self, node: ast.Call) -> tuple[_Call, bool]:
        if not isinstance(node.func, ast.Name):
            raise self.reject(node, "(only predicates can be called)")
        name = node.func.id
        if name not in PREDICATES:
            raise self.error(unknown_name_message("predicate", name, PREDICATES).rstrip("."))
        sig = _SIGNATURES[name]
        if node.keywords:
            kw = node.keywords[0]
            shown = f"{kw.arg}=" if kw.arg else "**"
            raise self.error(
                f"keyword arguments ({shown}) are not allowed; pass arguments by position: "
                f"{sig.text(name)}"
            )
        if not sig.required <= len(node.args) <= len(sig.kinds):
            expected = (
                str(sig.required)
                if sig.required == len(sig.kinds)
                else f"{sig.required} to {len(sig.kinds)}"
            )
            raise self.error(
                f"{sig.text(name)} takes {expected} arguments, got {len(node.args)}: "
                f"{self.source(node)}"
            )
        args = tuple(
            self.argument(a, kind, name) for a, kind in zip(node.args, sig.kinds, strict=False)
        )
        if self.scene is not None:
            self.check_names(name, sig.kinds, args)
        call = _Call(name, args, PREDICATES[name])
        self.calls.append(call)
        return call, sig.numeric

    def argument(self, node: ast.AST, kind: ArgKind, fn: str) -> Arg:
        value: Arg
        if isinstance(node, ast.Name):
            value = node.id
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.List | ast.Tuple):
            items = [self.number(e) for e in node.elts]
            if any(v is None for v in items):
                raise self.error(f"lists may only hold numbers: {self.source(node)}")
            value = tuple(float(v) for v in items if v is not None)
        else:
            number = self.number(node)
            if number is None:
                raise self.reject(node, f"as an argument of {fn}()")
            value = number
        if kind == "number":
            ok, wants = isinstance(value, float), "a number"
        elif kind == "target":
            ok = isinstance(value, str) or (isinstance(value, tuple) and len(value) == 3)
            wants = "a point name or a list of 3 numbers [x, y, z]"
        elif kind == "axis":
            ok, wants = isinstance(value, str) and value in _AXES, "an axis: x, y or z"
        else:
            ok, wants = isinstance(value, str), "a name"
        if not ok:
            raise self.error(f"{fn}() expects {wants} here, not {self.source(node)}")
        return value

    def check_names(self, fn: str, kinds: Sequence[ArgKind], args: Sequence[Arg]) -> None:
        """Validate object, part, joint and finger names against the scene."""
        assert self.scene is not None
        scene = self.scene
        try:
            for k, (kind, arg) in enumerate(zip(kinds, args, strict=False)):
                if not isinstance(arg, str):
                    continue
                if kind == "object":
                    _handle(scene, arg)
                elif kind == "container":
                    _interior_site(scene, arg)
                elif kind == "joint":
                    obj = args[k - 1]
                    assert isinstance(obj, str)
                    joints = _handle(scene, obj).joints
                    if arg not in joints:
                        raise ConfigError(
                            f"object {obj!r}: " + unknown_name_message("joint", arg, joints)
                        )
                elif kind in ("point", "target"):
                    _locate(scene, arg)
        except ConfigError as exc:
            raise self.error(f"in {fn}(): {exc}".rstrip("."), allowed=False) from None


def parse_success(text: str, scene: Scene | None = None) -> Success:
    """Parse a success expression (see the module docstring for the grammar) into a
    :class:`Success`.

    With ``scene``, object, part, joint and finger names are checked against it. Raises
    :class:`ConfigError` naming the offending construct or name.
    """
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"success condition must be a non-empty string, not {text!r}")
    if len(text) > MAX_TEXT:
        raise ConfigError(f"success condition is {len(text)} characters long; at most {MAX_TEXT}")
    # one logical line (YAML block scalars keep newlines); same length, so offsets still match
    flat = text.strip().replace("\r", " ").replace("\n", " ")
    parser = _Parser(flat, scene)
    try:
        tree = ast.parse(flat, mode="eval")
    except SyntaxError as exc:
        raise parser.error(f"not a valid expression ({exc.msg}, column {exc.offset})") from None
    except ValueError as exc:  # e.g. a NUL character
        raise parser.error(f"not a valid expression ({exc})") from None
    try:
        evaluate = parser.condition(tree.body)
    except RecursionError:
        raise parser.error("nested too deeply", allowed=False) from None
    return Success(text, evaluate, parser.calls)
