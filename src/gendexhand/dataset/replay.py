"""Replaying a recorded episode, rendering its recorded states, and writing videos.

Two replay modes: ``actions`` re-simulates from s₀ with the recorded actions alone (what a
learner's data promises); ``states`` re-sets the recorded state before every step, so each
step's deviation is measured on its own. Both report the largest deviation from the recorded
states; on the same machine and versions it is 0.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import mujoco
import numpy as np
import yaml

from gendexhand.config.loading import parse_scene
from gendexhand.dataset.reader import Episode
from gendexhand.dataset.record import model_sha256
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import STATE_SIG, Scene, build_scene

ReplayMode = Literal["actions", "states"]


@dataclass(frozen=True)
class ReplayReport:
    mode: str
    steps: int
    max_state_deviation: float
    """Largest absolute difference over every step and every integration-state value."""
    max_qpos_deviation: float
    """The same over joint positions only (rad or m)."""
    worst_step: int
    """The step (1 … T) where the largest state deviation happened (0 if none)."""
    model_matches: bool
    """Whether the rebuilt model hashes as the recorded one (else exactness is not expected)."""


def rebuild(ep: Episode) -> Scene:
    """The episode's scene, rebuilt from its recorded resolved scene, at s₀."""
    config = parse_scene(yaml.safe_load(ep.scene_yaml), f"{ep.path}:meta/scene_yaml")
    scene = build_scene(config, settle=False)
    set_state(scene, ep.initial_state, ep.initial_ctrl)
    return scene


def set_state(scene: Scene, state: np.ndarray, ctrl: np.ndarray | None = None) -> None:
    mujoco.mj_setState(scene.model, scene.data, state, STATE_SIG)
    if ctrl is not None:
        scene.data.ctrl[:] = ctrl
    mujoco.mj_forward(scene.model, scene.data)


def replay(ep: Episode, mode: ReplayMode = "actions", scene: Scene | None = None) -> ReplayReport:
    """Re-simulate ``ep`` (see the module docstring) and measure how far it strays."""
    scene = scene or rebuild(ep)
    matches = model_sha256(scene.model) == ep.model_sha256
    set_state(scene, ep.initial_state, ep.initial_ctrl)
    loop = ControlLoop(scene)
    m, d = scene.model, scene.data
    state = np.empty(mujoco.mj_stateSize(m, STATE_SIG))
    qpos = _qpos_slice(m)
    worst, worst_q, worst_k = 0.0, 0.0, 0
    for k, action in enumerate(ep.actions):
        if mode == "states":
            mujoco.mj_setState(m, d, ep.states[k], STATE_SIG)
        loop.step(action)
        mujoco.mj_getState(m, d, state, STATE_SIG)
        diff = np.abs(state - ep.states[k + 1])
        dev = float(diff.max()) if diff.size else 0.0
        if dev > worst:
            worst, worst_k = dev, k + 1
        worst_q = max(worst_q, float(diff[qpos].max()) if diff[qpos].size else 0.0)
    return ReplayReport(mode, ep.n_steps, worst, worst_q, worst_k, matches)


def _qpos_slice(m: mujoco.MjModel) -> slice:
    """Where qpos sits in an integration state: after the time (1 value)."""
    return slice(1, 1 + m.nq)


def recorded_frames(
    ep: Episode,
    views: list[str],
    width: int,
    height: int,
    scene: Scene | None = None,
    every: int = 1,
) -> Iterator[dict[str, np.ndarray]]:
    """RGB frames (view → (H, W, 3) uint8) of every ``every``-th recorded state, rendered by
    setting that state (no simulation)."""
    from gendexhand.sim.render import SceneRenderer

    scene = scene or rebuild(ep)
    with SceneRenderer(scene, width, height) as renderer:
        for k in range(0, len(ep.states), every):
            set_state(scene, ep.states[k])
            yield {f.view: f.rgb for f in renderer.render(views)}


def write_video(ep: Episode, out: Path, view: str, width: int = 480, height: int = 360) -> Path:
    """An MP4 of the recorded states from ``view``, at the control rate."""
    import imageio.v2 as imageio

    fps = max(1, round(1.0 / ep.control_dt))
    out.parent.mkdir(parents=True, exist_ok=True)
    with imageio.get_writer(out, fps=fps, codec="libx264", quality=7, macro_block_size=8) as w:
        for frame in recorded_frames(ep, [view], width, height):
            w.append_data(frame[view])  # type: ignore[attr-defined]
    return out
