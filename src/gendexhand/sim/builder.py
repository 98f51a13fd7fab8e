"""Scene config → ``MjModel`` through ``mujoco.MjSpec``, then a settle step.

The robot's spec is the scene's spec: the table, objects, lights and floor are added to it, and
the robot's root body is placed at the base pose. Same config → identical model and state.
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np

from gendexhand.assets.catalog import get_asset
from gendexhand.assets.instance import instance_spec
from gendexhand.assets.model import AssetInfo
from gendexhand.config.scene import ObjectConfig, RegionConfig, SceneConfig
from gendexhand.embodiment.registry import RobotSpec, robot_spec
from gendexhand.physics import DEFAULT_PHYSICS, PhysicsSettings

TABLE_THICKNESS = 0.04
SETTLE_SECONDS = 0.5
OFFSCREEN_SIZE = (1280, 960)


@dataclass(frozen=True)
class ObjectHandle:
    """Where one object instance lives in the model."""

    name: str
    asset: AssetInfo
    scale: float
    body: int
    qpos_adr: int | None
    """Address of its free joint in ``qpos`` (None when fixed)."""
    geoms: tuple[int, ...]
    """Every geom of the instance (all its bodies)."""
    bodies: tuple[int, ...]
    joints: dict[str, int]
    """Articulation joint name (as in the catalog) → its address in ``qpos``."""

    @property
    def fixed(self) -> bool:
        return self.qpos_adr is None


def _quat_from_euler_deg(euler: tuple[float, float, float]) -> list[float]:
    quat = np.zeros(4)
    mujoco.mju_euler2Quat(quat, np.deg2rad(np.asarray(euler, dtype=float)), "XYZ")
    return [float(q) for q in quat]


def default_base_pos(config: SceneConfig, robot: RobotSpec) -> tuple[float, float, float]:
    """Where the robot base goes unless the config says otherwise."""
    t = config.table
    if robot.base_on_table:
        return (t.pos[0] - t.size[0] / 2 + 0.1, t.pos[1], t.height)
    return (t.pos[0] - 0.25, t.pos[1], t.height + 0.25)


def _add_environment(
    spec: mujoco.MjSpec, config: SceneConfig, physics: PhysicsSettings = DEFAULT_PHYSICS
) -> None:
    """Visual settings, sky, floor, the table (its top with ``physics``'s contact settings) and
    the key light."""
    spec.visual.global_.offwidth, spec.visual.global_.offheight = OFFSCREEN_SIZE
    spec.visual.quality.shadowsize = 2048
    spec.visual.headlight.ambient = [0.25, 0.25, 0.25]
    spec.visual.headlight.diffuse = [0.35, 0.35, 0.35]
    spec.visual.headlight.specular = [0.05, 0.05, 0.05]
    spec.visual.quality.offsamples = 0  # MSAA costs ~3× on CPU rasterisers (llvmpipe)
    spec.add_texture(
        name="gdh:sky",
        type=mujoco.mjtTexture.mjTEXTURE_SKYBOX,
        builtin=mujoco.mjtBuiltin.mjBUILTIN_GRADIENT,
        width=64,
        height=64,
        rgb1=[0.62, 0.7, 0.8],
        rgb2=[0.95, 0.95, 0.97],
    )
    spec.add_texture(
        name="gdh:grid",
        type=mujoco.mjtTexture.mjTEXTURE_2D,
        builtin=mujoco.mjtBuiltin.mjBUILTIN_CHECKER,
        width=256,
        height=256,
        rgb1=[0.32, 0.34, 0.38],
        rgb2=[0.26, 0.28, 0.32],
    )
    spec.add_material(name="gdh:floor", texrepeat=[8, 8], reflectance=0.0).textures[
        mujoco.mjtTextureRole.mjTEXROLE_RGB
    ] = "gdh:grid"
    world = spec.worldbody
    world.add_geom(
        name="floor", type=mujoco.mjtGeom.mjGEOM_PLANE, size=[4, 4, 0.05], material="gdh:floor"
    )
    t = config.table
    table = world.add_body(name="table", pos=[t.pos[0], t.pos[1], 0])
    top = table.add_geom(
        name="table_top",
        type=mujoco.mjtGeom.mjGEOM_BOX,
        size=[t.size[0] / 2, t.size[1] / 2, TABLE_THICKNESS / 2],
        pos=[0, 0, t.height - TABLE_THICKNESS / 2],
        rgba=[0.55, 0.42, 0.3, 1],
    )
    physics.contact_geom(top)
    leg_h = (t.height - TABLE_THICKNESS) / 2
    for sx in (-1, 1):
        for sy in (-1, 1):
            table.add_geom(
                type=mujoco.mjtGeom.mjGEOM_BOX,
                size=[0.025, 0.025, leg_h],
                pos=[sx * (t.size[0] / 2 - 0.05), sy * (t.size[1] / 2 - 0.05), leg_h],
                rgba=[0.45, 0.34, 0.24, 1],
                contype=0,
                conaffinity=0,
            )
    world.add_light(
        name="key",
        pos=[t.pos[0] + 0.3, t.pos[1] - 0.5, t.height + 2.0],
        dir=[-0.15, 0.25, -1],
        type=mujoco.mjtLightType.mjLIGHT_DIRECTIONAL,
        castshadow=True,
        diffuse=[0.55, 0.55, 0.55],
        specular=[0.1, 0.1, 0.1],
        ambient=[0.15, 0.15, 0.15],
    )


def _add_object(
    spec: mujoco.MjSpec, obj: ObjectConfig, config: SceneConfig, physics: PhysicsSettings
) -> None:
    """Attach one asset instance: body ``<instance>``, everything inside named ``<instance>/…``."""
    asset = get_asset(obj.asset)
    s = obj.scale
    if len(obj.pos) == 2:
        pos = [obj.pos[0], obj.pos[1], config.table.height + asset.bottom * s + 0.001]
    else:
        pos = list(obj.pos)
    child = instance_spec(asset, s, obj.rgba, obj.mass)
    frame = spec.worldbody.add_frame(pos=pos, quat=_quat_from_euler_deg(obj.euler_deg))
    body = frame.attach_body(child.body("root"), f"{obj.instance}/", "")
    body.name = obj.instance
    if not obj.is_fixed:
        body.add_freejoint(name=f"{obj.instance}:free")
    for geom in body.find_all(mujoco.mjtObj.mjOBJ_GEOM):
        if geom.contype or geom.conaffinity:
            physics.contact_geom(geom)


def build_spec(
    config: SceneConfig, physics: PhysicsSettings = DEFAULT_PHYSICS
) -> tuple[mujoco.MjSpec, RobotSpec]:
    """The scene as an ``MjSpec`` (not yet compiled) and the robot it holds; ``physics`` sets the
    global options and the contact settings of the objects, the hand and the table top."""
    robot = robot_spec(config.embodiment.name, config.embodiment.hand, physics)
    spec = robot.spec
    spec.modelname = config.task.name
    physics.apply(spec)
    _add_environment(spec, config, physics)
    root = spec.body(robot.root_body)
    root.pos = list(config.embodiment.base_pos or default_base_pos(config, robot))
    root.quat = _quat_from_euler_deg((0.0, 0.0, config.embodiment.base_yaw_deg))
    for obj in config.objects:
        _add_object(spec, obj, config, physics)
    for region in config.regions:
        _add_region(spec, region, config)
    return spec, robot


REGION_THICKNESS = 0.001


def region_geom(name: str) -> str:
    return f"region:{name}"


def _add_region(spec: mujoco.MjSpec, region: RegionConfig, config: SceneConfig) -> None:
    """A goal region: a thin coloured rectangle just above the table top that nothing touches."""
    spec.worldbody.add_geom(
        name=region_geom(region.name),
        type=mujoco.mjtGeom.mjGEOM_BOX,
        size=[region.size[0] / 2, region.size[1] / 2, REGION_THICKNESS / 2],
        pos=[region.pos[0], region.pos[1], config.table.height + REGION_THICKNESS / 2],
        rgba=list(region.rgba),
        contype=0,
        conaffinity=0,
    )
