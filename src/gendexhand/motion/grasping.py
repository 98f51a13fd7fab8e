"""Grasp poses: palm poses for a target object or part, from the catalog's grasp frames.

A grasp frame gives the point a grasp closes around, the approach direction (palm z) and the
finger direction (palm x). Its symmetry adds variants: ``z`` turns the frame about the object's z
axis (8 yaws), ``flip`` turns it 180° about the approach. For each variant the palm stands off
the part's surface by a gap that depends on the grasp kind; the pre-grasp backs off along the
approach by the frame's standoff. Candidates are kept when IK reaches both poses with clearance
(the target object itself is left out for the grasp pose). Variants are tried in the order of a
cheap score — how much the palm turns, and whether the thumb points down at the table (it would
close from below and push the object away) — until ``limit`` are reachable; those are ranked by
that score plus how far the arm moves. Ties keep a seeded random order, so the result is
deterministic per seed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import mujoco
import numpy as np

from gendexhand.assets.model import GraspFrame
from gendexhand.embodiment.synergy import GraspGeometry, grasp_geometry, hand_synergy
from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.motion.planner import ARM_GROUPS
from gendexhand.sim.ik import IKResult, solve_palm_ik
from gendexhand.sim.rotation import rot_z
from gendexhand.sim.scene import Scene

PALM_GAP = 0.004
"""Gap (m) between the palm face and the part's surface at a power or hook grasp."""
BACK_OFF = (0.0, 0.008, 0.016)
"""Metres the palm backs off along its normal when the hand does not clear at a grasp pose."""
THIN = 0.025
"""Metres: an object whose surface is at most this far behind a top power grasp's point (a
banana, a tool's handle lying on the table) is gripped under the finger roots (see
:func:`power_reach`)."""
YAW_SAMPLES = 8
IK_ITERS = 150
"""IK iterations per candidate pose (reachable ones converge well before this)."""


@dataclass(frozen=True)
class GraspCandidate:
    frame: str
    """Grasp frame name and variant, e.g. ``body_side@yaw90``."""
    point: np.ndarray
    """The point the grasp closes around (world)."""
    pos: np.ndarray
    rot: np.ndarray
    """Palm rotation (3, 3) at the grasp."""
    pre_pos: np.ndarray
    pre_q: np.ndarray
    """Robot qpos (nq,) at the pre-grasp, from IK."""
    q: np.ndarray
    """qpos (nq,) at the grasp."""
    cost: float


def _reachable(
    scene: Scene, obj: str, label: str, point: np.ndarray, pos: np.ndarray, rot: np.ndarray,
    standoff: float, clearance: float, q_now: np.ndarray,
) -> GraspCandidate | None:  # fmt: skip
    """The candidate with its palm at ``pos`` (pre-grasp ``standoff`` back along the approach)
    when IK reaches both clear of the scene (the grasp may back off a little), else None; its
    cost is the arm's joint travel to the pre-grasp."""
    z = rot[:, 2]
    pre = pos - z * standoff
    pre_ik: IKResult = solve_palm_ik(
        scene, pre, rot, groups=ARM_GROUPS, clearance=clearance, q_init=q_now,
        max_iters=IK_ITERS,
    )  # fmt: skip
    if not pre_ik.success:
        return None
    for back in BACK_OFF:  # a thin object on the table: the palm stays a little higher
        ik = solve_palm_ik(
            scene, pos - z * back, rot, groups=ARM_GROUPS, clearance=clearance,
            q_init=pre_ik.qpos, ignore=[obj], max_iters=IK_ITERS,
        )  # fmt: skip
        if ik.success or "clearance" not in ik.reason:
            break
    if not ik.success:
        return None
    arm = scene.robot.qpos_adr
    move = float(np.linalg.norm(pre_ik.qpos[arm] - q_now[arm]))
    return GraspCandidate(label, point, pos - z * back, rot, pre, pre_ik.qpos, ik.qpos, move)


def power_reach(geometry: GraspGeometry, half: float, approach: np.ndarray) -> float:
    """How far along the fingers (palm x) from the palm site a power grasp's point lies.

    Round a thick object the fingers wrap whole, and it sits at :attr:`GraspGeometry.power_x`
    (midway between the finger roots and the closed fingertips). A thin one lying on the table
    (``half`` ≤ :data:`THIN` behind the point, approached from above) leaves the fingers no room
    to close under it: there it sits a half thickness past the finger roots, so the fingers curl
    over and behind it against the thumb. On the packaged hand a scripted close then lifts the
    banana in 3 of 3 episodes, against 0 of 3 at ``power_x`` (benchmarks/RESULTS.md)."""
    from_above = float(approach[2]) < -0.7
    if from_above and half <= THIN:
        return geometry.knuckles_x + half
    return geometry.power_x


def _surface_distance(scene: Scene, obj: str, point: np.ndarray, z: np.ndarray) -> float:
    """How far behind ``point`` (against the approach ``z``) the object's surface is: a ray cast
    along ``z`` from well outside, against the object's collision geoms only."""
    m, d = scene.model, scene.data
    start = point - z * 0.5
    best = np.inf
    for g in scene.objects[obj].geoms:
        if not (m.geom_contype[g] or m.geom_conaffinity[g]):
            continue
        if m.geom_type[g] == mujoco.mjtGeom.mjGEOM_MESH:
            dist = mujoco.mj_rayMesh(m, d, g, start, z)
        else:
            dist = mujoco.mju_rayGeom(
                d.geom_xpos[g], d.geom_xmat[g], m.geom_size[g], start, z, m.geom_type[g]
            )
        if dist >= 0:
            best = min(best, dist)
    if not np.isfinite(best):
        return 0.0  # the approach line misses the object: aim at the point itself
    return float(0.5 - best)


def frame_variants(
    scene: Scene, obj: str, grasp: GraspFrame
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(label, grasp point, palm rotation) for every symmetry variant of ``grasp`` on ``obj``."""
    m, d = scene.model, scene.data
    site = m.site(f"{obj}/grasp:{grasp.name}").id
    point, rot = d.site_xpos[site].copy(), d.site_xmat[site].reshape(3, 3).copy()
    body = scene.objects[obj].body
    origin, obj_rot = d.xpos[body].copy(), d.xmat[body].reshape(3, 3)
    out = [(grasp.name, point, rot)]
    if grasp.symmetry == "z":
        axis_rot = obj_rot
        out = []
        for k in range(YAW_SAMPLES):
            turn = axis_rot @ rot_z(2 * np.pi * k / YAW_SAMPLES) @ axis_rot.T
            out.append(
                (
                    f"{grasp.name}@yaw{360 * k // YAW_SAMPLES}",
                    origin + turn @ (point - origin),
                    turn @ rot,
                )
            )
    if grasp.symmetry in ("z", "flip"):
        flip = np.diag([-1.0, -1.0, 1.0])
        out += [(f"{label}@flip", p, r @ flip) for label, p, r in list(out)]
    return out


def grasp_candidates(
    scene: Scene,
    obj: str,
    grasp: str | None = None,
    *,
    seed: int = 0,
    clearance: float = 0.005,
    limit: int = 3,
) -> list[GraspCandidate]:
    """Reachable, collision-free grasps of ``obj`` (all its grasp frames, or the one named),
    best first; at most ``limit``. Empty when none is reachable."""
    if obj not in scene.objects:
        raise ConfigError(unknown_name_message("object", obj, scene.objects))
    asset = scene.objects[obj].asset
    frames = list(asset.grasps)
    if grasp is not None:
        frames = [g for g in frames if g.name == grasp]
        if not frames:
            raise ConfigError(
                unknown_name_message(
                    f"grasp frame of {asset.id!r}", grasp, [g.name for g in asset.grasps]
                )
            )
    if not frames:
        raise ConfigError(f"asset {asset.id!r} ({obj}) has no grasp frames")
    rng = np.random.default_rng(seed)
    geometry = grasp_geometry(scene.robot, scene.data, hand_synergy(scene.robot, scene.data))
    q_now = scene.data.qpos.copy()
    palm_now = scene.robot.palm_pose(scene.data)[1]
    scale = scene.objects[obj].scale
    # order the variants by a cheap score (how far the palm turns, whether the thumb points at
    # the table), then run IK in that order and stop after `limit` reachable ones
    variants = []
    for g in frames:
        for label, point, rot in frame_variants(scene, obj, g):
            turn = float(np.arccos(np.clip((np.trace(palm_now.T @ rot) - 1) / 2, -1, 1)))
            # a thumb pointing at the table closes from below and pushes the object away
            thumb_down = max(0.0, -float(rot[2, 1]) * geometry.thumb_side)
            score = 0.5 * turn + 2.0 * thumb_down
            variants.append((round(score, 6), float(rng.random()), label, g, point, rot))
    variants.sort(key=lambda v: (v[0], v[1]))
    found: list[tuple[float, float, GraspCandidate]] = []
    for score, tie, label, g, point, rot in variants:
        z = rot[:, 2]
        if g.kind == "pinch":  # thumb and index close on the point
            poses = [point - rot @ geometry.pinch]
        else:  # the palm face rests on the surface, the fingers wrap around the point
            standoff = _surface_distance(scene, obj, point, z)
            face = point - z * (standoff + geometry.palm_surface + PALM_GAP)
            # a thin object's own placement first, the wrap's where it cannot be reached
            reaches = dict.fromkeys([power_reach(geometry, standoff, z), geometry.power_x])
            poses = [face - rot[:, 0] * x for x in reaches]
        for pos in poses:
            cand = _reachable(scene, obj, label, point, pos, rot, g.standoff * scale, clearance,
                              q_now)  # fmt: skip
            if cand is not None:
                cand = replace(cand, cost=cand.cost + score)
                found.append((cand.cost, tie, cand))
                break
        if len(found) >= limit:
            break
    found.sort(key=lambda t: (round(t[0], 6), t[1]))
    return [c for _, _, c in found]
