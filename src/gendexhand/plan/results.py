"""Typed results of running a plan: a failure (category + message), a subtask's result, an
episode's result, and the summary over many episodes. Each converts to and from the JSON that
``episodes.jsonl`` and ``summary.json`` hold."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np


class FailureCategory(StrEnum):
    """Why a subtask failed (the ``category`` of ``episodes.jsonl``, the keys of the summary's
    per-subtask ``failures``)."""

    GRASP = "grasp"
    """No reachable, collision-free grasp, or every reachable one failed."""
    PLANNING = "planning"
    """No collision-free arm path in the time limit."""
    IK = "IK"
    """No joint configuration reaches a palm pose the primitive needs."""
    TRACKING = "tracking"
    """The arm lagged or stopped short of its planned trajectory (blocked by contact?)."""
    SELF_COLLISION = "self-collision"
    """The arm would hit itself."""
    PLAN = "plan"
    """The plan asks for something the episode's state does not allow (e.g. approach before
    pre_grasp)."""
    RL = "rl"
    """A learned subtask could not run (no trained policy)."""
    PREDICATE = "predicate"
    """The controller finished but the success predicate is false."""
    SIMULATION = "simulation"
    """The simulation diverged or produced non-finite values."""
    ERROR = "error"
    """Another error of the package while the subtask ran."""


@dataclass(frozen=True)
class Failure:
    category: FailureCategory
    message: str

    def __str__(self) -> str:
        return f"{self.category.value}: {self.message}"


@dataclass
class SubtaskResult:
    name: str
    kind: str
    success: bool
    failure: Failure | None = None
    steps: int = 0
    planning_s: float = 0.0
    """Path planning (straight-line check or RRTConnect, shortcutting), seconds."""
    grasp_s: float = 0.0
    """Grasp search (candidate poses and their IK), seconds."""
    seconds: float = 0.0

    @property
    def reason(self) -> str:
        """The failure as one line (``category: message``); empty on success."""
        return "" if self.failure is None else str(self.failure)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["failure"]
        out["reason"] = self.reason
        out["category"] = None if self.failure is None else self.failure.category.value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubtaskResult:
        failure = None
        if data.get("category"):
            prefix = f"{data['category']}: "
            failure = Failure(
                FailureCategory(data["category"]), str(data["reason"]).removeprefix(prefix)
            )
        return cls(
            name=str(data["name"]), kind=str(data["kind"]), success=bool(data["success"]),
            failure=failure, steps=int(data["steps"]), planning_s=float(data["planning_s"]),
            grasp_s=float(data["grasp_s"]), seconds=float(data["seconds"]),
        )  # fmt: skip


@dataclass
class EpisodeResult:
    seed: int
    success: bool
    subtasks: list[SubtaskResult]
    steps: int
    initial: dict[str, list[float]]
    """Initial object positions after randomisation."""

    @property
    def failed(self) -> SubtaskResult | None:
        """The subtask that ended the episode, if one failed."""
        return next((r for r in self.subtasks if not r.success), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "success": self.success,
            "steps": self.steps,
            "initial": self.initial,
            "subtasks": [s.as_dict() for s in self.subtasks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EpisodeResult:
        return cls(
            seed=int(data["seed"]),
            success=bool(data["success"]),
            subtasks=[SubtaskResult.from_dict(s) for s in data["subtasks"]],
            steps=int(data["steps"]),
            initial={k: [float(x) for x in v] for k, v in data["initial"].items()},
        )

    def line(self, k: int, n: int) -> str:
        """One progress line: ``[k/n] seed S: success (…)`` or where and why it failed."""
        if self.success:
            return f"[{k}/{n}] seed {self.seed}: success ({self.steps} control steps)"
        last = self.subtasks[-1] if self.subtasks else None
        name, why = (last.name, last.reason) if last else ("-", "no subtask ran")
        return f"[{k}/{n}] seed {self.seed}: failed at {name}: {why}"


@dataclass(frozen=True)
class Stats:
    median: float
    p95: float
    max: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Stats:
        v = np.array(values) if values else np.zeros(1)
        return cls(float(np.median(v)), float(np.percentile(v, 95)), float(v.max()), len(values))


@dataclass(frozen=True)
class SubtaskCounts:
    name: str
    attempted: int
    succeeded: int
    failures: dict[str, int]
    """Failure category → count."""


@dataclass
class Summary:
    """Counts and timings over the episodes of a plan (``summary.json``)."""

    task: str
    subtasks: list[str]
    episodes: int = 0
    successes: int = 0
    attempted: dict[str, int] = field(default_factory=dict)
    succeeded: dict[str, int] = field(default_factory=dict)
    failures: dict[str, dict[str, int]] = field(default_factory=dict)
    """Subtask → failure category → count."""
    planning_s: list[float] = field(default_factory=list)
    grasp_s: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)

    def add(self, ep: EpisodeResult) -> None:
        self.episodes += 1
        self.successes += int(ep.success)
        self.steps.append(ep.steps)
        for r in ep.subtasks:
            self.attempted[r.name] = self.attempted.get(r.name, 0) + 1
            self.succeeded[r.name] = self.succeeded.get(r.name, 0) + int(r.success)
            if r.kind == "motion" and r.planning_s > 0:
                self.planning_s.append(r.planning_s)
            if r.grasp_s > 0:
                self.grasp_s.append(r.grasp_s)
            if r.failure is not None:
                bucket = self.failures.setdefault(r.name, {})
                key = r.failure.category.value
                bucket[key] = bucket.get(key, 0) + 1

    @property
    def success_rate(self) -> float:
        return self.successes / max(1, self.episodes)

    @property
    def steps_per_success(self) -> float | None:
        return float(np.sum(self.steps)) / self.successes if self.successes else None

    def per_subtask(self) -> list[SubtaskCounts]:
        return [
            SubtaskCounts(
                n, self.attempted.get(n, 0), self.succeeded.get(n, 0), self.failures.get(n, {})
            )
            for n in self.subtasks
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "episodes": self.episodes,
            "successes": self.successes,
            "success_rate": self.success_rate,
            "subtasks": [asdict(c) for c in self.per_subtask()],
            "path_planning_s": asdict(Stats.of(self.planning_s)),
            "grasp_search_s": asdict(Stats.of(self.grasp_s)),
            "control_steps_mean": float(np.mean(self.steps)) if self.steps else 0.0,
            "control_steps_total": int(np.sum(self.steps)),
            "control_steps_per_success": self.steps_per_success,
        }

    @classmethod
    def of(cls, task: str, subtasks: list[str], episodes: list[EpisodeResult]) -> Summary:
        out = cls(task, subtasks)
        for ep in episodes:
            out.add(ep)
        return out
