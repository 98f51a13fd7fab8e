"""The answer of ``check.v1.md``: a short structured reply that proves a provider works."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TEMPLATE, VERSION = "check", 1
TEMPLATE_ID = f"{TEMPLATE}@{VERSION}"


class CheckAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]
    sum: int = Field(description="The sum of the two numbers in the question.")
    colour: str = Field(max_length=40, description="The colour named in the picture, or 'none'.")
