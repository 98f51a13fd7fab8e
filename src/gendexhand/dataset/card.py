"""Finalising a dataset folder: the index (``index.json``) and the card (``card.md``)."""

from __future__ import annotations

from typing import Any

from gendexhand.dataset import format as fm


def index_document(
    task: str, episodes: list[dict[str, Any]], metadata: dict[str, Any], counts: dict[str, Any]
) -> dict[str, Any]:
    """``index.json``: the format version, the task's metadata, the collection's counts, and
    one entry per episode (file, seed, steps, model hash), in seed order."""
    return {
        "format": fm.FORMAT_NAME,
        "format_version": fm.FORMAT_VERSION,
        "task": task,
        "metadata": metadata,
        "counts": counts,
        "episodes": sorted(episodes, key=lambda e: int(e["seed"])),
    }


def card_text(index: dict[str, Any]) -> str:
    """``card.md``: what the dataset is, how it was made and how to read it."""
    meta, counts, eps = index["metadata"], index["counts"], index["episodes"]
    steps = [int(e["steps"]) for e in eps]
    software = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("software", {}).items()))
    emb = meta.get("embodiment", {})
    lines = [
        f"# Dataset card: {index['task']}",
        "",
        f"{len(eps)} successful episodes of the task `{index['task']}`, collected by "
        "`gendexhand collect` (format "
        f"`{index['format']}` {index['format_version']}, one HDF5 file per episode).",
        "",
        "## How it was made",
        "",
        f"- attempts: {counts.get('attempts')}, successes: {counts.get('successes')} "
        f"(success rate {counts.get('success_rate', 0):.1%}); control steps over all attempts: "
        f"{counts.get('control_steps')}; per success: {counts.get('control_steps_per_success')}",
        f"- failures by subtask: {counts.get('failed_subtasks') or 'none'}",
        f"- episode length: {min(steps, default=0)} … {max(steps, default=0)} control steps",
        f"- embodiment: {emb.get('name')}"
        + (f" (hand file sha256 {emb.get('hand_sha256')})" if emb.get("hand_file") else ""),
        f"- software: {software}",
        "- files: "
        + ", ".join(f"{k} ({v['sha256'][:12]})" for k, v in meta.get("files", {}).items()),
        f"- LLM exchanges behind the task: {len(meta.get('llm_exchanges', []))}",
        "",
        "## Assets and licences",
        "",
        *(f"- `{a}`: {src}" for a, src in meta.get("assets", {}).items()),
        "",
        "## Reading it",
        "",
        "```python",
        "import gendexhand.dataset as gd",
        "ds = gd.load('.')            # this folder",
        "ep = ds[0]                   # an Episode: arrays and attributes",
        "ep.actions, ep.states        # (T, nu) and (T + 1, S)",
        "```",
        "",
        "`gendexhand replay . --episode 0` re-simulates an episode from its initial state and "
        "reports the deviation from the recorded states; `--video out.mp4` films it.",
        "",
        "## Fields",
        "",
        "Step alignment: row 0 of every per-state array is s₀, the MuJoCo integration state "
        "before the first control step; action k, applied for one control step from state k, "
        "gives state k + 1. T actions, T + 1 states.",
        "",
        "| field | dtype | shape | unit | meaning |",
        "|---|---|---|---|---|",
        *(f"| `{f.path}` | {f.dtype} | {f.shape} | {f.unit} | {f.meaning} |" for f in fm.FIELDS),
        "",
        "Root attributes: "
        + ", ".join(
            f"`{a}`"
            for a in (
                fm.A_FORMAT,
                fm.A_VERSION,
                fm.A_TASK,
                fm.A_SEED,
                fm.A_SUCCESS,
                fm.A_STEPS,
                fm.A_CONTROL_DT,
                fm.A_TIMESTEP,
                fm.A_SUBSTEPS,
                fm.A_MODEL_SHA,
                fm.A_SUBTASKS,
                fm.A_ACTUATORS,
                fm.A_ROBOT_JOINTS,
                fm.A_OBJECTS,
                fm.A_JOINTS,
                fm.A_WEIGHTS,
            )
        )
        + " (name lists and weights as JSON).",
        "",
    ]
    return "\n".join(lines)
