"""Model files shipped by pip packages, turned into ``mujoco.MjSpec`` parts.

gymnasium-robotics ships the Shadow Hand, a Franka Panda arm chain and the Adroit hand as MJCF
files. Only its files are used, never its Python environments (they break on recent MuJoCo).
Nothing is downloaded: if the package is missing, :class:`EmbodimentError` says what to install.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import mujoco

from gendexhand.errors import EmbodimentError
from gendexhand.packaged import gymnasium_robotics_assets
from gendexhand.yamlio import short

#: Licence notice that travels with every model built from gymnasium-robotics files.
GYMNASIUM_ROBOTICS_LICENSE = "gymnasium-robotics assets (MIT / Apache-2.0, see its LICENSE.md)"


def _neutralise_sizes(spec: mujoco.MjSpec) -> None:
    """Reset model-wide sizes a part file sets, so attaching it raises no conflicts."""
    for attr in (
        "nuser_jnt",
        "nuser_site",
        "nuser_tendon",
        "nuser_actuator",
        "nuser_sensor",
        "nuser_body",
        "nuser_geom",
        "nuser_cam",
    ):
        setattr(spec, attr, -1)
    spec.njmax = -1
    spec.nconmax = -1
    spec.option.iterations = 100
    spec.option.noslip_iterations = 0


def _strip_scenery(spec: mujoco.MjSpec) -> None:
    """Remove skyboxes and lights a part file brings; the scene supplies its own."""
    for texture in list(spec.textures):
        if texture.type == mujoco.mjtTexture.mjTEXTURE_SKYBOX:
            spec.delete(texture)
    for light in list(spec.lights):
        spec.delete(light)


def _strip_user_data(spec: mujoco.MjSpec) -> None:
    for collection in (spec.joints, spec.sites, spec.tendons, spec.actuators, spec.sensors):
        for element in collection:
            element.userdata = []


def shadow_hand() -> tuple[mujoco.MjSpec, str]:
    """The Shadow Hand from ``hand/reach.xml``, without its 4 kg forearm.

    Returns the spec and the name of the hand's root body (the wrist, carrying ``WRJ1``). Everything
    that is not the hand (floor, target sites, light) is removed. Touch sensors are kept.
    """
    spec = mujoco.MjSpec.from_file(str(gymnasium_robotics_assets() / "hand" / "reach.xml"))
    _neutralise_sizes(spec)
    _strip_user_data(spec)
    spec.delete(spec.body("floor0"))
    spec.delete(spec.geom("floor0"))
    _strip_scenery(spec)
    return spec, "robot0:wrist"


def _franka_xml(meshdir: Path) -> str:
    base = gymnasium_robotics_assets() / "kitchen_franka" / "franka_assets"
    assets = ET.parse(base / "assets.xml").getroot()
    chain = ET.parse(base / "chain.xml").getroot()
    actuators = ET.parse(base / "actuator.xml").getroot()
    root = ET.Element("mujoco", model="franka_panda")
    ET.SubElement(root, "compiler", angle="radian", meshdir=str(meshdir), autolimits="true")
    for tag in ("asset", "default"):
        for node in assets.findall(tag):
            root.append(node)
    world = ET.SubElement(root, "worldbody")
    for body in chain.findall("body"):
        world.append(body)
    for node in actuators.findall("actuator"):
        root.append(node)
    return ET.tostring(root, encoding="unicode")


def franka_arm() -> tuple[mujoco.MjSpec, str]:
    """The 7-DoF Franka Panda arm without its parallel gripper.

    The gripper's finger bodies, their actuators, and the gripper geoms on ``link7`` are removed, so
    a hand can be mounted on the flange. Returns the spec and the name of the flange body.
    """
    meshdir = gymnasium_robotics_assets() / "kitchen_franka" / "franka_assets" / "meshes"
    spec = mujoco.MjSpec.from_string(_franka_xml(meshdir))
    _strip_user_data(spec)
    flange = "panda0_link7"
    for actuator in list(spec.actuators):
        if "finger" in actuator.target or "gripper" in actuator.name:
            spec.delete(actuator)
    for child in list(spec.body(flange).bodies):
        spec.delete(child)
    for geom in list(spec.body(flange).geoms):
        if geom.meshname.startswith("hand_"):
            spec.delete(geom)
    for site in list(spec.body(flange).sites):
        spec.delete(site)
    return spec, flange


def adroit_hand() -> tuple[mujoco.MjSpec, str]:
    """The Adroit hand (a Shadow-like hand with its own gains) with its forearm body.

    Returns the spec whose world holds a ``forearm`` body (no joints) and the hand below it, and the
    name of the hand's root body (``wrist``).
    """
    base = gymnasium_robotics_assets() / "adroit_hand"
    xml = f"""
    <mujoco model="adroit">
      <include file="{base / "adroit_assets.xml"}"/>
      <worldbody>
        <body name="forearm">
          <inertial pos="0.001 -0.002 0.29" quat="0.982037 -0.0160006 0 -0.188007" mass="4"
                    diaginertia="0.01 0.01 0.0075"/>
          <geom name="V_forearm" class="D_Vizual" pos="0 -.01 .181" euler="0 0 -1.57"
                mesh="forearm_simple"/>
          <geom name="C_forearm1" class="DC_Hand" size="0.05 0.033" pos="0 0 0.29" type="capsule"
                rgba="0.4 0.5 0.6 0.1"/>
          <include file="{base / "adroit_model.xml"}"/>
        </body>
      </worldbody>
    </mujoco>
    """
    spec = mujoco.MjSpec.from_string(xml)
    # The parser resolves file names against the include's folder; point them at resources/.
    spec.meshdir = str(base / "resources" / "meshes")
    spec.texturedir = str(base / "resources" / "textures")
    for mesh in spec.meshes:
        mesh.file = Path(mesh.file).name
    for texture in spec.textures:
        if texture.file:
            texture.file = Path(texture.file).name
    _neutralise_sizes(spec)
    _strip_user_data(spec)
    _strip_scenery(spec)
    return spec, "wrist"


def hand_from_file(path: Path) -> tuple[mujoco.MjSpec, str]:
    """Any MJCF hand by path (e.g. LEAP or Allegro from a local MuJoCo Menagerie checkout).

    The hand's root body is the first body of the world that carries joints in its subtree; a
    free joint on it is removed (the hand is mounted on an arm or a floating base instead).
    """
    shown = short(str(path), 120)
    try:
        found = path.is_file()
    except OSError as exc:  # a name too long for the filesystem, a loop of links…
        raise EmbodimentError(f"hand model file {shown}: {exc.strerror}") from None
    if not found:
        raise EmbodimentError(f"hand model file {shown} does not exist")
    try:
        spec = mujoco.MjSpec.from_file(str(path))
    except Exception as exc:  # mujoco raises ValueError with the parser's message
        raise EmbodimentError(f"{shown}: cannot parse MJCF: {str(exc)[:300]}") from exc
    _neutralise_sizes(spec)
    _strip_user_data(spec)
    roots = [b for b in spec.worldbody.bodies if _has_joints(b)]
    if not roots:
        raise EmbodimentError(f"{path}: no body with joints under <worldbody>; not a hand model")
    root = roots[0]
    for joint in list(root.joints):
        if joint.type == mujoco.mjtJoint.mjJNT_FREE:
            spec.delete(joint)
    _strip_scenery(spec)
    for geom in list(spec.worldbody.geoms):
        spec.delete(geom)
    return spec, root.name


def _has_joints(body: mujoco.MjsBody) -> bool:
    if body.joints:
        return True
    return any(_has_joints(child) for child in body.bodies)
