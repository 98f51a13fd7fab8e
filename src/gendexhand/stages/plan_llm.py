"""Stage 3 with a model: a plan for each task, written by an LLM and checked before it is kept.

One request per task (``plan@1``, generated from the code: the plan schema, the task and its
success, the scene's objects with their parts, joints and grasp frames, the embodiment's groups,
the motion primitives and scripted actions, the predicates, the state reference and the reward
sandbox's rules). An answer is refused, and the exact reason goes back to the model (at most
``max_repairs`` times), when it does not parse against
:class:`~gendexhand.plan.schema.PlanConfig` or fails :func:`~gendexhand.decompose.check.check_plan`
(unknown names, a success that does not parse or is not the task's, a reward the sandbox rejects
or that fails on the start state). Then the task is recorded as unplanned with the reason and
the run goes on. A spent budget stops the stage with what it has. Exchanges are recorded in the
run; ``replay:<cassette>`` reproduces it.
"""

from __future__ import annotations

from gendexhand.config.scene import SceneConfig
from gendexhand.decompose.check import check_plan
from gendexhand.llm.client import LLMClient
from gendexhand.llm.prompts import Template, load_template
from gendexhand.llm.types import Sampling
from gendexhand.plan.schema import PlanConfig
from gendexhand.propose.schema import TaskProposal
from gendexhand.stages.context import (
    embodiment_section,
    predicates_section,
    primitives_section,
    sandbox_section,
    scene_section,
    state_section,
)
from gendexhand.store.paths import SCENE_FILE

TEMPLATE, VERSION = "plan", 1
TEMPLATE_ID = f"{TEMPLATE}@{VERSION}"
ANSWERS = {TEMPLATE_ID: PlanConfig}
"""Template id → the model of its answer (the prompt tests check the examples against it)."""


class _Judge:
    """The ``check`` of one request: the plan is for this task and passes :func:`check_plan`."""

    def __init__(self, proposal: TaskProposal, config: SceneConfig) -> None:
        self.proposal, self.config = proposal, config

    def __call__(self, plan: PlanConfig) -> None:
        from gendexhand.errors import ConfigError

        wrong = [f"{f}: must be {want!r}, not {got!r}" for f, want, got in
                 (("task", self.proposal.id, plan.task), ("scene", SCENE_FILE, str(plan.scene)))
                 if want != got]  # fmt: skip
        if wrong:
            raise ConfigError("the plan is refused:\n- " + "\n- ".join(wrong))
        check_plan(plan, self.config, self.proposal.success)


class ModelPlanner:
    """Asks ``client`` for the plan of one task at a time (see the module docstring)."""

    def __init__(self, client: LLMClient, seed: int = 0) -> None:
        self.client, self.seed = client, seed
        self.template: Template = load_template(TEMPLATE, VERSION, "gendexhand.decompose")
        self._fixed: dict[str, str] = {}

    def _context(self, config: SceneConfig) -> dict[str, str]:
        e = config.embodiment
        key = f"{e.name}:{e.hand}"
        if self._fixed.get("key") != key:
            self._fixed = {"key": key, "embodiment": embodiment_section(e.name, e.hand),
                           "primitives": primitives_section(), "predicates": predicates_section(),
                           "state": state_section(), "sandbox": sandbox_section()}  # fmt: skip
        return {k: v for k, v in self._fixed.items() if k != "key"}

    def plan(self, proposal: TaskProposal, config: SceneConfig) -> tuple[PlanConfig | None, str]:
        """The checked plan and ``""``, or None and the reason there is none. Raises
        :class:`~gendexhand.llm.budget.BudgetExhaustedError` when the budget is spent."""
        roles = ", ".join(f"{o.name} ({o.role})" for o in proposal.objects)
        values = {**self._context(config), "task_id": proposal.id, "scene_file": SCENE_FILE,
                  "description": proposal.description, "family": proposal.family or "-",
                  "success": proposal.success, "roles": roles,
                  "scene": scene_section(config)}  # fmt: skip
        request = self.template.request(PlanConfig, values, sampling=Sampling(seed=self.seed))
        answer = self.client.ask(request, PlanConfig, "task_plan", check=_Judge(proposal, config))
        if answer.ok and answer.value is not None:
            return answer.value, ""
        return None, answer.failure or "no answer"

    @property
    def label(self) -> str:
        return self.client.label
