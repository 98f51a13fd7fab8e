"""Collision-free arm motion: IK goal, OMPL RRTConnect in joint space, shortcutting, TOPP-RA timing,
and execution through the position actuators in the dynamic simulation.

Collision checking uses a copy of the model in which the robot's collision geoms have a margin
equal to the clearance, so ``mj_collision`` reports every pair closer than the clearance. The hand
keeps its current posture while the arm moves. An *attached* object (one held in the hand) is moved
with the palm in the checker. Pairs already in contact at the start are allowed (the fingers
around a held object, the object on the table it is lifted from); contact with objects named in
``allow`` (the object being grasped, the door being pulled) is allowed throughout.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mujoco
import numpy as np

from gendexhand.errors import GenDexHandError
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.ik import robot_geoms
from gendexhand.sim.scene import Scene

ARM_GROUPS = ("arm",)
"""Planning moves the arm; the wrist (weak position servos on the Shadow hand) holds its pose."""
VEL_FRACTION = 0.5
"""Fraction of each joint's velocity limit used (arm joints: 1 rad/s nominal)."""
NOMINAL_VEL = 1.0
NOMINAL_ACC = 2.0


_SEEDED = False


class PlanningError(GenDexHandError):
    """No collision-free motion was found (the message says why)."""


@dataclass
class MotionPlan:
    """A joint path for ``joints`` (qpos addresses ``qadr``) and how it was found."""

    joints: np.ndarray
    qadr: np.ndarray
    waypoints: np.ndarray
    """(k, n) joint positions from start to goal, collision-checked."""
    seconds: float
    """Wall time spent planning (IK excluded)."""
    planner: str


@dataclass
class Execution:
    """What happened when a trajectory ran in the simulation."""

    steps: int
    max_tracking_error: float
    """Largest |q − q_ref| over the trajectory (rad)."""
    final_error: float
    """|q − q_goal| after the settle steps (rad)."""
    worst_joint: str = ""
    """The joint with the largest final error."""
    lag_joint: str = ""
    """The joint with the largest tracking error."""


class CollisionChecker:
    """Is a configuration of the planning joints free of (new) collisions?"""

    def __init__(
        self,
        scene: Scene,
        joints: Sequence[int],
        clearance: float = 0.005,
        attached: str | None = None,
        allow: Sequence[str] = (),
    ) -> None:
        self.scene = scene
        self.model = copy.copy(scene.model)
        m = self.model
        self.robot_geom = np.zeros(m.ngeom, dtype=bool)
        self.robot_geom[robot_geoms(scene)] = True  # the same robot geoms IK keeps clear
        m.geom_margin[self.robot_geom] = clearance
        self.data = mujoco.MjData(m)
        self.data.qpos[:] = scene.data.qpos
        self.qadr = np.array([m.jnt_qposadr[j] for j in joints])
        self.allowed_bodies: set[int] = set()
        for name in allow:
            self.allowed_bodies |= set(scene.objects[name].bodies)
        self.attached = attached
        self._rel: tuple[np.ndarray, np.ndarray] | None = None
        self.obj_geom = np.zeros(m.ngeom, dtype=bool)
        if attached is not None:
            h = scene.objects[attached]
            if h.qpos_adr is None:
                raise PlanningError(f"cannot attach {attached!r}: it is fixed to the world")
            self.obj_geom[list(h.geoms)] = True
            mujoco.mj_kinematics(m, self.data)
            palm_p, palm_r = scene.robot.palm_pose(self.data)
            obj_p = self.data.xpos[h.body].copy()
            obj_r = self.data.xmat[h.body].reshape(3, 3).copy()
            self._rel = (palm_r.T @ (obj_p - palm_p), palm_r.T @ obj_r)
        self.start_pairs = self._pairs(scene.data.qpos[self.qadr])
        self.checks = 0

    def _place(self, q: np.ndarray) -> None:
        d, m = self.data, self.model
        d.qpos[self.qadr] = q
        mujoco.mj_kinematics(m, d)
        if self._rel is not None and self.attached is not None:
            h = self.scene.objects[self.attached]
            palm_p, palm_r = self.scene.robot.palm_pose(d)
            rel_p, rel_r = self._rel
            quat = np.zeros(4)
            mujoco.mju_mat2Quat(quat, (palm_r @ rel_r).flatten())
            adr = h.qpos_adr
            assert adr is not None
            d.qpos[adr : adr + 3] = palm_p + palm_r @ rel_p
            d.qpos[adr + 3 : adr + 7] = quat
            mujoco.mj_kinematics(m, d)

    def _pairs(self, q: np.ndarray) -> set[tuple[int, int]]:
        """Geom pairs closer than the clearance that involve the robot or the held object."""
        self._place(q)
        m, d = self.model, self.data
        mujoco.mj_collision(m, d)
        out = set()
        for c in d.contact[: d.ncon]:
            g1, g2 = int(c.geom1), int(c.geom2)
            moving1 = self.robot_geom[g1] or self.obj_geom[g1]
            moving2 = self.robot_geom[g2] or self.obj_geom[g2]
            if not (moving1 or moving2):
                continue
            if (self.obj_geom[g1] and self.robot_geom[g2]) or (
                self.obj_geom[g2] and self.robot_geom[g1]
            ):
                continue  # the hand holds the object
            if self.robot_geom[g1] and self.robot_geom[g2] and c.dist >= 0:
                continue  # self-collision only when links actually touch
            b1, b2 = int(m.geom_bodyid[g1]), int(m.geom_bodyid[g2])
            if b1 in self.allowed_bodies or b2 in self.allowed_bodies:
                continue
            out.add((min(g1, g2), max(g1, g2)))
        return out

    def valid(self, q: np.ndarray) -> bool:
        self.checks += 1
        return not (self._pairs(np.asarray(q)) - self.start_pairs)

    def describe(self, q: np.ndarray) -> str:
        """Which pairs collide at ``q`` (for error messages)."""
        m = self.model
        bad = sorted(self._pairs(np.asarray(q)) - self.start_pairs)
        names = [
            f"{m.body(m.geom_bodyid[a]).name}–{m.body(m.geom_bodyid[b]).name}" for a, b in bad[:4]
        ]
        return ", ".join(names)


def planning_joints(scene: Scene, groups: Sequence[str] = ARM_GROUPS) -> np.ndarray:
    return np.array([j for g in groups for j in scene.robot.group(g).joints], dtype=int)


def _bounds(scene: Scene, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = scene.model
    lo = np.array([m.jnt_range[j, 0] if m.jnt_limited[j] else -np.pi for j in joints])
    hi = np.array([m.jnt_range[j, 1] if m.jnt_limited[j] else np.pi for j in joints])
    return lo, hi


def _segment_free(checker: CollisionChecker, a: np.ndarray, b: np.ndarray, step: float) -> bool:
    n = max(2, int(np.ceil(np.max(np.abs(b - a)) / step)) + 1)
    return all(checker.valid(a + (b - a) * t) for t in np.linspace(0, 1, n)[1:])


def plan_path(
    scene: Scene,
    goal: np.ndarray,
    *,
    groups: Sequence[str] = ARM_GROUPS,
    clearance: float = 0.005,
    attached: str | None = None,
    allow: Sequence[str] = (),
    timeout: float = 2.0,
    seed: int = 0,
    resolution: float = 0.02,
) -> MotionPlan:
    """A collision-free joint path from the current configuration to ``goal`` (n,).

    Tries the straight joint-space segment first; otherwise OMPL RRTConnect within ``timeout``
    seconds, then shortcutting. Raises :class:`PlanningError` with the reason on failure.
    OMPL seeds its random numbers once per process (with the first call's ``seed``), so a run
    is repeatable when the same planning calls happen in the same order in a fresh process.
    """
    from ompl import base as ob
    from ompl import geometric as og
    from ompl import util as ou

    joints = planning_joints(scene, groups)
    checker = CollisionChecker(scene, [int(j) for j in joints], clearance, attached, allow)
    start = scene.data.qpos[checker.qadr].copy()
    goal = np.asarray(goal, dtype=float)
    lo, hi = _bounds(scene, joints)
    if np.any(goal < lo - 1e-6) or np.any(goal > hi + 1e-6):
        raise PlanningError("the goal configuration is outside the joint limits")
    t0 = time.perf_counter()
    if not checker.valid(goal):
        raise PlanningError(f"the goal configuration collides: {checker.describe(goal)}")
    if not checker.valid(start):
        raise PlanningError(f"the start configuration collides: {checker.describe(start)}")
    if _segment_free(checker, start, goal, resolution):
        return MotionPlan(
            joints, checker.qadr, np.stack([start, goal]), time.perf_counter() - t0, "direct"
        )
    ou.setLogLevel(ou.LOG_ERROR)
    global _SEEDED
    if not _SEEDED:  # OMPL takes one seed per process, before its first random number
        ou.RNG.setSeed(seed + 1)
        _SEEDED = True
    n = len(joints)
    space = ob.RealVectorStateSpace(n)
    bounds = ob.RealVectorBounds(n)
    for i in range(n):
        bounds.setLow(i, float(lo[i]))
        bounds.setHigh(i, float(hi[i]))
    space.setBounds(bounds)
    setup = og.SimpleSetup(space)
    setup.setStateValidityChecker(lambda s: checker.valid(np.array([s[i] for i in range(n)])))
    info = setup.getSpaceInformation()
    info.setStateValidityCheckingResolution(resolution / float(np.linalg.norm(hi - lo)))
    s0, s1 = space.allocState(), space.allocState()
    for i in range(n):
        s0[i], s1[i] = float(start[i]), float(goal[i])
    setup.setStartAndGoalStates(s0, s1)
    setup.setPlanner(og.RRTConnect(info))
    status = setup.solve(timeout)
    if not setup.haveExactSolutionPath():
        del setup
        raise PlanningError(
            f"no collision-free path within {timeout:.1f}s ({status.asString()}, "
            f"{checker.checks} states checked)"
        )
    setup.simplifySolution(min(0.5, timeout / 2))
    path = setup.getSolutionPath()
    waypoints = np.array(
        [[path.getState(k)[i] for i in range(n)] for k in range(path.getStateCount())]
    )
    del path, setup
    return MotionPlan(joints, checker.qadr, waypoints, time.perf_counter() - t0, "RRTConnect")


def time_parameterize(
    waypoints: np.ndarray,
    dt: float,
    vmax: float = NOMINAL_VEL * VEL_FRACTION,
    amax: float = NOMINAL_ACC * VEL_FRACTION,
) -> np.ndarray:
    """Joint positions every ``dt`` seconds along ``waypoints`` within velocity and acceleration
    limits (TOPP-RA on a spline through the densified path); the last row is the goal."""
    import toppra as ta
    import toppra.algorithm as algo
    import toppra.constraint as constraint

    ta.setup_logging("WARNING")
    pts = [waypoints[0]]
    for a, b in itertools.pairwise(waypoints):
        k = max(1, int(np.ceil(np.max(np.abs(b - a)) / 0.05)))
        pts.extend(a + (b - a) * t for t in np.linspace(0, 1, k + 1)[1:])
    dense = np.array(pts)
    seg = np.linalg.norm(np.diff(dense, axis=0), axis=1)
    keep = np.concatenate([[True], seg > 1e-6])
    dense = dense[keep]
    if len(dense) < 2:
        return dense[-1:].copy()
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(dense, axis=0), axis=1))])
    n = dense.shape[1]
    path = ta.SplineInterpolator(s / s[-1], dense, bc_type="clamped")
    vlim = np.tile([-vmax, vmax], (n, 1))
    alim = np.tile([-amax, amax], (n, 1))
    inst = algo.TOPPRA(
        [constraint.JointVelocityConstraint(vlim), constraint.JointAccelerationConstraint(alim)],
        path,
        parametrizer="ParametrizeConstAccel",
    )
    traj = inst.compute_trajectory()
    if traj is None:
        raise PlanningError("time parameterisation failed (TOPP-RA found no feasible profile)")
    ts = np.arange(0.0, traj.duration, dt)
    qs = np.atleast_2d(traj(ts))
    return np.vstack([qs, dense[-1]])


def actuators_for(scene: Scene, joints: np.ndarray) -> np.ndarray:
    """The position actuator driving each joint (joint transmission)."""
    m = scene.model
    out = []
    for j in joints:
        found = [
            a
            for a in range(m.nu)
            if m.actuator_trntype[a] == mujoco.mjtTrn.mjTRN_JOINT and m.actuator_trnid[a, 0] == j
        ]
        if not found:
            raise PlanningError(f"joint {m.joint(j).name!r} has no position actuator")
        out.append(found[0])
    return np.array(out, dtype=int)


def execute(
    scene: Scene,
    loop: ControlLoop,
    plan: MotionPlan,
    trajectory: np.ndarray,
    *,
    settle_steps: int = 8,
    on_step: Callable[[], None] | None = None,
) -> Execution:
    """Run ``trajectory`` (T, n) through the arm's position actuators, one row per control step;
    the other actuators keep their targets. Returns the tracking errors."""
    acts = actuators_for(scene, plan.joints)
    ctrl = scene.data.ctrl.copy()
    worst, lag_joint = 0.0, ""
    for q in trajectory:
        ctrl[acts] = q
        loop.step(ctrl)
        err = np.abs(scene.data.qpos[plan.qadr] - q)
        if err.max() > worst:
            worst = float(err.max())
            lag_joint = scene.model.joint(int(plan.joints[int(np.argmax(err))])).name
        if on_step is not None:
            on_step()
    for _ in range(settle_steps):
        loop.step(ctrl)
        if on_step is not None:
            on_step()
    errors = np.abs(scene.data.qpos[plan.qadr] - trajectory[-1])
    joint = scene.model.joint(int(plan.joints[int(np.argmax(errors))])).name
    return Execution(len(trajectory) + settle_steps, worst, float(errors.max()), joint, lag_joint)
