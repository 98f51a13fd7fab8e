"""Every path of a run directory, in one place.

A run directory holds many tasks, each in its own folder::

    RUN_DIR/
      manifest.json                      what each artifact was made from (store.rundir)
      proposals.json                     gendexhand propose: every proposal and its verdict
      tasks/<task>/
        proposal.json, build.json        the proposed task and whether its scene builds
        views.png                        its contact sheet
        plan.yaml, scene.yaml            the task's plan and the scene it names
        skills/<subtask>/                one trained rl subtask:
          starts.npz                       start states (collected by running the chain)
          policy.zip, vecnormalize.pkl     the best checkpoint and its observation normaliser
          curve.csv, eval.json             the learning curve and the final evaluation
          resume/                          the last checkpoint (an interrupted run goes on)
        eval/                            whole-chain episodes (gendexhand eval / execute):
          summary.json, episodes.jsonl, video/episode_<seed>.gif
        episodes/                        the dataset (gendexhand collect; gendexhand.dataset):
          episode_<seed>.h5                one successful episode each
          index.json, card.md              the episodes and metadata; what a person reads
          attempts.jsonl, collect.json     every attempt (a rerun continues); the counts
      llm/                               every LLM exchange (exchanges.jsonl; latency and
                                         times apart in timings.jsonl) and cache/<key>.json

Paths here are relative POSIX strings (what :class:`~gendexhand.store.rundir.RunDir` takes);
``RunDir.path(rel)`` makes them absolute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gendexhand.errors import ConfigError

TASKS_DIR = "tasks"
PLAN_FILE = "plan.yaml"
SCENE_FILE = "scene.yaml"
SKILLS_DIR = "skills"
STARTS_FILE = "starts.npz"
POLICY_FILE = "policy.zip"
NORMALIZER_FILE = "vecnormalize.pkl"
CURVE_FILE = "curve.csv"
SKILL_EVAL_FILE = "eval.json"
RESUME_DIR = "resume"
"""Inside a skill folder: the last checkpoint of a training run, to continue it if interrupted."""
RESUME_STATE = "state.json"
EVAL_DIR = "eval"
SUMMARY_FILE = "summary.json"
EPISODE_LOG = "episodes.jsonl"
VIDEO_DIR = "video"
VIDEO_FILE = "episode_{seed}.gif"
EPISODES_DIR = "episodes"
EPISODE_FILE = "episode_{seed:07d}.h5"
"""One collected episode (:mod:`gendexhand.dataset.format`)."""
EPISODE_GLOB = "episode_*.h5"
DATASET_INDEX = "index.json"
DATASET_CARD = "card.md"
COLLECT_SUMMARY = "collect.json"
COLLECT_LOG = "attempts.jsonl"
"""Every finished attempt of a collection, one JSON line each: what a rerun continues from."""

PROPOSAL_FILE = "proposal.json"
"""Inside a task folder: the task as stage 1 proposed it (:mod:`gendexhand.propose.schema`)."""
BUILD_FILE = "build.json"
"""Inside a task folder: whether its scene is buildable, and why not."""
SHEET_FILE = "views.png"
REJECTED_SCENE_FILE = "scene.rejected.yaml"
"""Inside a task folder: the last scene stage 1 tried for a proposal it found not buildable;
refinement starts from it, and writes ``scene.yaml`` only if it fixes it."""
PROPOSALS_SUMMARY = "proposals.json"
"""At the run's root: every proposal of ``gendexhand propose`` and its verdict."""

REFINE_ROUND = "refine/{round}"
"""Inside a task folder: one round of refinement (scene, sheet, verifier report, directives)."""
VERIFIER_FILE = "verifier.json"
DIRECTIVES_FILE = "directives.txt"
REFINE_SUMMARY = "refine.json"
"""Inside a task folder: how refinement ended (accepted, rejected and why, the rounds)."""
BEFORE_AFTER = "before_after.png"
REFINE_RUN_SUMMARY = "refinement.json"
"""At the run's root: every task's refinement outcome."""
PLANS_SUMMARY = "plans.json"
"""At the run's root: every task's plan, or why it has none."""

LLM_DIR = "llm"
LLM_EXCHANGES = "llm/exchanges.jsonl"
"""Every LLM exchange of a run, in call order (request, answer, model, tokens, cost)."""
LLM_TIMINGS = "llm/timings.jsonl"
"""Latency and timestamps, apart so that the exchanges replay byte for byte."""
LLM_CACHE = "llm/cache/{key}.json"

TASK_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
"""A task id names a folder: lower-case letters, digits and ``_``, at most 64 characters."""


def check_task_id(task: str, where: str = "task") -> str:
    """``task`` if it is a valid task id, else a :class:`ConfigError` naming ``where``."""
    if not isinstance(task, str) or not TASK_ID_RE.match(task):
        shown = task if len(repr(task)) < 80 else repr(task)[:77] + "..."
        raise ConfigError(
            f"{where}: {shown!r} is not a valid task id (it names a folder: lower-case letters, "
            f"digits and '_', starting with a letter, at most 64 characters)"
        )
    return task


@dataclass(frozen=True)
class TaskPaths:
    """The relative paths of one task of a run."""

    task: str

    def __post_init__(self) -> None:
        check_task_id(self.task)

    @property
    def root(self) -> str:
        return f"{TASKS_DIR}/{self.task}"

    @property
    def plan(self) -> str:
        return f"{self.root}/{PLAN_FILE}"

    @property
    def scene(self) -> str:
        return f"{self.root}/{SCENE_FILE}"

    @property
    def rejected_scene(self) -> str:
        return f"{self.root}/{REJECTED_SCENE_FILE}"

    @property
    def skills(self) -> str:
        return f"{self.root}/{SKILLS_DIR}"

    def skill(self, subtask: str) -> str:
        return f"{self.skills}/{subtask}"

    @property
    def eval(self) -> str:
        return f"{self.root}/{EVAL_DIR}"

    def refine_round(self, k: int) -> str:
        return f"{self.root}/{REFINE_ROUND.format(round=k)}"

    @property
    def episodes(self) -> str:
        return f"{self.root}/{EPISODES_DIR}"
