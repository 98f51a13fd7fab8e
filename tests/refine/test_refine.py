"""Stage 2: the verifier finds seeded faults, the rules refiner fixes them, the loop's ends, and
the multimodal path against the scripted server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gendexhand.cli.main import main
from gendexhand.config.scene import SceneConfig
from gendexhand.propose.schema import TaskProposal
from gendexhand.refine.verify import verify
from gendexhand.stages.refine import refinable_tasks, refine_run
from gendexhand.store.paths import (
    REFINE_RUN_SUMMARY,
    REFINE_SUMMARY,
    REJECTED_SCENE_FILE,
    TASKS_DIR,
    VERIFIER_FILE,
)

from ..llm.server import ScriptedServer, openai_text

PROPOSAL: dict[str, Any] = {
    "id": "apple_into_bowl", "name": "Apple into bowl",
    "description": "Put the apple into the bowl.",
    "family": "place_in", "objects": [{"asset": "apple", "name": "apple", "role": "target"},
                                      {"asset": "bowl", "name": "bowl", "role": "container"},
                                      {"asset": "cube", "name": "cube", "role": "distractor"}],
    "success_words": "the apple is in the bowl",
    "success": "inside(apple, bowl) and not grasped(apple)",
    "skills": ["grasp", "lift", "transport", "place", "release"],
}  # fmt: skip
GOOD = {"apple": {"pos": [0.05, -0.12]}, "bowl": {"pos": [0.05, 0.16]},
        "cube": {"pos": [-0.12, 0.3]}}  # fmt: skip
FAULTS: dict[str, tuple[dict[str, dict[str, Any]], str]] = {
    "interpenetrating": ({"apple": {"pos": [0.05, 0.1]}}, "penetration"),
    "floating": ({"apple": {"pos": [0.05, -0.12, 1.0]}}, "settle_motion"),
    "oversized": ({"bowl": {"scale": 3.5}}, "implausible_size"),
    "off_table": ({"apple": {"pos": [0.05, -0.62]}}, "off_table"),
    "upside_down": ({"bowl": {"euler_deg": [180, 0, 0]}}, "not_upright"),
    "already_solved": ({"apple": {"pos": [0.05, 0.16, 0.80]}}, "already_solved"),
    "distractor_in_the_way": ({"cube": {"pos": [0.05, -0.12]}}, "penetration"),
}


def _config(fault: dict[str, dict[str, Any]]) -> SceneConfig:
    objects = [{"asset": name, **GOOD[name], **fault.get(name, {})} for name in GOOD]
    return SceneConfig.model_validate({
        "task": {"name": "apple_into_bowl", "description": PROPOSAL["description"]},
        "objects": objects, "views": ["front", "top"],
    })  # fmt: skip


NO_GRASP = {**PROPOSAL, "skills": ["push"]}
"""The task without a grasp: the verifier skips the grasp search (seconds per round), which the
tests of the model's path do not need."""


def _run(tmp_path: Path, fault: dict[str, dict[str, Any]], proposal: Any = PROPOSAL) -> Path:
    task = tmp_path / TASKS_DIR / "apple_into_bowl"
    task.mkdir(parents=True)
    (task / "proposal.json").write_text(json.dumps(proposal))
    data = _config(fault).model_dump(mode="json", exclude_defaults=True)
    (task / "scene.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


IN_SUITE = ("distractor_in_the_way", "upside_down")
"""The quick ones (about 10 s each); benchmarks/bench_refine.py runs every fault."""


@pytest.mark.parametrize("name", IN_SUITE)
def test_a_seeded_fault_is_found_and_fixed_offline(name: str, tmp_path: Path) -> None:
    fault, check = FAULTS[name]
    report, _ = verify(_config(fault), TaskProposal.model_validate(PROPOSAL), visibility=False)
    assert check in {f.check.value for f in report.errors}, report.lines()
    [out] = refine_run(_run(tmp_path, fault), visibility=False, rounds=5)
    assert out.status == "accepted", (out.reason, out.remaining)
    final = tmp_path / TASKS_DIR / "apple_into_bowl" / "refine" / str(out.final_round)
    assert json.loads((final / VERIFIER_FILE).read_text())["findings"] == []


def test_the_good_scene_passes_with_every_check(tmp_path: Path) -> None:
    report, _ = verify(_config({}), TaskProposal.model_validate(PROPOSAL))
    assert report.passed and report.findings == [] and report.grasps == {"apple": 1}


def _answer(*directives: str) -> Any:
    return openai_text(json.dumps({"directives": list(directives), "reason": "as seen"}))


def test_a_model_sees_the_sheet_and_its_bad_lines_go_back(
    server: ScriptedServer, tmp_path: Path
) -> None:
    run = _run(tmp_path, FAULTS["interpenetrating"][0], NO_GRASP)
    server.queue(_answer("ACCEPT"), _answer("MOVE aple y -0.2"), _answer("MOVE apple y -0.2"),
                 _answer("ACCEPT"))  # fmt: skip
    spec = f"openai:test-model,base_url={server.url}/v1"
    assert main(["refine", str(run), "--no-visibility", "--vlm", spec]) == 0
    first = server.requests[0]["json"]["messages"][1]["content"]
    assert first[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert "penetration" in first[0]["text"] and "SET_JOINT" in str(server.requests[0]["json"])
    assert "ACCEPT refused: the verifier reports errors" in str(server.requests[1]["json"])
    assert "Closest: apple" in str(server.requests[2]["json"]["messages"][-1])
    out = json.loads((run / TASKS_DIR / "apple_into_bowl" / REFINE_SUMMARY).read_text())
    assert out["status"] == "accepted" and out["final_round"] == 1


def test_oscillation_and_a_model_that_never_accepts(server: ScriptedServer, tmp_path: Path) -> None:
    run = _run(tmp_path, {}, NO_GRASP)
    server.queue(_answer("MOVE cube x 0.05"), _answer("MOVE cube x -0.05"))
    spec = f"openai:test-model,base_url={server.url}/v1"
    assert main(["refine", str(run), "--no-visibility", "--vlm", spec]) == 0
    out = json.loads((run / TASKS_DIR / "apple_into_bowl" / REFINE_SUMMARY).read_text())
    assert "oscillation, the scene of round 0 came back" in out["reason"]
    assert out["status"] == "accepted" and out["final_round"] == 1  # the last passing round
    never = _run(tmp_path / "never", {}, NO_GRASP)
    server.queue(_answer("MOVE cube x 0.01"), _answer("MOVE cube x 0.01"))
    assert main(["refine", str(never), "--no-visibility", "--rounds", "2", "--vlm", spec]) == 0
    out = json.loads((never / TASKS_DIR / "apple_into_bowl" / REFINE_SUMMARY).read_text())
    assert out["status"] == "rejected" and out["reason"] == "not accepted within 2 rounds"


def test_unreadable_files_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    tasks = tmp_path / TASKS_DIR
    (tasks / "broken_yaml").mkdir(parents=True)
    (tasks / "broken_yaml" / "scene.yaml").write_text("objects: [\n")
    (tasks / "rejected_one").mkdir()
    (tasks / "rejected_one" / REJECTED_SCENE_FILE).write_text(
        yaml.safe_dump({"task": {"name": "x"}, "objects": [{"asset": "anvil", "pos": [0, 0]}]})
    )
    (tasks / "bad_proposal").mkdir()
    (tasks / "bad_proposal" / "scene.yaml").write_text(yaml.safe_dump(
        _config({}).model_dump(mode="json", exclude_defaults=True)))  # fmt: skip
    (tasks / "bad_proposal" / "proposal.json").write_text('{"id": 3}')
    assert refinable_tasks(tmp_path) == ["bad_proposal", "broken_yaml", "rejected_one"]
    outs = {o.task: o for o in refine_run(tmp_path)}
    assert all(o.status == "rejected" and o.rounds == 0 for o in outs.values())
    assert outs["broken_yaml"].reason.startswith("not readable: ")
    assert "broken_yaml/scene.yaml: not valid YAML: line 2" in outs["broken_yaml"].reason
    assert "rejected_one/scene.rejected.yaml: invalid SceneConfig" in outs["rejected_one"].reason
    assert "objects[0].asset: unknown asset id 'anvil'" in outs["rejected_one"].reason
    assert "bad_proposal/proposal.json: invalid TaskProposal" in outs["bad_proposal"].reason
    summary = json.loads((tmp_path / REFINE_RUN_SUMMARY).read_text())
    assert len(summary["tasks"]) == 3


def test_the_refine_prompt_is_filled_from_the_code_and_its_example_is_valid() -> None:
    from gendexhand.llm.client import parse_answer
    from gendexhand.llm.prompts import load_template, templates
    from gendexhand.refine.directives import parse_directives
    from gendexhand.refine.vlm import ANSWERS

    assert templates("gendexhand.refine") == [("refine", 1)]
    t = load_template("refine", 1, "gendexhand.refine")
    assert t.fields() >= {"schema", "grammar", "targets", "report", "history", "success"}
    roles = {o["name"]: o["role"] for o in PROPOSAL["objects"]}
    for example in t.examples():
        answer = parse_answer(example, ANSWERS[t.id], t.id)
        assert parse_directives(answer.text(), _config({}), roles)


def test_a_model_refinement_replays_from_its_cassette(
    server: ScriptedServer, tmp_path: Path
) -> None:
    live = _run(tmp_path / "live", FAULTS["interpenetrating"][0], NO_GRASP)
    server.queue(_answer("MOVE apple y -0.2"), _answer("ACCEPT"))
    spec = f"openai:test-model,base_url={server.url}/v1"
    assert main(["refine", str(live), "--no-visibility", "--vlm", spec]) == 0
    cassette = tmp_path / "c.json"
    assert main(["cassette", str(live), str(cassette)]) == 0
    again = _run(tmp_path / "again", FAULTS["interpenetrating"][0], NO_GRASP)
    assert main(["refine", str(again), "--no-visibility", "--vlm", f"replay:{cassette}"]) == 0
    assert len(server.requests) == 2  # the replay asked nothing
    task = Path(TASKS_DIR) / "apple_into_bowl"
    for name in ("scene.yaml", REFINE_SUMMARY, "refine/0/directives.txt", "refine/1/scene.yaml"):
        assert (live / task / name).read_bytes() == (again / task / name).read_bytes(), name
