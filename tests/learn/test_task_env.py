"""The whole-task Gymnasium environment and the registration of a run's tasks."""

from __future__ import annotations

import shutil
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

from gendexhand.errors import ConfigError
from gendexhand.examples import task_plans
from gendexhand.learn.register import register_run, task_env_id
from gendexhand.learn.task_env import TaskEnv
from gendexhand.plan.chain import Episode, run_episode
from gendexhand.plan.load import load_plan
from gendexhand.store.paths import TASKS_DIR


class _Ctrl:
    """Records the actuator targets after every control step of a chain."""

    def __init__(self) -> None:
        self.ctrl: list[np.ndarray] = []

    def begin(self, ep: Episode) -> None:
        pass

    def step(self, ep: Episode) -> None:
        self.ctrl.append(ep.scene.data.ctrl.copy())


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run directory with the packaged pick_bottle task (its plan and its scene)."""
    root = tmp_path_factory.mktemp("my run")
    src = task_plans()["pick_bottle"].parent
    shutil.copytree(src, root / TASKS_DIR / "pick_bottle")
    return root


def test_the_chain_replayed_as_actions_solves_the_task_env(run: Path) -> None:
    """Budget: < 10 s. The env starts where the chain starts for the same seed: the chain's
    actuator targets, mapped to [-1, 1], solve it and end the episode with reward 1."""
    plan_path = run / TASKS_DIR / "pick_bottle" / "plan.yaml"
    plan, base = load_plan(plan_path)
    rec = _Ctrl()
    assert run_episode(plan, base, 4, recorder=rec).success
    env = TaskEnv(plan_path)
    obs, info = env.reset(seed=4)
    assert obs.shape == env.observation_space.shape and len(info["touch_sensors"]) == 5
    assert env.action_space.shape == (27,)
    lo, hi = env.scene.model.actuator_ctrlrange.T
    total, done = 0.0, False
    for ctrl in rec.ctrl:
        obs, r, done, truncated, info = env.step(2.0 * (ctrl - lo) / (hi - lo) - 1.0)
        total += r
        assert not truncated
        if done:
            break
    assert done and total == 1.0 and info["is_success"]
    env.reset(seed=4)
    for _ in range(20):  # holding still does not solve it
        assert not env.step(np.zeros(27))[2]


def test_registered_ids_options_noise_and_randomisation(run: Path) -> None:
    """Budget: < 6 s. Ids are derived from the run and the task; options are recorded in the
    spec and in every reset's info; noise and dynamics ranges change what they should."""
    [env_id] = register_run(run, max_steps=5)
    assert (
        env_id
        == task_env_id(run, "pick_bottle")
        == f"gendexhand/{run.name.replace(' ', '_')}.pick_bottle-v1"
    )
    assert " " not in env_id
    env = gym.make(env_id, obs_noise=0.01, friction_range=(0.5, 0.6), damping_range=(2.0, 2.0))
    assert env.spec is not None and env.spec.kwargs["max_steps"] == 5
    o1, info = env.reset(seed=1)
    assert info["options"]["friction_range"] == (0.5, 0.6) and info["options"]["max_steps"] == 5
    base = env.unwrapped
    bottle = base.scene.objects["bottle"]
    geom = next(iter(bottle.geoms))
    assert 0.5 * base.dynamics.friction[geom, 0] <= base.scene.model.geom_friction[geom, 0] <= (
        0.6 * base.dynamics.friction[geom, 0] + 1e-12)  # fmt: skip
    dofs = base.scene.robot.dof_adr
    assert np.allclose(base.scene.model.dof_damping[dofs], 2.0 * base.dynamics.damping[dofs])
    o2, _ = env.reset(seed=1)
    assert np.array_equal(o1, o2)  # the seed decides the noise too
    clean, _ = gym.make(env_id).reset(seed=1)
    assert not np.array_equal(o1, clean) and np.abs(o1 - clean).max() < 0.1
    for _ in range(5):
        _, _, term, trunc, _ = env.step(np.zeros(27))
    assert trunc and not term
    with pytest.raises(ConfigError, match="friction_range"):
        TaskEnv(run / TASKS_DIR / "pick_bottle" / "plan.yaml", friction_range=(2.0, 1.0))
    with pytest.raises(ConfigError, match=r"no task has a plan\.yaml"):
        register_run(run / "nothing")


def test_gendexhand_envs_lists_the_ids(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gendexhand.cli.main import main

    assert main(["envs", str(run)]) == 0
    assert task_env_id(run, "pick_bottle") in capsys.readouterr().out
    assert main(["envs", str(run / "nothing")]) == 2
