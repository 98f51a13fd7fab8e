"""RL subtasks: the environment, sandboxed rewards in it, a short PPO run, and its policy in the
chain. Budgets here are tiny: they prove the plumbing, not the learning (see benchmarks/)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from gendexhand.cli.main import main
from gendexhand.config.scene import SceneConfig
from gendexhand.examples import task_plans
from gendexhand.learn.env import SubtaskEnv
from gendexhand.learn.starts import collect_start_states
from gendexhand.learn.train import SandboxedReward
from gendexhand.plan.chain import run_episode
from gendexhand.plan.load import load_plan
from gendexhand.plan.schema import PlanConfig
from gendexhand.sandbox import compile_reward
from gendexhand.sim.snapshot import take_snapshot
from gendexhand.yamlio import read_yaml

PLAN = task_plans(learned=True)["pick_bottle_rl"]


@pytest.fixture(scope="module")
def starts() -> list:  # type: ignore[type-arg]
    plan, base = load_plan(PLAN)
    return collect_start_states(plan, base, "grasp", 2, workers=2)


def _grasp_variant(success: str | None = None, **rl: object) -> tuple[PlanConfig, SceneConfig]:
    """pick_bottle_rl with its grasp subtask's rl block (and success) changed."""
    plan, base = load_plan(PLAN)
    data = plan.model_dump()
    data["subtasks"][2]["rl"].update(rl)
    if success is not None:
        data["subtasks"][2]["success"] = success
    return PlanConfig.model_validate(data), base


def test_parallel_start_states_are_the_serial_ones(starts: list) -> None:  # type: ignore[type-arg]
    plan, base = load_plan(PLAN)
    (first,) = collect_start_states(plan, base, "grasp", 1)
    assert first.seed == starts[0].seed
    np.testing.assert_array_equal(first.state, starts[0].state)
    np.testing.assert_array_equal(first.ctrl, starts[0].ctrl)


@pytest.mark.parametrize(("mode", "size"), [("palm", 6), ("palm_position", 3)])
def test_palm_actions_move_the_palm_along_the_commanded_twist(
    starts: list,  # type: ignore[type-arg]
    mode: str,
    size: int,
) -> None:
    plan, base = _grasp_variant(groups=["arm"], action=mode)
    env = SubtaskEnv(plan, base, "grasp", starts, lambda s: {}, {}, seed=0)
    assert env.action_space.shape == (size,)
    for axis in (0, 2):  # back, then up: the palm goes that way and keeps its orientation
        env.reset(seed=0)
        pos0, rot0 = env.scene.robot.palm_pose(env.scene.data)
        act = np.zeros(size, dtype=np.float32)
        act[axis] = -1.0 if axis == 0 else 1.0
        for _ in range(15):
            env.step(act)
        pos, rot = env.scene.robot.palm_pose(env.scene.data)
        move = pos - pos0
        assert abs(move[axis]) > 0.04, move  # 15 steps of at most 5 mm; the servos lag
        assert np.linalg.norm(np.delete(move, axis)) < 0.3 * abs(move[axis]), move
        assert np.degrees(np.arccos(np.clip((np.trace(rot0.T @ rot) - 1) / 2, -1, 1))) < 8


@pytest.mark.parametrize(("mode", "size"), [("group_synergy", 5), ("actuators", 18)])
def test_env_spaces_steps_and_the_plans_reward(
    starts: list,  # type: ignore[type-arg]
    mode: str,
    size: int,
) -> None:
    plan, base = _grasp_variant(action=mode)
    rl = plan.subtasks[2].rl
    assert rl is not None
    env = SubtaskEnv(plan, base, "grasp", starts, compile_reward(rl.reward), rl.weights, seed=0)
    obs, _ = env.reset(seed=0)
    assert env.observation_space.shape == obs.shape and obs.dtype == np.float32
    # actuators: thumb 5 + index 3 + middle 3 + ring 3 + little 4; synergy: one per group
    assert env.action_space.shape == (size,)
    frozen = np.setdiff1d(np.arange(env.scene.model.nu), env.active)
    before = env.scene.data.ctrl[frozen].copy()
    total = 0.0
    for _ in range(40):  # close the hand: every active target moves towards its range end
        obs, reward, terminated, _, info = env.step(np.ones(size, dtype=np.float32))
        total += reward
        assert set(info["terms"]) == {"reach", "thumb", "fingers", "held", "upright"}
        if terminated:
            break
    np.testing.assert_array_equal(env.scene.data.ctrl[frozen], before)  # frozen stay frozen
    assert terminated and info["is_success"]  # the scripted close works, so this must too
    assert np.isfinite(total)
    assert env.overhead() >= 1.0  # step time includes the physics (the figure: bench_env.py)


def test_a_success_that_must_hold_ends_the_episode_only_after_its_hold(
    starts: list,  # type: ignore[type-arg]
) -> None:
    """Budget: < 3 s. Closing the hand grasps the bottle; with ``hold: 8`` the episode goes on
    until the grasp has held 8 steps in a row, and the bonus is paid over those steps."""
    ends = {}
    for hold in (1, 8):
        plan, base = _grasp_variant(action="group_synergy", hold=hold, success_bonus=8.0)
        env = SubtaskEnv(plan, base, "grasp", starts, lambda s: {}, {}, seed=0)
        env.reset(seed=0)
        paid, t = 0.0, 0
        while t < 60:
            t += 1
            _, reward, terminated, truncated, info = env.step(np.ones(5, dtype=np.float32))
            paid += reward
            if terminated or truncated:
                break
        assert terminated and info["is_success"], hold
        assert paid == pytest.approx(8.0), hold  # no other term: the bonus, whole
        ends[hold] = t
    assert ends[8] == ends[1] + 7  # the grasp first holds at the same step either way


def test_with_lift_the_frozen_arm_raises_the_palm_while_the_policy_acts(
    starts: list,  # type: ignore[type-arg]
) -> None:
    """Budget: < 3 s. ``lift: 0.05`` from step 5 over 10 steps: the arm holds until step 5,
    then the palm rises 5 cm (within the IK tolerance and the servos' lag) and stays there."""
    plan, base = _grasp_variant(action="group_synergy", lift=0.05, lift_start=5, lift_steps=10,
                                success="lifted(bottle, 0.5)", horizon=30)  # fmt: skip
    env = SubtaskEnv(plan, base, "grasp", starts, lambda s: {}, {}, seed=0)
    env.reset(seed=0)
    z0 = env.scene.robot.palm_pose(env.scene.data)[0][2]
    heights = []
    for _ in range(30):
        env.step(np.ones(5, dtype=np.float32))
        heights.append(env.scene.robot.palm_pose(env.scene.data)[0][2] - z0)
    assert abs(heights[4]) < 0.005  # not before lift_start
    assert heights[-1] == pytest.approx(0.05, abs=0.02)
    assert np.all(np.diff(heights[5:]) > -0.003)  # up, never back down


def test_a_rejected_reward_is_recorded_and_the_episode_goes_on(starts: list) -> None:  # type: ignore[type-arg]
    plan, base = load_plan(PLAN)
    code = "def reward(state):\n    return {'boom': 1.0 / (state.t - state.t)}\n"
    env = SubtaskEnv(plan, base, "grasp", starts, SandboxedReward(code), {"boom": 1.0}, seed=0)
    env.reset(seed=0)
    _, reward, _, _, info = env.step(np.zeros(5, dtype=np.float32))
    assert reward == 0.0 and "ZeroDivisionError" in info["reward_rejected"]
    _, _, _, _, info = env.step(np.zeros(5, dtype=np.float32))  # the worker was restarted
    assert "ZeroDivisionError" in info["reward_rejected"] and env.rejections == 2
    env.reward_fn.close()  # type: ignore[attr-defined]


def test_snapshot_matches_the_reward_state_format(starts: list) -> None:  # type: ignore[type-arg]
    plan, base = load_plan(PLAN)
    env = SubtaskEnv(plan, base, "grasp", starts, lambda s: {}, {}, seed=0)
    env.reset(seed=0)
    snap = take_snapshot(env.scene, np.zeros(5), 0.0, {}).as_dict()
    fn = compile_reward(
        "def reward(state):\n"
        "    b = state.objects.bottle\n"
        "    return {'h': b.bottom - state.table_height, 'n': len(state.tips),\n"
        "            'z': float(state.palm.rot[2, 2]), 'c': state.contacts.bottle.thumb}\n"
    )
    terms = fn(snap)
    assert abs(terms["h"]) < 0.01 and terms["n"] == 5 and terms["c"] >= 0.0


def test_train_then_eval_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    args = ["train", str(run), "--plan", str(PLAN), "--steps", "128", "--envs", "1",
            "--no-progress"]  # fmt: skip
    from gendexhand.learn import train as train_module

    small = train_module.TrainSettings(
        steps=128, envs=1, eval_every=64, eval_episodes=2, start_states=2, n_steps=64,
        batch_size=64,
    )  # fmt: skip
    original = train_module.TrainSettings
    train_module.TrainSettings = lambda **kw: small  # type: ignore[assignment,misc]
    try:
        assert main(args) == 0
        first = capsys.readouterr().out
        assert main(args) == 0  # nothing changed: training is skipped
        assert "unchanged; not retrained" in capsys.readouterr().out
        # a later subtask edited: the grasp learned the same thing, so it is kept
        copied = run / "tasks" / "pick_bottle_rl" / "plan.yaml"
        data = read_yaml(copied)
        assert data["subtasks"][3]["name"] == "lift"
        data["subtasks"][3]["motion"]["height"] = 0.2
        copied.write_text(yaml.safe_dump(data))
        assert main([*args[:2], "--steps", "128", "--envs", "1", "--no-progress"]) == 0
        assert "unchanged; not retrained" in capsys.readouterr().out
    finally:
        train_module.TrainSettings = original  # type: ignore[misc]
    assert "grasp: best success" in first
    task = run / "tasks" / "pick_bottle_rl"
    folder = task / "skills" / "grasp"
    for name in ("policy.zip", "vecnormalize.pkl", "curve.csv", "starts.npz", "eval.json"):
        assert (folder / name).is_file(), name
    header = (folder / "curve.csv").read_text().splitlines()[0].split(",")
    assert {"steps", "success_rate", "term_reach", "term_held"} <= set(header)
    assert json.loads((folder / "eval.json").read_text())["steps"] >= 128
    # the chain now runs the policy for the rl subtask (whatever its skill after 128 steps)
    plan, base = load_plan(task / "plan.yaml")
    result = run_episode(plan, base, seed=5, skills=task / "skills")
    names = [s.name for s in result.subtasks]
    assert names[:3] == ["reach", "approach", "grasp"]
    assert "no trained policy" not in result.subtasks[2].reason
    assert main(["eval", str(run), "--episodes", "1"]) == 0
    assert (task / "eval" / "summary.json").is_file()
    assert main(["eval", str(run), "--task", "nope"]) == 2
    assert "unknown task 'nope'" in capsys.readouterr().err


def test_a_learned_grasp_hands_its_object_to_the_planned_transport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """transport_to needs the hand's held object; after an rl grasp it must be known. The policy
    here closes every finger group (the scripted close does the same and succeeds)."""
    import gendexhand.plan.controllers.rl as rl

    monkeypatch.setattr(rl, "load_policy", lambda folder: lambda obs: np.ones(5))
    (tmp_path / "grasp").mkdir()
    (tmp_path / "grasp" / "policy.zip").write_bytes(b"")  # the executor checks it exists
    plan, base = load_plan(task_plans(learned=True)["apple_into_bowl_rl"])
    result = run_episode(plan, base, 0, skills=tmp_path)
    names = [s.name for s in result.subtasks]
    assert names[:5] == ["reach", "approach", "grasp", "lift", "transport"], result.subtasks
    assert all(s.success for s in result.subtasks[:5]), result.subtasks[-1].reason
    assert result.subtasks[2].steps < 40  # the grasp stopped when its predicate held


def test_training_stops_when_the_reward_keeps_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reward that passes pre-flight (t = 0) and fails on every later step stops training with
    its reason instead of restarting its worker for ever. Budget: ~30 s (start states, torch)."""
    import yaml

    from gendexhand.errors import ConfigError
    from gendexhand.learn import train
    from gendexhand.store.paths import TaskPaths
    from gendexhand.store.rundir import RunDir

    monkeypatch.setattr(train, "MAX_REJECTED_IN_A_ROW", 5)
    code = "def reward(state):\n    return {'x': 1.0 / (0.0 if state.t > 0.01 else 1.0)}\n"
    plan, _ = _grasp_variant(reward=code, weights={"x": 1.0})
    data = plan.model_dump(mode="json")
    data["scene"] = str((PLAN.parent / data["scene"]).resolve())
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data))
    settings = train.TrainSettings(steps=256, envs=1, eval_every=128, eval_episodes=1,
                                   start_states=1, n_steps=64, batch_size=64)  # fmt: skip
    run = RunDir(tmp_path / "run")
    with pytest.raises(ConfigError, match=r"rejected on 5 steps in a row; .*ZeroDivisionError"):
        train.train_subtask(run, TaskPaths(plan.task), path, "grasp", settings)
    assert "tasks/pick_bottle_rl/skills/grasp/train" not in run.manifest()["artifacts"]


def test_an_interrupted_training_continues_from_its_last_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the first evaluation; the rerun loads that checkpoint and trains only the
    rest of the budget. Budget: ~30 s."""
    from gendexhand.learn import train
    from gendexhand.store.paths import TaskPaths
    from gendexhand.store.rundir import RunDir

    settings = train.TrainSettings(
        steps=256, envs=1, eval_every=128, eval_episodes=1, start_states=1, n_steps=64,
        batch_size=64, target=1.01,
    )  # fmt: skip
    original = train._CurveMixin.checkpoint

    def interrupted(self: object) -> bool:
        original(self)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(train._CurveMixin, "checkpoint", interrupted)
    run, task = RunDir(tmp_path / "run"), TaskPaths("pick_bottle_rl")
    with pytest.raises(KeyboardInterrupt):
        train.train_subtask(run, task, PLAN, "grasp", settings)
    monkeypatch.setattr(train._CurveMixin, "checkpoint", original)
    said: list[str] = []
    res = train.train_subtask(run, task, PLAN, "grasp", settings, progress=said.append)
    assert "grasp: continuing the interrupted training from step 128" in said
    assert res.steps >= 256 and not res.skipped
    rows = (run.path(task.skill("grasp")) / "curve.csv").read_text().splitlines()
    assert [r.split(",")[0] for r in rows[1:3]] == ["128.0", "256.0"]


def test_a_skill_depends_on_the_plan_up_to_its_subtask_only(tmp_path: Path) -> None:
    """Budget: < 1 s. The training key changes with the subtask's own spec or an earlier one,
    not with a later subtask, the description or the video view."""
    from gendexhand.learn.train import _train_inputs
    from gendexhand.store.paths import TaskPaths
    from gendexhand.store.rundir import RunDir

    def key(plan: PlanConfig, base: SceneConfig) -> str | Path:
        run, task = RunDir(tmp_path), TaskPaths(plan.task)
        return _train_inputs(run, task, PLAN, plan, base, 2)["plan"]

    plan, base = load_plan(PLAN)
    data = plan.model_dump()
    data["subtasks"][3]["motion"]["height"] = 0.3
    later = PlanConfig.model_validate({**data, "description": "other", "view": "side"})
    assert key(later, base) == key(plan, base)
    assert key(*_grasp_variant(horizon=41)) != key(plan, base)
    data["subtasks"][0]["success"] = "upright(bottle)"
    assert key(PlanConfig.model_validate(data), base) != key(plan, base)
