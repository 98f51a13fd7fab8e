"""Contract tests over every registered embodiment (and a hand given by path)."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from gendexhand.embodiment import embodiment_names
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.render import SceneRenderer
from gendexhand.sim.scene import Scene, build_scene

from ..conftest import minimal_config

NAMES = embodiment_names()

#: Step response: every group reaches its new targets within these bounds (see physics.py).
SETTLE_SECONDS = 1.0
SETTLE_TOLERANCE = {"arm": 0.005, "wrist": 0.01, "finger": 0.02}  # m or rad


def _scene(name: str) -> Scene:
    return build_scene(minimal_config(name))


@pytest.mark.parametrize("name", NAMES)
def test_builds_steps_and_holds_still(name: str) -> None:
    scene = _scene(name)
    loop = ControlLoop(scene)
    q0 = scene.data.qpos[scene.robot.qpos_adr].copy()
    palm0, _ = scene.robot.palm_pose(scene.data)
    for _ in range(200):
        loop.step(scene.initial_ctrl)
    assert np.all(np.isfinite(scene.data.qpos))
    drift = np.abs(scene.data.qpos[scene.robot.qpos_adr] - q0)
    palm, _ = scene.robot.palm_pose(scene.data)
    # the robot holds its own home targets: arm/wrist joints within 5 mrad, palm within 5 mm
    arm_wrist = [
        k
        for k, j in enumerate(scene.robot.joints)
        if j in scene.robot.group("arm").joints + scene.robot.group("wrist").joints
    ]
    assert drift[arm_wrist].max() < 5e-3
    assert np.linalg.norm(palm - palm0) < 5e-3
    assert loop.steps == 200


@pytest.mark.parametrize("name", NAMES)
def test_home_posture_is_above_the_table_without_contact(name: str) -> None:
    scene = _scene(name)
    table_top = scene.config.table.height
    tips = scene.robot.fingertips(scene.data)
    assert min(p[2] for p in tips.values()) > table_top + 0.05
    robot_bodies = set(scene.model.jnt_bodyid[scene.robot.joints])
    for i in range(scene.data.ncon):
        c = scene.data.contact[i]
        b1, b2 = scene.model.geom_bodyid[c.geom1], scene.model.geom_bodyid[c.geom2]
        assert not ({b1, b2} & robot_bodies and 0 in {b1, b2}), "robot touches the world"


def test_franka_holds_the_hand_tracking_error_at_rest() -> None:
    """The arm carries the hand: report the arm's tracking error after 2 s at home targets."""
    scene = _scene("franka_shadow")
    loop = ControlLoop(scene)
    loop.hold(50)
    arm = scene.robot.group("arm")
    err = np.abs(
        scene.data.actuator_length[list(arm.actuators)] - scene.data.ctrl[list(arm.actuators)]
    )
    print(f"franka_shadow arm tracking error at rest: max {err.max():.2e} rad")
    assert err.max() < 1e-3


@pytest.mark.parametrize("name", NAMES)
def test_step_response_per_group(name: str) -> None:
    scene = _scene(name)
    m = scene.model
    for group in scene.robot.groups:
        scene.reset()
        loop = ControlLoop(scene)
        target = scene.initial_ctrl.copy()
        for a in group.actuators:
            lo, hi = m.actuator_ctrlrange[a]
            joint = m.actuator_trnid[a, 0]
            slide = (
                m.actuator_trntype[a] == mujoco.mjtTrn.mjTRN_JOINT
                and m.jnt_type[joint] == mujoco.mjtJoint.mjJNT_SLIDE
            )
            step = 0.05 if slide else min(0.2, 0.1 * (hi - lo))
            target[a] = target[a] + step if target[a] + step <= hi else target[a] - step
        for _ in range(round(SETTLE_SECONDS / scene.physics.control_dt)):
            loop.step(target)
        acts = list(group.actuators)
        err = np.abs(scene.data.actuator_length[acts] - target[acts]).max()
        kind = group.name if group.name in ("arm", "wrist") else "finger"
        assert err < SETTLE_TOLERANCE[kind], f"{name}/{group.name}: error {err:.4f} after 1 s"


@pytest.mark.parametrize("name", NAMES)
def test_renders_a_non_blank_image(name: str) -> None:
    scene = _scene(name)
    with SceneRenderer(scene, 160, 120) as renderer:
        (frame,) = renderer.render(["near_hand"])
    assert frame.rgb.shape == (120, 160, 3)
    assert frame.rgb.std() > 10  # not a flat colour


def test_hand_metrics_are_plausible_for_shadow() -> None:
    scene = _scene("floating_shadow")
    mt = scene.robot.metrics
    # Shadow Hand: fingers ~9.6 cm, palm ~8–12 cm long; the open thumb–index span is ~10–20 cm.
    assert 0.09 < mt.finger_length < 0.11
    assert 0.10 < mt.aperture < 0.22
    assert 0.05 < mt.palm_width < 0.10


def test_hand_given_by_path_builds_and_holds(toy_hand: object) -> None:
    from pathlib import Path

    config = minimal_config("floating_shadow").model_copy(
        update={
            "embodiment": minimal_config().embodiment.model_copy(
                update={"hand": Path(str(toy_hand))}
            )
        }
    )
    scene = build_scene(config)
    loop = ControlLoop(scene)
    palm0, _ = scene.robot.palm_pose(scene.data)
    loop.hold(50)
    palm, _ = scene.robot.palm_pose(scene.data)
    assert np.linalg.norm(palm - palm0) < 5e-3
    assert [g.name for g in scene.robot.groups] == [
        "arm",
        "wrist",
        "index",
        "middle",
        "ring",
        "thumb",
    ]
