"""The controller interface: one class per subtask kind, registered under that kind.

A controller is made for one subtask of a plan. :meth:`Controller.check` validates what the
subtask names against the scene before anything runs (raise :class:`ConfigError`);
:meth:`Controller.run` drives the episode's scene through its control loop and raises
:class:`SubtaskError` with a :class:`~gendexhand.plan.results.FailureCategory` when it cannot do
its job. The chain then evaluates the subtask's success predicate.

Adding a subtask kind is a schema variant (:func:`gendexhand.plan.schema.subtask_kind`) and a
controller class registered with :func:`controller` under the same kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from gendexhand.assets.model import AssetInfo
from gendexhand.embodiment.synergy import Synergy
from gendexhand.errors import ConfigError, GenDexHandError, unknown_name_message
from gendexhand.motion.grasping import GraspCandidate
from gendexhand.plan.results import Failure, FailureCategory
from gendexhand.plan.schema import SubtaskBase
from gendexhand.predicates import PredicateContext, Success
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import Scene


class SubtaskError(GenDexHandError):
    """A subtask's controller could not do its job; ``failure`` is the recorded reason."""

    def __init__(self, category: FailureCategory, message: str) -> None:
        self.failure = Failure(category, message)
        super().__init__(str(self.failure))


@dataclass
class Episode:
    """What the subtasks of one episode share."""

    scene: Scene
    loop: ControlLoop
    seed: int
    synergy: Synergy
    grasp: GraspCandidate | None = None
    grasp_object: str | None = None
    held: str | None = None
    planning_s: float = 0.0
    grasp_s: float = 0.0
    on_step: Callable[[], None] | None = None
    skills: Path | None = None
    """Where trained policies live (``<task>/skills``), for rl subtasks."""
    subtask: int = 0
    """Index of the subtask running now."""
    reward_sink: Callable[[dict[str, float]], None] | None = None
    """When set, rl subtasks also compute their reward terms (in the sandbox) after each
    control step and pass them here; collection records them."""

    def stepped(self) -> None:
        """Call after each control step a controller runs."""
        if self.on_step is not None:
            self.on_step()


@dataclass(frozen=True)
class PlanCheck:
    """What a controller's static check may look at: the scene's objects, goal regions and the
    embodiment's actuator groups; ``where`` names the subtask in error messages."""

    objects: Mapping[str, AssetInfo]
    groups: Sequence[str]
    where: str
    regions: Sequence[str] = ()

    def error(self, field: str, kind: str, value: str, valid: Sequence[str]) -> ConfigError:
        return ConfigError(f"{self.where}.{field}: " + unknown_name_message(kind, value, valid))


S = TypeVar("S", bound=SubtaskBase)


class Controller(Generic[S]):
    """Runs one subtask of kind :attr:`kind` (see the module docstring)."""

    kind: ClassVar[str]

    def __init__(self, sub: S) -> None:
        self.sub = sub

    def check(self, plan: PlanCheck) -> None:
        """Raise :class:`ConfigError` if the subtask names what the scene does not have."""

    def run(self, ep: Episode, success: Success, ctx: PredicateContext) -> None:
        raise NotImplementedError


CONTROLLERS: dict[str, type[Controller[SubtaskBase]]] = {}
"""kind → controller class."""

C = TypeVar("C", bound=type[Controller])


def controller(kind: str) -> Callable[[C], C]:
    """Register a controller class for subtasks of ``kind`` (a class decorator)."""

    def register(cls: C) -> C:
        cls.kind = kind
        CONTROLLERS[kind] = cls
        return cls

    return register


def controller_for(sub: SubtaskBase) -> Controller[SubtaskBase]:
    """The controller of ``sub`` (its kind must be registered)."""
    cls = CONTROLLERS.get(sub.kind)
    if cls is None:
        raise ConfigError(unknown_name_message("subtask kind", sub.kind, CONTROLLERS))
    return cls(sub)
