"""The multimodal refiner: a model sees the contact sheet and the verifier's report and answers
directives (``refine@1``). Its answer is parsed against :class:`RefineAnswer`, its directives
against the scene; a bad line, or an ``ACCEPT`` over verifier errors, goes back to the model
with the reason (bounded by the client's repairs); then the round has no usable answer."""

from __future__ import annotations

import hashlib

from gendexhand.errors import ConfigError
from gendexhand.llm.client import LLMClient
from gendexhand.llm.prompts import load_template
from gendexhand.llm.types import Image, Sampling
from gendexhand.refine.directives import GRAMMAR, RefineAnswer, describe_targets, parse_directives
from gendexhand.refine.loop import Round, config_hash

TEMPLATE, VERSION = "refine", 1
TEMPLATE_ID = f"{TEMPLATE}@{VERSION}"
ANSWERS = {TEMPLATE_ID: RefineAnswer}


class ModelRefiner:
    """A :data:`~gendexhand.refine.loop.Refiner` backed by ``client`` (a multimodal model)."""

    def __init__(self, client: LLMClient, task: str = "", success: str = "", seed: int = 0):
        self.client, self.task, self.success, self.seed = client, task, success, seed
        self.template = load_template(TEMPLATE, VERSION, "gendexhand.refine")

    def __call__(self, r: Round) -> list[str]:
        p = r.proposal
        values = {
            "grammar": GRAMMAR,
            "task": self.task
            or (p.description if p else "")
            or r.config.task.description
            or r.config.task.name,
            "success": self.success or (f"{p.success_words}: {p.success}" if p else "(not given)"),
            "targets": describe_targets(r.config, r.roles),
            "round": str(r.k),
            "report": "\n".join(r.report.lines()) or "no findings: the verifier passes",
            "history": "\n".join(f"round {k}: " + "; ".join(d) for k, d in enumerate(r.history))
            or "(none)",
        }
        # the image is keyed by what produced it (the scene and the sheet's settings)
        key = hashlib.sha256(f"sheet:{config_hash(r.config)}".encode()).hexdigest()
        sampling = Sampling(seed=self.seed + r.k)
        request = self.template.request(
            RefineAnswer, values, images=(Image(r.sheet, key),), sampling=sampling, candidate=r.k
        )

        def check(answer: RefineAnswer) -> None:
            directives = parse_directives(answer.text(), r.config, r.roles)
            if any(d.verb == "ACCEPT" for d in directives) and not r.report.passed:
                raise ConfigError("ACCEPT refused: the verifier reports errors:\n"
                                  + "\n".join(f.describe() for f in r.report.errors))  # fmt: skip

        got = self.client.ask(request, RefineAnswer, "refine_answer", check=check)
        if got.value is None:
            raise ConfigError(got.failure or "no answer")
        return list(got.value.directives)
