"""Scene builder: placement, settling, determinism, the state API."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from gendexhand.config import load_scene
from gendexhand.errors import ConfigError, SimulationError
from gendexhand.sim import state
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import Scene, build_scene

from ..conftest import EXAMPLES, minimal_config


def _model_bytes(model: mujoco.MjModel) -> bytes:
    size = mujoco.mj_sizeModel(model)
    buf = np.zeros(size, dtype=np.uint8)
    mujoco.mj_saveModel(model, None, buf)
    return buf.tobytes()


def test_same_config_gives_identical_model_and_trajectory() -> None:
    config = load_scene(EXAMPLES["reference"])
    a, b = build_scene(config), build_scene(config)
    assert _model_bytes(a.model) == _model_bytes(b.model)
    assert np.array_equal(a.initial_state, b.initial_state)
    rng = np.random.default_rng(3)
    la, lb = ControlLoop(a), ControlLoop(b)
    for _ in range(20):
        action = a.initial_ctrl + rng.normal(0, 0.05, a.model.nu)
        la.step(action)
        lb.step(action)
    assert np.array_equal(a.data.qpos, b.data.qpos)


def test_objects_rest_on_the_table_after_settling(reference_scene: Scene) -> None:
    top = reference_scene.config.table.height
    for name, handle in reference_scene.objects.items():
        pos, _ = state.object_pose(reference_scene, name)
        expected = top + handle.asset.bottom * handle.scale
        assert abs(pos[2] - expected) < 0.004, name
    assert reference_scene.settle_drift < 0.005


def test_scale_changes_size_and_mass() -> None:
    config = minimal_config(
        "floating_shadow",
        objects=[
            {"asset": "cube", "name": "small", "pos": [0.0, 0.2]},
            {"asset": "cube", "name": "big", "pos": [0.2, 0.2], "scale": 2.0},
        ],
    )
    scene = build_scene(config)
    m = scene.model
    small, big = scene.objects["small"].body, scene.objects["big"].body
    assert m.body_mass[big] == pytest.approx(8 * m.body_mass[small])
    assert m.body_mass[small] == pytest.approx(0.08)
    big_z, _ = state.object_pose(scene, "big")
    assert big_z[2] == pytest.approx(0.75 + 0.05, abs=0.004)


def test_joints_on_a_rigid_asset_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"objects\[0\]\.joints: asset 'cube' has no joints"):
        minimal_config(objects=[{"asset": "cube", "pos": [0, 0], "joints": {"hinge": 1}}])


def test_fixed_objects_have_no_free_joint() -> None:
    scene = build_scene(
        minimal_config(
            "floating_shadow", objects=[{"asset": "bowl", "pos": [0, 0.2], "fixed": True}]
        )
    )
    assert scene.objects["bowl"].qpos_adr is None
    assert scene.model.njnt == len(scene.robot.joints)


def test_state_api(reference_scene: Scene) -> None:
    scene = reference_scene
    pos, quat = state.palm_pose(scene)
    assert pos.shape == (3,) and quat.shape == (4,)
    tips = state.fingertip_positions(scene)
    assert set(tips) == {"index", "middle", "ring", "little", "thumb"}
    assert state.object_joint_positions(scene, "apple") == {}
    lin, ang = state.object_velocity(scene, "apple")
    assert np.linalg.norm(lin) < 0.05 and ang.shape == (3,)
    touching = {(c.body1, c.body2) for c in state.contacts(scene)}
    assert ("table", "apple") in touching or ("apple", "table") in touching
    assert state.hand_object_contacts(scene, "apple") == {}
    assert state.robot_joint_positions(scene).shape == (31,)
    with pytest.raises(SimulationError, match=r"unknown object 'appel'\. Closest: apple"):
        state.object_pose(scene, "appel")


def test_bad_actions_are_rejected(reference_scene: Scene) -> None:
    loop = ControlLoop(reference_scene)
    with pytest.raises(SimulationError, match="action has 3 values; this scene has 27 actuators"):
        loop.clip([0, 0, 0])
    with pytest.raises(SimulationError, match="NaN"):
        loop.clip(np.full(27, np.nan))
    clipped = loop.clip(np.full(27, 100.0))
    assert np.all(clipped <= reference_scene.model.actuator_ctrlrange[:, 1])


def test_expand_partial_actions(reference_scene: Scene) -> None:
    robot = reference_scene.robot
    full = robot.expand([0.5, 0.6, 0.7], ["index"], reference_scene.initial_ctrl)
    idx = robot.group_actuators(["index"])
    assert np.allclose(full[idx], [0.5, 0.6, 0.7])
    others = np.setdiff1d(np.arange(27), idx)
    assert np.array_equal(full[others], reference_scene.initial_ctrl[others])
