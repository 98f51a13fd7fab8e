"""One asset instance as an ``MjSpec``: built at scale 1, given its part and grasp sites, scaled.

Scaling semantics (uniform factor ``s``):

* lengths × s — body, geom, site, joint and frame positions; primitive sizes; mesh scales;
  slide-joint ranges and explicit inertial offsets. Hinge ranges (angles) are unchanged.
* mass × s³ (the density is kept) unless a mass is given, then every mass is multiplied by the
  same factor so the total is the given one; explicit inertias × s⁵ (and × the mass factor).
* joint damping, friction loss and armature are kept as they are.
"""

from __future__ import annotations

import math

import mujoco
import numpy as np

from gendexhand.assets.model import AssetInfo
from gendexhand.errors import AssetError

GRASP_GROUP = 4
"""Grasp frame sites: a site group renders hide by default (``show_sites`` shows it)."""
PART_GROUP = 5
"""Part region sites: hidden by default (``show_parts`` shows them)."""
PART_RGBA = [0.1, 0.8, 0.1, 0.3]
GRASP_RGBA = [0.9, 0.2, 0.9, 0.8]


def _scaled(values: object, s: float) -> list[float]:
    return [float(v) * s for v in values]  # type: ignore[attr-defined]


def _has(values: object) -> bool:
    return not any(math.isnan(float(v)) for v in values)  # type: ignore[attr-defined]


def scale_spec(spec: mujoco.MjSpec, s: float) -> None:
    """Scale every length in ``spec`` by ``s`` and every mass by ``s³`` (see module doc)."""
    if s == 1.0:
        return
    for body in spec.bodies:
        if body.name in ("world", "root"):
            continue
        body.pos = _scaled(body.pos, s)
    for body in spec.bodies:
        if body.explicitinertial:
            body.ipos = _scaled(body.ipos, s)
            body.mass = body.mass * s**3
            body.inertia = _scaled(body.inertia, s**5)
            if _has(body.fullinertia):
                body.fullinertia = _scaled(body.fullinertia, s**5)
    for geom in spec.geoms:
        geom.pos = _scaled(geom.pos, s)
        if geom.type != mujoco.mjtGeom.mjGEOM_MESH:
            geom.size = _scaled(geom.size, s)
        if _has(geom.fromto):
            geom.fromto = _scaled(geom.fromto, s)
        if not math.isnan(geom.mass):
            geom.mass = geom.mass * s**3
    for site in spec.sites:
        site.pos = _scaled(site.pos, s)
        site.size = _scaled(site.size, s)
    for joint in spec.joints:
        joint.pos = _scaled(joint.pos, s)
        if joint.type == mujoco.mjtJoint.mjJNT_SLIDE:
            joint.range = _scaled(joint.range, s)
    for mesh in spec.meshes:
        mesh.scale = _scaled(mesh.scale, s)
    for frame in spec.frames:
        frame.pos = _scaled(frame.pos, s)


def scale_mass(spec: mujoco.MjSpec, factor: float) -> None:
    """Multiply every mass (and explicit inertia) in ``spec`` by ``factor``."""
    for geom in spec.geoms:
        if not math.isnan(geom.mass):
            geom.mass = geom.mass * factor
        else:
            geom.density = geom.density * factor
    for body in spec.bodies:
        if body.explicitinertial:
            body.mass = body.mass * factor
            body.inertia = _scaled(body.inertia, factor)
            if _has(body.fullinertia):
                body.fullinertia = _scaled(body.fullinertia, factor)


def add_sites(spec: mujoco.MjSpec, asset: AssetInfo) -> None:
    """Sites for every part (``<part>``) and grasp frame (``grasp:<name>``) of ``asset``."""
    for part in asset.parts:
        body = spec.body(part.body)
        if body is None:
            raise AssetError(f"asset {asset.id!r}: part {part.name!r} names no body {part.body!r}")
        body.add_site(
            name=part.name,
            type=mujoco.mjtGeom.mjGEOM_BOX,
            pos=list(part.pos),
            size=list(part.half_size),
            group=PART_GROUP,
            rgba=PART_RGBA,
        )
    for grasp in asset.grasps:
        try:
            part = asset.part(grasp.part)
        except KeyError:
            raise AssetError(
                f"asset {asset.id!r}: grasp {grasp.name!r} names no part {grasp.part!r}"
            ) from None
        rot = grasp.rotation()
        if not np.allclose(rot.T @ rot, np.eye(3), atol=1e-6):
            raise AssetError(
                f"asset {asset.id!r}: grasp {grasp.name!r} approach and fingers must be "
                "orthogonal unit vectors"
            )
        spec.body(part.body).add_site(
            name=f"grasp:{grasp.name}",
            type=mujoco.mjtGeom.mjGEOM_SPHERE,
            pos=list(grasp.pos),
            quat=grasp.quat(),
            size=[0.006, 0, 0],
            group=GRASP_GROUP,
            rgba=GRASP_RGBA,
        )


def instance_spec(
    asset: AssetInfo,
    scale: float = 1.0,
    rgba: tuple[float, float, float, float] | None = None,
    mass: float | None = None,
) -> mujoco.MjSpec:
    """``asset`` as a spec whose world holds one body ``root``, ready to attach to a scene."""
    spec = asset.build(rgba or asset.rgba)
    if spec.body("root") is None:
        raise AssetError(f"asset {asset.id!r}: its builder made no body named 'root'")
    for joint in spec.joints:
        if joint.type == mujoco.mjtJoint.mjJNT_FREE:
            spec.delete(joint)  # the scene decides whether the object is free
    add_sites(spec, asset)
    scale_spec(spec, scale)
    if mass is not None:
        scale_mass(spec, mass / (asset.mass * scale**3))
    return spec
