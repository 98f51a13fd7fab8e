"""Articulated procedural furniture: fixed by default, initial joint values, doors and drawers."""

from __future__ import annotations

import mujoco
import pytest

from gendexhand.errors import ConfigError
from gendexhand.sim import state
from gendexhand.sim.scene import build_scene
from tests.assets.helpers import alone, in_region, run
from tests.conftest import minimal_config


def test_furniture_is_fixed_by_default_and_can_be_freed() -> None:
    assert alone("cabinet").objects["cabinet"].fixed
    assert not alone("storage_box", fixed=False).objects["storage_box"].fixed
    assert not alone("mug").objects["mug"].fixed


def test_initial_joint_values_and_their_errors() -> None:
    scene = alone("drawer", 0.8, joints={"drawer_slide": 0.15})
    assert scene.data.qpos[scene.objects["drawer"].joints["drawer_slide"]] == pytest.approx(
        0.15, abs=0.005
    )
    with pytest.raises(ConfigError, match=r"unknown joint 'slide'\. Valid joints: drawer_slide"):
        minimal_config(objects=[{"asset": "drawer", "pos": [0, 0], "joints": {"slide": 0.1}}])
    # slide ranges scale with the object: 0.22 m at scale 1 is 0.176 m at 0.8
    with pytest.raises(ConfigError, match=r"outside the joint range \[0, 0\.176\]"):
        minimal_config(
            objects=[
                {"asset": "drawer", "pos": [0, 0], "scale": 0.8, "joints": {"drawer_slide": 0.2}}
            ]
        )


def test_an_open_drawer_carries_what_is_in_it() -> None:
    scene = build_scene(
        minimal_config(
            "floating_shadow",
            objects=[
                {"asset": "drawer", "pos": [0.2, 0.0], "joints": {"drawer_slide": 0.2}},
                {"asset": "cube", "pos": [0.2 - 0.187 - 0.2 + 0.14, 0.0, 0.85]},
            ],
        )
    )
    assert in_region(scene, "cube", "drawer/interior")
    cube0, _ = state.object_pose(scene, "cube")
    slide = scene.objects["drawer"].joints["drawer_slide"]
    dof = int(scene.model.jnt_dofadr[scene.model.joint("drawer/drawer_slide").id])
    # pull it shut over one second with a PD force along its axis, then hold for half a second
    m, d = scene.model, scene.data
    for k in range(round(1.5 / m.opt.timestep)):
        target = max(0.0, 0.2 * (1 - k * m.opt.timestep))
        d.qfrc_applied[dof] = 300 * (target - d.qpos[slide]) - 30 * d.qvel[dof]
        mujoco.mj_step(m, d)
    moved = 0.2 - scene.data.qpos[slide]
    assert moved > 0.15
    cube, _ = state.object_pose(scene, "cube")
    assert cube[0] - cube0[0] == pytest.approx(moved, abs=0.02)  # the drawer's axis is −x
    assert in_region(scene, "cube", "drawer/interior")


def test_the_storage_box_lid_falls_shut_and_the_cabinet_door_stays_put() -> None:
    scene = alone("storage_box", joints={"lid_hinge": 1.0})
    run(scene, 1.5)
    assert scene.data.qpos[scene.objects["storage_box"].joints["lid_hinge"]] < 0.05
    scene = alone("cabinet", joints={"door_hinge": 0.8})
    run(scene, 1.0)
    assert scene.data.qpos[scene.objects["cabinet"].joints["door_hinge"]] == pytest.approx(
        0.8, abs=0.01
    )
