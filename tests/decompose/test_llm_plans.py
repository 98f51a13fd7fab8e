"""Stage 3 with a model: the real SDKs against the scripted local server, good and bad plans."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gendexhand.assets.catalog import catalog
from gendexhand.cli.main import main
from gendexhand.decompose.check import check_plan
from gendexhand.decompose.rules import rules_plan
from gendexhand.errors import ConfigError
from gendexhand.llm.client import parse_answer
from gendexhand.llm.prompts import load_template, templates
from gendexhand.plan.load import load_plan
from gendexhand.propose.families import candidates
from gendexhand.propose.layout import scene_for
from gendexhand.stages.plan_llm import ANSWERS
from gendexhand.store.paths import PLANS_SUMMARY, TASKS_DIR

from ..llm.server import ScriptedServer, anthropic_tool, openai_text


@pytest.fixture(scope="module")
def tasks() -> list[Any]:
    pool = candidates(catalog(), 0.1)
    return [pool["place_in"][0], pool["open_slide"][0]]


def _run(tmp_path: Path, tasks: list[Any]) -> Path:
    for c in tasks:
        task = tmp_path / TASKS_DIR / c.proposal.id
        task.mkdir(parents=True)
        (task / "proposal.json").write_text(c.proposal.model_dump_json())
        (task / "scene.yaml").write_text(yaml.safe_dump(
            scene_for(c).model_dump(mode="json", exclude_defaults=True)))  # fmt: skip
    return tmp_path


def _good(c: Any) -> dict[str, Any]:
    """The rules planner's plan of ``c``: a plan a good model could write."""
    return rules_plan(c.proposal, scene_for(c)).model_dump(mode="json")


def _rows(run: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((run / PLANS_SUMMARY).read_text())
    return {r["task"]: r for r in data["tasks"]}


def test_the_prompt_is_generated_from_the_code_and_its_example_is_valid() -> None:
    assert templates("gendexhand.decompose") == [("plan", 1)]
    t = load_template("plan", 1, "gendexhand.decompose")
    assert t.fields() >= {"schema", "scene", "embodiment", "primitives", "predicates", "state",
                          "sandbox", "success"}  # fmt: skip
    for example in t.examples():
        parse_answer(example, ANSWERS[t.id], t.id)


def test_a_bad_reward_is_repaired_and_a_plan_that_never_passes_is_recorded(
    server: ScriptedServer, tasks: list[Any], tmp_path: Path
) -> None:
    """Budget: < 10 s. Task 1: a reward that imports os (the sandbox refuses it), then a group
    the hand lacks, then a good plan. Task 2: four answers that never pass; it is recorded with
    the reason and the run goes on. The recorded answers replay to the same plan."""
    place, drawer = tasks
    good = _good(place)
    [grasp] = [s for s in good["subtasks"] if s["kind"] == "rl"]
    bad_reward = json.loads(json.dumps(good))
    next(s for s in bad_reward["subtasks"] if s["kind"] == "rl")["rl"]["reward"] = (
        "import os\ndef reward(state):\n    return {'reach': 0.0}\n")  # fmt: skip
    sixth = json.loads(json.dumps(good))
    next(s for s in sixth["subtasks"] if s["kind"] == "rl")["rl"]["groups"] += ["pinky"]
    wrong_end = _good(drawer)
    wrong_end["subtasks"][-1]["success"] = "not grasped(drawer)"
    never = [json.dumps(wrong_end), "I cannot plan this.", '{"task": 3}', json.dumps(wrong_end)]
    server.queue(*[openai_text(json.dumps(a)) for a in (bad_reward, sixth, good)],
                 *[openai_text(a) for a in never])  # fmt: skip
    run = _run(tmp_path / "live", tasks)
    spec = f"openai:test-model,base_url={server.url}/v1"
    assert main(["plan", str(run), "--llm", spec, "--repairs", "3"]) == 0
    sent = [r["json"]["messages"] for r in server.requests]
    first = sent[0][0]["content"] + sent[0][1]["content"]
    assert "grasp_frames" in first and "thumb: 5 actuators" in first and ":data:" not in first
    assert place.proposal.success in sent[0][1]["content"]
    assert "reward code line 1: import `import os` is not allowed" in sent[1][-1]["content"]
    assert "unknown group 'pinky'" in sent[2][-1]["content"]
    assert "the last subtask's success must be the task's" in sent[4][-1]["content"]
    rows = _rows(run)
    assert rows[place.proposal.id]["planned"], rows
    assert not rows[drawer.proposal.id]["planned"]
    assert "no valid answer after 4 attempts" in rows[drawer.proposal.id]["reason"]
    plan, _ = load_plan(run / TASKS_DIR / place.proposal.id / "plan.yaml")
    assert any(s.kind == "rl" and s.rl.reward == grasp["rl"]["reward"] for s in plan.subtasks)  # type: ignore[attr-defined]
    cassette = tmp_path / "c.json"
    assert main(["cassette", str(run), str(cassette)]) == 0
    again = _run(tmp_path / "again", tasks)
    assert main(["plan", str(again), "--llm", f"replay:{cassette}", "--repairs", "3"]) == 0
    rel = f"{TASKS_DIR}/{place.proposal.id}/plan.yaml"
    assert (again / rel).read_bytes() == (run / rel).read_bytes()


def test_anthropic_plans_and_a_budget_stops_the_stage(
    server: ScriptedServer, tasks: list[Any], tmp_path: Path
) -> None:
    """Budget: < 6 s. A good plan through the Messages API; the call budget then stops the
    stage and the task not asked is recorded as such."""
    first, second = sorted(tasks, key=lambda c: c.proposal.id)  # the order they are asked in
    server.queue(anthropic_tool(_good(first), name="task_plan"))
    run = _run(tmp_path, tasks)
    spec = f"anthropic:test-model,base_url={server.url}"
    assert main(["plan", str(run), "--llm", spec, "--max-calls", "1"]) == 0
    rows = _rows(run)
    assert rows[first.proposal.id]["planned"], rows
    assert "not asked: LLM budget spent" in rows[second.proposal.id]["reason"]


def test_the_checks_name_each_problem(tasks: list[Any]) -> None:
    """Budget: < 3 s. A reward that raises on the start state, weights of terms it does not
    return, and a success naming an object the scene lacks, all in one message."""
    place, _ = tasks
    config = scene_for(place)
    good = _good(place)
    rl = next(s for s in good["subtasks"] if s["kind"] == "rl")
    rl["rl"]["reward"] = "def reward(state):\n    return {'x': state.objects.nothing.pos[0]}\n"
    good["subtasks"][0]["success"] = "lifted(ghost, 0.1)"
    from gendexhand.config.loading import parse_model
    from gendexhand.plan.schema import PlanConfig

    plan = parse_model(PlanConfig, good, "plan")
    with pytest.raises(ConfigError) as err:
        check_plan(plan, config, place.proposal.success)
    text = str(err.value)
    assert "unknown object 'ghost'" in text
    assert "fails when run on the task's start state" in text
    check_plan(parse_model(PlanConfig, _good(place), "plan"), config, place.proposal.success)
