"""Running a plan: the subtask chain in the dynamic simulation, one episode at a time.

Each subtask starts from the state the previous one ended in. Its controller (one per kind,
:mod:`gendexhand.plan.controllers`) runs; then its success predicate is evaluated. A subtask that
fails (no reachable grasp, no path, tracking error, predicate false) ends the episode, and the
failure is recorded with its category and reason. Nothing is teleported: every motion runs
through the actuators.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from gendexhand.config.scene import SceneConfig
from gendexhand.embodiment.synergy import hand_synergy
from gendexhand.errors import GenDexHandError, SimulationError
from gendexhand.plan.controllers import Episode, SubtaskError, controller_for
from gendexhand.plan.randomize import randomized_scene
from gendexhand.plan.results import EpisodeResult, Failure, FailureCategory, SubtaskResult
from gendexhand.plan.schema import PlanConfig, SubtaskBase
from gendexhand.predicates import PredicateContext, Success, parse_success
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import Scene, build_scene


def run_subtask(
    ep: Episode, sub: SubtaskBase, success: Success, ctx: PredicateContext
) -> SubtaskResult:
    t0 = time.perf_counter()
    steps0, plan0, grasp0 = ep.loop.steps, ep.planning_s, ep.grasp_s
    result = SubtaskResult(sub.name, sub.kind, False)
    try:
        controller_for(sub).run(ep, success, ctx)
        if success(ctx):
            result.success = True
        else:
            result.failure = Failure(FailureCategory.PREDICATE, success.explain(ctx))
    except SubtaskError as exc:
        result.failure = exc.failure
    except SimulationError as exc:  # e.g. the simulation diverged
        result.failure = Failure(FailureCategory.SIMULATION, str(exc))
    except GenDexHandError as exc:
        result.failure = Failure(FailureCategory.ERROR, f"{type(exc).__name__}: {exc}")
    result.steps = ep.loop.steps - steps0
    result.planning_s = ep.planning_s - plan0
    result.grasp_s = ep.grasp_s - grasp0
    result.seconds = time.perf_counter() - t0
    return result


def start_episode(
    plan: PlanConfig, base: SceneConfig, seed: int, skills: Path | None = None
) -> Episode:
    """The episode of ``seed``: its randomised scene built, nothing run yet."""
    scene = build_scene(randomized_scene(plan, base, seed))
    return Episode(scene, ControlLoop(scene), seed, hand_synergy(scene.robot, scene.data),
                   skills=skills)  # fmt: skip


def run_chain(
    ep: Episode, subtasks: list[SubtaskBase], ctx: PredicateContext
) -> list[SubtaskResult]:
    """Run ``subtasks`` in order from the episode's state; stop at the first that fails."""
    results = []
    for sub in subtasks:
        success = parse_success(sub.success, ep.scene)
        res = run_subtask(ep, sub, success, ctx)
        results.append(res)
        ep.subtask += 1
        if not res.success:
            break
    return results


class Recorder(Protocol):
    """What records an episode: told once before the first control step, then after each."""

    def begin(self, ep: Episode) -> None: ...

    def step(self, ep: Episode) -> None: ...


def run_episode(
    plan: PlanConfig,
    base: SceneConfig,
    seed: int,
    on_step: Callable[[Scene], None] | None = None,
    skills: Path | None = None,
    recorder: Recorder | None = None,
) -> EpisodeResult:
    """One episode from the randomised initial state of ``seed``; rl subtasks use the policies
    in ``skills/<subtask>/``. ``on_step(scene)`` is called after every control step a controller
    reports; ``recorder`` sees the episode before its first control step and after every one
    (it observes the control loop itself, so no step escapes it)."""
    ep = start_episode(plan, base, seed, skills)
    scene = ep.scene
    if recorder is not None:
        recorder.begin(ep)
        ep.loop.observers.append(lambda: recorder.step(ep))
    if on_step is not None:
        ep.on_step = lambda: on_step(scene)
    results = run_chain(ep, list(plan.subtasks), PredicateContext.capture(scene))
    initial = {o.instance: [round(float(v), 4) for v in o.pos] for o in scene.config.objects}
    ok = len(results) == len(plan.subtasks) and all(r.success for r in results)
    return EpisodeResult(seed, ok, results, ep.loop.steps, initial)
