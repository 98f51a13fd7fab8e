"""A new subtask kind is one schema variant and one controller: a test-only ``wait`` kind runs in
the chain, is validated by its controller and is reported in the results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import pytest
from pydantic import Field

from gendexhand.config.loading import parse_model
from gendexhand.errors import ConfigError
from gendexhand.examples import task_plans
from gendexhand.plan.chain import run_episode
from gendexhand.plan.controllers import CONTROLLERS, Controller, Episode, PlanCheck, controller
from gendexhand.plan.load import load_plan, validate_plan
from gendexhand.plan.results import FailureCategory
from gendexhand.plan.schema import (
    PlanConfig,
    SubtaskBase,
    _Strict,
    subtask_kind,
    unregister_subtask_kind,
)
from gendexhand.predicates import PredicateContext, Success


class WaitSpec(_Strict):
    steps: int = Field(ge=1, le=50)
    object: str


@pytest.fixture
def wait_kind() -> Iterator[type]:
    """Register ``wait``: hold every actuator target for ``steps`` control steps."""

    @subtask_kind
    class WaitSubtask(SubtaskBase):
        kind: Literal["wait"] = "wait"
        wait: WaitSpec

    @controller("wait")
    class WaitController(Controller[WaitSubtask]):
        def check(self, plan: PlanCheck) -> None:
            if self.sub.wait.object not in plan.objects:
                raise plan.error("wait.object", "object", self.sub.wait.object, plan.objects)

        def run(self, ep: Episode, success: Success, ctx: PredicateContext) -> None:
            for _ in range(self.sub.wait.steps):
                ep.loop.step(ep.scene.data.ctrl)
                ep.stepped()

    yield WaitSubtask
    unregister_subtask_kind("wait")
    del CONTROLLERS["wait"]


def _with_wait(obj: str, success: str = "upright(bottle)") -> dict[str, object]:
    plan, _ = load_plan(task_plans()["pick_bottle"])
    data = plan.model_dump(mode="json")
    wait = {"name": "pause", "kind": "wait", "wait": {"steps": 7, "object": obj},
            "success": success}  # fmt: skip
    data["subtasks"] = [wait, *data["subtasks"][:1]]
    return data


def test_a_registered_kind_parses_validates_and_runs(wait_kind: type) -> None:
    """Budget: ~5 s (one planned reach)."""
    plan = parse_model(PlanConfig, _with_wait("bottle"), "plan.yaml")
    assert isinstance(plan.subtasks[0], wait_kind)
    _, base = load_plan(task_plans()["pick_bottle"])
    validate_plan(plan, base, "plan.yaml")
    with pytest.raises(ConfigError, match=r"subtasks\[0\] \(pause\)\.wait\.object: unknown object"):
        validate_plan(parse_model(PlanConfig, _with_wait("mug"), "p"), base, "plan.yaml")
    result = run_episode(plan, base, seed=0)
    assert [(r.name, r.kind, r.success) for r in result.subtasks] == [
        ("pause", "wait", True), ("reach", "motion", True)]  # fmt: skip
    assert result.subtasks[0].steps == 7
    failing = parse_model(PlanConfig, _with_wait("bottle", "lifted(bottle, 0.3)"), "p")
    bad = run_episode(failing, base, seed=0).subtasks[0]
    assert bad.failure is not None and bad.failure.category is FailureCategory.PREDICATE
    assert bad.reason == "predicate: lifted(bottle, 0.3)=False"


def test_an_unregistered_kind_names_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown kind 'wait'; valid kinds: 'motion', "):
        parse_model(PlanConfig, _with_wait("bottle"), "plan.yaml")
