"""The frozen arm's motion during an ``rl`` subtask with ``lift``: from control step
``lift_start`` the arm raises the palm straight up by ``lift`` metres over ``lift_steps`` steps
(a ramp of the arm's joint targets to an IK solution), while the policy keeps acting on its own
groups. A grasp learned this way is judged by whether it survives being lifted, not by a touch
on the table."""

from __future__ import annotations

import numpy as np

from gendexhand.motion.planner import ARM_GROUPS, actuators_for, planning_joints
from gendexhand.plan.schema import RLSpec
from gendexhand.sim.ik import solve_palm_ik
from gendexhand.sim.scene import Scene

LIFT_TOL = 0.02
"""m: IK position tolerance of the lift's end (the grip is compliant)."""


def free_objects(scene: Scene) -> tuple[str, ...]:
    """The scene's free objects (a lift may carry any of them; IK lets the hand touch them)."""
    return tuple(n for n, h in scene.objects.items() if h.qpos_adr is not None)


class ArmLift:
    """The arm targets of one episode of an rl subtask (nothing moves when ``rl.lift`` is 0)."""

    def __init__(self, scene: Scene, rl: RLSpec, ignore: tuple[str, ...] = ()) -> None:
        self.start, self.steps = rl.lift_start, rl.lift_steps
        self.acts = np.zeros(0, dtype=int)
        self.reason = ""
        if rl.lift <= 0.0:
            return
        joints = planning_joints(scene)
        qadr = np.array([scene.model.jnt_qposadr[j] for j in joints])
        pos, rot = scene.robot.palm_pose(scene.data)
        res = solve_palm_ik(scene, pos + np.array([0.0, 0.0, rl.lift]), rot, groups=ARM_GROUPS,
                            ignore=ignore, pos_tol=LIFT_TOL)  # fmt: skip
        if not res.success:
            self.reason = f"the lift by {rl.lift} m during the subtask: {res.reason}"
            return
        self.acts = actuators_for(scene, joints)
        self.q0 = scene.data.ctrl[self.acts].copy()
        self.q1 = res.qpos[qadr]

    def apply(self, ctrl: np.ndarray, t: int) -> None:
        """Set the arm's targets in ``ctrl`` for the control step after ``t`` steps."""
        if self.acts.size == 0 or t < self.start:
            return
        s = min(1.0, (t - self.start + 1) / self.steps)
        ctrl[self.acts] = self.q0 + s * (self.q1 - self.q0)
