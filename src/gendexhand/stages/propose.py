"""Stage 1 with the rules planner: propose tasks from the catalog or from sentences, generate
their scenes, keep the buildable ones.

For each proposal the scene is laid out (:mod:`gendexhand.propose.layout`; the next layout is
tried when one is not buildable) and judged (:mod:`gendexhand.propose.build`). Written into the
run: ``tasks/<id>/proposal.json`` and ``build.json`` for every proposal, ``scene.yaml`` and a
contact sheet ``views.png`` for the buildable ones, and ``proposals.json`` (the summary). The
same seed gives the same proposals; a sentence the planner cannot map is recorded as refused,
with its reason, and the run goes on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gendexhand.assets.catalog import catalog
from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.propose.build import Verdict, check_buildable
from gendexhand.propose.families import FAMILIES, Candidate, candidates
from gendexhand.propose.layout import LAYOUTS, scene_for
from gendexhand.propose.schema import TaskProposal
from gendexhand.propose.sentences import from_sentence
from gendexhand.sim.scene import Scene, build_scene
from gendexhand.store.paths import (
    BUILD_FILE,
    PROPOSAL_FILE,
    PROPOSALS_SUMMARY,
    SHEET_FILE,
    TaskPaths,
)
from gendexhand.store.rundir import RunDir


@dataclass
class Proposed:
    task: str
    source: str
    """``catalog`` or the sentence."""
    family: str = ""
    buildable: bool = False
    reasons: list[str] = field(default_factory=list)


def hand_aperture(embodiment: str, hand: Path | None) -> float:
    config = SceneConfig.model_validate(
        {"task": {"name": "aperture"}, "embodiment": {"name": embodiment, "hand": hand}}
    )
    return float(build_scene(config, settle=False).robot.metrics.aperture)


def pick(pool: dict[str, list[Candidate]], n: int, seed: int) -> list[Candidate]:
    """``n`` distinct candidates, the families taking turns, each family's order seeded."""
    rng = random.Random(seed)
    queues = {f: rng.sample(rows, len(rows)) for f, rows in pool.items() if rows}
    out: list[Candidate] = []
    while len(out) < n and any(queues.values()):
        for f in FAMILIES:
            if queues.get(f) and len(out) < n:
                out.append(queues[f].pop())
    return out


def settle_layout(
    c: Candidate, embodiment: str, hand: Path | None
) -> tuple[SceneConfig, Verdict, Scene | None]:
    """The first layout whose scene is buildable (or the last one tried, with its reasons),
    with the scene as built (at its initial state), so that nothing builds it twice."""
    for k in range(len(LAYOUTS)):
        config = scene_for(c, embodiment, k)
        if hand is not None:
            emb = config.embodiment.model_copy(update={"hand": hand})
            config = config.model_copy(update={"embodiment": emb})
        verdict, scene = check_buildable(c.proposal, config)
        if verdict.buildable:
            break
    return config, verdict, scene


def record_task(
    run: RunDir,
    proposal: TaskProposal,
    config: SceneConfig,
    verdict: Verdict,
    scene: Scene | None,
    sheet: bool,
) -> None:
    """``tasks/<id>/``: the proposal and its verdict; the scene and its sheet if buildable, else
    the scene as tried (``scene.rejected.yaml``, for refinement to start from)."""
    paths = TaskPaths(proposal.id)
    run.write_json(f"{paths.root}/{PROPOSAL_FILE}", proposal.model_dump(mode="json"))
    run.write_json(f"{paths.root}/{BUILD_FILE}", verdict.as_dict())
    data = config.model_dump(mode="json", exclude_defaults=True)
    keep, drop = (paths.scene, paths.rejected_scene) if verdict.buildable else (
        paths.rejected_scene, paths.scene)  # fmt: skip
    run.path(drop).unlink(missing_ok=True)  # a rerun's verdict replaces the last one
    run.write_text(keep, yaml.safe_dump(data, sort_keys=False))
    if verdict.buildable and sheet and scene is not None:
        _sheet(run, paths, config, scene)


def write_summary(
    run: RunDir, seed: int, embodiment: str, results: list[Proposed], provider: str
) -> None:
    run.write_json(PROPOSALS_SUMMARY, {"seed": seed, "embodiment": embodiment,
                                       "provider": provider,
                                       "proposals": [vars(r) for r in results]})  # fmt: skip


def _sheet(run: RunDir, paths: TaskPaths, config: SceneConfig, scene: Scene) -> None:
    from gendexhand.sim.render import SceneRenderer, contact_sheet

    with SceneRenderer(scene, 320, 240) as r:
        sheet = contact_sheet(
            r.render(annotate=True), f"{config.task.name}: {config.task.description}"
        )
    with run.writing(f"{paths.root}/{SHEET_FILE}") as tmp:
        sheet.save(tmp)


def propose_tasks(
    run_dir: Path,
    *,
    n: int = 0,
    sentences: list[str] | None = None,
    seed: int = 0,
    embodiment: str = "franka_shadow",
    hand: Path | None = None,
    sheets: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Proposed]:
    """Propose ``n`` tasks from the catalog and one per sentence; see the module docstring."""
    say = progress or (lambda m: None)
    run = RunDir(run_dir)
    cat = catalog()
    pool = candidates(cat, hand_aperture(embodiment, hand))
    chosen: list[tuple[str, Candidate | None, str]] = []
    for s in sentences or []:
        try:
            chosen.append((s, from_sentence(s, cat, pool), ""))
        except ConfigError as exc:
            chosen.append((s, None, str(exc)))
    chosen += [("catalog", c, "") for c in pick(pool, n, seed)]
    results: list[Proposed] = []
    for k, (source, c, refusal) in enumerate(chosen, 1):
        if c is None:
            results.append(Proposed("", source, reasons=[refusal]))
            say(f"[{k}/{len(chosen)}] refused: {refusal}")
            continue
        config, verdict, scene = settle_layout(c, embodiment, hand)
        record_task(run, c.proposal, config, verdict, scene, sheets)
        results.append(Proposed(c.proposal.id, source, c.family, verdict.buildable,
                                verdict.reasons))  # fmt: skip
        state = "buildable" if verdict.buildable else "rejected: " + "; ".join(verdict.reasons)
        say(f"[{k}/{len(chosen)}] {c.proposal.id} ({c.family}): {state}")
    write_summary(run, seed, embodiment, results, "rules")
    return results


def summary_table(results: list[Proposed]) -> list[str]:
    """Proposed / buildable / rejected per family, and the reasons for rejection."""
    fams: dict[str, list[int]] = {}
    for r in results:
        row = fams.setdefault(r.family or "(refused)", [0, 0])
        row[0] += 1
        row[1] += int(r.buildable)
    lines = [f"{'family':<16} {'proposed':>8} {'buildable':>9} {'rejected':>8}"]
    for f, (m, b) in fams.items():
        lines.append(f"{f:<16} {m:>8} {b:>9} {m - b:>8}")
    total, ok = len(results), sum(r.buildable for r in results)
    lines.append(f"{'all':<16} {total:>8} {ok:>9} {total - ok:>8}")
    why: dict[str, int] = {}
    for r in results:
        for reason in r.reasons:
            key = reason.split(": ", 1)[-1][:80]
            why[key] = why.get(key, 0) + 1
    lines += [f"  rejected ×{n}: {w}" for w, n in sorted(why.items(), key=lambda x: -x[1])]
    return lines
