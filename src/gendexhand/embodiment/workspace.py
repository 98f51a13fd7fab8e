"""The workspace: the volume the palm of an embodiment can reach, measured from its model.

It is the one definition of "within reach" that scene checks, proposal and refinement share:
the world-aligned box around the palm positions of a fixed sample of joint configurations
(uniform within each joint's range, plus the home posture), widened by the length of a finger,
since fingertips reach that much beyond the palm. Measured in the model it is given, so the box is
in the world frame of the scene the robot stands in. Deterministic: the sample is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np
import numpy.typing as npt

WORKSPACE_SAMPLES = 1024
"""Joint configurations sampled to measure the reachable box."""
_UNLIMITED_HINGE = (-np.pi, np.pi)


@dataclass(frozen=True)
class Workspace:
    """World-aligned box (metres) around every point the palm can reach, plus ``margin``."""

    low: tuple[float, float, float]
    high: tuple[float, float, float]
    margin: float
    """Added on every side of the palm box: the hand's finger length."""

    def distance(self, point: npt.ArrayLike) -> float:
        """How far ``point`` lies outside the box widened by the margin (0 inside)."""
        p = np.asarray(point, dtype=float)
        lo = np.asarray(self.low) - self.margin
        hi = np.asarray(self.high) + self.margin
        return float(np.linalg.norm(np.maximum(0.0, np.maximum(lo - p, p - hi))))

    def box_distance(self, low: npt.ArrayLike, high: npt.ArrayLike) -> float:
        """How far the box ``low``..``high`` lies outside the widened workspace (0 if they meet)."""
        lo = np.asarray(self.low) - self.margin
        hi = np.asarray(self.high) + self.margin
        gap = np.maximum(0.0, np.maximum(lo - np.asarray(high), np.asarray(low) - hi))
        return float(np.linalg.norm(gap))

    def describe(self) -> str:
        lo, hi = self.low, self.high
        return (
            f"x {lo[0]:.2f}..{hi[0]:.2f}, y {lo[1]:.2f}..{hi[1]:.2f}, "
            f"z {lo[2]:.2f}..{hi[2]:.2f} m (± {self.margin:.2f} m fingers)"
        )


def measure_workspace(
    model: mujoco.MjModel,
    joints: npt.NDArray[np.int_],
    home_qpos: npt.NDArray[np.float64],
    palm_site: int,
    margin: float,
    samples: int = WORKSPACE_SAMPLES,
) -> Workspace:
    """Palm box of ``joints`` (the robot's, by joint id) sampled in ``model``; see the module."""
    data = mujoco.MjData(model)
    adr = model.jnt_qposadr[joints]
    ranges = np.array(
        [model.jnt_range[j] if model.jnt_limited[j] else _UNLIMITED_HINGE for j in joints.tolist()],
        dtype=float,
    ).reshape(-1, 2)
    rng = np.random.default_rng(0)
    points = np.empty((samples + 1, 3))
    for k in range(samples + 1):
        data.qpos[:] = model.qpos0
        data.qpos[adr] = home_qpos if k == 0 else rng.uniform(ranges[:, 0], ranges[:, 1])
        mujoco.mj_kinematics(model, data)
        points[k] = data.site_xpos[palm_site]
    lo, hi = points.min(axis=0), points.max(axis=0)
    return Workspace(
        low=(float(lo[0]), float(lo[1]), float(lo[2])),
        high=(float(hi[0]), float(hi[1]), float(hi[2])),
        margin=float(margin),
    )
