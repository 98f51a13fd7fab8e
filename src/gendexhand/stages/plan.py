"""Stage 3, planning: write ``tasks/<id>/plan.yaml`` for each task of a run that has a scene.

The plan is the rules planner's (:mod:`gendexhand.decompose.rules`) or a model's
(:mod:`gendexhand.stages.plan_llm`). A task refinement rejected is skipped; so is one whose
proposal is missing or unreadable, whose family the rules planner has no plan for, or for which
the model gave no plan that passed the checks. Each gets its reason in ``plans.json`` at the
run's root, and the run goes on; a spent LLM budget stops the stage, and the tasks not asked are
recorded as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from gendexhand.config.loading import parse_model
from gendexhand.config.scene import SceneConfig
from gendexhand.decompose.rules import rules_plan
from gendexhand.errors import ConfigError
from gendexhand.llm.budget import BudgetExhaustedError
from gendexhand.plan.schema import PlanConfig
from gendexhand.propose.schema import TaskProposal
from gendexhand.store.paths import (
    PLANS_SUMMARY,
    PROPOSAL_FILE,
    REFINE_SUMMARY,
    SCENE_FILE,
    TASKS_DIR,
    TaskPaths,
)
from gendexhand.store.rundir import RunDir
from gendexhand.yamlio import read_yaml

if TYPE_CHECKING:
    from gendexhand.stages.plan_llm import ModelPlanner


@dataclass
class Planned:
    task: str
    family: str = ""
    planned: bool = False
    reason: str = ""
    subtasks: int = 0


def plannable_tasks(run_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in (run_dir / TASKS_DIR).glob(f"*/{SCENE_FILE}"))


def _plan_one(run: RunDir, task: str, learned: bool, model: ModelPlanner | None) -> Planned:
    paths = TaskPaths(task)
    out = Planned(task)
    refined = run.path(f"{paths.root}/{REFINE_SUMMARY}")
    try:
        if refined.is_file() and read_yaml(refined).get("status") == "rejected":
            out.reason = "refinement rejected it: " + str(read_yaml(refined).get("reason", ""))
            return out
        proposal = parse_model(TaskProposal, read_yaml(run.path(f"{paths.root}/{PROPOSAL_FILE}")),
                               f"{paths.root}/{PROPOSAL_FILE}")  # fmt: skip
        out.family = proposal.family or ""
        config = parse_model(SceneConfig, read_yaml(run.path(paths.scene)), paths.scene)
        plan: PlanConfig | None
        if model is None:
            plan, by = rules_plan(proposal, config, learned=learned), "the rules planner"
        else:
            (plan, out.reason), by = model.plan(proposal, config), model.label
    except (ConfigError, AttributeError) as exc:  # AttributeError: refine.json not a mapping
        out.reason = "; ".join(s.strip() for s in str(exc).splitlines())
        return out
    if plan is None:
        out.reason = "; ".join(s.strip().removeprefix("- ").rstrip(":")
                               for s in out.reason.splitlines() if s.strip())  # fmt: skip
        return out
    data = plan.model_dump(mode="json", exclude_defaults=True)
    data["scene"] = SCENE_FILE
    data["subtasks"] = [{"name": d["name"], "kind": s.kind, **d}  # the tag is a default too
                        for d, s in zip(data["subtasks"], plan.subtasks, strict=True)]  # fmt: skip
    head = f"# {proposal.description}\n# written by {by} (family {proposal.family})\n"
    run.write_text(paths.plan, head + yaml.safe_dump(data, sort_keys=False))
    out.planned, out.subtasks = True, len(plan.subtasks)
    return out


def plan_run(
    run_dir: Path,
    *,
    tasks: list[str] | None = None,
    learned: bool = True,
    model: ModelPlanner | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Planned]:
    """Plan every task of ``run_dir`` with a scene (or those named); see the module docstring.
    ``learned=False``: the rules planner writes scripted closes instead of learned grasps
    (nothing to train); ``model``: a model writes the plans."""
    say = progress or (lambda m: None)
    run = RunDir(run_dir)
    names = tasks or plannable_tasks(run_dir)
    out = []
    for k, task in enumerate(names, 1):
        try:
            p = _plan_one(run, task, learned, model)
        except BudgetExhaustedError as exc:
            out += [Planned(t, reason=f"not asked: {exc}") for t in names[k - 1 :]]
            say(f"[{k}/{len(names)}] stopped: {exc}")
            break
        out.append(p)
        state = f"{p.subtasks} subtasks" if p.planned else f"no plan: {p.reason}"
        say(f"[{k}/{len(names)}] {task}: {state}")
    planner = "rules" if model is None else model.label
    run.write_json(PLANS_SUMMARY, {"planner": planner, "learned": learned,
                                   "tasks": [vars(p) for p in out]})  # fmt: skip
    return out
