"""Plans: schema checks, motion planning, grasp search, the subtask chain and `execute`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gendexhand.cli.main import main
from gendexhand.config import parse_scene
from gendexhand.config.loading import parse_model
from gendexhand.embodiment.synergy import grasp_geometry, hand_synergy
from gendexhand.errors import ConfigError
from gendexhand.examples import task_plans
from gendexhand.motion.grasping import power_reach
from gendexhand.motion.planner import (
    CollisionChecker,
    PlanningError,
    execute,
    plan_path,
    planning_joints,
    time_parameterize,
)
from gendexhand.plan.chain import run_episode
from gendexhand.plan.load import load_plan, validate_plan
from gendexhand.plan.randomize import randomized_scene
from gendexhand.plan.schema import PlanConfig
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import Scene, build_scene
from gendexhand.stages import execute as execute_stage
from gendexhand.store.code import code_fingerprint
from gendexhand.store.rundir import MANIFEST_NAME
from tests.conftest import minimal_config

PLANS = task_plans()
PICK = PLANS["pick_bottle"]


NO_TERMS = "def reward(state):\n    return {}"


def _plan(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "task": "t",
        "scene": "scene.yaml",
        "subtasks": [
            {"name": "reach", "kind": "motion", "success": "upright(bottle)",
             "motion": {"primitive": "pre_grasp", "object": "bottle"}},
        ],
    }  # fmt: skip
    data.update(changes)
    return data


def test_the_three_task_plans_load_and_validate() -> None:
    assert set(PLANS) == {"pick_bottle", "apple_into_bowl", "open_cabinet"}
    for path in PLANS.values():
        plan, scene = load_plan(path)
        assert plan.subtasks and scene.embodiment.name == "franka_shadow"


@pytest.mark.parametrize(
    ("subtask", "message"),
    [
        ({"motion": {"primitive": "pre_grasp", "object": "botle"}},
         r"subtasks\[0\] \(reach\)\.motion\.object: unknown object 'botle'\. Closest: bottle"),
        ({"motion": {"primitive": "pre_grasp", "object": "bottle", "grasp": "handle"}},
         r"motion\.grasp: unknown grasp frame 'handle'.*Valid grasp frames: body_side, neck_side"),
        ({"success": "grasped(bottle) and lifted(bottle)"},
         r"subtasks\[0\] \(reach\)\.success: .*lifted\(obj, h\) takes 2 arguments, got 1"),
        ({"success": "__import__('os')"}, r"\.success: .*unknown predicate '__import__'"),
    ],
)  # fmt: skip
def test_plan_mistakes_are_named_precisely(subtask: dict[str, object], message: str) -> None:
    scene = parse_scene(
        {"task": {"name": "t"}, "objects": [{"asset": "bottle", "pos": [0.1, 0.0]}]}
    )
    base = _plan()["subtasks"][0]  # type: ignore[index]
    plan = PlanConfig.model_validate(_plan(subtasks=[{**base, **subtask}]))
    with pytest.raises(ConfigError, match=message):
        validate_plan(plan, scene, "plan.yaml")


def test_schema_rejects_a_controller_block_of_the_wrong_kind() -> None:
    sub = {"name": "close", "kind": "scripted", "motion": {"primitive": "lift"}, "success": "x"}
    bad = _plan(subtasks=[sub])
    with pytest.raises(ConfigError) as err:
        parse_model(PlanConfig, bad, "plan.yaml")
    assert "subtasks[0].scripted: required field is missing" in str(err.value)
    assert "subtasks[0].motion: unknown field. Valid fields here: name, kind, success, " in str(
        err.value
    )
    unknown = _plan(subtasks=[{**sub, "kind": "dance"}])
    with pytest.raises(ConfigError, match=r"subtasks\[0\]: unknown kind 'dance'; valid kinds: "):
        parse_model(PlanConfig, unknown, "plan.yaml")


@pytest.fixture
def walled() -> Scene:
    """The arm at home and a 20 cm tall box on its edge between the hand and its goal."""
    return build_scene(
        minimal_config(
            objects=[
                {"asset": "box", "name": "wall", "pos": [-0.1, 0.0], "euler_deg": [0, 0, 90],
                 "fixed": True},
            ]
        )
    )  # fmt: skip


GOAL = np.array([-1.19, 1.74, 1.25, -1.82, 2.59, 0.84, -1.26])
"""Arm joints with the palm down at (0.2, 0, 0.85), behind the box as seen from home."""


def _goal_behind_the_wall(scene: Scene) -> np.ndarray:
    return GOAL.copy()


def test_planner_goes_around_an_obstacle_the_straight_line_hits(walled: Scene) -> None:
    scene = walled
    goal = _goal_behind_the_wall(scene)
    joints = planning_joints(scene)
    checker = CollisionChecker(scene, [int(j) for j in joints])
    start = scene.data.qpos[checker.qadr].copy()
    straight = [start + (goal - start) * t for t in np.linspace(0, 1, 60)]
    assert not all(checker.valid(q) for q in straight), "the test needs a blocked straight line"
    plan = plan_path(scene, goal, timeout=5.0, seed=1)
    assert plan.planner == "RRTConnect"
    np.testing.assert_allclose(plan.waypoints[0], start)
    np.testing.assert_allclose(plan.waypoints[-1], goal)
    traj = time_parameterize(plan.waypoints, scene.physics.control_dt)
    assert all(checker.valid(q) for q in traj)
    # executed through the actuators: the arm tracks the path and never touches the wall
    loop = ControlLoop(scene)
    wall = set(scene.objects["wall"].geoms)
    touched = []

    def watch() -> None:
        d = scene.data
        touched.extend(c for c in d.contact[: d.ncon] if {c.geom1, c.geom2} & wall)

    result = execute(scene, loop, plan, traj, on_step=watch)
    assert result.max_tracking_error < 0.1 and result.final_error < 0.02
    assert not touched


def test_planning_timeout_and_colliding_goal_are_clear_errors(walled: Scene) -> None:
    goal = _goal_behind_the_wall(walled)
    with pytest.raises(
        PlanningError, match=r"no collision-free path within 0\.0s \(.*states checked\)"
    ):
        plan_path(walled, goal, timeout=0.001)
    checker = CollisionChecker(walled, [int(j) for j in planning_joints(walled)])
    start = walled.data.qpos[checker.qadr].copy()
    # the first configuration of the straight line that hits the box
    into_the_box = next(
        q
        for q in (start + (GOAL - start) * t for t in np.linspace(0, 1, 60))
        if not checker.valid(q)
    )
    with pytest.raises(PlanningError, match=r"the goal configuration collides: .*wall"):
        plan_path(walled, into_the_box)


def test_unreachable_grasp_is_reported_not_raised() -> None:
    plan = PlanConfig.model_validate(_plan())
    base = parse_scene(
        {"task": {"name": "t"}, "objects": [{"asset": "bottle", "pos": [0.55, 0.35]}]}
    )
    result = run_episode(plan, base, seed=0)
    assert not result.success
    (reach,) = result.subtasks
    assert reach.reason == "grasp: no reachable, collision-free grasp of 'bottle'"


def test_synergy_curls_fingers_into_the_palm() -> None:
    scene = build_scene(minimal_config())
    syn = hand_synergy(scene.robot, scene.data)
    geo = grasp_geometry(scene.robot, scene.data, syn)
    assert 0.005 < geo.palm_surface < 0.02 and 0.0 < geo.power_x < 0.05
    assert geo.pinch[2] > 0.02  # the pinch point is in front of the palm
    np.testing.assert_array_less(-1e-9, np.abs(syn.closed - syn.open).max())
    assert syn.thumb.sum() == len(scene.robot.group("thumb").actuators)
    # a thin object on the table sits past the finger roots; a thick or side-on one is wrapped
    assert geo.power_x < geo.knuckles_x < 0.1
    down, side = np.array([0.0, 0.0, -1.0]), np.array([1.0, 0.0, 0.0])
    assert power_reach(geo, 0.018, down) == pytest.approx(geo.knuckles_x + 0.018)
    assert power_reach(geo, 0.04, down) == power_reach(geo, 0.018, side) == geo.power_x


def test_a_pick_episode_runs_the_chain_and_a_failed_predicate_stops_it() -> None:
    plan, base = load_plan(PICK)
    ok = run_episode(plan, base, seed=0)
    assert ok.success, [(s.name, s.reason) for s in ok.subtasks]
    assert [s.name for s in ok.subtasks] == ["reach", "approach", "close", "lift"]
    assert all(s.steps > 0 for s in ok.subtasks)
    # the same chain with an impossible condition after the reach: nothing runs after it
    subs = list(plan.subtasks)
    subs[0] = subs[0].model_copy(update={"success": "lifted(bottle, 0.5)"})
    failing = plan.model_copy(update={"subtasks": subs})
    bad = run_episode(failing, base, seed=0)
    assert not bad.success and [s.name for s in bad.subtasks] == ["reach"]
    assert bad.subtasks[0].reason == "predicate: lifted(bottle, 0.5)=False"


def test_execute_cli_writes_results_and_skips_an_unchanged_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = tmp_path / "run"
    args = ["execute", str(PICK), "--episodes", "1", "--run", str(run)]
    assert main([*args, "--video", "--video-episodes", "1"]) == 0
    out = capsys.readouterr().out
    assert "pick_bottle: 1/1 episodes succeeded (100 %)" in out
    results = run / "tasks" / "pick_bottle" / "eval"
    summary = json.loads((results / "summary.json").read_text())
    assert summary["episodes"] == 1 and [s["name"] for s in summary["subtasks"]] == [
        "reach", "approach", "close", "lift"]  # fmt: skip
    assert (results / "video" / "episode_0.gif").stat().st_size > 10_000
    lines = (results / "episodes.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["success"] is True
    assert main([*args, "--video", "--video-episodes", "1"]) == 0
    assert "unchanged since the last run" in capsys.readouterr().out
    # an edit of the package's code reruns the episodes (the manifest records the fingerprint)
    monkeypatch.setattr(execute_stage, "code_fingerprint", lambda: "0" * 64)
    assert main([*args, "--video", "--video-episodes", "1"]) == 0
    assert "unchanged since the last run" not in capsys.readouterr().out
    entry = json.loads((run / MANIFEST_NAME).read_text())["artifacts"]
    assert entry["tasks/pick_bottle/eval/execute"]["code"] == code_fingerprint()


def test_rl_subtasks_name_groups_the_embodiment_has() -> None:
    scene = parse_scene({"task": {"name": "t"}, "embodiment": {"name": "adroit"},
                         "objects": [{"asset": "bottle", "pos": [0.1, 0.0]}]})  # fmt: skip
    rl = {"name": "turn", "kind": "rl", "success": "upright(bottle)",
          "rl": {"groups": ["thumb", "pinky"], "reward": NO_TERMS}}  # fmt: skip
    plan = PlanConfig.model_validate(_plan(subtasks=[rl]))
    with pytest.raises(
        ConfigError, match=r"rl\.groups: unknown group .pinky.*Valid groups: arm, index, little"
    ):
        validate_plan(plan, scene, "plan.yaml")


def test_palm_actions_take_the_arm_only() -> None:
    _, scene = load_plan(PICK)
    rl = {"name": "move", "kind": "rl", "success": "upright(bottle)",
          "rl": {"groups": ["arm", "thumb"], "action": "palm", "reward": NO_TERMS}}  # fmt: skip
    plan = PlanConfig.model_validate(_plan(subtasks=[rl]))
    with pytest.raises(ConfigError, match=r"rl\.groups: 'palm' actions .* not with thumb"):
        validate_plan(plan, scene, "plan.yaml")


def test_grasp_search_is_deterministic_per_seed() -> None:
    from gendexhand.motion.grasping import grasp_candidates

    scene = build_scene(minimal_config(objects=[{"asset": "bottle", "pos": [0.1, 0.0]}]))
    first = grasp_candidates(scene, "bottle", "body_side", seed=3)
    again = grasp_candidates(scene, "bottle", "body_side", seed=3)
    assert first and [c.frame for c in first] == [c.frame for c in again]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a.q, b.q)
    # every candidate is a palm pose that faces the object: approach points at its axis
    for c in first:
        to_axis = np.array([0.1, 0.0]) - c.pos[:2]
        assert c.rot[:2, 2] @ to_axis > 0


def test_randomisation_moves_and_resizes_objects_per_seed() -> None:
    plan, base = load_plan(PICK)
    noisy = plan.model_copy(
        update={"randomize": {"bottle": plan.randomize["bottle"].model_copy(update={"scale": 0.2})}}
    )
    scales = []
    for seed in range(20):
        cfg = randomized_scene(noisy, base, seed)
        assert cfg == randomized_scene(noisy, base, seed)  # the same seed, the same scene
        (bottle,) = [o for o in cfg.objects if o.instance == "bottle"]
        assert abs(bottle.pos[0] - base.objects[0].pos[0]) <= 0.04
        scales.append(bottle.scale)
    assert 0.8 <= min(scales) < 0.9 and 1.1 < max(scales) <= 1.2
    small = build_scene(randomized_scene(noisy, base, int(np.argmin(scales))))
    large = build_scene(randomized_scene(noisy, base, int(np.argmax(scales))))
    assert (
        small.model.body_mass[small.objects["bottle"].body]
        < large.model.body_mass[large.objects["bottle"].body]
    )
    with pytest.raises(ValueError, match="scale"):
        PlanConfig.model_validate(_plan(randomize={"bottle": {"scale": 0.7}}))
