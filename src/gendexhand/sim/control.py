"""The control step: the unit every "env steps" figure in this project counts.

One control step = the full actuator-target vector written to ``data.ctrl`` (clipped to each
actuator's ``ctrlrange``), then ``physics.substeps`` calls of ``mj_step``. At the defaults that is
25 Hz. Controllers that drive fewer actuators expand their output with
:meth:`gendexhand.embodiment.Embodiment.expand` first, so the recorded action is always full.
"""

from __future__ import annotations

from collections.abc import Callable

import mujoco
import numpy as np
import numpy.typing as npt

from gendexhand.errors import SimulationError
from gendexhand.sim.scene import Scene, check_finite


class ControlLoop:
    """Steps a scene one control step at a time and counts the steps."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        m = scene.model
        limited = m.actuator_ctrllimited.astype(bool)
        self._lo = np.where(limited, m.actuator_ctrlrange[:, 0], -np.inf)
        self._hi = np.where(limited, m.actuator_ctrlrange[:, 1], np.inf)
        self.steps = 0
        self.observers: list[Callable[[], None]] = []
        """Called after every control step, whoever took it (recorders use this)."""

    @property
    def action_size(self) -> int:
        return int(self.scene.model.nu)

    def clip(self, action: npt.ArrayLike) -> np.ndarray:
        """The action (nu,) clipped to the actuators' control ranges."""
        a = np.asarray(action, dtype=float).reshape(-1)
        if a.shape != (self.action_size,):
            raise SimulationError(
                f"action has {a.size} values; this scene has {self.action_size} actuators"
            )
        if not np.all(np.isfinite(a)):
            raise SimulationError("action contains NaN or inf")
        return np.clip(a, self._lo, self._hi)

    def step(self, action: npt.ArrayLike) -> np.ndarray:
        """Apply ``action`` (nu,) for one control step; return the (clipped) action applied."""
        applied = self.clip(action)
        data = self.scene.data
        data.ctrl[:] = applied
        mujoco.mj_step(self.scene.model, data, nstep=self.scene.physics.substeps)
        check_finite(data)
        self.steps += 1
        for observe in self.observers:
            observe()
        return applied

    def hold(self, n: int) -> None:
        """Run ``n`` control steps keeping the current targets."""
        for _ in range(n):
            self.step(self.scene.data.ctrl)
