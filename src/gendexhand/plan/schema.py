"""``plan.yaml``: an ordered chain of subtasks, each with a controller and a success predicate.

A subtask's controller is one of

* ``motion`` — a collision-free arm motion to a palm pose given by a named primitive:
  ``pre_grasp`` (the best reachable grasp of an object, backed off by its standoff),
  ``approach`` (from the pre-grasp to the grasp), ``lift`` (straight up by ``height``),
  ``transport_to`` (carry the held object above a part of another object, ``height`` above its
  top), ``pull`` (move a grasped handle along a door's or drawer's joint until ``fraction``
  open; towards closed, the open hand pushes it), ``push`` (the open hand, fingers down,
  pushes an object along the table into a goal ``region``), ``tilt`` (turn the held object by
  ``angle`` degrees about the palm's normal, pouring out what it holds), ``retreat`` (back the
  palm off by ``distance``, or up) and ``move_to`` (the palm to a point ``offset`` from an
  object or part, orientation kept);
* ``scripted`` — ``close`` or ``open`` the hand along its synergy over ``steps`` control steps,
  or ``hold`` still;
* ``rl`` — a learned policy acting on the actuator ``groups`` listed (all others frozen), with
  reward code and a horizon (trained by a later stage).

``success`` is an expression over the trusted predicates of :mod:`gendexhand.predicates`
(``grasped(bottle) and lifted(bottle, 0.1)``); it is parsed, never executed as code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, Union, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from gendexhand.config.scene import NAME_RE, not_bool
from gendexhand.store.paths import TASK_ID_RE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _numbers_are_numbers(cls, data: object) -> object:
        """A bool given for a number field is refused, not read as 1 or 0."""
        if isinstance(data, dict):
            for name, value in data.items():
                field = cls.model_fields.get(name) if isinstance(name, str) else None
                if field is not None and field.annotation in (int, float):
                    try:
                        not_bool(value)
                    except ValueError as exc:
                        raise ValueError(f"{name}: {exc}") from None
        return data


Offset = Annotated[float, BeforeValidator(not_bool), Field(ge=-1.0, le=1.0)]
"""Metres, within reach of any table-top task."""
Noise = Annotated[float, BeforeValidator(not_bool), Field(ge=0.0, le=0.5)]
"""± metres of uniform position noise."""
Weight = Annotated[float, BeforeValidator(not_bool), Field(ge=-1000.0, le=1000.0)]

Primitive = Literal[
    "pre_grasp", "approach", "lift", "transport_to", "pull", "push", "tilt", "retreat", "move_to"
]


class MotionSpec(_Strict):
    primitive: Primitive
    object: str | None = Field(default=None, description="The object the primitive is about.")
    grasp: str | None = Field(
        default=None, description="pre_grasp: a grasp frame of the object; default: any."
    )
    prefer: str | None = Field(
        default=None,
        description="pre_grasp: a grasp frame to use when it is reachable, else any (ignored "
        "when grasp is given).",
    )
    part: str | None = Field(
        default=None, description="transport_to/move_to: a part of the object (default interior)."
    )
    joint: str | None = Field(default=None, description="pull: the joint to open.")
    region: str | None = Field(
        default=None, description="push: the goal region to push the object into."
    )
    fraction: float = Field(default=1.0, ge=0.0, le=1.0, description="pull: how far open.")
    follow: float = Field(
        default=0.5, ge=0.0, le=1.0,
        description="pull about a hinge: how much of the door's turn the palm follows (a hand "
        "wrapped round a bar handle can turn about the bar for the rest).",
    )  # fmt: skip
    angle: float = Field(
        default=120.0, ge=-180.0, le=180.0,
        description="tilt: degrees the held object turns about the palm's normal (pouring).",
    )  # fmt: skip
    height: float = Field(default=0.15, ge=0.0, le=1.0, description="lift/transport_to: metres.")
    distance: float = Field(default=0.1, ge=0.0, le=1.0, description="retreat: metres.")
    direction: Literal["back", "up"] = Field(default="back", description="retreat direction.")
    offset: tuple[Offset, Offset, Offset] = (0.0, 0.0, 0.0)
    speed: float = Field(
        default=0.5, gt=0.0, le=1.0, description="Fraction of the joint speed limit."
    )
    clearance: float = Field(default=0.005, ge=0.0, le=0.1, description="Metres from obstacles.")
    timeout_s: float = Field(default=2.0, gt=0.0, le=60.0, description="Planning time limit.")

    @model_validator(mode="after")
    def _needs(self) -> MotionSpec:
        need = {
            "pre_grasp": ["object"],
            "transport_to": ["object"],
            "pull": ["object", "joint"],
            "push": ["object", "region"],
            "move_to": ["object"],
        }.get(self.primitive, [])
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"primitive {self.primitive!r} needs {', '.join(missing)}")
        return self


class ScriptedSpec(_Strict):
    action: Literal["close", "open", "hold"]
    steps: int = Field(default=15, ge=1, le=500, description="Control steps (25 Hz).")
    fraction: float = Field(default=1.0, ge=0.0, le=1.0, description="close: how far to close.")


class RLSpec(_Strict):
    @field_validator("weights")
    @classmethod
    def _term_names(cls, value: dict[str, float]) -> dict[str, float]:
        for name in value:
            if not name.isidentifier() or len(name) > 100:
                raise ValueError(f"term name {name[:60]!r} must be an identifier")
        return value

    groups: list[str] = Field(
        min_length=1, max_length=32, description="Actuator groups the policy moves."
    )
    reward: str = Field(
        description="Reward code: `def reward(state):` returning named terms (checked by the "
        "sandbox before it runs; at most 20000 characters)."
    )
    weights: dict[str, Weight] = Field(
        default_factory=dict,
        max_length=64,
        description="Weight of each reward term; unweighted terms count 0.",
    )
    horizon: int = Field(default=50, ge=1, le=10_000, description="Control steps per attempt.")
    lift: float = Field(
        default=0.0,
        ge=0.0,
        le=0.5,
        description="Metres the arm (frozen to the policy) raises the palm, straight up, during "
        "the subtask: from control step lift_start over lift_steps steps, while the policy "
        "keeps acting (a grasp that must survive being lifted).",
    )
    lift_start: int = Field(default=0, ge=0, le=10_000, description="See lift.")
    lift_steps: int = Field(default=25, ge=1, le=10_000, description="See lift.")
    hold: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="Control steps in a row the success predicate must hold before the subtask "
        "ends (more than 1: a grasp must keep its contacts for a while, so the policy learns "
        "to squeeze rather than to touch).",
    )
    success_bonus: float = Field(
        default=10.0,
        ge=-1000.0,
        le=1000.0,
        description="Reward for success, spread over the ``hold`` steps it must hold (the "
        "episode ends there, so without it per-step rewards would teach the policy to avoid "
        "success).",
    )
    action: Literal["actuators", "group_synergy", "palm", "palm_position"] = Field(
        default="actuators",
        description="actuators: one action per active actuator (target increments); "
        "group_synergy: one per active hand group, moving the group along the hand's "
        "open-to-closed synergy (fewer dimensions, faster to learn); palm: a palm twist (3 "
        "translation, 3 rotation, world frame) that the active arm joints follow by "
        "differential IK; palm_position: the translation only, the palm's orientation held.",
    )


class SubtaskBase(_Strict):
    """What every subtask has: a name, its controller ``kind`` and its success predicate. Each
    kind is one variant (a subclass with a ``Literal`` kind and its own block of settings),
    registered with :func:`subtask_kind`; its controller is registered under the same kind in
    :mod:`gendexhand.plan.controllers`."""

    name: str
    kind: str
    success: str = Field(
        max_length=2000, description="Predicate expression that must hold when the subtask ends."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_RE.match(value):
            raise ValueError(f"name must match {NAME_RE.pattern}")
        return value


SUBTASK_KINDS: dict[str, type[SubtaskBase]] = {}
"""kind → its schema variant, in registration order."""

S = TypeVar("S", bound=type[SubtaskBase])


def subtask_kind(variant: S) -> S:
    """Register a schema variant (a class decorator). Its ``kind`` field must be a ``Literal`` of
    one string, which ``plan.yaml`` gives as ``kind:``; the plan schema is rebuilt to accept it."""
    cls: type[SubtaskBase] = variant
    kinds = get_args(cls.model_fields["kind"].annotation)
    if len(kinds) != 1 or not isinstance(kinds[0], str):
        raise TypeError(f"{variant.__name__}.kind must be a Literal of one string")
    SUBTASK_KINDS[kinds[0]] = variant
    _rebuild()
    return variant


def unregister_subtask_kind(kind: str) -> None:
    """Forget a registered kind (plans naming it are rejected again)."""
    del SUBTASK_KINDS[kind]
    _rebuild()


def _rebuild() -> None:
    if "PlanConfig" in globals():  # not while the built-in variants are being registered
        annotation: Any = list.__class_getitem__(_subtask_union())
        PlanConfig.model_fields["subtasks"].annotation = annotation
        PlanConfig.model_rebuild(force=True)


@subtask_kind
class MotionSubtask(SubtaskBase):
    kind: Literal["motion"] = "motion"
    motion: MotionSpec


@subtask_kind
class ScriptedSubtask(SubtaskBase):
    kind: Literal["scripted"] = "scripted"
    scripted: ScriptedSpec


@subtask_kind
class RLSubtask(SubtaskBase):
    kind: Literal["rl"] = "rl"
    rl: RLSpec


def _subtask_union() -> Any:
    return Annotated[Union[tuple(SUBTASK_KINDS.values())], Field(discriminator="kind")]  # noqa: UP007


if TYPE_CHECKING:
    _SubtaskField = SubtaskBase
else:
    _SubtaskField = _subtask_union()


class ObjectNoise(_Strict):
    xy: tuple[Noise, Noise] = Field(default=(0.0, 0.0), description="± metres in x and y.")
    yaw_deg: float = Field(default=0.0, ge=0.0, le=180.0, description="± degrees about z.")
    scale: float = Field(
        default=0.0, ge=0.0, lt=0.5,
        description="± fraction of the object's size (uniform scale; the mass follows its "
        "volume unless the scene gives one).",
    )  # fmt: skip


class PlanConfig(_Strict):
    """A task's plan: which scene, how its initial conditions vary, and the subtask chain."""

    version: Literal[1] = 1
    task: str = Field(description="The task id: it names the task's folder in a run directory.")
    description: str = Field(default="", max_length=2000)
    scene: Path = Field(description="The scene file, relative to the plan file.")
    randomize: dict[str, ObjectNoise] = Field(
        default_factory=dict,
        max_length=64,
        description="Per object: uniform noise on its initial pose and size.",
    )
    subtasks: list[_SubtaskField] = Field(min_length=1, max_length=64)
    view: str = Field(default="front", description="The view videos are rendered from.")

    @field_validator("task")
    @classmethod
    def _task_id(cls, value: str) -> str:
        if not TASK_ID_RE.match(value):
            raise ValueError(
                "must be a task id: lower-case letters, digits and '_', starting with a letter, "
                "at most 64 characters (it names a folder)"
            )
        return value

    @model_validator(mode="after")
    def _unique(self) -> PlanConfig:
        names = [s.name for s in self.subtasks]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"duplicate subtask names: {', '.join(dup)}")
        return self
