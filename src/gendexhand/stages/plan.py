"""Stage 3, planning: write ``tasks/<id>/plan.yaml`` for each task of a run that has a scene.

A task refinement rejected is skipped; so is one whose proposal is missing or unreadable, or
whose family the rules planner has no plan for. Each gets its reason in ``plans.json`` at the
run's root, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from gendexhand.config.loading import parse_model
from gendexhand.config.scene import SceneConfig
from gendexhand.decompose.rules import rules_plan
from gendexhand.errors import ConfigError
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


@dataclass
class Planned:
    task: str
    family: str = ""
    planned: bool = False
    reason: str = ""
    subtasks: int = 0


def plannable_tasks(run_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in (run_dir / TASKS_DIR).glob(f"*/{SCENE_FILE}"))


def _plan_one(run: RunDir, task: str, learned: bool) -> Planned:
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
        plan = rules_plan(proposal, config, learned=learned)
    except (ConfigError, AttributeError) as exc:  # AttributeError: refine.json not a mapping
        out.reason = "; ".join(s.strip() for s in str(exc).splitlines())
        return out
    data = plan.model_dump(mode="json", exclude_defaults=True)
    data["scene"] = SCENE_FILE
    data["subtasks"] = [{"name": d["name"], "kind": s.kind, **d}  # the tag is a default too
                        for d, s in zip(data["subtasks"], plan.subtasks, strict=True)]  # fmt: skip
    head = f"# {proposal.description}\n# written by the rules planner (family {proposal.family})\n"
    run.write_text(paths.plan, head + yaml.safe_dump(data, sort_keys=False))
    out.planned, out.subtasks = True, len(plan.subtasks)
    return out


def plan_run(
    run_dir: Path,
    *,
    tasks: list[str] | None = None,
    learned: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Planned]:
    """Plan every task of ``run_dir`` with a scene (or those named); see the module docstring.
    ``learned=False``: scripted closes instead of learned grasps (nothing to train)."""
    say = progress or (lambda m: None)
    run = RunDir(run_dir)
    names = tasks or plannable_tasks(run_dir)
    out = []
    for k, task in enumerate(names, 1):
        p = _plan_one(run, task, learned)
        out.append(p)
        state = f"{p.subtasks} subtasks" if p.planned else f"no plan: {p.reason}"
        say(f"[{k}/{len(names)}] {task}: {state}")
    run.write_json(PLANS_SUMMARY, {"planner": "rules", "learned": learned,
                                   "tasks": [vars(p) for p in out]})  # fmt: skip
    return out
