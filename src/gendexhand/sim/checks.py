"""Physical checks of a built scene: one typed report of what cannot be meant or looks wrong.

A scene can pass its schema and still be absurd: objects inside each other, inside the table or
the robot, off the table, out of reach, or falling over as soon as physics runs. :func:`check_scene`
measures each of these on a built :class:`~gendexhand.sim.scene.Scene` and returns a
:class:`SceneReport`: per object, the check, the measured value, the threshold and a severity.
Warnings describe scenes that may be meant (an object left on the floor); errors describe scenes
that cannot be (an object inside the robot's base). The refinement stage's verifier extends it.

Overlaps are measured at t = 0 (the config's poses, the robot at home, before any physics) with
MuJoCo's signed geom distance, so fixed objects and resting contacts are covered alike; motion is
what the builder's settle step did to each object.
"""

from __future__ import annotations

from enum import StrEnum
from itertools import combinations

import mujoco
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from gendexhand.embodiment.workspace import Workspace
from gendexhand.sim.bounds import collision_bounds, geom_bounds
from gendexhand.sim.scene import Scene

REPORT_VERSION = 1
PENETRATION_LIMIT = 0.002
"""Metres of overlap between two bodies at t = 0 before it is reported (contacts rest at ~0)."""
SETTLE_MOTION_LIMIT = 0.02
"""Metres an object may move while the scene settles."""
SETTLE_ROTATION_LIMIT = 15.0
"""Degrees an object may turn while the scene settles (more: it tipped or rolled)."""
BELOW_TABLE_LIMIT = 0.02
"""Metres below the table top an object's lowest point may end after settling (more: it fell)."""
_TABLE = "table"
_ROBOT = "robot"
_FLOOR = "floor"


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


class Check(StrEnum):
    PENETRATION = "penetration"
    """Two objects, or an object and the table, overlap at t = 0 (value: depth, m)."""
    OVERLAPS_ROBOT = "overlaps_robot"
    """An object overlaps the robot at its home posture (value: depth, m)."""
    INSIDE_ROBOT_BASE = "inside_robot_base"
    """An object's centre lies inside the robot's base (value: 1)."""
    OFF_TABLE = "off_table"
    """An object's centre is not above the table top (value: distance past the edge, m)."""
    OUTSIDE_WORKSPACE = "outside_workspace"
    """An object lies beyond the palm's reach (value: distance outside the workspace, m)."""
    SETTLE_MOTION = "settle_motion"
    """An object moved while the scene settled (value: displacement, m)."""
    SETTLE_ROTATION = "settle_rotation"
    """An object turned while the scene settled (value: rotation, degrees)."""
    FELL = "fell"
    """An object ended below the table top after settling (value: depth below the top, m)."""
    # the refinement verifier's checks (gendexhand.refine.verify), which know the task
    UNREACHABLE = "unreachable"
    """No reachable, collision-free grasp of an object the task must grasp (value: 0 grasps)."""
    NOT_GRASPABLE = "not_graspable"
    """The hand cannot close round the object (value: its narrowest side, m)."""
    IMPLAUSIBLE_SIZE = "implausible_size"
    """The object's largest side is outside its category's range (value: the side, m)."""
    NOT_UPRIGHT = "not_upright"
    """A container's opening does not face up (value: tilt of its up axis, degrees)."""
    SWING_BLOCKED = "swing_blocked"
    """Another object is in the way of a joint's motion (value: overlap depth, m)."""
    NOT_VISIBLE = "not_visible"
    """No view shows the object (value: its most pixels in any view)."""
    ALREADY_SOLVED = "already_solved"
    """The task's success condition holds at the start (value: 1)."""


_MEANING = {
    Check.INSIDE_ROBOT_BASE: "its centre is inside the robot's base; move it",
    Check.UNREACHABLE: "no reachable, collision-free grasp; move it closer or turn it",
    Check.ALREADY_SOLVED: "the success condition already holds at the start",
}


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    object: str
    check: Check
    value: float
    threshold: float
    unit: str
    severity: Severity
    other: str | None = Field(default=None, description="The other body of an overlap.")

    def describe(self) -> str:
        """``check [with other]: value unit (limit threshold unit)``."""
        with_ = f" with {self.other}" if self.other else ""
        if not self.unit:
            return f"{self.check.value}{with_}: {_MEANING[self.check]}"
        return (
            f"{self.check.value}{with_}: {self.value:.3g} {self.unit} "
            f"(limit {self.threshold:.3g} {self.unit})"
        )


class WorkspaceBox(BaseModel):
    low: tuple[float, float, float]
    high: tuple[float, float, float]
    margin: float


class SceneReport(BaseModel):
    """Every finding of :func:`check_scene` on one scene (``scene_report.json``)."""

    version: int = REPORT_VERSION
    scene: str
    embodiment: str
    workspace: WorkspaceBox
    findings: list[Finding] = Field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors


def check_scene(scene: Scene) -> SceneReport:
    """Measure ``scene`` (built, settled or not) and report; leaves it at its initial state."""
    ws = scene.robot.workspace
    report = SceneReport(
        scene=scene.config.task.name,
        embodiment=scene.robot.name,
        workspace=WorkspaceBox(low=ws.low, high=ws.high, margin=ws.margin),
    )
    scene.place_robot_home()
    try:
        report.findings.extend(_overlaps(scene))
        report.findings.extend(_placement(scene, ws))
    finally:
        scene.reset()
    report.findings.extend(_settling(scene))
    order = {name: k for k, name in enumerate(scene.objects)}
    report.findings.sort(key=lambda f: order[f.object])  # stable: checks keep their order
    return report


def _owners(scene: Scene) -> dict[int, str]:
    """Collision geom → who owns it: an object's name, ``table``, ``robot`` or ``floor``."""
    m = scene.model
    robot_bodies = _robot_bodies(scene)
    owners: dict[int, str] = {}
    for g in range(m.ngeom):
        if not (m.geom_contype[g] or m.geom_conaffinity[g]):
            continue
        body = int(m.geom_bodyid[g])
        if body in robot_bodies:
            owners[g] = _ROBOT
        elif m.geom(g).name == "table_top":
            owners[g] = _TABLE
        elif m.geom(g).name == "floor":
            owners[g] = _FLOOR
    for name, handle in scene.objects.items():
        for g in handle.geoms:
            if m.geom_contype[g] or m.geom_conaffinity[g]:
                owners[g] = name
    return owners


def _robot_bodies(scene: Scene) -> set[int]:
    m = scene.model
    root = int(m.body_rootid[scene.robot.layout.hand_root])
    return {b for b in range(1, m.nbody) if int(m.body_rootid[b]) == root}


def _overlaps(scene: Scene) -> list[Finding]:
    """Deepest overlap of each pair (object, other body) at the current state."""
    m, d = scene.model, scene.data
    owners = _owners(scene)
    boxes = {g: geom_bounds(m, d, g) for g in owners}
    deepest: dict[tuple[str, str], float] = {}
    for g1, g2 in combinations(sorted(owners), 2):
        a, b = owners[g1], owners[g2]
        if a == b or (a not in scene.objects and b not in scene.objects):
            continue
        (lo1, hi1), (lo2, hi2) = boxes[g1], boxes[g2]
        if np.any(lo1 > hi2 + PENETRATION_LIMIT) or np.any(lo2 > hi1 + PENETRATION_LIMIT):
            continue
        dist = mujoco.mj_geomDistance(m, d, g1, g2, PENETRATION_LIMIT, None)
        key = (a, b) if a in scene.objects else (b, a)
        if -dist > PENETRATION_LIMIT and -dist > deepest.get(key, 0.0):
            deepest[key] = -dist
    findings = []
    for (obj, other), depth in sorted(deepest.items()):
        if other == _FLOOR:
            continue  # an object on the floor is reported as off the table
        check = Check.OVERLAPS_ROBOT if other == _ROBOT else Check.PENETRATION
        findings.append(
            Finding(
                object=obj,
                check=check,
                value=depth,
                threshold=PENETRATION_LIMIT,
                unit="m",
                severity=Severity.WARNING,
                other=other,
            )
        )
    return findings


def _placement(scene: Scene, ws: Workspace) -> list[Finding]:
    """Inside the robot's base, off the table, outside the workspace (at the current state)."""
    m, d = scene.model, scene.data
    base = int(m.body_rootid[scene.robot.layout.hand_root])
    base_lo, base_hi = collision_bounds(
        m, d, [g for g in range(m.ngeom) if m.geom_bodyid[g] == base]
    )
    t = scene.config.table
    half = np.array(t.size) / 2
    findings = []
    for name, handle in scene.objects.items():
        centre = d.xpos[handle.body]
        if np.all(centre >= base_lo) and np.all(centre <= base_hi):
            findings.append(finding(name, Check.INSIDE_ROBOT_BASE, 1.0, 0.0, "", Severity.ERROR))
        past = float(np.max(np.abs(centre[:2] - np.array(t.pos)) - half))
        if past > 0:
            findings.append(finding(name, Check.OFF_TABLE, past, 0.0, "m"))
        lo, hi = collision_bounds(m, d, handle.geoms)
        out = ws.box_distance(lo, hi) if np.all(np.isfinite(lo)) else ws.distance(centre)
        if out > 0:
            findings.append(finding(name, Check.OUTSIDE_WORKSPACE, out, 0.0, "m"))
    return findings


def _settling(scene: Scene) -> list[Finding]:
    """What the settle step did to each object, and where it left it."""
    m, d = scene.model, scene.data
    top = scene.config.table.height
    findings = []
    for name, (moved, turned) in sorted(scene.settle_motion.items()):
        if moved > SETTLE_MOTION_LIMIT:
            findings.append(finding(name, Check.SETTLE_MOTION, moved, SETTLE_MOTION_LIMIT, "m"))
        if turned > SETTLE_ROTATION_LIMIT:
            findings.append(
                finding(name, Check.SETTLE_ROTATION, turned, SETTLE_ROTATION_LIMIT, "deg")
            )
        lo, _ = collision_bounds(m, d, scene.objects[name].geoms)
        below = top - float(lo[2]) if np.isfinite(lo[2]) else 0.0
        if below > BELOW_TABLE_LIMIT:
            findings.append(finding(name, Check.FELL, below, BELOW_TABLE_LIMIT, "m"))
    return findings


def finding(
    obj: str,
    check: Check,
    value: float,
    threshold: float,
    unit: str,
    severity: Severity = Severity.WARNING,
    other: str | None = None,
) -> Finding:
    """A :class:`Finding` (a warning unless said otherwise)."""
    return Finding(object=obj, check=check, value=value, threshold=threshold, unit=unit,
                   severity=severity, other=other)  # fmt: skip
