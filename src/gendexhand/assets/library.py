"""Imported assets on disk: the ``asset.yaml`` format, and turning a folder into a catalog entry.

An asset folder holds ``asset.yaml``, its meshes (``meshes/*.obj``) and the licence it came with.
``asset.yaml`` has the catalog metadata (the fields of :class:`~gendexhand.assets.model.AssetInfo`)
plus ``bodies``: a tree of bodies at scale 1, each with an optional joint, convex collision meshes
with their masses, and visual meshes. The importers write this format; people may edit it (a
better description, a grasp frame) and the catalog reads it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import mujoco
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gendexhand.assets.model import AssetInfo, GraspFrame, JointInfo, Part
from gendexhand.errors import AssetError, ConfigError
from gendexhand.yamlio import read_yaml

FORMAT = 1
Vec3 = tuple[float, float, float]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JointSpec(_Strict):
    name: str
    type: Literal["hinge", "slide"]
    axis: Vec3
    range: tuple[float, float] | None = None
    """None: unlimited (a continuous hinge)."""
    damping: float = 0.5
    frictionloss: float = 0.05


class CollisionMesh(_Strict):
    mesh: str
    """Path relative to the asset folder."""
    mass: float = Field(gt=0)


class BodySpec(_Strict):
    name: str
    parent: str | None = None
    pos: Vec3 = (0.0, 0.0, 0.0)
    quat: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)
    joint: JointSpec | None = None
    collision: list[CollisionMesh] = Field(default_factory=list)
    visual: list[str] = Field(default_factory=list)


class PartSpec(_Strict):
    name: str
    kind: str
    pos: Vec3
    half_size: Vec3
    body: str = "root"
    description: str = ""


class JointInfoSpec(_Strict):
    name: str
    kind: Literal["hinge", "slide"]
    range: tuple[float, float]
    closed: float
    opened: float
    meaning: str
    part: str


class GraspSpec(_Strict):
    name: str
    part: str
    pos: Vec3
    approach: Vec3
    fingers: Vec3
    kind: Literal["power", "pinch", "hook"] = "power"
    standoff: float = 0.08
    symmetry: Literal["none", "z", "flip"] = "none"


class AssetFile(_Strict):
    """The schema of ``asset.yaml``."""

    format: Literal[1] = 1
    id: str
    name: str
    category: str
    description: str
    size: Vec3
    mass: float = Field(gt=0)
    graspable: bool
    rgba: tuple[float, float, float, float] = (0.7, 0.7, 0.7, 1.0)
    source: str
    license_file: str | None = None
    fixed: bool = False
    bodies: list[BodySpec]
    parts: list[PartSpec] = Field(default_factory=list)
    joints: list[JointInfoSpec] = Field(default_factory=list)
    grasps: list[GraspSpec] = Field(default_factory=list)


def _build(folder: Path, data: AssetFile) -> mujoco.MjSpec:
    spec = mujoco.MjSpec()
    spec.compiler.degree = False
    bodies: dict[str, mujoco.MjsBody] = {}
    for k, b in enumerate(data.bodies):
        if k == 0:
            if b.name != "root" or b.parent is not None:
                raise AssetError(f"{folder / 'asset.yaml'}: the first body must be 'root'")
            parent = spec.worldbody
        elif b.parent not in bodies:
            raise AssetError(
                f"{folder / 'asset.yaml'}: body {b.name!r} has parent {b.parent!r}, which is not "
                "listed before it"
            )
        else:
            parent = bodies[b.parent]
        body = parent.add_body(name=b.name, pos=list(b.pos), quat=list(b.quat))
        bodies[b.name] = body
        if b.joint is not None:
            j = b.joint
            kind = mujoco.mjtJoint.mjJNT_HINGE if j.type == "hinge" else mujoco.mjtJoint.mjJNT_SLIDE
            joint = body.add_joint(
                name=j.name,
                type=kind,
                axis=list(j.axis),
                damping=j.damping,
                frictionloss=j.frictionloss,
                armature=0.01,
            )
            if j.range is not None:
                joint.range = list(j.range)
                joint.limited = mujoco.mjtLimited.mjLIMITED_TRUE
            else:
                joint.limited = mujoco.mjtLimited.mjLIMITED_FALSE
        for i, c in enumerate(b.collision):
            name = f"{b.name}_c{i}"
            spec.add_mesh(name=name, file=str(folder / c.mesh))
            body.add_geom(
                type=mujoco.mjtGeom.mjGEOM_MESH,
                meshname=name,
                mass=c.mass,
                rgba=list(data.rgba),
                group=3 if b.visual else 0,
            )
        for i, v in enumerate(b.visual):
            name = f"{b.name}_v{i}"
            mesh = spec.add_mesh(name=name, file=str(folder / v))
            # visual meshes carry no mass and need not be closed
            mesh.inertia = mujoco.mjtMeshInertia.mjMESH_INERTIA_SHELL
            body.add_geom(
                type=mujoco.mjtGeom.mjGEOM_MESH,
                meshname=name,
                mass=0.0,
                contype=0,
                conaffinity=0,
                group=1,
                rgba=list(data.rgba),
            )
    return spec


def read_asset_folder(folder: Path) -> AssetInfo:
    """The catalog entry of one asset folder; :class:`AssetError` says what is wrong."""
    path = folder / "asset.yaml"
    try:
        raw = read_yaml(path)
    except ConfigError as exc:
        raise AssetError(str(exc)) from None
    try:
        data = AssetFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AssetError(f"{path}: {where}: {first['msg']}") from None
    for body in data.bodies:
        for mesh in [c.mesh for c in body.collision] + body.visual:
            if not (folder / mesh).is_file():
                raise AssetError(f"{path}: body {body.name!r} names a missing mesh {mesh!r}")

    def build(rgba: tuple[float, float, float, float]) -> mujoco.MjSpec:
        spec = _build(folder, data)
        if rgba != data.rgba:
            for geom in spec.geoms:
                geom.rgba = list(rgba)
        return spec

    return AssetInfo(
        id=data.id,
        name=data.name,
        category=data.category,
        description=data.description,
        size=data.size,
        mass=data.mass,
        graspable=data.graspable,
        rgba=data.rgba,
        build=build,
        parts=tuple(Part(**p.model_dump()) for p in data.parts),
        joints=tuple(JointInfo(**j.model_dump()) for j in data.joints),
        grasps=tuple(GraspFrame(**g.model_dump()) for g in data.grasps),
        source=data.source,
        fixed=data.fixed,
    )


def load_library(root: Path) -> list[AssetInfo]:
    """Every asset folder directly under ``root`` (none if ``root`` does not exist)."""
    if not root.is_dir():
        return []
    return [read_asset_folder(f) for f in sorted(root.iterdir()) if (f / "asset.yaml").is_file()]
