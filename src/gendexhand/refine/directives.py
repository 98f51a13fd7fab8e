"""The directive grammar of stage 2: one line per correction a model (or the rules refiner) makes
to a generated scene, e.g. ``SCALE apple 1.5`` or ``MOVE bowl x -0.05``.

:func:`parse_directives` reads an answer and checks every line against the scene, reporting all
bad lines at once so the whole list can go back to the model in one message;
:func:`apply_directives` returns the corrected, re-validated :class:`SceneConfig`. :data:`GRAMMAR`
(built from this module's limits) and :func:`describe_targets` are the texts for the prompt.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

import mujoco
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gendexhand.assets.catalog import get_asset
from gendexhand.config.loading import parse_model
from gendexhand.config.scene import Coord, ObjectConfig, SceneConfig, check_count
from gendexhand.errors import ConfigError, unknown_name_message

Verb = Literal["SCALE", "MOVE", "ROTATE", "SET_JOINT", "REMOVE", "ACCEPT"]
Axis = Literal["x", "y", "z"]
VERBS: tuple[Verb, ...] = get_args(Verb)
AXES: tuple[Axis, ...] = get_args(Axis)

MAX_DIRECTIVES = 32
"""Most directives in one answer."""
MAX_DIRECTIVE_CHARS = 200
"""Longest directive of a structured answer (:class:`RefineAnswer`)."""
MAX_REASON_CHARS = 500
MAX_TEXT_CHARS = 20_000
"""Longest answer text :func:`parse_directives` reads (directives, comments and blank lines)."""
SCALE_FACTOR_RANGE = (0.25, 4.0)
"""Factor one SCALE directive may multiply the scale by."""
MAX_MOVE_M = 1.0
"""Largest translation (either sign) of one MOVE directive."""
MAX_ROTATE_DEG = 180.0
"""Largest angle (either sign) of one ROTATE directive."""
REMOVABLE_ROLE = "distractor"
REST_GAP = 0.001
"""Metres between the table top and the bottom of a resting object (as the scene builder)."""

ARGUMENTS: dict[Verb, tuple[str, ...]] = {
    "SCALE": ("object", "factor"), "MOVE": ("object", "axis", "metres"),
    "ROTATE": ("object", "axis", "degrees"), "SET_JOINT": ("object", "joint", "value"),
    "REMOVE": ("object",), "ACCEPT": (),
}  # fmt: skip
"""The arguments of each verb, in order; ``axis`` is one of x, y, z; the last word of SCALE,
MOVE, ROTATE and SET_JOINT is a number."""


def _limits(metadata: Iterable[object]) -> tuple[float, float]:
    """The (lower, upper) bound in pydantic metadata (an inner ``Field`` has a list of its own)."""
    found: dict[str, float] = {}
    for item in metadata:
        for m in getattr(item, "metadata", [item]):
            found.update({k: getattr(m, k) for k in ("ge", "gt", "le") if hasattr(m, k)})
    return found.get("ge", found.get("gt", -math.inf)), found.get("le", math.inf)


SCALE_LIMITS = _limits(ObjectConfig.model_fields["scale"].metadata)
"""An object's scale must be above the first and at most the second (the config's limits)."""
COORD_LIMITS = _limits(get_args(Coord)[1:])
"""Every coordinate of an object position lies within these (the config's limits)."""


def _num(v: float) -> str:
    """``v`` short (``1.5``, ``0.05``, ``2``) where that reads back exactly, else in full."""
    short = f"{v:g}"
    return short if float(short) == v else repr(float(v))


@dataclass(frozen=True)
class Directive:
    """One correction. ``object`` is an instance name (None only for ACCEPT), ``axis`` is set for
    MOVE and ROTATE, ``joint`` for SET_JOINT, ``value`` (factor, metres, degrees, or a joint
    value) for every verb but REMOVE and ACCEPT. A malformed one raises :class:`ConfigError`."""

    verb: Verb
    object: str | None = None
    axis: Axis | None = None
    value: float | None = None
    joint: str | None = None

    def __post_init__(self) -> None:
        if self.verb not in VERBS:
            raise ConfigError(unknown_name_message("verb", str(self.verb), VERBS))
        args = ARGUMENTS[self.verb]
        wanted = {
            "object": "object" in args, "axis": "axis" in args, "joint": "joint" in args,
            "value": len(args) > 1 and args[-1] not in ("axis", "joint"),
        }  # fmt: skip
        for name, needed in wanted.items():
            if needed != (getattr(self, name) is not None):
                state = "needs" if needed else "takes no"
                raise ConfigError(f"{self.verb} {state} {name}: {usage(self.verb)}")
        if self.axis is not None and self.axis not in AXES:
            raise ConfigError(_bad_axis(str(self.axis)))
        if self.value is not None and not math.isfinite(self.value):
            raise ConfigError(f"{self.verb} needs a finite number, got {self.value}")

    def text(self) -> str:
        """The canonical line, e.g. ``MOVE apple z 0.05``; it parses back to this directive."""
        value = None if self.value is None else _num(self.value)
        words = (self.verb, self.object, self.axis, self.joint, value)
        return " ".join(w for w in words if w is not None)


def _bad_axis(word: str) -> str:
    return f"unknown axis {word[:40]!r}; the axis is one of {', '.join(AXES)} (world frame)"


def usage(verb: Verb) -> str:
    """The form of a directive, e.g. ``SCALE <object> <factor>``."""
    return " ".join([verb, *(f"<{'x|y|z' if a == 'axis' else a}>" for a in ARGUMENTS[verb])])


def euler_to_quat(euler_deg: Sequence[float]) -> np.ndarray:
    """The unit quaternion (w, x, y, z) of ``euler_deg`` as the scene builder reads it:
    ``mju_euler2Quat(…, "XYZ")``, i.e. turns about the fixed world x, y, z axes in that order
    (R = Rz(c)·Ry(b)·Rx(a), the same as intrinsic z-y'-x'')."""
    quat = np.zeros(4)
    mujoco.mju_euler2Quat(quat, np.deg2rad(np.asarray(euler_deg, dtype=float)), "XYZ")
    return quat


def quat_to_euler(quat: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """The angles (a, b, c) in degrees of a quaternion (w, x, y, z), inverting
    :func:`euler_to_quat`, with b in [-90, 90]. At gimbal lock (b = ±90) only a ∓ c is
    defined; c is then 0."""
    w, x, y, z = np.asarray(quat, dtype=float) / np.linalg.norm(quat)
    r00, r01 = 1 - 2 * (y * y + z * z), 2 * (x * y - w * z)
    r10, r11 = 2 * (x * y + w * z), 1 - 2 * (x * x + z * z)
    r20, r21, r22 = 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)
    cos_b = math.hypot(r00, r10)
    b = math.atan2(-r20, cos_b)
    if cos_b > 1e-9:
        a, c = math.atan2(r21, r22), math.atan2(r10, r00)
    else:  # Ry(±90)·Rx(a) alone: r01 = ±sin(a), r11 = cos(a)
        a, c = math.atan2(r01 if r20 < 0 else -r01, r11), 0.0
    return math.degrees(a), math.degrees(b), math.degrees(c)


def _tidy_angle(deg: float) -> float:
    """``deg`` rounded to 1e-6 degrees, in (-180, 180], with no negative zero."""
    out = round(deg, 6)
    return (out + 360.0 if out <= -180.0 else out) + 0.0


def rotate_euler(euler_deg: Sequence[float], axis: Axis, degrees: float) -> tuple[float, ...]:
    """``euler_deg`` (see :func:`euler_to_quat`) after a turn of ``degrees`` about world ``axis``
    (right-handed: positive z turns x towards y), tidied to 1e-6 degrees in (-180, 180]."""
    half = math.radians(degrees) / 2
    turn = np.zeros(4)
    turn[0], turn[1 + AXES.index(axis)] = math.cos(half), math.sin(half)
    out = np.zeros(4)
    mujoco.mju_mulQuat(out, turn, euler_to_quat(euler_deg))
    return tuple(_tidy_angle(v) for v in quat_to_euler(out))


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)


def _number(word: str, what: str) -> float:
    if _NOT_FINITE.fullmatch(word):
        raise ValueError(f"{what} must be a finite number, got {word!r}")
    if not _NUMBER.fullmatch(word):
        raise ValueError(f"{what} {word[:40]!r} is not a number (write e.g. 1.5, -0.02, 2e-3)")
    value = float(word)
    if not math.isfinite(value):
        raise ValueError(f"{what} {word[:40]!r} is too large to be a finite number")
    return value


def _parse_line(line: str) -> Directive:
    """The directive of one non-blank line (comment removed); ValueError/ConfigError if bad."""
    words = line.split()
    verb = next((v for v in VERBS if v == words[0].upper()), None)
    if verb is None:
        raise ValueError(unknown_name_message("verb", words[0], VERBS))
    args, names = words[1:], ARGUMENTS[verb]
    if len(args) != len(names):
        raise ValueError(f"{verb} takes {len(names)} argument(s), got {len(args)}: {usage(verb)}")
    fields: dict[str, Any] = {"verb": verb}
    for name, word in zip(names, args, strict=True):
        if name in ("object", "joint"):
            fields[name] = word
        elif name == "axis":
            if word.lower() not in AXES:
                raise ValueError(_bad_axis(word))
            fields["axis"] = word.lower()
        else:
            fields["value"] = _number(word, name)
    return Directive(**fields)


def _reason(exc: Exception) -> str:
    """The message of ``exc`` without the line wrapping :class:`ConfigError` adds."""
    return str(exc.args[0]) if exc.args else str(exc)


def parse_directives(text: str, config: SceneConfig, roles: Mapping[str, str]) -> list[Directive]:
    """The directives of an answer (one per line; ``#`` starts a comment), checked against
    ``config`` in order, each on the scene as the lines before it leave it. ``roles`` maps
    instance names to their role; only a ``distractor`` may be removed. Raises
    :class:`ConfigError` listing every bad line as ``line N: <text>: <reason>``. An answer with
    no directive is refused (ACCEPT keeps the scene)."""
    if len(text) > MAX_TEXT_CHARS:
        raise ConfigError(f"answer: at most {MAX_TEXT_CHARS} characters, got {len(text)}")
    lines = [(n, raw.split("#", 1)[0].strip()) for n, raw in enumerate(text.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise ConfigError("answer: no directives; send ACCEPT to keep the scene as it is")
    if len(lines) > MAX_DIRECTIVES:
        raise ConfigError(f"answer: {len(lines)} directives; at most {MAX_DIRECTIVES} allowed")
    reasons: dict[int, str] = {}
    parsed: list[tuple[int, Directive]] = []
    for n, line in lines:
        try:
            parsed.append((n, _parse_line(line)))
        except (ValueError, ConfigError) as exc:
            reasons[n] = _reason(exc)
    _, bad = _run(config, [d for _, d in parsed], roles, total=len(lines))
    reasons.update({parsed[i][0]: reason for i, reason in bad.items()})
    if reasons:
        shown = {n: line if len(line) <= 60 else line[:57] + "..." for n, line in lines}
        raise ConfigError(
            _report(len(lines), [(f"line {n}", shown[n], reasons[n]) for n in sorted(reasons)])
        )
    return [d for _, d in parsed]


def _report(total: int, bad: list[tuple[str, str, str]]) -> str:
    """``<where>: <text>: <reason>`` for every bad directive, under a heading."""
    head = f"{len(bad)} of {total} directive(s) refused; nothing was applied:"
    return "\n".join([head, *(": ".join(item) for item in bad)])


def apply_directives(
    config: SceneConfig, directives: Sequence[Directive], roles: Mapping[str, str] | None = None
) -> SceneConfig:
    """A new scene: ``config`` with ``directives`` applied in order, validated as a whole. The
    checks of :func:`parse_directives` apply (REMOVE's role check only when ``roles`` is given);
    a refusal raises :class:`ConfigError` listing ``directive N: <text>: <reason>`` for every
    bad one. ``[ACCEPT]`` and an empty list return the scene unchanged."""
    objects, bad = _run(config, directives, roles, total=len(directives))
    if bad:
        items = [(f"directive {i + 1}", directives[i].text(), bad[i]) for i in sorted(bad)]
        raise ConfigError(_report(len(directives), items))
    data = config.model_dump(exclude_unset=True)
    data["objects"] = [o.model_dump(exclude_unset=True) for o in objects]
    return parse_model(SceneConfig, data, "the refined scene")


def _run(
    config: SceneConfig,
    directives: Sequence[Directive],
    roles: Mapping[str, str] | None,
    total: int,
) -> tuple[list[ObjectConfig], dict[int, str]]:
    """The objects after applying every acceptable directive in turn, and the reason each other
    one (by index) was refused. ``total`` counts the answer's directives, parsed or not."""
    names = {o.instance for o in config.objects}
    state = {o.instance: o for o in config.objects}
    bad: dict[int, str] = {}
    for i, d in enumerate(directives):
        try:
            if d.verb == "ACCEPT":
                if total > 1:
                    raise ValueError(
                        f"ACCEPT must be the only directive, but the answer has {total - 1} "
                        "more; either accept the scene as it is or send only the changes"
                    )
                continue
            obj = d.object or ""
            if obj not in names:
                raise ValueError(unknown_name_message("object", obj, names))
            if obj not in state:
                raise ValueError(f"object {obj!r} was removed by an earlier directive")
            if d.verb == "REMOVE":
                _check_removable(obj, roles)
                del state[obj]
            else:
                state[obj] = _changed(state[obj], d, config.table.height)
        except (ValueError, ConfigError) as exc:
            bad[i] = _reason(exc)
    return list(state.values()), bad


def _check_removable(name: str, roles: Mapping[str, str] | None) -> None:
    if roles is None:
        return
    role = roles.get(name)
    if role is None:
        raise ValueError(f"{name!r} has no role; only a {REMOVABLE_ROLE} may be removed")
    if role != REMOVABLE_ROLE:
        raise ValueError(f"{name!r} is the {role}; only a {REMOVABLE_ROLE} may be removed")


def _changed(obj: ObjectConfig, d: Directive, table_height: float) -> ObjectConfig:
    """``obj`` after SCALE, MOVE, ROTATE or SET_JOINT ``d``; ValueError says why not. ROTATE
    turns about the centre, so a resting ([x, y]) object keeps its [x, y]: the builder rests it
    by its unrotated bottom (``asset.bottom × scale``), and a turn about x or y may sink it
    into the table or lift it off (the physical checks see that)."""
    assert d.value is not None
    value, asset = float(d.value), get_asset(obj.asset)
    update: dict[str, Any] = {}
    if d.verb == "SCALE":
        update = _scaled(obj, value)
    elif d.verb == "MOVE":
        if not -MAX_MOVE_M <= value <= MAX_MOVE_M:
            raise ValueError(
                f"move of {_num(value)} m is outside {_span(MAX_MOVE_M)} m per directive"
            )
        pos, i = list(obj.pos), AXES.index(d.axis or "x")
        if i == 2 and len(pos) == 2:  # resting on the table: from its resting height on
            pos.append(table_height + asset.bottom * obj.scale + REST_GAP)
        pos[i] = round(pos[i] + value, 6) + 0.0
        lo, hi = COORD_LIMITS
        if not lo <= pos[i] <= hi:
            raise ValueError(f"{d.axis} would become {_num(pos[i])} m, outside [{lo:g}, {hi:g}] m")
        update = {"pos": tuple(pos)}
    elif d.verb == "ROTATE":
        if not -MAX_ROTATE_DEG <= value <= MAX_ROTATE_DEG:
            raise ValueError(
                f"angle {_num(value)} degrees is outside {_span(MAX_ROTATE_DEG)} per directive"
            )
        update = {"euler_deg": rotate_euler(obj.euler_deg, d.axis or "x", value)}
    elif d.verb == "SET_JOINT":
        update = {"joints": {**obj.joints, _joint_checked(obj, d.joint or "", value): value}}
    try:
        return ObjectConfig.model_validate({**obj.model_dump(exclude_unset=True), **update})
    except ValidationError as exc:
        msgs = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ValueError("; ".join(msgs)) from None


def _span(limit: float) -> str:
    return f"[{-limit:g}, {limit:g}]"


def _scaled(obj: ObjectConfig, factor: float) -> dict[str, Any]:
    """The fields of ``obj`` scaled by ``factor``; slide-joint values scale along."""
    lo, hi = SCALE_FACTOR_RANGE
    if not lo <= factor <= hi:
        raise ValueError(f"factor {_num(factor)} is outside [{lo:g}, {hi:g}] per directive")
    scale = float(f"{obj.scale * factor:.10g}")
    low, high = SCALE_LIMITS
    if not low < scale <= high:
        raise ValueError(
            f"the scale would become {_num(scale)}, outside the valid range ({low:g}, {high:g}] "
            f"(it is {_num(obj.scale)}, so the factor must be at most {high / obj.scale:.4g})"
        )
    kinds = {j.name: j.kind for j in get_asset(obj.asset).joints}
    joints = {
        name: float(f"{v * factor:.10g}") if kinds.get(name) == "slide" else v
        for name, v in obj.joints.items()
    }
    return {"scale": scale, "joints": joints}


def _joint_checked(obj: ObjectConfig, name: str, value: float) -> str:
    """``name``, if ``obj`` has that joint and ``value`` lies in its range at ``obj``'s scale."""
    asset = get_asset(obj.asset)
    joints = {j.name: j for j in asset.joints}
    if not joints:
        raise ValueError(
            f"object {obj.instance!r} (asset {asset.id}) has no joints; "
            "SET_JOINT is for articulated objects"
        )
    if name not in joints:
        raise ValueError(unknown_name_message("joint", name, joints))
    lo, hi, unit = _joint_range(obj, name)
    if not lo - 1e-9 <= value <= hi + 1e-9:
        raise ValueError(
            f"{name}={_num(value)} is outside the joint range [{lo:g}, {hi:g}] {unit} "
            f"({joints[name].meaning})"
        )
    return name


def _joint_range(obj: ObjectConfig, name: str) -> tuple[float, float, str]:
    """The range of joint ``name`` as the config stores it: radians, or metres at the scale."""
    j = get_asset(obj.asset).joint(name)
    lo, hi = j.scaled_range(obj.scale)
    return lo, hi, "rad" if j.kind == "hinge" else f"m (at scale {_num(obj.scale)})"


def _grammar() -> str:
    f_lo, f_hi = SCALE_FACTOR_RANGE
    s_lo, s_hi = SCALE_LIMITS
    c_lo, c_hi = COORD_LIMITS
    return "\n".join([
        f"Scene refinement directives: one per line, at most {MAX_DIRECTIVES} per answer.",
        "Verbs and axes are case-insensitive; object and joint names are written exactly as "
        "listed for the scene. Numbers are plain decimals (1.5, -0.02, 2e-3).",
        "Blank lines and text after '#' are ignored. Directives apply in order, each to the "
        "scene the lines before it leave; if any line is refused nothing is applied, and every "
        "refused line is reported with its reason.",
        "Units and frame: metres and degrees in the world frame (z up; the table top lies at "
        "the table height). An object resting on the table has a position [x, y]; one placed "
        "by its centre has [x, y, z]; euler_deg [a, b, c] turns it about the world x, y and z "
        "axes by a, b and c degrees, in that order.",
        "",
        usage("SCALE"),
        f"  Multiply the object's scale by factor, {f_lo:g} <= factor <= {f_hi:g}. The result "
        f"must lie in ({s_lo:g}, {s_hi:g}]. The object keeps its position (a resting one keeps "
        "resting); slide-joint values scale with it.",
        usage("MOVE"),
        f"  Move the object's centre along a world axis, -{MAX_MOVE_M:g} <= metres <= "
        f"{MAX_MOVE_M:g}; each coordinate must stay within [{c_lo:g}, {c_hi:g}]. A resting "
        "object moved in x or y keeps resting; a move in z starts from its resting height and "
        "from then on places it by its centre.",
        usage("ROTATE"),
        f"  Rotate the object about its centre and a world axis, -{MAX_ROTATE_DEG:g} <= "
        f"degrees <= {MAX_ROTATE_DEG:g} (right-handed: positive z turns +x towards +y). A "
        "resting object keeps its [x, y] and rests on the table by its unrotated bottom.",
        usage("SET_JOINT"),
        "  Set a joint of an articulated object: radians for a hinge, metres for a slide (at "
        "the object's current scale), within the joint's range as listed for the scene.",
        usage("REMOVE"),
        f"  Delete the object; only an object whose role is {REMOVABLE_ROLE} may be removed.",
        usage("ACCEPT"),
        "  Keep the scene as it is. ACCEPT must be the only directive of its answer: an answer "
        "that changes the scene leaves it out. An answer with no directive is refused.",
    ])  # fmt: skip


GRAMMAR: str = _grammar()
"""The grammar in words, for prompts (generated from this module's limits)."""


def describe_targets(config: SceneConfig, roles: Mapping[str, str]) -> str:
    """The objects directives can name, one per line: role, asset, scale, size, position,
    orientation and, for articulated ones, each joint with its range and value; the table
    first."""
    t = config.table
    x0, y0 = t.pos[0] - t.size[0] / 2, t.pos[1] - t.size[1] / 2
    lines = [
        f"table: top at z={_num(t.height)} m, x from {x0:.4g} to {x0 + t.size[0]:.4g}, "
        f"y from {y0:.4g} to {y0 + t.size[1]:.4g}",
        "objects:",
    ]
    for obj in config.objects:
        asset, s = get_asset(obj.asset), obj.scale
        role = roles.get(obj.instance)
        removable = "removable" if role == REMOVABLE_ROLE else "not removable"
        size = " x ".join(f"{v * s:.3g}" for v in asset.size)
        pos = ", ".join(_num(v) for v in obj.pos)
        where = "resting on the table" if len(obj.pos) == 2 else "centre"
        euler = ", ".join(_num(v) for v in obj.euler_deg)
        line = (
            f"- {obj.instance}: role {role or 'none'} ({removable}); asset {obj.asset}; scale "
            f"{_num(s)}; size {size} m; pos [{pos}] ({where}); euler_deg [{euler}]"
        )
        joints = []
        for j in asset.joints:
            lo, hi, unit = _joint_range(obj, j.name)
            now = _num(obj.joints[j.name]) if j.name in obj.joints else "asset default"
            joints.append(f"{j.name} ({j.kind}, [{lo:.4g}, {hi:.4g}] {unit}, now {now})")
        lines.append(line + (f"; joints: {', '.join(joints)}" if joints else ""))
    return "\n".join(lines)


class RefineAnswer(BaseModel):
    """A structured answer: the directives (each one line of the grammar) and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    directives: list[Annotated[str, Field(max_length=MAX_DIRECTIVE_CHARS)]] = Field(
        max_length=MAX_DIRECTIVES, description="Directives of the grammar, one per item."
    )
    reason: str = Field(max_length=MAX_REASON_CHARS, description="Why, in a few words.")

    @field_validator("directives", mode="before")
    @classmethod
    def _count_first(cls, v: object) -> object:
        return check_count(v, cls.model_fields["directives"].metadata)

    @field_validator("directives")
    @classmethod
    def _one_line_each(cls, v: list[str]) -> list[str]:
        for i, item in enumerate(v):
            if len(item.splitlines()) > 1:
                raise ValueError(f"directive {i + 1} spans several lines; give one per item")
        return v

    def text(self) -> str:
        """The directives as an answer text for :func:`parse_directives`."""
        return "\n".join(self.directives)
