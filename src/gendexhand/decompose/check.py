"""The checks a plan written by a model must pass before it is kept (stage 3's judge).

:func:`check_plan` raises :class:`~gendexhand.errors.ConfigError` whose message is the exact
reason, written to be sent back to the model: the names the plan uses (objects, parts, grasp
frames, joints, actuator groups: :func:`~gendexhand.plan.load.validate_plan`), the scene with
the plan's randomisation still builds, every success expression parses against the scene's
names, the last subtask's success is the task's, and every reward passes the sandbox's check and
then runs in a limited worker (time and memory) on the task's start state, returning every term
the plan weights. Nothing the model wrote runs outside the sandbox worker.
"""

from __future__ import annotations

import ast

import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.plan.load import validate_plan
from gendexhand.plan.randomize import randomized_scene
from gendexhand.plan.schema import PlanConfig, RLSubtask
from gendexhand.predicates import parse_success
from gendexhand.sandbox import RewardRejected, RewardWorker
from gendexhand.sim.scene import Scene, build_scene
from gendexhand.sim.snapshot import take_snapshot


def same_expression(a: str, b: str) -> bool:
    """Whether two success expressions are the same expression (white space and redundant
    parentheses aside); both have parsed as success expressions already."""
    try:
        return ast.dump(ast.parse(a, mode="eval")) == ast.dump(ast.parse(b, mode="eval"))
    except SyntaxError:
        return a == b


def _reward_problems(sub: RLSubtask, scene: Scene) -> list[str]:
    """Run a reward the sandbox's checker accepted (validate_plan) in the limited worker."""
    rl, where = sub.rl, f"subtask {sub.name!r}: rl.reward"
    snap = take_snapshot(scene, np.zeros(len(rl.groups)), 0.0, {}).as_dict()
    try:
        with RewardWorker(rl.reward) as worker:
            terms = worker.call(snap)
    except RewardRejected as exc:
        return [f"{where}: it fails when run on the task's start state: {exc}"]
    missing = sorted(set(rl.weights) - set(terms))
    out = []
    if missing:
        out.append(f"{where}: rl.weights names {', '.join(missing)}, which the reward does "
                   f"not return (it returns {', '.join(sorted(terms)) or 'nothing'})")  # fmt: skip
    if not any(rl.weights.get(t, 0.0) for t in terms):
        out.append(f"{where}: no term it returns has a non-zero weight in rl.weights, so the "
                   "policy would learn from the success bonus alone")  # fmt: skip
    return out


def check_plan(plan: PlanConfig, base: SceneConfig, task_success: str) -> None:
    """Raise a :class:`ConfigError` listing every problem of ``plan`` on ``base`` (one per
    line); see the module docstring."""
    validate_plan(plan, base, "plan")
    try:
        scene = build_scene(randomized_scene(plan, base, 0), settle=False)
    except ConfigError as exc:
        raise ConfigError(f"randomize: the scene with this noise does not build: {exc}") from None
    problems = []
    for sub in plan.subtasks:
        try:
            parse_success(sub.success, scene)
        except ConfigError as exc:
            problems.append(f"subtask {sub.name!r}: success: {exc}")
    last = plan.subtasks[-1].success
    if not same_expression(last, task_success):
        name = plan.subtasks[-1].name
        problems.append(f"subtask {name!r}: success: the last subtask's success must be the "
                        f"task's, {task_success!r}; it is {last!r}")  # fmt: skip
    for sub in plan.subtasks:
        if isinstance(sub, RLSubtask):
            problems += _reward_problems(sub, scene)
    if problems:
        raise ConfigError("the plan is refused:\n- " + "\n- ".join(problems))
