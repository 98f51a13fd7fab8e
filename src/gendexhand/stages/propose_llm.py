"""Stage 1 with a model: tasks proposed by an LLM, checked, laid out and judged like the rules'.

One request per task (``propose@1``, generated from the catalog, the embodiment, the predicates
and the families), each with the tasks already accepted, so that the model does not repeat
itself. An answer is refused, and the exact reason goes back to the model (at most
``max_repairs`` times), when it does not parse against :class:`TaskProposal`, names what the
catalog or the hand cannot give (:mod:`gendexhand.propose.adapt`), repeats an accepted task (an
id taken, or a description at least :data:`~gendexhand.propose.diversity.DUPLICATE_SIMILARITY`
similar under all-MiniLM-L6-v2), or lays out into a scene that is not buildable. Then the task
is recorded as failed with its reason and the run goes on. A spent budget stops the stage with
what it has. Exchanges are recorded in the run; ``replay:<cassette>`` reproduces the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gendexhand.assets.catalog import catalog
from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.llm.budget import BudgetExhaustedError
from gendexhand.llm.client import LLMClient
from gendexhand.llm.prompts import load_template
from gendexhand.llm.types import Sampling
from gendexhand.propose.adapt import adapt
from gendexhand.propose.build import Verdict
from gendexhand.propose.families import FAMILY_TEXT
from gendexhand.propose.schema import TaskProposal
from gendexhand.sim.scene import Scene
from gendexhand.stages.context import catalog_section, embodiment_section, predicates_section
from gendexhand.stages.propose import (
    Proposed,
    hand_aperture,
    record_task,
    settle_layout,
    write_summary,
)
from gendexhand.store.rundir import RunDir

TEMPLATE, VERSION = "propose", 1
TEMPLATE_ID = f"{TEMPLATE}@{VERSION}"
ANSWERS = {TEMPLATE_ID: TaskProposal}
"""Template id → the model of its answer (the prompt tests check the examples against it)."""
TAKEN_SHOWN = 60
"""At most this many accepted tasks are listed in a request (the newest)."""

Similar = Callable[[str, list[str]], int | None]
"""``(description, accepted descriptions)`` → the index of a duplicate, or None."""


def embedding_duplicate(description: str, accepted: list[str]) -> int | None:
    """The accepted description ``description`` repeats, by sentence-embedding similarity."""
    from gendexhand.propose.diversity import duplicates

    return duplicates([description], accepted)[0]


@dataclass
class _Accepted:
    ids: list[str]
    descriptions: list[str]


@dataclass
class _Built:
    config: SceneConfig
    verdict: Verdict
    scene: Scene | None


class _Judge:
    """The ``check`` of one request: refuses an answer with a reason a model can act on, and
    keeps what it built for the answer it accepts."""

    def __init__(self, embodiment: str, hand: Path | None, aperture: float,
                 accepted: _Accepted, similar: Similar) -> None:  # fmt: skip
        self.embodiment, self.hand, self.aperture = embodiment, hand, aperture
        self.accepted, self.similar = accepted, similar
        self.built: _Built | None = None
        self.cat = catalog()

    def __call__(self, p: TaskProposal) -> None:
        self.built = None
        if p.id in self.accepted.ids:
            raise ConfigError(f"id: {p.id!r} is taken; choose another id")
        candidate = adapt(p, self.cat, self.aperture)
        dup = self.similar(p.description, self.accepted.descriptions)
        if dup is not None:
            raise ConfigError(
                f"description: {p.description!r} repeats an accepted task "
                f"({self.accepted.descriptions[dup]!r}); propose a different task"
            )
        config, verdict, scene = settle_layout(candidate, self.embodiment, self.hand)
        self.built = _Built(config, verdict, scene)
        if not verdict.buildable:
            raise ConfigError("the scene built from it is not usable:\n- "
                              + "\n- ".join(verdict.reasons))  # fmt: skip


def _values(ask: str, accepted: _Accepted, context: dict[str, str]) -> dict[str, str]:
    shown = accepted.descriptions[-TAKEN_SHOWN:]
    return {
        **context,
        "ask": ask,
        "taken_ids": ", ".join(accepted.ids) or "(none)",
        "taken": "\n".join(f"- {d}" for d in shown) or "(none yet)",
    }


def propose_with_llm(
    run_dir: Path,
    client: LLMClient,
    *,
    n: int = 0,
    sentences: list[str] | None = None,
    seed: int = 0,
    embodiment: str = "franka_shadow",
    hand: Path | None = None,
    sheets: bool = True,
    similar: Similar = embedding_duplicate,
    progress: Callable[[str], None] | None = None,
) -> list[Proposed]:
    """``n`` tasks from the model, and one per sentence; see the module docstring."""
    say = progress or (lambda m: None)
    run = RunDir(run_dir)
    template = load_template(TEMPLATE, VERSION, "gendexhand.propose")
    context = {
        "catalog": catalog_section(),
        "embodiment": embodiment_section(embodiment, hand),
        "predicates": predicates_section(),
        "families": "\n".join(f"- {k}: {v}" for k, v in FAMILY_TEXT.items()),
    }
    asks = [f"Build the task this sentence describes: {' '.join(s.split())[:300]!r}. Keep its "
            "meaning; choose the assets it names (or the closest ones of the catalog)."
            for s in sentences or []]  # fmt: skip
    asks += ["Propose one new task for this robot and catalog."] * n
    sources = [*(sentences or []), *(["llm"] * n)]
    accepted = _Accepted([], [])
    judge = _Judge(embodiment, hand, hand_aperture(embodiment, hand), accepted, similar)
    results: list[Proposed] = []
    for k, (ask, source) in enumerate(zip(asks, sources, strict=True)):
        request = template.request(TaskProposal, _values(ask, accepted, context),
                                   sampling=Sampling(seed=seed + k), candidate=k)  # fmt: skip
        try:
            answer = client.ask(request, TaskProposal, "task_proposal", check=judge)
        except BudgetExhaustedError as exc:
            results += [Proposed("", s, reasons=[f"not asked: {exc}"]) for s in sources[k:]]
            say(f"[{k + 1}/{len(asks)}] stopped: {exc}")
            break
        p, built = answer.value or answer.last, judge.built
        if p is not None and built is not None:  # the last answer built: keep what it built
            record_task(run, p, built.config, built.verdict, built.scene, sheets and answer.ok)
        if answer.ok and p is not None:
            accepted.ids.append(p.id)
            accepted.descriptions.append(p.description)
        result = Proposed(p.id if p else "", source, p.family if p else "", answer.ok,
                          [] if answer.ok else [answer.failure or "no answer"])  # fmt: skip
        results.append(result)
        state = "buildable" if answer.ok else f"failed: {result.reasons[0]}"
        say(f"[{k + 1}/{len(asks)}] {result.task or source} ({answer.attempts} answers): {state}")
    write_summary(run, seed, embodiment, results, client.label)
    return results
