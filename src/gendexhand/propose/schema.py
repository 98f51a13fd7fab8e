"""A task proposal (``tasks/<id>/proposal.json``): what stage 1 hands to the scene generator.

The same schema is the answer an LLM gives when it proposes a task, so it is strict: a filesystem-
safe id, objects from the catalog with a role each, success in words and as a predicate
expression, and the skills the task needs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gendexhand.store.paths import TASK_ID_RE

Role = Literal["target", "container", "support", "articulated", "distractor"]
Skill = Literal["grasp", "lift", "transport", "place", "release", "pull", "push", "rotate", "tip"]


class ProposedObject(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    asset: str = Field(max_length=64, description="An asset id from the catalog.")
    name: str = Field(max_length=64, description="The instance name used in the predicate.")
    role: Role
    scale: float | None = Field(
        default=None, ge=0.3, le=3.0,
        description="Uniform scale of the asset; default: chosen to fit the hand and the task.",
    )  # fmt: skip
    joints: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict, max_length=8,
        description="Joint name → its opening at the start, as a fraction of its range "
        "(0 = closed, 1 = fully open); default: what the task needs (closed to open, open to "
        "close).",
    )  # fmt: skip


class TaskProposal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Task id: lower-case letters, digits and '_', ≤ 64 characters.")
    name: str = Field(max_length=120)
    description: str = Field(max_length=500, description="The task as one sentence.")
    family: str = Field(max_length=40)
    objects: list[ProposedObject] = Field(min_length=1, max_length=8)
    success_words: str = Field(max_length=300, description="When the task has succeeded.")
    success: str = Field(max_length=500, description="The success predicate expression.")
    skills: list[Skill] = Field(min_length=1, max_length=8)
    params: dict[str, float] = Field(
        default_factory=dict, description="Numbers of the family (heights, angles, fractions)."
    )
    regions: list[str] = Field(
        default_factory=list, max_length=2,
        description="Names of goal regions (marked areas on the table) the success refers to "
        "with in_region(obj, region); the tool places and sizes them.",
    )  # fmt: skip

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not TASK_ID_RE.match(v):
            raise ValueError(f"must match {TASK_ID_RE.pattern}")
        return v

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        for name in v:
            if not TASK_ID_RE.match(name):
                raise ValueError(f"{name[:40]!r} must match {TASK_ID_RE.pattern}")
        return v

    def role(self, role: Role) -> list[ProposedObject]:
        return [o for o in self.objects if o.role == role]
