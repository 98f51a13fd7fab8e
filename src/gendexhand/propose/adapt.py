"""From a proposal a model wrote to a candidate the layout can build, or the reasons it cannot.

A model's proposal names assets and roles; this module checks them against the catalog and the
hand (assets that exist, unique instance names, a target the hand can close round, a container
with an interior that the target fits, articulated objects with the joints named) and chooses
what the model left out: scales that fit the hand and the task, and initial joint openings that
make the task start unsolved (read from the success expression: an opening that must grow
starts closed, one that must shrink starts open). Every problem is reported at once, in words
a model can act on.
"""

from __future__ import annotations

import re

from gendexhand.assets.model import AssetInfo
from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.propose.families import (
    GRIP_FRACTION,
    MAX_SCALE,
    MIN_SCALE,
    Candidate,
    fit_scale,
    grip_scale,
    interior,
    support_scale,
)
from gendexhand.propose.schema import ProposedObject, TaskProposal
from gendexhand.store.paths import TASK_ID_RE

_FRACTION = re.compile(
    r"joint_fraction\(\s*(\w+)\s*,\s*['\"]?(\w+)['\"]?\s*\)\s*(>=|>|<=|<)\s*([0-9.]+)"
)
OPEN_START = 0.8
"""The opening (fraction of the range) a joint starts at when the task is to close it."""


def _instance_name(o: ProposedObject, where: str, seen: set[str], errors: list[str]) -> None:
    if not TASK_ID_RE.match(o.name):
        errors.append(f"{where}.name: {o.name[:40]!r} must be lower-case letters, digits, '_'")
    elif o.name in seen:
        errors.append(f"{where}.name: {o.name!r} is used twice; instance names must differ")
    seen.add(o.name)


def _grip(asset: AssetInfo, o: ProposedObject, aperture: float, where: str) -> float | str:
    """The target's scale, or why the hand cannot hold it."""
    why = asset.fixed or asset.articulated or not asset.graspable
    if why:
        return f"{where}: the {asset.id} cannot be picked up (fixed or articulated furniture)"
    if o.scale is None:
        s = grip_scale(asset, aperture)
        if s is not None:
            return s
        scale = MIN_SCALE
    else:
        scale = o.scale
    side = min(asset.size[0], asset.size[1], max(asset.size[2], 1e-3)) * scale
    if side > GRIP_FRACTION * aperture:
        return (
            f"{where}: the {asset.id} is {side:.3f} m across at its narrowest at scale "
            f"{scale:g}; this hand closes round at most {GRIP_FRACTION * aperture:.3f} m "
            f"(aperture {aperture:.3f} m × {GRIP_FRACTION}); choose a smaller object or scale"
        )
    return scale


def _start_openings(p: TaskProposal, o: ProposedObject, asset: AssetInfo) -> dict[str, float]:
    """Joint → opening fraction at the start: the model's, else what the success needs."""
    out = dict(o.joints)
    for obj, joint, op, _value in _FRACTION.findall(p.success):
        if obj == o.name and joint not in out:
            out[joint] = 0.0 if op.startswith(">") else OPEN_START
    return out


def _articulated(p: TaskProposal, o: ProposedObject, asset: AssetInfo, where: str,
                 errors: list[str]) -> dict[str, float]:  # fmt: skip
    if not asset.joints:
        errors.append(f"{where}: the {asset.id} has no joints; articulated assets: see the "
                      "catalog's joints")  # fmt: skip
        return {}
    start = _start_openings(p, o, asset)
    names = [j.name for j in asset.joints]
    for joint in start:
        if joint not in names:
            errors.append(f"{where}.joints: {asset.id} " + unknown_name_message(
                "joint", joint, names))  # fmt: skip
    return start


def adapt(p: TaskProposal, cat: dict[str, AssetInfo], aperture: float) -> Candidate:
    """The candidate of ``p`` (scales and joint states chosen); a :class:`ConfigError` listing
    every problem otherwise."""
    errors: list[str] = []
    if not TASK_ID_RE.match(p.id):
        errors.append(f"id: {p.id[:40]!r} must match {TASK_ID_RE.pattern}")
    seen: set[str] = set()
    assets: dict[str, AssetInfo] = {}
    for i, o in enumerate(p.objects):
        _instance_name(o, f"objects[{i}]", seen, errors)
        if o.asset not in cat:
            errors.append(f"objects[{i}].asset: " + unknown_name_message("asset", o.asset, cat))
        else:
            assets[o.name] = cat[o.asset]
    if not any(o.role != "distractor" for o in p.objects):
        errors.append("objects: every object is a distractor; the task needs something to act on")
    if errors:
        raise ConfigError("\n".join(errors))
    scales, joints = _scales(p, assets, aperture, errors), {}
    for i, o in enumerate(p.objects):
        if o.role == "articulated":
            joints[o.name] = _articulated(p, o, assets[o.name], f"objects[{i}]", errors)
        elif o.joints:
            errors.append(f"objects[{i}].joints: only articulated objects have joints")
    if errors:
        raise ConfigError("\n".join(errors))
    return Candidate(p.family, p, scales, joints)


def _scales(p: TaskProposal, assets: dict[str, AssetInfo], aperture: float,
            errors: list[str]) -> dict[str, float]:  # fmt: skip
    """Instance → scale: targets fitted to the hand, receivers to the targets."""
    scales: dict[str, float] = {}
    grasps = "grasp" in p.skills
    for i, o in enumerate(p.objects):
        asset = assets[o.name]
        holds = o.role == "target" and grasps and p.family != "tip_out"
        holds = holds or (o.role == "container" and p.family == "tip_out")
        if holds:
            got = _grip(asset, o, aperture, f"objects[{i}] ({o.name})")
            if isinstance(got, str):
                errors.append(got)
                continue
            scales[o.name] = got
        else:
            scales[o.name] = o.scale or 1.0
    targets = [o for o in p.objects if o.role == "target" and o.name in scales]
    for i, o in enumerate(p.objects):
        if o.role not in ("container", "support") or o.scale is not None or not targets:
            continue
        need = []
        for t in targets:
            if o.role == "container" and interior(assets[o.name]) is None:
                errors.append(f"objects[{i}]: the {o.asset} has no interior; it cannot contain "
                              "anything (use role support, or a container asset)")  # fmt: skip
                break
            fit = (fit_scale(assets[t.name], scales[t.name], assets[o.name])
                   if o.role == "container"
                   else support_scale(assets[t.name], scales[t.name], assets[o.name]))  # fmt: skip
            if fit is None:
                errors.append(f"objects[{i}]: the {t.name} does not fit the {o.asset} even "
                              f"at scale {MAX_SCALE}; choose a bigger {o.role}")  # fmt: skip
            else:
                need.append(fit)
        if need:
            scales[o.name] = max(scales[o.name], *need)
    return scales
