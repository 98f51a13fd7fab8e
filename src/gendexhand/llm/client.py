"""The LLM client every stage uses: ask for an answer of a schema, get it checked or a reason.

:meth:`LLMClient.ask` sends a request, parses the answer against a pydantic schema (through the
same bounded loader as user configs), and on failure sends the exact error back to the model, at
most ``max_repairs`` times; then it returns the failure with its reason — it never raises for a
bad answer. Transient errors (429, 5xx, timeouts, lost connections) are retried with
exponential backoff. Every exchange is recorded in the run directory and cached by its key
(:mod:`gendexhand.llm.types`), so a rerun makes no call twice; a spent budget raises
:class:`~gendexhand.llm.budget.BudgetExhaustedError`, which a stage catches to stop cleanly. With
``dry_run`` nothing is sent: calls and their estimated cost are counted.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from gendexhand.config.reference import json_schema
from gendexhand.errors import ConfigError
from gendexhand.llm.budget import Budget, PriceTable
from gendexhand.llm.providers import Provider, ProviderError, TransientError
from gendexhand.llm.types import Completion, Request
from gendexhand.store.paths import LLM_CACHE, LLM_EXCHANGES, LLM_TIMINGS
from gendexhand.store.rundir import RunDir
from gendexhand.yamlio import MAX_BYTES, parse_yaml

M = TypeVar("M", bound=BaseModel)
_FENCE = re.compile(r"```[ \t]*(?:ya?ml|json)?[ \t]*\n(.*?)```", re.DOTALL | re.IGNORECASE)
IMAGE_TOKENS = 1000
"""Tokens one image is counted as in a dry run's estimate."""


@dataclass
class Answer(Generic[M]):
    """The outcome of :meth:`LLMClient.ask`: a checked value, or why there is none."""

    value: M | None
    failure: str | None = None
    attempts: int = 0
    keys: list[str] = field(default_factory=list)
    """Cache keys of the exchanges behind it (the dataset's metadata records them)."""
    last: M | None = None
    """The last answer that parsed and went to the caller's ``check`` (kept when it failed)."""

    @property
    def ok(self) -> bool:
        return self.value is not None


def answer_text(completion: Completion) -> str:
    """The part of an answer to parse: all of it when the schema was enforced, else the first
    fenced block (```yaml / ```json), else all of it."""
    if completion.structured:
        return completion.text
    found = _FENCE.search(completion.text)
    return found.group(1) if found else completion.text


def parse_answer(text: str, model: type[M], source: str) -> M:
    """``text`` (YAML or JSON) checked against ``model``; a :class:`ConfigError` otherwise."""
    from gendexhand.config.loading import parse_model

    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ConfigError(f"{source}: the answer is {len(text)} characters; at most {MAX_BYTES}")
    data = parse_yaml(text, source)
    return parse_model(model, data, source)


class LLMClient:
    """One provider, one run directory (or none), one budget."""

    def __init__(
        self,
        provider: Provider,
        run: RunDir | None = None,
        *,
        budget: Budget | None = None,
        prices: PriceTable | None = None,
        max_repairs: int = 2,
        retries: int = 3,
        backoff: float = 1.0,
        dry_run: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self.run = run
        self.budget = budget or Budget()
        self.prices = prices or PriceTable()
        self.max_repairs, self.retries, self.backoff = max_repairs, retries, backoff
        self.dry_run = dry_run
        self.planned_calls = 0
        self.planned_cost: float | None = 0.0
        self._sleep, self._clock = sleep, clock

    @property
    def label(self) -> str:
        p = self.provider
        return f"{p.name}:{p.model}" if p.model else p.name

    # -- the one entry point -----------------------------------------------------------------
    def ask(
        self,
        request: Request,
        model: type[M],
        schema_name: str = "answer",
        check: Callable[[M], None] | None = None,
    ) -> Answer[M]:
        """An answer of ``model`` to ``request`` (module docstring). ``check`` may refuse a
        parsed answer for reasons a schema cannot state (an unknown asset, a scene that does
        not build) by raising :class:`ConfigError`: its message goes back to the model like a
        parse error."""
        schema = json_schema(model)
        answer: Answer[M] = Answer(None)
        for attempt in range(1 + self.max_repairs):
            answer.attempts = attempt + 1
            if self.dry_run:
                self._plan(request)
                answer.failure = "dry run: nothing was sent"
                return answer
            key = request.key(self.provider.name, self.provider.model)
            answer.keys.append(key)
            try:
                completion = self._complete(request, key, schema, schema_name)
            except (TransientError, ProviderError) as exc:
                answer.failure = f"{self.label}: {exc}"
                return answer
            text = answer_text(completion)
            try:
                value = parse_answer(text, model, f"answer to {request.template}")
                if check is not None:
                    answer.last = value
                    check(value)
                answer.value, answer.failure = value, None
                return answer
            except ConfigError as exc:
                answer.failure = str(exc)
            request = request.repaired(completion.text, answer.failure)
        answer.failure = f"no valid answer after {answer.attempts} attempts: {answer.failure}"
        return answer

    # -- calls, the cache and the record -----------------------------------------------------
    def _complete(
        self, request: Request, key: str, schema: dict[str, Any], schema_name: str
    ) -> Completion:
        cached = self._cached(key)
        if cached is not None:
            return cached
        self.budget.check()
        start, when = self._clock(), datetime.now(UTC).isoformat(timespec="seconds")
        completion = self._with_retries(request, schema, schema_name)
        latency = self._clock() - start
        tokens = (completion.input_tokens or 0) + (completion.output_tokens or 0)
        cost = self.prices.cost(self.label, completion.input_tokens, completion.output_tokens)
        if self.provider.name != "rules":
            self.budget.charge(tokens, cost)
        self._record(request, key, completion, cost, latency, when)
        return completion

    def _with_retries(
        self, request: Request, schema: dict[str, Any], schema_name: str
    ) -> Completion:
        for k in range(self.retries + 1):
            try:
                return self.provider.complete(request, schema, schema_name)
            except TransientError:
                if k == self.retries:
                    raise
                self._sleep(self.backoff * 2**k)
        raise AssertionError("unreachable")

    def _cached(self, key: str) -> Completion | None:
        if self.run is None:
            return None
        path = self.run.path(LLM_CACHE.format(key=key))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Completion(**data["completion"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _record(
        self,
        request: Request,
        key: str,
        completion: Completion,
        cost: float | None,
        latency: float,
        when: str,
    ) -> None:
        if self.run is None:
            return
        exchange = {
            "key": key,
            "provider": self.provider.name,
            "model": self.provider.model,
            "template": request.template,
            "candidate": request.candidate,
            "sampling": vars(request.sampling),
            "messages": [m.as_record() for m in request.messages],
            "completion": vars(completion),
            "cost_usd": cost,
        }
        self.run.write_json(LLM_CACHE.format(key=key), {"key": key, "completion": vars(completion)})
        _append(self.run, LLM_EXCHANGES, exchange)
        _append(self.run, LLM_TIMINGS, {"key": key, "latency_s": round(latency, 3), "at": when})

    def _plan(self, request: Request) -> None:
        """Count a call a dry run would make, with its estimated cost."""
        self.planned_calls += 1
        text = sum(len(m.text) for m in request.messages) // 4
        images = sum(len(m.images) for m in request.messages) * IMAGE_TOKENS
        cost = self.prices.cost(self.label, text + images, request.sampling.max_tokens)
        if cost is None or self.planned_cost is None:
            self.planned_cost = None
        else:
            self.planned_cost += cost


def _append(run: RunDir, rel: str, row: dict[str, Any]) -> None:
    import os

    path = run.path(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
