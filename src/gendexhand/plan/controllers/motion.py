"""``motion`` subtasks: collision-free arm motions to palm poses given by named primitives.

Each primitive computes a goal (IK of a palm pose, or a chain of IK waypoints for ``pull``),
plans a path to it and executes it through the actuators; nothing is teleported.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import mujoco
import numpy as np

from gendexhand.motion.grasping import grasp_candidates
from gendexhand.motion.planner import (
    ARM_GROUPS,
    NOMINAL_ACC,
    NOMINAL_VEL,
    CollisionChecker,
    MotionPlan,
    PlanningError,
    execute,
    plan_path,
    planning_joints,
    time_parameterize,
)
from gendexhand.plan.controllers.base import (
    Controller,
    Episode,
    PlanCheck,
    SubtaskError,
    controller,
)
from gendexhand.plan.results import FailureCategory as Cat
from gendexhand.plan.schema import MotionSpec, MotionSubtask
from gendexhand.predicates import PredicateContext, Success
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.ik import hand_geoms, solve_palm_ik
from gendexhand.sim.rotation import axis_angle_matrix

MAX_TRACKING_ERROR = 0.15
"""rad: a motion whose joints lag their reference by more is a failure (something blocked it)."""
FINAL_TOLERANCE = 0.05
"""rad: how close the arm must settle to the end of its trajectory."""
LOOSE_TOL = 0.02
"""m: IK position tolerance of lift, transport, retreat and pull waypoints, whose end points
need no better (the grip is compliant; a container is wider than this)."""
PULL_GROUPS = ARM_GROUPS
"""Joints a pull moves (the arm; the weak wrist servos lag under the door's load)."""
PULL_PARTIAL = 0.6
"""A pull whose IK fails after this fraction of its path runs the part it has."""


@controller("motion")
class MotionController(Controller[MotionSubtask]):
    def check(self, plan: PlanCheck) -> None:
        m = self.sub.motion
        if m.object is None:
            return
        if m.object not in plan.objects:
            raise plan.error("motion.object", "object", m.object, list(plan.objects))
        asset = plan.objects[m.object]
        named = (
            ("grasp", "grasp frame", m.grasp, [g.name for g in asset.grasps]),
            ("prefer", "grasp frame", m.prefer, [g.name for g in asset.grasps]),
            ("part", "part", m.part, [p.name for p in asset.parts]),
            ("joint", "joint", m.joint, [j.name for j in asset.joints]),
            ("region", "goal region", m.region, list(plan.regions)),
        )
        for field, kind, value, valid in named:
            if value is not None and value not in valid:
                raise plan.error(f"motion.{field}", kind, value, valid)

    def run(self, ep: Episode, success: Success, ctx: PredicateContext) -> None:
        spec = self.sub.motion
        PRIMITIVES[spec.primitive](ep, spec)


def _move(ep: Episode, goal_qpos: np.ndarray, spec: MotionSpec, *, attached: str | None = None,
          allow: tuple[str, ...] = ()) -> int:  # fmt: skip
    """Plan from here to the arm part of ``goal_qpos`` and run it; return control steps."""
    scene = ep.scene
    joints = planning_joints(scene)
    qadr = np.array([scene.model.jnt_qposadr[j] for j in joints])
    try:
        plan = plan_path(
            scene, goal_qpos[qadr], clearance=spec.clearance, attached=attached, allow=allow,
            timeout=spec.timeout_s, seed=ep.seed,
        )  # fmt: skip
    except PlanningError as exc:
        raise SubtaskError(Cat.PLANNING, str(exc)) from None
    ep.planning_s += plan.seconds
    return _run(ep, plan, spec.speed)


def _run(ep: Episode, plan: MotionPlan, speed: float, strict: bool = True) -> int:
    """Time the plan's waypoints and execute them; ``strict`` fails on tracking errors (a motion
    in free space that lags was blocked), a pull is judged by its predicate instead."""
    traj = time_parameterize(
        plan.waypoints, ep.scene.physics.control_dt, NOMINAL_VEL * speed, NOMINAL_ACC * speed
    )
    result = execute(ep.scene, ep.loop, plan, traj, on_step=ep.on_step)
    if not strict:
        return result.steps
    if result.max_tracking_error > MAX_TRACKING_ERROR:
        raise SubtaskError(
            Cat.TRACKING,
            f"the arm lagged its reference by {result.max_tracking_error:.2f} rad "
            f"at {result.lag_joint} (blocked by contact?)",
        )
    if result.final_error > FINAL_TOLERANCE:
        raise SubtaskError(
            Cat.TRACKING,
            f"the arm stopped {result.final_error:.2f} rad from its goal ({result.worst_joint})",
        )
    return result.steps


def _ik(ep: Episode, pos: np.ndarray, rot: np.ndarray, spec: MotionSpec, ignore: tuple[str, ...],
        what: str, pos_tol: float = 0.005) -> np.ndarray:  # fmt: skip
    res = solve_palm_ik(
        ep.scene, pos, rot, groups=ARM_GROUPS, clearance=spec.clearance, ignore=ignore,
        pos_tol=pos_tol,
    )  # fmt: skip
    if not res.success:
        raise SubtaskError(Cat.IK, f"the {what}: {res.reason}")
    return res.qpos


def _held_and_grasped(ep: Episode) -> tuple[str, ...]:
    return tuple(n for n in {ep.held, ep.grasp_object} if n is not None)


def _pre_grasp(ep: Episode, spec: MotionSpec) -> int:
    """Move the palm to the best reachable grasp of ``object`` (``grasp``: one of its grasp
    frames, default any; ``prefer``: that frame if it is reachable, else any), backed off by
    the grasp's standoff."""
    assert spec.object is not None  # the schema requires it
    t0 = time.perf_counter()
    cands = grasp_candidates(ep.scene, spec.object, spec.grasp or spec.prefer, seed=ep.seed,
                             clearance=spec.clearance)  # fmt: skip
    if not cands and spec.grasp is None and spec.prefer is not None:  # any other frame
        cands = grasp_candidates(ep.scene, spec.object, None, seed=ep.seed,
                                 clearance=spec.clearance)  # fmt: skip
    ep.grasp_s += time.perf_counter() - t0
    if not cands:
        raise SubtaskError(Cat.GRASP, f"no reachable, collision-free grasp of {spec.object!r}")
    errors = []
    for cand in cands:
        try:
            steps = _move(ep, cand.pre_q, spec)
        except SubtaskError as exc:
            errors.append(f"{cand.frame}: {exc}")
            continue
        ep.grasp, ep.grasp_object = cand, spec.object
        return steps
    raise SubtaskError(Cat.GRASP, "every reachable grasp failed: " + "; ".join(errors))


def _approach(ep: Episode, spec: MotionSpec) -> int:
    """Move from the pre-grasp pose to the grasp pose chosen by the pre_grasp before it."""
    if ep.grasp is None or ep.grasp_object is None:
        raise SubtaskError(Cat.PLAN, "approach needs a grasp chosen by an earlier pre_grasp")
    q = _ik(ep, ep.grasp.pos, ep.grasp.rot, spec, (ep.grasp_object,), "grasp pose")
    return _move(ep, q, spec, allow=(ep.grasp_object,))


def _lift(ep: Episode, spec: MotionSpec) -> int:
    """Move the palm straight up by ``height`` metres, orientation kept."""
    palm_pos, palm_rot = ep.scene.robot.palm_pose(ep.scene.data)
    target = palm_pos + np.array([0.0, 0.0, spec.height])
    q = _ik(ep, target, palm_rot, spec, _held_and_grasped(ep), "lift", LOOSE_TOL)
    return _move(ep, q, spec, attached=ep.held, allow=_held_and_grasped(ep))


def _transport_to(ep: Episode, spec: MotionSpec) -> int:
    """Carry the held object above ``part`` of ``object`` (default its interior), ``height``
    metres above its top."""
    assert spec.object is not None  # the schema requires it
    scene = ep.scene
    if ep.held is None:
        raise SubtaskError(Cat.PLAN, "transport_to needs an object in the hand")
    palm_pos, palm_rot = scene.robot.palm_pose(scene.data)
    part = spec.part or "interior"
    site = scene.model.site(f"{spec.object}/{part}").id
    top = scene.data.site_xpos[site][2] + scene.model.site_size[site][2]
    held_pos = scene.data.xpos[scene.objects[ep.held].body]
    goal_obj = np.array([*scene.data.site_xpos[site][:2], top + spec.height]) + spec.offset
    target = palm_pos + (goal_obj - held_pos)
    q = _ik(ep, target, palm_rot, spec, (ep.held,), "transport goal", LOOSE_TOL)
    return _move(ep, q, spec, attached=ep.held, allow=(ep.held,))


def _move_to(ep: Episode, spec: MotionSpec) -> int:
    """Move the palm to the point ``offset`` from ``object`` (or its ``part``), orientation kept."""
    assert spec.object is not None  # the schema requires it
    scene = ep.scene
    _, palm_rot = scene.robot.palm_pose(scene.data)
    name = f"{spec.object}/{spec.part}" if spec.part else None
    point = (
        scene.data.site_xpos[scene.model.site(name).id]
        if name
        else scene.data.xpos[scene.objects[spec.object].body]
    )
    q = _ik(ep, point + np.asarray(spec.offset), palm_rot, spec, _held_and_grasped(ep),
            "move_to target")  # fmt: skip
    return _move(ep, q, spec, attached=ep.held, allow=_held_and_grasped(ep))


def _retreat(ep: Episode, spec: MotionSpec) -> int:
    """Back the palm off by ``distance`` metres along its normal (``direction: back``) or up."""
    palm_pos, palm_rot = ep.scene.robot.palm_pose(ep.scene.data)
    step = -palm_rot[:, 2] if spec.direction == "back" else np.array([0.0, 0.0, 1.0])
    q = _ik(ep, palm_pos + step * spec.distance, palm_rot, spec, _held_and_grasped(ep),
            "retreat", LOOSE_TOL)  # fmt: skip
    return _move(ep, q, spec, allow=_held_and_grasped(ep))


def _pull(ep: Episode, spec: MotionSpec) -> int:
    """Carry the grasped handle along the joint's path (an arc about a hinge, a line along a
    slide) until the joint is ``fraction`` open: IK waypoints, chained, then executed.

    About a hinge, the grasped point follows the arc while the palm turns only ``follow`` times as
    much as the door: a hand wrapped round a bar handle can turn about the bar, and the smaller
    turn keeps the arm away from its limits. Where the orientation cannot be kept, the waypoint
    keeps only the position (the palm turns as the arm allows).

    Towards the closed position the open palm pushes the part ahead of it, so IK sees the part
    where the push will have moved it; opening, the part follows the hand and stays put in IK."""
    assert spec.object is not None and spec.joint is not None
    scene = ep.scene
    m, d = scene.model, scene.data
    handle = scene.objects[spec.object]
    info = handle.asset.joint(spec.joint)
    jid = m.joint(f"{spec.object}/{spec.joint}").id
    adr = handle.joints[spec.joint]
    scale = handle.scale if info.kind == "slide" else 1.0
    goal = (info.closed + spec.fraction * (info.opened - info.closed)) * scale
    now = float(d.qpos[adr])
    anchor, axis = d.xanchor[jid].copy(), d.xaxis[jid].copy()
    palm_pos, palm_rot = scene.robot.palm_pose(d)
    grip = ep.grasp.point if ep.grasp is not None else palm_pos
    n = max(2, int(np.ceil(abs(goal - now) / (0.05 if info.kind == "hinge" else 0.02))))
    groups = PULL_GROUPS
    closed = info.closed * scale
    push = abs(goal - closed) < abs(now - closed)  # towards closed: the palm pushes the part
    joints = planning_joints(scene, groups)
    qadr = np.array([m.jnt_qposadr[j] for j in joints])
    q = d.qpos.copy()
    path = [q[qadr].copy()]
    # IK keeps the arm off the environment but knows nothing of self-collision: check each
    # waypoint with the planner's checker (the cabinet itself may be touched: it is being pulled)
    checker = CollisionChecker(scene, [int(j) for j in joints], 0.0, None, (spec.object,))
    for k in range(1, n + 1):
        delta = (goal - now) * k / n
        if info.kind == "hinge":
            door = axis_angle_matrix(axis, delta)
            half = axis_angle_matrix(axis, delta * spec.follow)
            grip_now = anchor + door @ (grip - anchor)
            pos, rot = grip_now + half @ (palm_pos - grip), half @ palm_rot
        else:
            pos, rot = palm_pos + axis * delta, palm_rot
        if push:  # the part moves away from the palm: IK must see it where it will be
            q[adr] = now + delta
        res = solve_palm_ik(scene, pos, rot, groups=groups, clearance=spec.clearance,
                            q_init=q, ignore=(spec.object,), pos_tol=LOOSE_TOL)  # fmt: skip
        if not res.success:  # keep the grasped point on its path; let the palm turn
            res = solve_palm_ik(scene, pos, None, groups=groups, clearance=spec.clearance,
                                q_init=q, ignore=(spec.object,), pos_tol=LOOSE_TOL)  # fmt: skip
        blocked = res.success and not checker.valid(res.qpos[qadr])
        if (not res.success or blocked) and k > PULL_PARTIAL * n:
            break  # the arm's reach ends here; run what there is and let the predicate judge
        if blocked:
            raise SubtaskError(
                Cat.SELF_COLLISION,
                f"the arm would hit itself along the pull at {k}/{n}: "
                f"{checker.describe(res.qpos[qadr])}",
            )
        if not res.success:
            raise SubtaskError(
                Cat.IK,
                f"along the {info.kind} path at {k}/{n} ({spec.joint} → "
                f"{now + delta:.2f}): {res.reason}",
            )
        q = res.qpos
        path.append(q[qadr].copy())
    plan = MotionPlan(joints, qadr, np.array(path), 0.0, "joint path")
    return _run(ep, plan, spec.speed, strict=False)


PUSH_GAP = 0.015
"""m: the hand's lowest point above the table top while it pushes."""
PUSH_BEHIND = 0.03
"""m: the hand starts this far behind the object's far side from the goal."""
PUSH_PAST = 0.02
"""m: the push carries the object's centre this far past the region's centre."""


def _push(ep: Episode, spec: MotionSpec) -> int:
    """Push ``object`` along the table into goal ``region`` with the open hand: its palm faces
    the goal, its fingers point down with their tips just above the table. The hand is placed
    behind the object (a planned, collision-free motion), lowered, and then moved in a straight
    line (chained IK waypoints) until the object's centre would be past the region's centre."""
    assert spec.object is not None and spec.region is not None
    scene = ep.scene
    m, d = scene.model, scene.data
    handle = scene.objects[spec.object]
    region = next(r for r in scene.config.regions if r.name == spec.region)
    lo, hi = collision_bounds(m, d, handle.geoms)
    centre = (lo + hi) / 2
    line = np.asarray(region.pos, dtype=float) - centre[:2]
    length = float(np.linalg.norm(line))
    if length < 1e-6:
        return 0  # already at the centre: nothing to push
    u = np.array([*(line / length), 0.0])
    radius = float((hi - lo)[:2] @ np.abs(u[:2])) / 2  # the box's half extent along u
    rot = np.column_stack([[0.0, 0.0, -1.0], np.cross(u, [0.0, 0.0, -1.0]), u])
    hand = hand_geoms(scene)
    start = np.array([*(centre[:2] - u[:2] * (radius + PUSH_BEHIND)), 0.0])
    table = scene.config.table.height
    # how far the hand reaches below the palm in this orientation, measured well above the table
    probe = d.qpos.copy()
    d.qpos[:] = solve_palm_ik(scene, start + np.array([0, 0, table + 0.25]), rot, groups=ARM_GROUPS,
                              clearance=0.0).qpos  # fmt: skip
    mujoco.mj_kinematics(m, d)
    low = collision_bounds(m, d, hand)[0][2]
    palm_low = scene.robot.palm_pose(d)[0][2] - low
    d.qpos[:] = probe
    mujoco.mj_forward(m, d)
    start[2] = table + PUSH_GAP + palm_low
    above = start + np.array([0.0, 0.0, 0.08])
    steps = _move(ep, _ik(ep, above, rot, spec, (), "push approach", LOOSE_TOL), spec)
    steps += _move(ep, _ik(ep, start, rot, spec, (), "push start", LOOSE_TOL), spec,
                   allow=(spec.object,))  # fmt: skip
    travel = length + PUSH_BEHIND + PUSH_PAST
    n = max(2, int(np.ceil(travel / 0.02)))
    poses = [(start + u * travel * k / n, rot) for k in range(1, n + 1)]
    return steps + _follow(ep, spec, poses, spec.object, "the push")


def _tilt(ep: Episode, spec: MotionSpec) -> int:
    """Turn the held object by ``angle`` degrees about the line through its centre along the
    palm's normal (a pour: the wrist rolls, the opening turns sideways and down): chained IK
    waypoints every 10 degrees, then executed; where the arm's reach ends after most of the turn,
    the part it has is run and the predicate judges."""
    scene = ep.scene
    if ep.held is None:
        raise SubtaskError(Cat.PLAN, "tilt needs an object in the hand")
    d = scene.data
    palm_pos, palm_rot = scene.robot.palm_pose(d)
    centre = d.xpos[scene.objects[ep.held].body].copy()
    axis = palm_rot[:, 2]
    total = np.radians(spec.angle)
    n = max(2, int(np.ceil(abs(total) / np.radians(10.0))))
    turns = [axis_angle_matrix(axis, total * k / n) for k in range(1, n + 1)]
    poses = [(centre + t @ (palm_pos - centre), t @ palm_rot) for t in turns]
    return _follow(ep, spec, poses, ep.held, f"the tilt by {spec.angle:.0f} degrees")


def _follow(ep: Episode, spec: MotionSpec, poses: list[tuple[np.ndarray, np.ndarray]],
            touched: str, what: str) -> int:  # fmt: skip
    """Move the palm through ``poses`` (chained IK of the arm, the ``touched`` object left out
    of the clearance), then execute the joint path, judged by the predicate. Where IK fails
    after most of the way (:data:`PULL_PARTIAL`), the part found is run."""
    scene = ep.scene
    joints = planning_joints(scene)
    qadr = np.array([scene.model.jnt_qposadr[j] for j in joints])
    q = scene.data.qpos.copy()
    path = [q[qadr].copy()]
    for k, (pos, rot) in enumerate(poses, 1):
        res = solve_palm_ik(scene, pos, rot, groups=ARM_GROUPS, clearance=spec.clearance,
                            q_init=q, ignore=(touched,), pos_tol=LOOSE_TOL)  # fmt: skip
        if not res.success:
            if k > PULL_PARTIAL * len(poses):
                break
            raise SubtaskError(Cat.IK, f"along {what} at {k}/{len(poses)}: {res.reason}")
        q = res.qpos
        path.append(q[qadr].copy())
    plan = MotionPlan(joints, qadr, np.array(path), 0.0, "joint path")
    return _run(ep, plan, spec.speed, strict=False)


PRIMITIVES: dict[str, Callable[[Episode, MotionSpec], int]] = {
    "pre_grasp": _pre_grasp,
    "approach": _approach,
    "lift": _lift,
    "transport_to": _transport_to,
    "pull": _pull,
    "push": _push,
    "tilt": _tilt,
    "retreat": _retreat,
    "move_to": _move_to,
}
"""Primitive name → the function that runs it (returns the control steps it ran)."""
