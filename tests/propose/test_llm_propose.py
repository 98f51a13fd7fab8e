"""Stage 1 with a model: the real SDKs against the scripted local server, good and bad answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gendexhand.cli.main import main
from gendexhand.llm.client import parse_answer
from gendexhand.llm.prompts import load_template, templates
from gendexhand.stages.propose_llm import ANSWERS
from gendexhand.store.paths import BUILD_FILE, PROPOSAL_FILE, PROPOSALS_SUMMARY, TASKS_DIR

from ..llm.server import ScriptedServer, anthropic_tool, openai_text

GOOD: dict[str, Any] = {
    "id": "apple_into_bowl", "name": "Apple into bowl",
    "description": "Put the apple into the bowl.", "family": "place_in",
    "objects": [{"asset": "apple", "name": "apple", "role": "target"},
                {"asset": "bowl", "name": "bowl", "role": "container"}],
    "success_words": "the apple rests in the bowl, released",
    "success": "inside(apple, bowl) and not grasped(apple)",
    "skills": ["grasp", "lift", "transport", "place", "release"], "params": {},
}  # fmt: skip
BAD_ASSET = {**GOOD, "objects": [{"asset": "banana_xl", "name": "banana", "role": "target"},
                                 GOOD["objects"][1]]}  # fmt: skip
TOO_BIG = {**GOOD, "objects": [{**GOOD["objects"][0], "scale": 3.0}, GOOD["objects"][1]]}
HOLDS = {**GOOD, "success": "not grasped(apple)"}
DRAWER: dict[str, Any] = {
    "id": "open_the_drawer", "name": "Open the drawer", "description": "Pull the drawer open.",
    "family": "open_slide", "objects": [{"asset": "drawer", "name": "drawer",
                                         "role": "articulated"}],
    "success_words": "the drawer is half open",
    "success": "joint_fraction(drawer, drawer_slide) >= 0.5", "skills": ["grasp", "pull"],
}  # fmt: skip


def _openai(server: ScriptedServer) -> str:
    return f"openai:test-model,base_url={server.url}/v1"


def _summary(run: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((run / PROPOSALS_SUMMARY).read_text())["proposals"]
    return rows


def test_the_prompt_is_generated_from_the_code_and_its_example_is_valid() -> None:
    assert templates("gendexhand.propose") == [("propose", 1)]
    t = load_template("propose", 1, "gendexhand.propose")
    assert t.fields() >= {"schema", "catalog", "embodiment", "predicates", "families", "taken"}
    for example in t.examples():
        parse_answer(example, ANSWERS[t.id], t.id)


def test_bad_proposals_are_repaired_and_one_that_never_is_is_recorded(
    server: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown asset, a target too big for the hand and a success that already holds go back
    with their reasons; a task whose answers never parse fails alone; replay reproduces it."""
    never = ["I would suggest stacking cups.", "{}", '{"id": "x"}', "no"]
    server.queue(*[openai_text(json.dumps(a)) for a in (BAD_ASSET, TOO_BIG, HOLDS, GOOD)],
                 *[openai_text(a) for a in never])  # fmt: skip
    live = tmp_path / "live"
    args = ["propose", str(live), "--n", "2", "--no-sheets", "--repairs", "3", "--seed", "5"]
    assert main([*args, "--llm", _openai(server)]) == 0
    sent = [r["json"]["messages"] for r in server.requests]
    assert '"id": "microwave"' in sent[0][0]["content"]  # the catalog is in the prompt
    assert "aperture" in sent[0][0]["content"] and "inside(obj, container)" in sent[0][0]["content"]
    reasons = [m[-1]["content"] for m in sent[1:4]]
    assert "unknown asset 'banana_xl'. Closest: banana" in reasons[0]
    assert "closes round at most 0.137 m" in reasons[1]
    assert "already holds at t = 0: not grasped(apple)" in reasons[2]
    assert "Put the apple into the bowl." in sent[4][1]["content"]  # task 2 is told of task 1
    rows = _summary(live)
    assert [r["buildable"] for r in rows] == [True, False]
    assert rows[1]["reasons"][0].startswith("no valid answer after 4 attempts")
    task = live / TASKS_DIR / "apple_into_bowl"
    assert (task / "scene.yaml").is_file() and json.loads((task / BUILD_FILE).read_text())[
        "buildable"
    ]  # fmt: skip
    assert "apple_into_bowl (4 answers): buildable" in capsys.readouterr().out
    # the same seed and the recorded answers give the same artifacts, with no server
    cassette = tmp_path / "c.json"
    assert main(["cassette", str(live), str(cassette)]) == 0
    again = tmp_path / "again"
    assert main(["propose", str(again), *args[2:], "--llm", f"replay:{cassette}"]) == 0
    for rel in (f"{TASKS_DIR}/apple_into_bowl/{PROPOSAL_FILE}", "tasks/apple_into_bowl/scene.yaml",
                f"{TASKS_DIR}/apple_into_bowl/{BUILD_FILE}"):  # fmt: skip
        assert (again / rel).read_bytes() == (live / rel).read_bytes(), rel
    assert _summary(again) == rows


def test_anthropic_sentences_and_duplicates_by_meaning(
    server: ScriptedServer, tmp_path: Path
) -> None:
    """A sentence through the Messages API; a second task that says the first again in other
    words is refused by the sentence encoder and replaced; the drawer starts closed."""
    paraphrase = {**GOOD, "id": "apple_in_bowl", "description": "Put the apple in the bowl."}
    server.queue(*[anthropic_tool(a, name="task_proposal") for a in (GOOD, paraphrase, DRAWER)])
    run = tmp_path / "run"
    spec = f"anthropic:test-model,base_url={server.url}"
    code = main(["propose", str(run), "--task", "put the apple into the bowl", "--n", "1",
                 "--no-sheets", "--llm", spec])  # fmt: skip
    assert code == 0
    assert "'put the apple into the bowl'" in server.requests[0]["json"]["messages"][0]["content"][
        0]["text"]  # fmt: skip
    repair = server.requests[2]["json"]["messages"][-1]["content"]
    assert "repeats an accepted task ('Put the apple into the bowl.')" in json.dumps(repair)
    rows = _summary(run)
    assert [(r["task"], r["buildable"]) for r in rows] == [
        ("apple_into_bowl", True), ("open_the_drawer", True)]  # fmt: skip
    scene = (run / TASKS_DIR / "open_the_drawer" / "scene.yaml").read_text()
    assert "drawer_slide: 0.0" in scene  # closed, since the task opens it


def test_a_budget_stops_the_stage_with_what_it_has(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(openai_text(json.dumps(GOOD)))
    run = tmp_path / "run"
    code = main(["propose", str(run), "--n", "3", "--no-sheets", "--max-calls", "1",
                 "--llm", _openai(server)])  # fmt: skip
    assert code == 0 and len(server.requests) == 1
    rows = _summary(run)
    assert rows[0]["buildable"] and all("not asked" in r["reasons"][0] for r in rows[1:])
