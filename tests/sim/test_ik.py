"""IK reaches reachable palm targets, reports unreachable ones, respects clearance."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from gendexhand.errors import IKError
from gendexhand.sim.ik import PALM_DOWN, can_reach, require_ik, solve_palm_ik
from gendexhand.sim.scene import Scene


def _base(scene: Scene) -> np.ndarray:
    return np.asarray(scene.model.body("panda0_link0").pos, dtype=float)


@pytest.mark.parametrize("offset", [(0.5, 0.0, 0.25), (0.45, 0.15, 0.2), (0.6, -0.1, 0.3)])
def test_reaches_palm_down_targets(reference_scene: Scene, offset: tuple[float, ...]) -> None:
    target = _base(reference_scene) + np.array(offset)
    result = solve_palm_ik(reference_scene, target, PALM_DOWN)
    assert result.success, result.reason
    # check the configuration independently with forward kinematics
    data = mujoco.MjData(reference_scene.model)
    data.qpos[:] = result.qpos
    mujoco.mj_kinematics(reference_scene.model, data)
    palm, rot = reference_scene.robot.palm_pose(data)
    assert np.linalg.norm(palm - target) < 0.006
    assert rot[:, 2] @ np.array([0, 0, -1.0]) > 0.99
    assert result.clearance >= 0.004
    # only arm and wrist moved
    moving = set(
        reference_scene.robot.group("arm").joints + reference_scene.robot.group("wrist").joints
    )
    for j in range(reference_scene.model.njnt):
        if j not in moving:
            adr = reference_scene.model.jnt_qposadr[j]
            assert result.qpos[adr] == pytest.approx(reference_scene.data.qpos[adr])


def test_unreachable_target_is_reported(reference_scene: Scene) -> None:
    far = _base(reference_scene) + np.array([2.0, 0.0, 0.3])
    result = can_reach(reference_scene, far)
    assert not result.success
    assert "from the target position" in result.reason
    with pytest.raises(IKError, match=r"IK failed for far target: palm stays \d+ mm from"):
        require_ik(result, "far target")


def test_target_inside_the_table_violates_clearance(reference_scene: Scene) -> None:
    inside = np.array([0.1, 0.0, reference_scene.config.table.height - 0.02])
    result = can_reach(reference_scene, inside, PALM_DOWN, clearance=0.01)
    assert not result.success
    assert "from the target position" in result.reason
    # the collision limit is a velocity-level constraint: it holds the palm above the table top
    # (the target is 2 cm inside it), and whatever penetration remains is reported, not hidden
    data = mujoco.MjData(reference_scene.model)
    data.qpos[:] = result.qpos
    mujoco.mj_kinematics(reference_scene.model, data)
    palm, _ = reference_scene.robot.palm_pose(data)
    assert palm[2] > reference_scene.config.table.height
    if result.clearance < 0.009:
        assert "clearance" in result.reason
