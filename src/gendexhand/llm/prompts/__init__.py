"""Prompt templates: versioned files in this folder, each beside the schema of its answer.

A template is ``<name>.v<version>.md``: Markdown with ``{{placeholder}}`` fields, the first
section the system message and the part after a line ``---user---`` the user message. Every
template has ``{{schema}}``, filled with the JSON Schema of its answer model, and few-shot
examples in ``example`` fences that a test checks against that schema. Filling is strict: a
missing or unknown field is an error, so a prompt never goes out half made. The template's
``name@version`` is part of every request's cache key: editing a prompt means a new version.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import BaseModel

from gendexhand.config.reference import json_schema
from gendexhand.errors import ConfigError
from gendexhand.llm.types import Image, Message, Request, Sampling

_FIELD = re.compile(r"\{\{(\w+)\}\}")
_USER = "---user---"
EXAMPLE_FENCE = re.compile(r"```example\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    system: str
    user: str

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"

    def fields(self) -> set[str]:
        return set(_FIELD.findall(self.system + self.user))

    def examples(self) -> list[str]:
        """The few-shot answers written in the template (``example`` fences)."""
        return EXAMPLE_FENCE.findall(self.system + self.user)

    def request(
        self,
        answer: type[BaseModel],
        values: dict[str, str],
        *,
        images: tuple[Image, ...] = (),
        sampling: Sampling | None = None,
        candidate: int = 0,
    ) -> Request:
        """The request this template makes with ``values`` (and the answer's schema)."""
        filled = {"schema": json.dumps(json_schema(answer), indent=1, sort_keys=True), **values}
        missing = self.fields() - set(filled)
        extra = set(values) - self.fields()
        if missing or extra:
            raise ConfigError(
                f"prompt {self.id}: missing fields {sorted(missing)}, unknown {sorted(extra)}"
            )

        def fill(text: str) -> str:
            return _FIELD.sub(lambda m: filled[m.group(1)], text)

        return Request(
            self.id,
            (Message("system", fill(self.system)), Message("user", fill(self.user), images)),
            sampling or Sampling(),
            candidate,
        )


def load_template(name: str, version: int, package: str = __name__) -> Template:
    """The template ``<name>.v<version>.md`` of ``package`` (a stage keeps its prompts beside
    its answer models; the generic ones are here)."""
    path = resources.files(package) / f"{name}.v{version}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        raise ConfigError(f"no prompt template {name}@{version} in {package}") from None
    system, sep, user = text.partition(f"\n{_USER}\n")
    if not sep:
        raise ConfigError(f"prompt {name}@{version}: no '{_USER}' line")
    return Template(name, version, system.strip() + "\n", user.strip() + "\n")


def templates(package: str = __name__) -> list[tuple[str, int]]:
    """Every template of ``package``, as (name, version)."""
    out = []
    for entry in resources.files(package).iterdir():
        m = re.fullmatch(r"(\w+)\.v(\d+)\.md", entry.name)
        if m:
            out.append((m.group(1), int(m.group(2))))
    return sorted(out)


def answer_models() -> dict[str, Any]:
    """Template id → the pydantic model of its answer (each template's module registers it)."""
    from gendexhand.llm.prompts import check

    return {check.TEMPLATE_ID: check.CheckAnswer}
