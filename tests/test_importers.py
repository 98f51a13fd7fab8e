"""Importers on small files the tests make: a mesh folder and a PartNet-Mobility object."""

from __future__ import annotations

import json
from pathlib import Path

import mujoco
import numpy as np
import pytest
import trimesh

from gendexhand.assets import catalog, reload_catalog
from gendexhand.assets.importers import ImportOptions, import_path
from gendexhand.assets.library import read_asset_folder
from gendexhand.cli.main import main
from gendexhand.errors import AssetError
from gendexhand.sim.scene import build_scene
from tests.conftest import minimal_config

FAST = ImportOptions(quality="fast", license="CC-BY-4.0 (test meshes)")
CUP_PROFILE = np.array(
    [[0, 0], [0.035, 0], [0.04, 0.09], [0.036, 0.09], [0.031, 0.006], [0, 0.006]]
)


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own decomposition cache and asset library."""
    monkeypatch.setenv("GENDEXHAND_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GENDEXHAND_ASSET_DIR", str(tmp_path / "library"))
    reload_catalog()
    yield
    reload_catalog()


def _mesh_folder(root: Path) -> Path:
    folder = root / "meshes"
    folder.mkdir()
    trimesh.creation.box([0.04, 0.06, 0.1]).export(folder / "block.stl")
    trimesh.creation.revolve(CUP_PROFILE, sections=24).export(folder / "cup.obj")
    trimesh.creation.box([0.02, 0.1, 0.03]).export(folder / "tall.glb")  # y up in glTF
    (folder / "LICENSE").write_text("CC0-1.0: made by the test suite\n")
    return folder


def test_mesh_folder_import(tmp_path: Path) -> None:
    folders = import_path(_mesh_folder(tmp_path), tmp_path / "library", FAST)
    # "cup" is a built-in id, so the imported cup becomes "cup_imported"
    assert [f.name for f in folders] == ["block", "cup_imported", "tall"]
    block, cup, tall = (read_asset_folder(f) for f in folders)
    np.testing.assert_allclose(block.size, (0.04, 0.06, 0.1), atol=1e-6)
    assert block.mass == pytest.approx(0.04 * 0.06 * 0.1 * 500)  # density × volume
    np.testing.assert_allclose(tall.size, (0.02, 0.03, 0.1), atol=1e-6)  # turned z-up
    # the box is convex: one piece; the cup is not: several pieces, and still open at the top
    assert len(list((folders[0] / "meshes").glob("collision_*.obj"))) == 1
    assert len(list((folders[1] / "meshes").glob("collision_*.obj"))) >= 3
    np.testing.assert_allclose(cup.size, (0.08, 0.08, 0.09), atol=0.002)
    # the licence travels with the asset
    assert (folders[0] / "LICENSE.source.txt").read_text().startswith("CC0-1.0")
    assert "CC0-1.0" in block.source and "block.stl" in block.source
    assert block.graspable and block.grasps


def test_imported_concave_cup_holds_a_ball(tmp_path: Path) -> None:
    import_path(_mesh_folder(tmp_path), tmp_path / "library", FAST)
    reload_catalog()
    assert {"block", "cup_imported", "tall"} <= set(catalog())
    config = minimal_config(
        "floating_shadow",
        objects=[
            {"asset": "cup_imported", "pos": [0.15, 0.0]},
            {"asset": "golf_ball", "pos": [0.15, 0.0, 0.95], "scale": 0.8},
        ],
    )
    scene = build_scene(config, settle=False)
    for _ in range(round(1.5 / scene.model.opt.timestep)):
        mujoco.mj_step(scene.model, scene.data)
    ball = scene.data.xpos[scene.objects["golf_ball"].body]
    cup = scene.data.xpos[scene.objects["cup_imported"].body]
    assert np.linalg.norm(ball[:2] - cup[:2]) < 0.03  # inside the wall
    assert 0.75 + 0.004 < ball[2] - 0.0171 < 0.75 + 0.03  # resting on the inner floor


def test_decompositions_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import coacd

    folder = _mesh_folder(tmp_path)
    first = import_path(folder / "cup.obj", tmp_path / "library", FAST)
    pieces = sorted(p.read_bytes() for p in (first[0] / "meshes").glob("collision_*.obj"))

    def no_coacd(*args: object, **kwargs: object) -> None:
        raise AssertionError("CoACD ran again")

    monkeypatch.setattr(coacd, "run_coacd", no_coacd)
    again = import_path(folder / "cup.obj", tmp_path / "library", FAST, overwrite=True)
    assert sorted(p.read_bytes() for p in (again[0] / "meshes").glob("collision_*.obj")) == pieces


def test_import_needs_a_licence_and_refuses_to_overwrite(tmp_path: Path) -> None:
    folder = _mesh_folder(tmp_path)
    (folder / "LICENSE").unlink()
    with pytest.raises(AssetError, match=r"no licence found .* give the source's licence"):
        import_path(folder / "block.stl", tmp_path / "library", ImportOptions())
    import_path(folder / "block.stl", tmp_path / "library", FAST)
    with pytest.raises(AssetError, match="exists; pass --overwrite"):
        import_path(folder / "block.stl", tmp_path / "library", FAST)
    with pytest.raises(AssetError, match="not a mesh"):
        (tmp_path / "notes.txt").write_text("x")
        import_path(tmp_path / "notes.txt", tmp_path / "library", FAST)


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


def test_cli_import_list_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _mesh_folder(tmp_path)
    code = main(["assets", "import", str(folder / "block.stl"), "--quality", "fast"])
    assert code == 0
    out = capsys.readouterr().out
    assert "imported block: 4.0 × 6.0 × 10.0 cm" in out
    assert main(["assets", "list", "--json"]) == 0
    listed = {a["id"] for a in json.loads(capsys.readouterr().out)}
    assert "block" in listed and "cabinet" in listed
    assert main(["assets", "show", "block"]) == 0
    assert "licence (LICENSE next to the source)" in capsys.readouterr().out
    assert main(["assets", "show", "blok"]) == 2
    assert "unknown asset id 'blok'. Closest: block" in capsys.readouterr().err
