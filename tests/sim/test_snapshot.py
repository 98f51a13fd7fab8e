"""The state snapshot reward code reads: its reference text names exactly the live fields."""

from __future__ import annotations

from typing import Any

import numpy as np

from gendexhand.examples import task_plans
from gendexhand.plan.load import load_plan
from gendexhand.sandbox import compile_reward
from gendexhand.sim.scene import build_scene
from gendexhand.sim.snapshot import reference_paths, state_reference, take_snapshot


def _paths(value: Any, prefix: str, keys: dict[str, str]) -> set[str]:
    """Every leaf path of a snapshot dict, with mapping keys replaced by their placeholders."""
    if not isinstance(value, dict):
        return {prefix}
    out: set[str] = set()
    for k, v in value.items():
        step = keys.get(prefix, k)
        out |= _paths(v, f"{prefix}.{step}", keys)
    return out


def test_the_reference_matches_a_live_snapshot() -> None:
    """Budget: ~2 s (one scene with a cabinet: joints and contacts)."""
    _, base = load_plan(task_plans()["open_cabinet"])
    scene = build_scene(base)
    snap = take_snapshot(scene, np.zeros(3), 0.5, {"height": 0.1}).as_dict()
    placeholders = {
        "state.tips": "<finger>",
        "state.objects": "<object>",
        "state.contacts": "<object>",
        "state.goal": "<name>",
    }
    placeholders["state.objects.<object>.joints"] = "<joint>"
    placeholders["state.objects.<object>.fraction"] = "<joint>"
    live = _paths(snap, "state", placeholders)
    documented = {p for p, _, _ in reference_paths()}
    # contacts are a per-object mapping of hand parts (empty when nothing touches)
    live = {p for p in live if not p.startswith("state.contacts")}
    documented = {p for p in documented if not p.startswith("state.contacts")}
    assert live == documented
    assert set(snap["contacts"]) == set(scene.objects)
    text = state_reference()
    for path, kind, _ in reference_paths():
        assert f"{path}: {kind}" in text
    # reward code reads every documented field through the sandbox's view
    fn = compile_reward(
        "def reward(state):\n"
        "    o = state.objects.cabinet\n"
        "    return {'t': state.t, 'f': o.fraction.door_hinge, 'z': o.bottom,\n"
        "            'p': state.palm.rot[2, 2] + state.tips.thumb[0], 'g': state.goal.height,\n"
        "            'c': state.contacts.cabinet.thumb, 'a': state.action[0]}\n"
    )
    terms = fn(snap)
    assert terms["t"] == 0.5 and terms["g"] == 0.1 and terms["c"] == 0.0
