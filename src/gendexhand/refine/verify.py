"""The verifier: an exact, deterministic judgement of a scene and its task (``verifier.json``).

It extends the physical checks of :func:`gendexhand.sim.checks.check_scene` (overlaps at t = 0,
off the table, outside the workspace, inside the robot's base; motion, rotation and falling
while the scene settles, here for :data:`SETTLE_SECONDS`) with what needs the task or more
measurement:

- an object the task must grasp has no reachable, collision-free grasp, or is too big for the
  hand's aperture;
- an object's size is implausible for its category
  (:func:`~gendexhand.assets.catalog.plausible_size`);
- a container does not stand upright;
- another object is in the way of an articulated object's joint, swept kinematically over its
  range towards the end the task needs;
- no view shows an object (a warning);
- the task's success condition already holds at the start.

In a generated scene every finding but visibility is an error, so the report passes only when
the scene is physically sound and the task is still to be done. Refiners read the findings;
errors veto a model's ``ACCEPT``.
"""

from __future__ import annotations

from itertools import product

import mujoco
import numpy as np
from pydantic import Field

from gendexhand.assets.catalog import plausible_size
from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError, GenDexHandError
from gendexhand.motion.grasping import grasp_candidates
from gendexhand.predicates import PredicateContext, parse_success
from gendexhand.predicates.parser import JOINT_TERM
from gendexhand.propose.build import must_grasp
from gendexhand.propose.families import GRIP_FRACTION
from gendexhand.propose.schema import TaskProposal
from gendexhand.sim.bounds import geom_bounds
from gendexhand.sim.checks import (
    PENETRATION_LIMIT,
    Check,
    Finding,
    SceneReport,
    Severity,
    check_scene,
    finding,
)
from gendexhand.sim.scene import Scene, build_scene

SETTLE_SECONDS = 1.0
"""Seconds of physics the verifier lets the scene settle (the builder's default is shorter)."""
UPRIGHT_LIMIT = 30.0
"""Degrees a container's up axis may lean before it counts as on its side."""
SWING_STEPS = 10
"""Poses at which a joint's sweep is checked for obstruction."""
VISIBLE_PIXELS = 4
"""Pixels an object must cover in at least one view (at the verifier's render size)."""
RENDER_SIZE = (160, 120)
WARNING_ONLY = (Check.NOT_VISIBLE,)
"""Findings that stay warnings in a generated scene; every other finding is an error."""
_JOINT = JOINT_TERM


class VerifierReport(SceneReport):
    """:class:`SceneReport` with the task's checks (``verifier.json``)."""

    task: str | None = None
    grasps: dict[str, int] = Field(default_factory=dict)
    """Object to be grasped → reachable grasps found (at most one is searched for)."""

    @property
    def passed(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """One line per finding: ``severity object: description``."""
        return [f"{f.severity.value} {f.object}: {f.describe()}" for f in self.findings]


def verify(
    config: SceneConfig,
    proposal: TaskProposal | None = None,
    *,
    visibility: bool = True,
) -> tuple[VerifierReport, Scene]:
    """The report on ``config`` (and the built scene, at its settled initial state).

    A config that does not build raises its :class:`GenDexHandError`."""
    scene = build_scene(config, settle=False)
    scene.settle(SETTLE_SECONDS)
    base = check_scene(scene)
    report = VerifierReport(**base.model_dump(), task=proposal.id if proposal else None)
    found = [*_sizes(scene), *_upright(scene)]
    if proposal is not None:
        found += _hand(scene, proposal, report)
        found += _swing(scene, proposal)
        found += _solved(scene, proposal)
    else:
        found += _swing(scene, None)
    if visibility:
        found += _visibility(scene)
    report.findings = [
        f.model_copy(
            update={"severity": Severity.WARNING if f.check in WARNING_ONLY else Severity.ERROR}
        )
        for f in [*report.findings, *found]
    ]
    scene.reset()
    return report, scene


def _finding(obj: str, check: Check, value: float, threshold: float, unit: str,
             other: str | None = None) -> Finding:  # fmt: skip
    return finding(obj, check, round(float(value), 6), threshold, unit, Severity.ERROR, other)


def _sizes(scene: Scene) -> list[Finding]:
    out = []
    for name, h in scene.objects.items():
        side = max(h.asset.size) * h.scale
        lo, hi = plausible_size(h.asset.category)
        if not lo <= side <= hi:
            bound = lo if side < lo else hi
            out.append(_finding(name, Check.IMPLAUSIBLE_SIZE, side, bound, "m"))
    return out


def _upright(scene: Scene) -> list[Finding]:
    """Free containers (an interior part) whose up axis leans more than the limit."""
    out = []
    for name, h in scene.objects.items():
        if h.fixed or not any(p.kind == "interior" for p in h.asset.parts):
            continue
        up = scene.data.xmat[h.body].reshape(3, 3)[:, 2]
        tilt = float(np.degrees(np.arccos(np.clip(up[2], -1.0, 1.0))))
        if tilt > UPRIGHT_LIMIT:
            out.append(_finding(name, Check.NOT_UPRIGHT, tilt, UPRIGHT_LIMIT, "deg"))
    return out


def _hand(scene: Scene, proposal: TaskProposal, report: VerifierReport) -> list[Finding]:
    """Objects to be grasped: small enough for the hand, with a reachable grasp."""
    out = []
    limit = GRIP_FRACTION * scene.robot.metrics.aperture
    for name in must_grasp(proposal):
        h = scene.objects.get(name)
        if h is None:
            continue
        if not (h.fixed or h.asset.articulated):
            side = min(h.asset.size[0], h.asset.size[1], max(h.asset.size[2], 1e-3)) * h.scale
            if side > limit:
                out.append(_finding(name, Check.NOT_GRASPABLE, side, round(limit, 4), "m"))
                continue
        try:
            found = len(grasp_candidates(scene, name, limit=1))
        except ConfigError:
            continue  # no grasp frames: nothing to search
        finally:
            scene.reset()
        report.grasps[name] = found
        if not found:
            out.append(_finding(name, Check.UNREACHABLE, 0.0, 1.0, ""))
    return out


def _subtree(m: mujoco.MjModel, body: int) -> set[int]:
    out = {body}
    for b in range(body + 1, m.nbody):
        if int(m.body_parentid[b]) in out:
            out.add(b)
    return out


def _swing(scene: Scene, proposal: TaskProposal | None) -> list[Finding]:
    """Sweep each joint the task moves (those its success names, else every joint of its
    articulated objects; every joint without a task) towards its other end and report the
    deepest overlap of the moving part with another object."""
    m, d = scene.model, scene.data
    wanted = set(_JOINT.findall(proposal.success)) if proposal else None
    if proposal is not None and not wanted:  # e.g. open a drawer and put something in it
        wanted = {(o.name, j) for o in proposal.objects if o.role == "articulated"
                  for j in scene.objects[o.name].joints if o.name in scene.objects}  # fmt: skip
    out = []
    for name, h in scene.objects.items():
        for joint, adr in h.joints.items():
            if wanted is not None and (name, joint) not in wanted:
                continue
            info = h.asset.joint(joint)
            jid = next(j for j in range(m.njnt) if m.jnt_qposadr[j] == adr)
            moving = _subtree(m, int(m.jnt_bodyid[jid]))
            start = float(d.qpos[adr])
            lo, hi = sorted(float(v) for v in m.jnt_range[jid])
            end = hi if abs(start - lo) <= abs(start - hi) else lo
            depth, blocker = _sweep(scene, name, moving, adr, np.linspace(start, end, SWING_STEPS))
            if depth > PENETRATION_LIMIT and blocker is not None:
                out.append(_finding(name, Check.SWING_BLOCKED, depth, PENETRATION_LIMIT, "m",
                                    other=f"{blocker} (joint {info.name})"))  # fmt: skip
    scene.reset()
    return out


def _sweep(scene: Scene, name: str, moving: set[int], adr: int,
           values: np.ndarray) -> tuple[float, str | None]:  # fmt: skip
    m, d = scene.model, scene.data
    mine = [g for g in scene.objects[name].geoms if int(m.geom_bodyid[g]) in moving
            and (m.geom_contype[g] or m.geom_conaffinity[g])]  # fmt: skip
    others = {g: other for other, h in scene.objects.items() if other != name for g in h.geoms
              if m.geom_contype[g] or m.geom_conaffinity[g]}  # fmt: skip
    deepest, blocker = 0.0, None
    for value in values:
        d.qpos[adr] = value
        mujoco.mj_kinematics(m, d)
        boxes = {g: geom_bounds(m, d, g) for g in [*mine, *others]}
        for g1, g2 in product(mine, others):
            (lo1, hi1), (lo2, hi2) = boxes[g1], boxes[g2]
            if np.any(lo1 > hi2) or np.any(lo2 > hi1):
                continue
            depth = -mujoco.mj_geomDistance(m, d, g1, g2, PENETRATION_LIMIT, None)
            if depth > deepest:
                deepest, blocker = depth, others[g2]
    return deepest, blocker


def _solved(scene: Scene, proposal: TaskProposal) -> list[Finding]:
    try:
        success = parse_success(proposal.success, scene)
        held = bool(success(PredicateContext.capture(scene)))
    except GenDexHandError:
        return []  # a success that does not parse is the proposal's fault, reported there
    acted = [o.name for o in proposal.objects if o.role in ("target", "articulated")]
    who = acted[0] if acted else proposal.objects[0].name
    return [_finding(who, Check.ALREADY_SOLVED, 1.0, 0.0, "")] if held else []


def _visibility(scene: Scene) -> list[Finding]:
    from gendexhand.sim.render import SceneRenderer

    with SceneRenderer(scene, *RENDER_SIZE) as r:
        frames = r.render(segmentation=True)
    out = []
    for name, h in scene.objects.items():
        bodies = np.array(h.bodies)
        best = max((int(np.isin(f.segmentation, bodies).sum()) for f in frames
                    if f.segmentation is not None), default=0)  # fmt: skip
        if best < VISIBLE_PIXELS:
            out.append(_finding(name, Check.NOT_VISIBLE, best, VISIBLE_PIXELS, "px"))
    return out
