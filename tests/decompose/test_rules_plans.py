"""The rules planner's plans: one per planned family, valid, on the task's own objects, ending in
the task's success; families without a plan and broken inputs are recorded, not raised."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from gendexhand.assets.catalog import catalog
from gendexhand.cli.main import main
from gendexhand.decompose.rules import PLANS, rules_plan
from gendexhand.errors import ConfigError
from gendexhand.plan.load import load_plan
from gendexhand.propose.families import candidates
from gendexhand.propose.layout import scene_for
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


def test_a_family_without_a_plan_says_which_have_one(pool: dict[str, list]) -> None:
    c = pool["tip_out"][0]
    with pytest.raises(ConfigError, match="no plan for family 'tip_out'; it plans pick_lift"):
        rules_plan(c.proposal, scene_for(c))


def test_gendexhand_plan_writes_plans_that_load_and_records_the_rest(
    pool: dict[str, list], tmp_path: Path
) -> None:
    for family in ("place_in", "open_slide", "tip_out"):
        c = pool[family][0]
        task = tmp_path / TASKS_DIR / c.proposal.id
        task.mkdir(parents=True)
        (task / "proposal.json").write_text(c.proposal.model_dump_json())
        (task / "scene.yaml").write_text(yaml.safe_dump(
            scene_for(c).model_dump(mode="json", exclude_defaults=True)))  # fmt: skip
    rejected = tmp_path / TASKS_DIR / "refused_task"
    rejected.mkdir()
    (rejected / "scene.yaml").write_text("task: {name: x}\nobjects: []\n")
    (rejected / "refine.json").write_text(json.dumps({"status": "rejected", "reason": "why"}))
    assert main(["plan", str(tmp_path)]) == 0
    rows = {r["task"]: r for r in json.loads((tmp_path / PLANS_SUMMARY).read_text())["tasks"]}
    assert rows["refused_task"]["reason"] == "refinement rejected it: why"
    assert "no plan for family 'tip_out'" in rows[pool["tip_out"][0].proposal.id]["reason"]
    for family in ("place_in", "open_slide"):
        tid = pool[family][0].proposal.id
        assert rows[tid]["planned"], rows[tid]
        plan, scene = load_plan(tmp_path / TASKS_DIR / tid / "plan.yaml")
        assert plan.task == tid and scene.objects
    assert main(["plan", str(tmp_path), "--task", "nope"]) == 2
