"""The rules planner's plans: one per planned family, valid, on the task's own objects, ending in
the task's success; families without a plan and broken inputs are recorded, not raised."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from gendexhand.assets.catalog import catalog
from gendexhand.cli.main import main
from gendexhand.config.scene import EmbodimentConfig
from gendexhand.decompose.rewards import rotate_reward
from gendexhand.decompose.rules import PLANS, Hand, hand_of, rules_plan
from gendexhand.errors import ConfigError
from gendexhand.plan.load import load_plan
from gendexhand.plan.schema import PlanConfig, RLSubtask
from gendexhand.propose.families import candidates
from gendexhand.propose.layout import scene_for
from gendexhand.sandbox import check_reward_code
from gendexhand.store.paths import PLANS_SUMMARY, TASKS_DIR

NAME = re.compile(r"\b([a-z_][a-z0-9_]*)\s*[,)]")


@pytest.fixture(scope="module")
def pool() -> dict[str, list]:
    return candidates(catalog(), 0.1)


def test_every_planned_family_gets_a_valid_plan_on_its_own_objects(pool: dict[str, list]) -> None:
    """Budget: < 2 s (no physics)."""
    for family in PLANS:
        for c in pool[family][:3]:
            config = scene_for(c)
            plan = rules_plan(c.proposal, config)
            names = {o.instance for o in config.objects}
            assert plan.subtasks[-1].success == c.proposal.success, family
            assert set(plan.randomize) <= names
            for s in plan.subtasks:
                spec = getattr(s, s.kind)
                assert getattr(spec, "object", None) in (None, *names), (family, s.name)


def _juggle(c: Any) -> Any:
    """A model's proposal of a family the rules planner does not know."""
    return c.proposal.model_copy(update={"family": "juggle", "id": "juggle_" + c.proposal.id})


def test_every_proposed_family_is_planned_and_another_says_which_are(
    pool: dict[str, list],
) -> None:
    assert set(pool) <= set(PLANS)
    c = pool["tip_out"][0]
    with pytest.raises(ConfigError, match="no plan for family 'juggle'; it plans pick_lift"):
        rules_plan(_juggle(c), scene_for(c))


def test_gendexhand_plan_writes_plans_that_load_and_records_the_rest(
    pool: dict[str, list], tmp_path: Path
) -> None:
    for family in ("place_in", "open_slide", "tip_out"):
        c = pool[family][0]
        proposal = _juggle(c) if family == "tip_out" else c.proposal
        task = tmp_path / TASKS_DIR / proposal.id
        task.mkdir(parents=True)
        (task / "proposal.json").write_text(proposal.model_dump_json())
        (task / "scene.yaml").write_text(yaml.safe_dump(
            scene_for(c).model_dump(mode="json", exclude_defaults=True)))  # fmt: skip
    rejected = tmp_path / TASKS_DIR / "refused_task"
    rejected.mkdir()
    (rejected / "scene.yaml").write_text("task: {name: x}\nobjects: []\n")
    (rejected / "refine.json").write_text(json.dumps({"status": "rejected", "reason": "why"}))
    assert main(["plan", str(tmp_path)]) == 0
    rows = {r["task"]: r for r in json.loads((tmp_path / PLANS_SUMMARY).read_text())["tasks"]}
    assert rows["refused_task"]["reason"] == "refinement rejected it: why"
    assert "no plan for family 'juggle'" in rows[_juggle(pool["tip_out"][0]).id]["reason"]
    for family in ("place_in", "open_slide"):
        tid = pool[family][0].proposal.id
        assert rows[tid]["planned"], rows[tid]
        plan, scene = load_plan(tmp_path / TASKS_DIR / tid / "plan.yaml")
        assert plan.task == tid and scene.objects
    assert main(["plan", str(tmp_path), "--task", "nope"]) == 2


def _rl(plan: PlanConfig) -> list[RLSubtask]:
    return [s for s in plan.subtasks if isinstance(s, RLSubtask)]


def test_grasps_of_free_objects_are_learned_on_the_finger_groups_only(
    pool: dict[str, list],
) -> None:
    """Budget: < 3 s. The rl grasp acts on the hand's finger groups (arm and wrist frozen), its
    reward code passes the sandbox and names only the hand's fingers; --scripted-grasps writes
    a scripted close instead; a handle is closed on by a scripted action either way."""
    c = pool["place_in"][0]
    config = scene_for(c)
    plan = rules_plan(c.proposal, config)
    [grasp] = _rl(plan)
    hand = hand_of(config.embodiment)
    assert grasp.rl.groups == list(hand.groups) and "arm" not in grasp.rl.groups
    assert set(hand.groups) == {"thumb", "index", "middle", "ring", "little"}
    check_reward_code(grasp.rl.reward)
    assert set(grasp.rl.weights) == {"reach", "thumb", "fingers", "held", "still"}
    scripted = rules_plan(c.proposal, config, learned=False)
    assert not _rl(scripted) and [s.name for s in scripted.subtasks][2] == "close"
    door = pool["open_hinge"][0]
    assert not _rl(rules_plan(door.proposal, scene_for(door)))


def test_a_plan_for_another_hand_names_only_what_that_hand_has(
    pool: dict[str, list], toy_hand: Path
) -> None:
    """Budget: < 3 s. The toy hand has four fingers (a thumb and three): no little finger in
    the groups or the reward; a hand without a thumb gets no learned grasp, with the reason."""
    c = pool["pick_lift"][0]
    hand = hand_of(EmbodimentConfig(hand=toy_hand))
    assert set(hand.fingers) == {"thumb", "index", "middle", "ring"}
    [grasp] = _rl(rules_plan(c.proposal, scene_for(c), hand=hand))
    assert set(grasp.rl.groups) == set(hand.groups) == {"thumb", "index", "middle", "ring"}
    assert "'ring'" in grasp.rl.reward and "little" not in grasp.rl.reward
    with pytest.raises(ConfigError, match="needs a thumb and another finger"):
        rules_plan(c.proposal, scene_for(c), hand=Hand(("a", "b"), ("a", "b")))


def test_rotation_in_hand_is_a_learned_turn_after_a_learned_grasp(pool: dict[str, list]) -> None:
    """Budget: < 2 s."""
    c = pool["rotate_in_hand"][0]
    plan = rules_plan(c.proposal, scene_for(c))
    grasp, turn = _rl(plan)
    assert [s.name for s in plan.subtasks] == ["reach", "approach", "grasp", "lift", "rotate"]
    assert turn.success == c.proposal.success and "angvel" in turn.rl.reward
    check_reward_code(turn.rl.reward)
    broken = c.proposal.model_copy(update={"success": f"grasped({grasp.success[5:-1]})"})
    with pytest.raises(ConfigError, match="no rotated"):
        rules_plan(broken, scene_for(c))
    with pytest.raises(ConfigError, match="axis 'w'"):
        rotate_reward("cube", ("thumb", "index"), "w", 90)


def test_a_side_grasp_is_preferred_where_the_asset_has_one(pool: dict[str, list]) -> None:
    """Budget: < 1 s. ``prefer`` names a frame of the object (falling back to any frame when it
    is unreachable is the motion primitive's; see plan.schema.MotionSpec.prefer)."""
    from gendexhand.assets.catalog import get_asset
    from gendexhand.plan.load import validate_plan

    for family in ("pick_lift", "place_in", "place_on"):
        for c in pool[family][:4]:
            config = scene_for(c)
            plan = rules_plan(c.proposal, config, learned=False)
            reach = plan.subtasks[0].motion  # type: ignore[attr-defined]
            frames = {g.name for g in get_asset(next(
                o.asset for o in config.objects if o.instance == reach.object)).grasps}  # fmt: skip
            assert reach.prefer == ("body_side" if "body_side" in frames else None)
            assert reach.grasp is None
            bad = plan.model_copy(update={"subtasks": [
                plan.subtasks[0].model_copy(update={"motion": reach.model_copy(
                    update={"prefer": "nope"})}), *plan.subtasks[1:]]})  # fmt: skip
            with pytest.raises(ConfigError, match="unknown grasp frame 'nope'"):
                validate_plan(bad, config)


@pytest.mark.parametrize("task", ["close_drawer_drawer_slide", "close_cabinet_door_hinge"])
def test_a_door_or_drawer_is_shut_by_pushing_its_handle_with_the_open_hand(
    pool: dict[str, list], task: str
) -> None:
    """Budget: < 6 s each (one episode). No grasp: the open hand pushes the handle along the
    joint's path (IK sees the part where the push will have moved it), then rises away."""
    from gendexhand.plan.chain import run_episode

    family = "close_slide" if task.startswith("close_drawer") else "close_hinge"
    c = next(c for c in pool[family] if c.proposal.id == task)
    config = scene_for(c)
    plan = rules_plan(c.proposal, config)
    assert [s.name for s in plan.subtasks] == ["reach", "approach", "push", "retreat"]
    result = run_episode(plan, config, 0)
    assert result.success, [(s.name, s.failure) for s in result.subtasks if not s.success]


def test_an_object_is_pushed_into_its_goal_region_by_the_open_hand(pool: dict[str, list]) -> None:
    """Budget: < 8 s (one episode). The hand, fingers down just above the table, is placed
    behind the sponge and pushes it along the line to the region's centre; a plan naming a
    region the scene lacks is refused with the valid names."""
    from gendexhand.plan.chain import run_episode
    from gendexhand.plan.load import validate_plan

    c = next(c for c in pool["push_to_region"] if c.proposal.id == "push_sponge_to_goal")
    config = scene_for(c)
    plan = rules_plan(c.proposal, config)
    assert [s.name for s in plan.subtasks] == ["push", "retreat"]
    result = run_episode(plan, config, 0)
    assert result.success, [(s.name, s.failure) for s in result.subtasks if not s.success]
    push = plan.subtasks[0]
    bad = plan.model_copy(update={"subtasks": [push.model_copy(update={
        "motion": push.motion.model_copy(update={"region": "nowhere"})}),  # type: ignore[attr-defined]
        *plan.subtasks[1:]]})  # fmt: skip
    with pytest.raises(ConfigError, match=r"unknown goal region 'nowhere'.*goal"):
        validate_plan(bad, config)


def test_a_container_is_tipped_out_by_a_pour_about_the_palm_normal(
    pool: dict[str, list],
) -> None:
    """Budget: < 10 s (one episode, scripted grasp: nothing to train). The mug is grasped from
    the side away from its handle, lifted and turned 130 degrees about the palm's normal; the
    cube falls out."""
    from gendexhand.plan.chain import run_episode

    c = next(c for c in pool["tip_out"] if c.proposal.id == "tip_small_cube_out_of_mug")
    config = scene_for(c)
    learned = rules_plan(c.proposal, config)
    assert [s.name for s in learned.subtasks] == ["reach", "approach", "grasp", "lift", "tilt"]
    plan = rules_plan(c.proposal, config, learned=False)
    result = run_episode(plan, config, 0)
    assert result.success, [(s.name, s.failure) for s in result.subtasks if not s.success]
