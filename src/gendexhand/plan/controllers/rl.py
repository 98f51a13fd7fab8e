"""``rl`` subtasks: a trained policy moves the subtask's actuator groups (all others hold their
targets; with ``lift``, the arm raises the palm meanwhile: :mod:`gendexhand.plan.carry`) until the
success predicate has held for ``hold`` control steps in a row, or the horizon ends."""

from __future__ import annotations

import numpy as np

from gendexhand.errors import ConfigError
from gendexhand.motion.planner import ARM_GROUPS
from gendexhand.plan.carry import ArmLift, free_objects
from gendexhand.plan.controllers.base import (
    Controller,
    Episode,
    PlanCheck,
    SubtaskError,
    controller,
)
from gendexhand.plan.policy import ActionMap, load_policy, observe
from gendexhand.plan.results import FailureCategory
from gendexhand.plan.schema import RLSubtask
from gendexhand.predicates import PredicateContext, Success, grasped
from gendexhand.sandbox import RewardRejected, RewardWorker, check_reward_code
from gendexhand.sim.scene import Scene
from gendexhand.sim.snapshot import take_snapshot
from gendexhand.store.paths import POLICY_FILE


@controller("rl")
class RLController(Controller[RLSubtask]):
    def check(self, plan: PlanCheck) -> None:
        rl = self.sub.rl
        try:
            check_reward_code(rl.reward)
        except RewardRejected as exc:
            raise ConfigError(f"{plan.where}.rl.reward: {exc}") from None
        for g in rl.groups:
            if g not in plan.groups:
                raise plan.error("rl.groups", "group", g, plan.groups)
        other = [g for g in rl.groups if g not in ARM_GROUPS]
        if rl.action in ("palm", "palm_position") and other:
            raise ConfigError(
                f"{plan.where}.rl.groups: {rl.action!r} actions move the palm with the arm "
                f"({', '.join(ARM_GROUPS)}) only; not with {', '.join(other)} (a hand group "
                f"needs its own subtask, or action 'actuators')"
            )

    def run(self, ep: Episode, success: Success, ctx: PredicateContext) -> None:
        sub = self.sub
        folder = None if ep.skills is None else ep.skills / sub.name
        if folder is None or not (folder / POLICY_FILE).is_file():
            raise SubtaskError(
                FailureCategory.RL,
                f"no trained policy for {sub.name!r} (train it: gendexhand train RUN_DIR "
                f"--subtask {sub.name})",
            )
        act = load_policy(folder)
        scene = ep.scene
        actions = ActionMap(scene, sub.rl.groups, sub.rl.action, ep.synergy)
        actions.reset(scene)
        lift = ArmLift(scene, sub.rl, free_objects(scene))
        if lift.reason:
            raise SubtaskError(FailureCategory.IK, lift.reason)
        steps = held = 0
        worker = RewardWorker(sub.rl.reward) if ep.reward_sink is not None else None
        try:
            while steps < sub.rl.horizon:
                a = act(observe(scene, actions.active))
                actions.apply(scene, a)
                lift.apply(scene.data.ctrl, steps)
                ep.loop.step(scene.data.ctrl)
                steps += 1
                if worker is not None and ep.reward_sink is not None:
                    ep.reward_sink(_terms(worker, scene, a, steps))
                ep.stepped()
                held = held + 1 if success(ctx) else 0
                if held >= sub.rl.hold:
                    break
        finally:
            if worker is not None:
                worker.close()
        # what the hand holds now (later motions carry it): the object of the planned grasp, or
        # any free object when no grasp was planned
        free = list(free_objects(scene))
        if ep.grasp_object is not None:
            free = [n for n in free if n == ep.grasp_object]
        ep.held = next((n for n in free if grasped(ctx, n)), None)


def _terms(worker: RewardWorker, scene: Scene, action: np.ndarray, steps: int) -> dict[str, float]:
    """The reward terms of the state reached, as training computes them ({} if rejected)."""
    snap = take_snapshot(scene, action, steps * scene.physics.control_dt, {}).as_dict()
    try:
        return worker.call(snap)
    except RewardRejected:
        return {}
