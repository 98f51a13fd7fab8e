"""Inverse kinematics for palm targets (mink), and the reachability query built on it.

The palm frame is the site ``hand/gdh:palm`` (x toward the fingers, z out of the palm face).
Only the actuated joints of the chosen groups move (default: arm and wrist); every other degree
of freedom — fingers, objects — is frozen with a ``DofFreezingTask`` constraint. Joint limits are
hard constraints, and a ``CollisionAvoidanceLimit`` keeps the robot's collision geoms at least
``clearance`` away from the environment (table, floor, objects). That limit acts on velocities
(it is linearised each iteration), so it slows approach rather than guaranteeing it: the final
configuration's true clearance is measured with ``mj_geomDistance`` and a violation makes the
result unsuccessful, with the reason stated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mink
import mujoco
import numpy as np
import numpy.typing as npt

from gendexhand.embodiment.registry import PALM_SITE
from gendexhand.errors import IKError
from gendexhand.sim.scene import Scene

DEFAULT_GROUPS = ("arm", "wrist")
SELF_CLEARANCE = 0.002
"""m: distance IK keeps between the arm's own links (and between the hand and the arm)."""


@dataclass(frozen=True)
class IKResult:
    """Outcome of an IK solve. ``qpos`` (nq,) is the full configuration reached."""

    success: bool
    qpos: np.ndarray
    pos_error: float
    """Metres between the palm and the target position."""
    rot_error: float
    """Radians between the palm and the target orientation (0 when not constrained)."""
    clearance: float
    """Smallest distance between robot and environment geoms (m); negative = penetration."""
    iterations: int
    reason: str
    """Empty on success; otherwise why the target was not reached."""


def robot_geoms(scene: Scene) -> list[int]:
    """The robot's collision geoms (every body a robot joint moves, and the links above)."""
    m = scene.model
    robot_bodies = {int(m.jnt_bodyid[j]) for j in scene.robot.joints}
    # every body in the subtree of any robot joint body, plus their ancestors up to the root
    bodies = {b for b in range(1, m.nbody) if any(_is_ancestor(m, rb, b) for rb in robot_bodies)}
    return [g for g in range(m.ngeom) if m.geom_bodyid[g] in bodies and _collides(m, g)]


def hand_geoms(scene: Scene, robot: Sequence[int] | None = None) -> list[int]:
    """The robot geoms (or those of ``robot``) on the hand: at or below the hand's root body."""
    m, root = scene.model, scene.robot.layout.hand_root
    return [g for g in (robot_geoms(scene) if robot is None else robot)
            if _is_ancestor(m, root, int(m.geom_bodyid[g]))]  # fmt: skip


def _is_ancestor(m: mujoco.MjModel, a: int, b: int) -> bool:
    while b:
        if b == a:
            return True
        b = int(m.body_parentid[b])
    return False


def _self_pairs(
    m: mujoco.MjModel, arm: list[int], hand: list[int]
) -> list[tuple[list[int], list[int]]]:
    """Geom groups that must not meet: arm links two or more links apart, and the hand with the
    arm links more than two links above it (MuJoCo already skips parent–child contacts)."""
    by_body: dict[int, list[int]] = {}
    for g in arm:
        by_body.setdefault(int(m.geom_bodyid[g]), []).append(g)

    def depth(b: int) -> int:
        n = 0
        while b:
            b, n = int(m.body_parentid[b]), n + 1
        return n

    bodies = sorted(by_body, key=depth)
    pairs = [
        (by_body[a], by_body[b])
        for i, a in enumerate(bodies)
        for b in bodies[i + 1 :]
        if abs(depth(a) - depth(b)) >= 2
    ]
    if hand and bodies:
        hand_depth = min(depth(int(m.geom_bodyid[g])) for g in hand)
        pairs += [(hand, by_body[b]) for b in bodies if hand_depth - depth(b) > 2]
    return pairs


def _collides(m: mujoco.MjModel, g: int) -> bool:
    return bool(m.geom_contype[g] or m.geom_conaffinity[g])


def _environment_geoms(scene: Scene, robot: list[int]) -> list[int]:
    """Colliding geoms that are not the robot's: neither moved by a robot joint (``robot``) nor
    on a joint-less robot body above them (e.g. the arm's base link, the floating base)."""
    m = scene.model
    robot_set = set(robot)
    root_bodies = {int(m.jnt_bodyid[j]) for j in scene.robot.joints}
    return [
        g
        for g in range(m.ngeom)
        if g not in robot_set
        and _collides(m, g)
        and not any(
            _is_ancestor(m, int(m.geom_bodyid[g]), rb)
            for rb in root_bodies
            if m.geom_bodyid[g] != 0
        )
    ]


def min_clearance(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    robot: Sequence[int],
    env: Sequence[int],
    dist_max: float = 0.2,
) -> float:
    """Smallest signed distance (m) between any robot geom and any environment geom."""
    best = dist_max
    fromto = np.zeros(6)
    for a in robot:
        for b in env:
            d = mujoco.mj_geomDistance(model, data, a, b, dist_max, fromto)
            best = min(best, d)
    return float(best)


GeomPairs = list[tuple[list[int], list[int]]]
"""Pairs of geom groups that must keep a distance (the first group against the second)."""


@dataclass(frozen=True)
class _PalmProblem:
    """One IK problem set up for mink: the configuration it moves, its tasks and its limits."""

    config: mink.Configuration
    frame: mink.FrameTask
    posture: mink.PostureTask
    rot: np.ndarray | None
    """The target orientation (3, 3), or None when only the position is constrained."""
    constraints: list[mink.Task]
    limits: list[mink.Limit]
    pairs: GeomPairs
    """Robot and environment geom groups that must keep ``clearance``."""
    self_pairs: GeomPairs
    """The robot's own geom groups that must keep :data:`SELF_CLEARANCE`."""


def solve_palm_ik(
    scene: Scene,
    target_pos: npt.ArrayLike,
    target_rot: npt.ArrayLike | None = None,
    *,
    groups: Sequence[str] = DEFAULT_GROUPS,
    clearance: float = 0.005,
    q_init: npt.ArrayLike | None = None,
    max_iters: int = 300,
    pos_tol: float = 0.005,
    rot_tol: float = 0.05,
    ignore: Sequence[str] = (),
) -> IKResult:
    """Move the palm site to ``target_pos`` (3,) and, if given, ``target_rot`` (3, 3).

    Starts from ``q_init`` (nq,) or the scene's current ``qpos``. Objects named in ``ignore``
    (the one about to be grasped) are left out of the clearance constraint. Never raises for an
    unreachable target: the result says so in ``success`` and ``reason``.
    """
    problem = _setup_palm_problem(
        scene,
        target_pos,
        target_rot,
        groups=groups,
        clearance=clearance,
        q_init=q_init,
        ignore=ignore,
    )
    it, stuck = _iterate(problem, max_iters, pos_tol, rot_tol)
    return _palm_result(problem, scene.model, it, stuck, clearance, pos_tol, rot_tol)


def _setup_palm_problem(
    scene: Scene,
    target_pos: npt.ArrayLike,
    target_rot: npt.ArrayLike | None,
    *,
    groups: Sequence[str],
    clearance: float,
    q_init: npt.ArrayLike | None,
    ignore: Sequence[str],
) -> _PalmProblem:
    """The mink configuration at the (limit-clipped) start, the palm and posture tasks, the
    freezing constraint of every degree of freedom outside ``groups``, and the limits."""
    model = scene.model
    config = mink.Configuration(model)
    q0 = _start_qpos(model, scene.data.qpos if q_init is None else q_init)
    config.update(q0)

    pos = np.asarray(target_pos, dtype=float).reshape(3)
    rot = None if target_rot is None else np.asarray(target_rot, dtype=float).reshape(3, 3)
    frame = mink.FrameTask(
        PALM_SITE,
        "site",
        position_cost=1.0,
        orientation_cost=0.0 if rot is None else 0.5,
        lm_damping=1e-3,
    )
    target = mink.SE3.from_rotation_and_translation(
        mink.SO3.from_matrix(rot) if rot is not None else mink.SO3.identity(), pos
    )
    frame.set_target(target)
    posture = mink.PostureTask(model, cost=1e-3)
    posture.set_target(q0)

    active_joints = [j for g in groups for j in scene.robot.group(g).joints]
    active_dofs = {int(model.jnt_dofadr[j]) for j in active_joints}
    frozen = [d for d in range(model.nv) if d not in active_dofs]
    constraints: list[mink.Task] = (
        [mink.DofFreezingTask(model, dof_indices=frozen)] if frozen else []
    )

    pairs, self_pairs = _clearance_pairs(scene, ignore)
    limits = _ik_limits(model, pairs, self_pairs, clearance)
    return _PalmProblem(config, frame, posture, rot, constraints, limits, pairs, self_pairs)


def _start_qpos(model: mujoco.MjModel, qpos: npt.ArrayLike) -> np.ndarray:
    """A copy of ``qpos`` with every limited hinge and slide clipped into its range.

    Contacts can push a joint slightly past its limit (fingers closed on a handle); a start
    outside the limits leaves the QP without a solution, so IK starts from the nearest valid value.
    """
    q0 = np.array(qpos, dtype=float)
    for j in range(model.njnt):
        kind = int(model.jnt_type[j])  # numpy ints are not `in` a tuple of mjtJoint values
        if model.jnt_limited[j] and kind in (
            int(mujoco.mjtJoint.mjJNT_HINGE),
            int(mujoco.mjtJoint.mjJNT_SLIDE),
        ):
            a = model.jnt_qposadr[j]
            q0[a] = np.clip(q0[a], *model.jnt_range[j])
    return q0


def _clearance_pairs(scene: Scene, ignore: Sequence[str]) -> tuple[GeomPairs, GeomPairs]:
    """The robot–environment pairs (the hand may touch the ``ignore``-d objects, the arm above
    it may not) and the robot's self pairs, each without empty groups."""
    model = scene.model
    robot = robot_geoms(scene)
    env_geoms = _environment_geoms(scene, robot)
    hand = hand_geoms(scene, robot)
    arm = [g for g in robot if g not in set(hand)]  # empty for a floating hand
    skip = {g for name in ignore for g in scene.objects[name].geoms}
    hand_env = [g for g in env_geoms if g not in skip]
    pairs = [(hand, hand_env), (arm, env_geoms)] if skip else [(robot, env_geoms)]
    pairs = [(a, b) for a, b in pairs if a and b]
    self_pairs = [(a, b) for a, b in _self_pairs(model, arm, hand) if a and b]
    return pairs, self_pairs


def _ik_limits(
    model: mujoco.MjModel, pairs: GeomPairs, self_pairs: GeomPairs, clearance: float
) -> list[mink.Limit]:
    """Joint limits, and a collision-avoidance limit for each non-empty set of pairs."""
    limits: list[mink.Limit] = [mink.ConfigurationLimit(model)]
    for group, distance in ((pairs, clearance), (self_pairs, SELF_CLEARANCE)):
        if group:
            limits.append(
                mink.CollisionAvoidanceLimit(
                    model,
                    group,
                    minimum_distance_from_collisions=distance,
                    collision_detection_distance=distance + 0.05,
                )
            )
    return limits


def _iterate(
    problem: _PalmProblem, max_iters: int, pos_tol: float, rot_tol: float
) -> tuple[int, str]:
    """Integrate IK velocities into ``problem.config`` until the palm is within tolerance.

    Returns the iterations run and, if the limits admitted no velocity, why it stopped early.
    """
    config, frame, rot = problem.config, problem.frame, problem.rot
    dt = 0.05
    it = 0
    stuck = ""
    for it in range(1, max_iters + 1):
        try:
            vel = mink.solve_ik(
                config,
                [frame, problem.posture],
                dt,
                solver="daqp",
                damping=1e-3,
                limits=problem.limits,
                constraints=problem.constraints,
            )
        except mink.exceptions.NoSolutionFound:
            # the joint and collision limits admit no velocity (e.g. wedged between obstacles)
            stuck = f"the limits admit no motion after {it} iterations"
            break
        config.integrate_inplace(vel, dt)
        err = frame.compute_error(config)
        if np.linalg.norm(err[:3]) < pos_tol and (rot is None or np.linalg.norm(err[3:]) < rot_tol):
            break
    return it, stuck


def _palm_result(
    problem: _PalmProblem,
    model: mujoco.MjModel,
    it: int,
    stuck: str,
    clearance: float,
    pos_tol: float,
    rot_tol: float,
) -> IKResult:
    """Measure the reached configuration (palm errors, true clearances) and judge it."""
    config, rot = problem.config, problem.rot
    err = problem.frame.compute_error(config)
    pos_err = float(np.linalg.norm(err[:3]))
    rot_err = 0.0 if rot is None else float(np.linalg.norm(err[3:]))
    data = config.data
    clear = min((min_clearance(model, data, a, b) for a, b in problem.pairs), default=float("inf"))
    self_clear = min(
        (min_clearance(model, data, a, b) for a, b in problem.self_pairs), default=float("inf")
    )
    reasons = []
    if pos_err >= pos_tol:
        reasons.append(f"palm stays {pos_err * 1000:.0f} mm from the target position")
    if rot is not None and rot_err >= rot_tol:
        reasons.append(f"palm orientation off by {np.degrees(rot_err):.1f}°")
    if clear < clearance - 1e-3:
        reasons.append(f"clearance {clear * 1000:.1f} mm < required {clearance * 1000:.1f} mm")
    if self_clear < 0:
        reasons.append(f"the arm touches itself ({self_clear * 1000:.1f} mm)")
    if stuck and reasons:
        reasons.append(stuck)
    return IKResult(
        success=not reasons,
        qpos=config.q.copy(),
        pos_error=pos_err,
        rot_error=rot_err,
        clearance=clear,
        iterations=it,
        reason="; ".join(reasons),
    )


def can_reach(
    scene: Scene, pos: npt.ArrayLike, rot: npt.ArrayLike | None = None, clearance: float = 0.005
) -> IKResult:
    """Can the palm reach this pose with this clearance? (See :func:`solve_palm_ik`.)"""
    return solve_palm_ik(scene, pos, rot, clearance=clearance)


def require_ik(result: IKResult, what: str) -> np.ndarray:
    """Return ``result.qpos`` or raise :class:`IKError` naming ``what``."""
    if not result.success:
        raise IKError(f"IK failed for {what}: {result.reason}")
    return result.qpos


PALM_DOWN = np.array([[1.0, 0, 0], [0, -1.0, 0], [0, 0, -1.0]])
"""Palm facing the table, fingers pointing along +x."""
