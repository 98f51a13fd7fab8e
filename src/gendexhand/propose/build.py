"""Is a proposed task buildable? Its scene passes the physical checks, its success predicate is
false at t = 0, and every object the task must grasp has a reachable grasp."""

from __future__ import annotations

from dataclasses import dataclass, field

from gendexhand.config.scene import SceneConfig
from gendexhand.errors import GenDexHandError
from gendexhand.motion.grasping import grasp_candidates
from gendexhand.predicates import PredicateContext, parse_success
from gendexhand.propose.schema import TaskProposal
from gendexhand.sim.checks import Check, SceneReport, check_scene
from gendexhand.sim.scene import Scene, build_scene

FATAL_WARNINGS = (Check.PENETRATION, Check.OVERLAPS_ROBOT, Check.FELL, Check.OFF_TABLE,
                  Check.OUTSIDE_WORKSPACE)  # fmt: skip
"""Warnings a generated scene may not have (a person's scene may; a generated one is wrong)."""


@dataclass
class Verdict:
    buildable: bool
    reasons: list[str] = field(default_factory=list)
    report: SceneReport | None = None
    grasps: dict[str, int] = field(default_factory=dict)
    """Object → reachable grasps found (up to 1 is searched for)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "buildable": self.buildable,
            "reasons": self.reasons,
            "grasps": self.grasps,
            "report": None if self.report is None else self.report.model_dump(mode="json"),
        }


def must_grasp(proposal: TaskProposal) -> list[str]:
    """The objects the hand must take hold of: targets, and articulated objects' handles (none
    when the task needs no grasp, e.g. a push)."""
    if "grasp" not in proposal.skills:
        return []
    return [o.name for o in proposal.objects if o.role in ("target", "articulated")
            and not (proposal.family == "tip_out" and o.role == "target")] + (
        [o.name for o in proposal.objects if o.role == "container"]
        if proposal.family == "tip_out" else [])  # fmt: skip


def check_buildable(proposal: TaskProposal, config: SceneConfig) -> tuple[Verdict, Scene | None]:
    """The verdict on ``proposal`` in the scene ``config`` (and the built scene, if it built)."""
    try:
        scene = build_scene(config)
    except GenDexHandError as exc:
        return Verdict(False, [f"the scene does not build: {exc}"]), None
    report = check_scene(scene)
    v = Verdict(True, report=report)
    v.reasons += [f"{f.object}: {f.describe()}" for f in report.errors]
    v.reasons += [f"{f.object}: {f.describe()}" for f in report.warnings
                  if f.check in FATAL_WARNINGS]  # fmt: skip
    try:
        success = parse_success(proposal.success, scene)
        if success(PredicateContext.capture(scene)):
            v.reasons.append(f"the success condition already holds at t = 0: {proposal.success}")
    except GenDexHandError as exc:
        v.reasons.append(f"success {proposal.success!r}: {exc}")
    for name in must_grasp(proposal):
        try:
            found = grasp_candidates(scene, name, limit=1)
        except GenDexHandError as exc:
            v.reasons.append(f"{name}: {exc}")
            continue
        v.grasps[name] = len(found)
        if not found:
            v.reasons.append(f"{name}: no reachable, collision-free grasp")
        scene.reset()
    v.buildable = not v.reasons
    return v, scene
