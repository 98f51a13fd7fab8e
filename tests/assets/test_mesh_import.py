"""Mesh import on small files the tests make: a mesh folder with a box, a cup and a glTF box."""

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

pytestmark = pytest.mark.usefixtures("private_dirs")

FAST = ImportOptions(quality="fast", license="CC-BY-4.0 (test meshes)")
CUP_PROFILE = np.array(
    [[0, 0], [0.035, 0], [0.04, 0.09], [0.036, 0.09], [0.031, 0.006], [0, 0.006]]
)


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
    with pytest.raises(AssetError, match=r"(?s)no licence found .* give the source's licence"):
        import_path(folder / "block.stl", tmp_path / "library", ImportOptions())
    import_path(folder / "block.stl", tmp_path / "library", FAST)
    with pytest.raises(AssetError, match="exists; pass --overwrite"):
        import_path(folder / "block.stl", tmp_path / "library", FAST)
    with pytest.raises(AssetError, match="not a mesh"):
        (tmp_path / "notes.txt").write_text("x")
        import_path(tmp_path / "notes.txt", tmp_path / "library", FAST)


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
