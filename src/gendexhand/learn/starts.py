"""Start states of an ``rl`` subtask: the states the chain reaches at its start, collected by
running the subtasks before it on randomised episodes and keeping the successful runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import mujoco
import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.parallel import ordered_map
from gendexhand.plan.chain import run_chain, start_episode
from gendexhand.plan.schema import PlanConfig
from gendexhand.predicates import PredicateContext
from gendexhand.sim.scene import STATE_SIG
from gendexhand.store.paths import POLICY_FILE


@dataclass(frozen=True)
class StartState:
    """The simulator state at the start of a subtask, and the scene it belongs to."""

    seed: int
    """The episode seed whose randomised scene produced it."""
    state: np.ndarray
    ctrl: np.ndarray


class StartStates(list[StartState]):
    """Start states, and the cost of finding them: ``attempts`` episodes run, ``control_steps``
    control steps in all (the failed attempts included)."""

    attempts: int = 0
    control_steps: int = 0


def subtask_index(plan: PlanConfig, name: str) -> int:
    names = [s.name for s in plan.subtasks]
    if name not in names:
        raise ConfigError(f"plan {plan.task!r} has no subtask {name!r}; subtasks: {names}")
    return names.index(name)


def _start_state(
    job: tuple[PlanConfig, SceneConfig, int, int, Path | None],
) -> tuple[StartState | None, int, str]:
    """Run the subtasks before subtask ``index`` on episode ``seed``: the state if all succeed,
    the control steps run, and why not ("subtask: reason") if one failed."""
    plan, base, index, s, skills = job
    ep = start_episode(plan, base, s, skills)
    scene = ep.scene
    results = run_chain(ep, list(plan.subtasks[:index]), PredicateContext.capture(scene))
    steps = sum(r.steps for r in results)
    failed = next((r for r in results if not r.success), None)
    if failed is not None:
        return None, steps, f"{failed.name}: {failed.reason[:100]}"
    state = np.zeros(mujoco.mj_stateSize(scene.model, STATE_SIG))
    mujoco.mj_getState(scene.model, scene.data, state, STATE_SIG)
    return StartState(s, state, scene.data.ctrl.copy()), steps, ""


def collect_start_states(
    plan: PlanConfig,
    base: SceneConfig,
    subtask: str,
    count: int,
    *,
    seed: int = 0,
    max_attempts: int | None = None,
    workers: int = 1,
    skills: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> StartStates:
    """Run the subtasks before ``subtask`` on episodes ``seed``, ``seed+1``… and keep the state
    reached whenever all of them succeed, until ``count`` states are kept. Earlier rl subtasks
    run their trained policies from ``skills`` (``<task>/skills``). With ``workers`` > 1
    episodes run in parallel processes; the states kept are the same."""
    index = subtask_index(plan, subtask)
    for sub in plan.subtasks[:index]:
        trained = skills is not None and (skills / sub.name / POLICY_FILE).is_file()
        if sub.kind == "rl" and not trained:
            raise ConfigError(f"subtask {sub.name!r} before {subtask!r} is also rl: train it first")
    attempts = max_attempts or 3 * count
    jobs = [(plan, base, index, s, skills) for s in range(seed, seed + attempts)]
    states = StartStates()
    why: Counter[str] = Counter()

    def keep(results: Iterable[tuple[StartState | None, int, str]]) -> None:
        for k, (start, steps, reason) in enumerate(results):
            states.attempts += 1
            states.control_steps += steps
            why[reason] += start is None
            if start is not None:
                states.append(start)
                if progress:
                    progress(f"start states: {len(states)}/{count} (episode {seed + k})")
                if len(states) >= count:
                    return

    results = ordered_map(_start_state, jobs, workers)  # in episode order: as a serial run
    try:
        keep(results)
    finally:
        results.close()  # stops the workers
    if not states:
        seen = "; ".join(f"{w} ×{n}" for w, n in why.most_common(3) if n)
        raise ConfigError(f"no episode reached the start of subtask {subtask!r} in "
                          f"{states.attempts} tries ({seen})")  # fmt: skip
    return states


def save_starts(path: Path, starts: StartStates) -> None:
    """Write ``starts`` to ``path`` (a file name ending in ``.npz``; write it through a run
    directory's ``writing`` for atomicity)."""
    with path.open("wb") as f:
        np.savez(
            f,
            seeds=np.array([s.seed for s in starts]),
            states=np.stack([s.state for s in starts]),
            ctrls=np.stack([s.ctrl for s in starts]),
            attempts=np.array(starts.attempts),
            control_steps=np.array(starts.control_steps),
        )


def load_starts(path: Path) -> StartStates:
    with np.load(path) as npz:
        out = StartStates(
            StartState(int(s), st.copy(), c.copy())
            for s, st, c in zip(npz["seeds"], npz["states"], npz["ctrls"], strict=True)
        )
        if "control_steps" in npz:  # files from before the cost was recorded lack it
            out.attempts, out.control_steps = int(npz["attempts"]), int(npz["control_steps"])
    return out
