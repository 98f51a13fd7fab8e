"""The refinement loop of one task: build → verify → render → directives → apply → repeat.

Round ``k`` keeps, in ``tasks/<id>/refine/<k>/``, the scene it judged, its contact sheet, the
verifier's report and the directives the refiner answered. The loop ends when the verifier
passes and the refiner answers ``ACCEPT`` (an ``ACCEPT`` over verifier errors is vetoed), after
``rounds`` rounds, when the refiner has nothing to apply, or when a configuration comes back
that was seen before (its content hash): that is oscillation, and the best passing round is kept
if there is one. The accepted scene replaces ``tasks/<id>/scene.yaml`` (round 0 keeps the
original); ``refine.json`` says how it ended, and ``before_after.png`` shows the first and the
final sheet. A task that does not converge is rejected with its reason; the caller goes on.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import yaml
from PIL import Image

from gendexhand.config.loading import parse_model
from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError, GenDexHandError
from gendexhand.propose.schema import TaskProposal
from gendexhand.refine.directives import apply_directives, parse_directives
from gendexhand.refine.verify import VerifierReport, verify
from gendexhand.sim.scene import Scene
from gendexhand.store.paths import (
    BEFORE_AFTER,
    DIRECTIVES_FILE,
    PROPOSAL_FILE,
    REFINE_SUMMARY,
    SHEET_FILE,
    VERIFIER_FILE,
    TaskPaths,
)
from gendexhand.store.rundir import RunDir
from gendexhand.yamlio import read_yaml

ROUNDS = 5
SHEET_SIZE = (320, 240)


@dataclass(frozen=True)
class Round:
    """What a refiner is shown in one round."""

    k: int
    config: SceneConfig
    report: VerifierReport
    sheet: bytes
    """The annotated contact sheet (PNG)."""
    roles: Mapping[str, str]
    history: tuple[tuple[str, ...], ...]
    """The directives of the earlier rounds, in order."""
    proposal: TaskProposal | None = None
    """The task as stage 1 proposed it (its description and success), when there is one."""


Refiner = Callable[[Round], list[str]]
"""A refiner answers a round with directive lines (``["ACCEPT"]`` to accept); it raises
:class:`ConfigError` when it has no usable answer (the reason is recorded)."""


@dataclass
class Outcome:
    task: str
    status: str = "rejected"
    """``accepted`` or ``rejected``."""
    reason: str = ""
    rounds: int = 0
    final_round: int | None = None
    faults: dict[str, int] = field(default_factory=dict)
    """Check → how many findings of it the first round had (errors and warnings)."""
    remaining: list[str] = field(default_factory=list)
    """The errors of the final scene (empty when accepted)."""


def config_hash(config: SceneConfig) -> str:
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sheet(scene: Scene, config: SceneConfig, title: str) -> bytes:
    from gendexhand.sim.render import SceneRenderer, contact_sheet

    with SceneRenderer(scene, *SHEET_SIZE) as r:
        image = contact_sheet(r.render(annotate=True), title)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _stack(top: bytes, bottom: bytes) -> bytes:
    a, b = Image.open(io.BytesIO(top)), Image.open(io.BytesIO(bottom))
    out = Image.new("RGB", (max(a.width, b.width), a.height + b.height), (20, 20, 24))
    out.paste(a, (0, 0))
    out.paste(b, (0, a.height))
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()


def _write_bytes(run: RunDir, rel: str, data: bytes) -> None:
    with run.writing(rel) as tmp:
        tmp.write_bytes(data)


def _read_task(run: RunDir, paths: TaskPaths) -> tuple[SceneConfig, TaskProposal | None]:
    """The task's scene (stage 1's rejected one if it has no other) and its proposal."""
    source = paths.scene if run.path(paths.scene).is_file() else paths.rejected_scene
    config = parse_model(SceneConfig, read_yaml(run.path(source)), source)
    proposal_path = f"{paths.root}/{PROPOSAL_FILE}"
    proposal = None
    if run.path(proposal_path).is_file():  # JSON is YAML
        proposal = parse_model(TaskProposal, read_yaml(run.path(proposal_path)), proposal_path)
    return config, proposal


def refine_task(
    run: RunDir,
    task: str,
    refiner: Refiner,
    *,
    rounds: int = ROUNDS,
    visibility: bool = True,
) -> Outcome:
    """Refine ``tasks/<task>/scene.yaml`` with ``refiner``; see the module docstring."""
    paths = TaskPaths(task)
    out = Outcome(task)
    try:
        config, proposal = _read_task(run, paths)
    except ConfigError as exc:
        out.reason = "not readable: " + "; ".join(s.strip() for s in str(exc).splitlines())
        run.write_json(f"{paths.root}/{REFINE_SUMMARY}", vars(out))
        return out
    roles = {o.name: o.role for o in proposal.objects} if proposal else {}
    seen: dict[str, int] = {}
    passing: list[tuple[int, SceneConfig]] = []
    history: list[tuple[str, ...]] = []
    sheets: list[bytes] = []
    for k in range(rounds):
        seen[config_hash(config)] = k
        where = paths.refine_round(k)
        try:
            report, scene = verify(config, proposal, visibility=visibility)
        except GenDexHandError as exc:
            out.rounds, out.reason = k + 1, f"round {k}: the scene does not build: {exc}"
            break
        if k == 0:
            for f in report.findings:
                out.faults[f.check.value] = out.faults.get(f.check.value, 0) + 1
        sheet = _sheet(scene, config, f"{task}, round {k}: " + (
            "verifier passes" if report.passed else f"{len(report.errors)} errors"))  # fmt: skip
        sheets.append(sheet)
        run.write_text(f"{where}/scene.yaml", yaml.safe_dump(
            config.model_dump(mode="json", exclude_defaults=True), sort_keys=False))  # fmt: skip
        run.write_json(f"{where}/{VERIFIER_FILE}", report.model_dump(mode="json"))
        _write_bytes(run, f"{where}/{SHEET_FILE}", sheet)
        out.rounds, out.remaining = k + 1, [f"{f.object}: {f.describe()}" for f in report.errors]
        if report.passed:
            passing.append((k, config))
        try:
            lines = refiner(Round(k, config, report, sheet, roles, tuple(history), proposal))
            if not any(line.strip() for line in lines):
                out.reason = f"round {k}: the refiner has no fix for: " + "; ".join(out.remaining)
                run.write_text(f"{where}/{DIRECTIVES_FILE}", "# no fix\n")
                break
            directives = parse_directives("\n".join(lines), config, roles)
        except ConfigError as exc:
            run.write_text(f"{where}/{DIRECTIVES_FILE}", f"# no usable answer: {exc}\n")
            out.reason = f"round {k}: no usable answer: {exc}"
            break
        run.write_text(f"{where}/{DIRECTIVES_FILE}", "\n".join(d.text() for d in directives) + "\n")
        history.append(tuple(d.text() for d in directives))
        if any(d.verb == "ACCEPT" for d in directives):
            if report.passed:
                out.status, out.final_round, out.reason = "accepted", k, "verifier passes; accepted"
                break
            out.reason = f"round {k}: ACCEPT vetoed by {len(report.errors)} verifier errors"
            continue  # the model hears of the veto through the next round's report
        try:
            config = apply_directives(config, directives)
        except (ConfigError, GenDexHandError) as exc:
            out.reason = f"round {k}: the directives do not apply: {exc}"
            break
        again = seen.get(config_hash(config))
        if again is not None:
            out.reason = f"round {k}: oscillation, the scene of round {again} came back"
            break
    else:
        out.reason = out.reason or f"not accepted within {rounds} rounds"
    return _finish(run, paths, out, config, passing, sheets)


def _finish(run: RunDir, paths: TaskPaths, out: Outcome, config: SceneConfig,
            passing: list[tuple[int, SceneConfig]], sheets: list[bytes]) -> Outcome:  # fmt: skip
    """Keep the last passing round after oscillation; write the scene, the sheets, the outcome."""
    if out.status != "accepted" and passing and "oscillation" in out.reason:
        k, config = passing[-1]
        out.status, out.final_round = "accepted", k
        out.reason += f"; kept round {k}, which passes the verifier"
    if out.status == "accepted":
        out.remaining = []
        run.write_text(paths.scene, yaml.safe_dump(
            config.model_dump(mode="json", exclude_defaults=True), sort_keys=False))  # fmt: skip
    if sheets:
        final = sheets[out.final_round] if out.final_round is not None else sheets[-1]
        _write_bytes(run, f"{paths.root}/{BEFORE_AFTER}", _stack(sheets[0], final))
    run.write_json(f"{paths.root}/{REFINE_SUMMARY}", vars(out))
    return out
