"""``scripted`` subtasks: close or open the hand along its synergy, or hold still."""

from __future__ import annotations

from gendexhand.plan.controllers.base import Controller, Episode, controller
from gendexhand.plan.schema import ScriptedSubtask
from gendexhand.predicates import PredicateContext, Success


@controller("scripted")
class ScriptedController(Controller[ScriptedSubtask]):
    def run(self, ep: Episode, success: Success, ctx: PredicateContext) -> None:
        spec = self.sub.scripted
        scene = ep.scene
        ctrl = scene.data.ctrl.copy()
        acts = ep.synergy.actuators
        start = ctrl[acts].copy()
        if spec.action == "close":
            goal = ep.synergy.at(spec.fraction)
        elif spec.action == "open":
            goal = ep.synergy.open
        else:
            goal = start
        for k in range(1, spec.steps + 1):
            ctrl[acts] = start + (goal - start) * k / spec.steps
            ep.loop.step(ctrl)
            ep.stepped()
        if spec.action == "close" and ep.grasp_object is not None:
            if scene.objects[ep.grasp_object].qpos_adr is not None:
                ep.held = ep.grasp_object
        elif spec.action == "open":
            ep.held = None
            ep.grasp = None
