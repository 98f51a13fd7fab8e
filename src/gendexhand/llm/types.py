"""What crosses the LLM boundary: requests (messages, images, sampling) and completions.

A request's cache key is the provider, the model, the sampling parameters, the prompt template
and its version, the candidate index and the prompt text. Images are keyed by the hash of the
*inputs* that produced them (the scene config and the render settings), not by their pixels, so
a recorded run replays on another machine whose renderer differs by a pixel.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Image:
    png: bytes = field(repr=False)
    key: str
    """sha256 of what produced the image (its scene config and render settings)."""


@dataclass(frozen=True)
class Message:
    role: Role
    text: str
    images: tuple[Image, ...] = ()

    def as_record(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "images": [i.key for i in self.images]}


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.0
    max_tokens: int = 4096
    seed: int | None = None


@dataclass(frozen=True)
class Request:
    """One question to a model: ``template`` is ``name@version`` of the prompt it came from."""

    template: str
    messages: tuple[Message, ...]
    sampling: Sampling = Sampling()
    candidate: int = 0
    """Which of several answers to the same prompt this is (0, 1, …)."""

    def key(self, provider: str, model: str) -> str:
        """The cache key (module docstring)."""
        doc = {
            "provider": provider,
            "model": model,
            "sampling": {
                "temperature": self.sampling.temperature,
                "max_tokens": self.sampling.max_tokens,
                "seed": self.sampling.seed,
            },
            "template": self.template,
            "candidate": self.candidate,
            "messages": [m.as_record() for m in self.messages],
        }
        text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def prompt_text(self) -> str:
        """Every message's text, for finding the closest recorded request."""
        return "\n".join(f"[{m.role}] {m.text}" for m in self.messages)

    def repaired(self, answer: str, error: str) -> Request:
        """This request followed by the model's answer and the exact reason it was refused."""
        follow = (
            Message("assistant", answer),
            Message(
                "user",
                "Your answer could not be used:\n"
                f"{error}\n"
                "Answer again with the whole corrected answer, in the same format.",
            ),
        )
        return replace(self, messages=self.messages + follow)


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    structured: bool = False
    """The server enforced the schema (response_format / tool use): ``text`` is JSON."""
