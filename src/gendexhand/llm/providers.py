"""Providers: the official OpenAI and Anthropic SDKs, the offline rules, and replay.

A provider spec names one:

- ``openai:<model>[,base_url=URL][,key_env=VAR][,structured=yes|no]`` — any server speaking the
  OpenAI Chat Completions API (OpenAI, vLLM, Ollama, Gemini's compatible endpoint). The key is
  read from ``VAR`` (default ``OPENAI_API_KEY``; a local server may need none). With
  ``structured=yes`` (the default) the answer's JSON Schema goes in ``response_format``; with
  ``no`` the prompt asks for one fenced block instead.
- ``anthropic:<model>[,base_url=URL][,key_env=VAR]`` — the Messages API; the schema becomes a
  tool the model must call (default key variable ``ANTHROPIC_API_KEY``).
- ``rules`` — offline and deterministic; each stage supplies its rules implementation.
- ``replay:<cassette>`` — answers recorded earlier (:mod:`gendexhand.llm.cassette`).

Keys are read from the environment only, never stored, and scrubbed from every error message.
"""

from __future__ import annotations

import base64
import inspect
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from gendexhand.errors import ConfigError, GenDexHandError
from gendexhand.llm.types import Completion, Message, Request

KINDS = ("openai", "anthropic", "rules", "replay")


class ProviderError(GenDexHandError):
    """The provider refused the request for good (bad key, unknown model, bad request)."""


class TransientError(GenDexHandError):
    """Worth retrying: rate limits (429), server errors (5xx), timeouts, lost connections."""


class Provider(Protocol):
    name: str
    model: str

    def complete(
        self, request: Request, schema: dict[str, Any] | None, schema_name: str
    ) -> Completion: ...


@dataclass(frozen=True)
class ProviderSpec:
    kind: str
    model: str
    options: dict[str, str]

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.model}" if self.model else self.kind


def parse_spec(text: str, where: str = "--llm") -> ProviderSpec:
    """Read a provider spec (module docstring); a bad one is a :class:`ConfigError`."""
    kind, _, rest = str(text).partition(":")
    if kind not in KINDS:
        raise ConfigError(
            f"{where}: unknown provider {text[:60]!r}; valid: openai:<model>, "
            "anthropic:<model>, rules, replay:<cassette>"
        )
    parts = [p for p in rest.split(",") if p] if kind != "replay" else [rest]
    if kind == "rules":
        return ProviderSpec(kind, "", {})
    if not parts or not parts[0] or "=" in parts[0]:
        raise ConfigError(f"{where}: {kind} needs a model (or a cassette): {kind}:<name>")
    options: dict[str, str] = {}
    for p in parts[1:]:
        key, eq, value = p.partition("=")
        if not eq or key not in ("base_url", "key_env", "structured"):
            raise ConfigError(
                f"{where}: option {p[:40]!r} of {kind}; valid: base_url=URL, key_env=VAR"
                + (", structured=yes|no" if kind == "openai" else "")
            )
        options[key] = value
    return ProviderSpec(kind, parts[0], options)


def _key(env: str) -> str | None:
    value = os.environ.get(env)
    return value or None


def scrub(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` (an API key) replaced, so no key reaches a log or a message."""
    return text.replace(secret, "***") if secret else text


@contextmanager
def _translated(sdk: Any, base: type[Exception], label: str, secret: str | None) -> Iterator[None]:
    """SDK errors as ours (both SDKs name them alike): 429, 5xx (and Anthropic's 529 overload),
    timeouts and lost connections are :class:`TransientError`; the rest :class:`ProviderError`.
    The key is scrubbed from every message."""
    try:
        yield
    except (sdk.RateLimitError, sdk.InternalServerError, sdk.APIConnectionError) as exc:
        raise TransientError(scrub(f"{type(exc).__name__}: {exc}", secret)) from None
    except sdk.APIStatusError as exc:
        if exc.status_code >= 500 or exc.status_code == 529:
            raise TransientError(scrub(f"HTTP {exc.status_code}: {exc}", secret)) from None
        raise ProviderError(scrub(f"{label}: {exc}", secret)) from None
    except base as exc:
        raise ProviderError(scrub(f"{label}: {exc}", secret)) from None


def _b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


class OpenAIProvider:
    """Chat Completions through the official ``openai`` SDK."""

    def __init__(self, spec: ProviderSpec, timeout: float) -> None:
        import openai

        self.name, self.model = "openai", spec.model
        self._secret = _key(spec.options.get("key_env", "OPENAI_API_KEY"))
        self.structured = spec.options.get("structured", "yes") not in ("no", "false", "0")
        self._sdk = openai
        self._client = openai.OpenAI(
            api_key=self._secret or "none", base_url=spec.options.get("base_url"),
            timeout=timeout, max_retries=0,
        )  # fmt: skip

    def _messages(self, request: Request) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for m in request.messages:
            if not m.images:
                out.append({"role": m.role, "content": m.text})
                continue
            parts: list[dict[str, Any]] = [{"type": "text", "text": m.text}]
            parts += [
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{_b64(i.png)}"}}
                for i in m.images
            ]
            out.append({"role": m.role, "content": parts})
        return out

    def complete(
        self, request: Request, schema: dict[str, Any] | None, schema_name: str
    ) -> Completion:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": self._messages(request),
            "temperature": request.sampling.temperature,
            "max_tokens": request.sampling.max_tokens,
        }
        if request.sampling.seed is not None:
            kwargs["seed"] = request.sampling.seed
        structured = self.structured and schema is not None
        if structured:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": schema, "strict": False},
            }
        with _translated(self._sdk, self._sdk.OpenAIError, f"openai:{self.model}", self._secret):
            r = self._client.chat.completions.create(**kwargs)
        if not r.choices:
            raise TransientError("the server answered with no choices")
        usage = r.usage
        return Completion(
            text=r.choices[0].message.content or "",
            model=r.model or self.model,
            input_tokens=None if usage is None else usage.prompt_tokens,
            output_tokens=None if usage is None else usage.completion_tokens,
            structured=structured,
        )


class AnthropicProvider:
    """The Messages API through the official ``anthropic`` SDK; schemas become a forced tool."""

    def __init__(self, spec: ProviderSpec, timeout: float) -> None:
        import anthropic

        self.name, self.model = "anthropic", spec.model
        self._secret = _key(spec.options.get("key_env", "ANTHROPIC_API_KEY"))
        self._sdk = anthropic
        self._client = anthropic.Anthropic(
            api_key=self._secret or "none", base_url=spec.options.get("base_url"),
            timeout=timeout, max_retries=0,
        )  # fmt: skip
        params = inspect.signature(self._client.messages.create).parameters
        self._takes_temperature = "temperature" in params

    @staticmethod
    def _content(m: Message) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": _b64(i.png)}}
            for i in m.images
        ]  # fmt: skip
        return [*blocks, {"type": "text", "text": m.text}]

    def complete(
        self, request: Request, schema: dict[str, Any] | None, schema_name: str
    ) -> Completion:
        system = "\n\n".join(m.text for m in request.messages if m.role == "system")
        kwargs: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.sampling.max_tokens,
            "messages": [
                {"role": m.role, "content": self._content(m)}
                for m in request.messages
                if m.role != "system"
            ],
        }
        if self._takes_temperature:  # newer SDKs leave sampling to the model
            kwargs["temperature"] = request.sampling.temperature
        if system:
            kwargs["system"] = system
        if schema is not None:
            kwargs["tools"] = [{"name": schema_name, "description": "Give the answer.",
                                "input_schema": schema}]  # fmt: skip
            kwargs["tool_choice"] = {"type": "tool", "name": schema_name}
        with _translated(self._sdk, self._sdk.AnthropicError, f"anthropic:{self.model}",
                         self._secret):  # fmt: skip
            r = self._client.messages.create(**kwargs)
        tool = next((b for b in r.content if getattr(b, "type", "") == "tool_use"), None)
        if tool is not None:
            text, structured = json.dumps(tool.input, ensure_ascii=False), True
        else:
            text = "".join(getattr(b, "text", "") for b in r.content)
            structured = False
        return Completion(text, r.model or self.model, r.usage.input_tokens,
                          r.usage.output_tokens, structured)  # fmt: skip


RulesFn = Callable[[Request], str]
"""A stage's offline answer to a request: the text a model would have given."""


class RulesProvider:
    """Offline and deterministic: the stage's own planner answers (no network)."""

    name, model = "rules", ""

    def __init__(self, rules: RulesFn | None) -> None:
        self._rules = rules

    def complete(
        self, request: Request, schema: dict[str, Any] | None, schema_name: str
    ) -> Completion:
        if self._rules is None:
            raise ConfigError(f"the rules provider has no implementation for {request.template}")
        return Completion(self._rules(request), "rules")


def make_provider(spec: ProviderSpec, timeout: float = 60.0, rules: RulesFn | None = None) -> Any:
    """The provider a spec names (replay providers come from :mod:`gendexhand.llm.cassette`)."""
    if spec.kind == "openai":
        return OpenAIProvider(spec, timeout)
    if spec.kind == "anthropic":
        return AnthropicProvider(spec, timeout)
    if spec.kind == "rules":
        return RulesProvider(rules)
    from gendexhand.llm.cassette import ReplayProvider

    return ReplayProvider.open(spec.model)
