"""PartNet-Mobility import on a small object the tests make: a cabinet with a door and a drawer."""

from __future__ import annotations

import json
from pathlib import Path

import mujoco
import numpy as np
import pytest
import trimesh

from gendexhand.assets import reload_catalog
from gendexhand.assets.importers import ImportOptions, import_path
from gendexhand.assets.library import read_asset_folder
from gendexhand.sim.scene import build_scene
from tests.conftest import minimal_config

pytestmark = pytest.mark.usefixtures("private_dirs")

URDF = """<?xml version="1.0"?>
<robot name="cabinet_test">
  <link name="base"/>
  <link name="link_0">
    <collision><origin xyz="0 0 0"/>
      <geometry><mesh filename="textured_objs/body.obj"/></geometry></collision>
    <visual><origin xyz="0 0 0"/>
      <geometry><mesh filename="textured_objs/body.obj"/></geometry></visual>
  </link>
  <link name="link_1">
    <visual><origin xyz="0 0.3 0"/>
      <geometry><mesh filename="textured_objs/door.obj"/></geometry></visual>
  </link>
  <link name="link_2">
    <visual><origin xyz="-0.04 0.52 0"/>
      <geometry><mesh filename="textured_objs/handle.obj"/></geometry></visual>
  </link>
  <link name="link_3">
    <visual><geometry><mesh filename="textured_objs/drawer.obj"/></geometry></visual>
  </link>
  <joint name="joint_0" type="fixed">
    <origin xyz="0 0 0" rpy="0 0 0"/><parent link="base"/><child link="link_0"/>
  </joint>
  <joint name="joint_1" type="revolute">
    <origin xyz="-0.62 -0.3 0.3"/><axis xyz="0 0 1"/><parent link="link_0"/><child link="link_1"/>
    <limit lower="0" upper="1.57"/>
  </joint>
  <joint name="joint_2" type="fixed">
    <parent link="link_1"/><child link="link_2"/>
  </joint>
  <joint name="joint_3" type="prismatic">
    <origin xyz="-0.1 0 -0.4"/><axis xyz="-1 0 0"/><parent link="link_0"/><child link="link_3"/>
    <limit lower="0" upper="0.4"/>
  </joint>
</robot>
"""


def _partnet_folder(root: Path) -> Path:
    """A 1.2 m cabinet in PartNet-Mobility layout: a door on top, a drawer below, a handle.

    The drawer sits inside the body's box; parent and child bodies do not collide."""
    folder = root / "40147"
    (folder / "textured_objs").mkdir(parents=True)
    objs = folder / "textured_objs"
    # a closed box body keeps this test quick; concave decomposition is tested with the cup
    trimesh.creation.box([1.2, 1.2, 1.2]).export(objs / "body.obj")
    trimesh.creation.box([0.04, 0.6, 0.55]).export(objs / "door.obj")
    trimesh.creation.box([0.04, 0.04, 0.2]).export(objs / "handle.obj")
    trimesh.creation.box([1.0, 1.0, 0.3]).export(objs / "drawer.obj")
    (folder / "mobility.urdf").write_text(URDF)
    (folder / "semantics.txt").write_text(
        "link_0 static cabinet_body\nlink_1 hinge door\n"
        "link_2 static handle\nlink_3 slider drawer\n"
    )
    (folder / "meta.json").write_text(json.dumps({"model_cat": "StorageFurniture"}))
    return folder


def test_partnet_import_builds_an_articulated_asset(tmp_path: Path) -> None:
    options = ImportOptions(quality="fast", unit_scale=0.5, license="PartNet-Mobility terms")
    (folder,) = import_path(_partnet_folder(tmp_path), tmp_path / "library", options)
    asset = read_asset_folder(folder)
    assert asset.id == "partnet_40147" and asset.category == "storagefurniture"
    assert asset.fixed and asset.articulated
    np.testing.assert_allclose(asset.size, (0.64, 0.6, 0.6), atol=0.002)
    joints = {j.name: j for j in asset.joints}
    assert joints["joint_1"].kind == "hinge" and joints["joint_1"].range == (0.0, 1.57)
    assert joints["joint_3"].kind == "slide" and joints["joint_3"].range == (0.0, 0.2)  # × 0.5
    assert joints["joint_1"].part == "door" and joints["joint_3"].part == "drawer"
    assert {p.name for p in asset.parts} >= {"cabinet_body", "door", "handle", "drawer"}
    assert [g.part for g in asset.grasps] == ["handle"]
    assert "PartNet-Mobility terms" in (folder / "LICENSE.source.txt").read_text()

    reload_catalog()
    config = minimal_config(
        "floating_shadow",
        table={"size": [1.6, 1.2]},
        objects=[{"asset": asset.id, "pos": [0.4, 0.0], "joints": {"joint_3": 0.1}}],
    )
    scene = build_scene(config)
    handle = scene.objects[asset.id]
    assert scene.data.qpos[handle.joints["joint_3"]] == pytest.approx(0.1, abs=0.005)
    # the door opens when pushed about its hinge, and the handle moves with it
    m, d = scene.model, scene.data
    site = m.site(f"{asset.id}/grasp:handle_grasp").id
    before = d.site_xpos[site].copy()
    dof = m.jnt_dofadr[m.joint(f"{asset.id}/joint_1").id]
    d.qfrc_applied[dof] = 2.0
    for _ in range(500):
        mujoco.mj_step(m, d)
    assert d.qpos[handle.joints["joint_1"]] > 0.3
    assert np.linalg.norm(d.site_xpos[site] - before) > 0.05
