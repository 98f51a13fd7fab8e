"""The robot inside a compiled model: groups, index arrays, home posture, hand metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import mujoco
import numpy as np
import numpy.typing as npt

from gendexhand.embodiment.discovery import ActuatorGroup, HandLayout, discover_layout
from gendexhand.embodiment.registry import PALM_SITE, TIP_SITE, RobotSpec
from gendexhand.embodiment.workspace import Workspace, measure_workspace
from gendexhand.errors import EmbodimentError


@dataclass(frozen=True)
class HandMetrics:
    """Sizes computed from the model; stage 1 sizes objects relative to them (metres)."""

    aperture: float
    """Largest thumb-tip to index/middle-tip distance over the hand's joint ranges."""
    palm_width: float
    """Spread of the non-thumb finger bases across the palm, plus one finger width."""
    palm_length: float
    """Distance from the hand root (wrist) to the centre of the non-thumb finger bases."""
    finger_length: float
    """Distance from the middle finger's base to its tip at rest."""


class Embodiment:
    """A robot as found in ``model``: names are looked up once, here."""

    def __init__(self, model: mujoco.MjModel, robot: RobotSpec) -> None:
        self.model = model
        self.name = robot.name
        self.source = robot.source
        self.layout: HandLayout = discover_layout(model, robot.hand_root)
        self.palm_site = model.site(PALM_SITE).id
        self.tip_sites = {f: model.site(TIP_SITE.format(finger=f)).id for f in self.layout.fingers}
        self.actuators = np.array(sorted(a for g in self.layout.groups for a in g.actuators))
        self.joints = np.array(sorted(j for g in self.layout.groups for j in g.joints))
        self.qpos_adr = model.jnt_qposadr[self.joints]
        self.dof_adr = model.jnt_dofadr[self.joints]
        self.home_qpos = self._home(robot.home)

    # ------------------------------------------------------------------ groups and actions
    @property
    def groups(self) -> tuple[ActuatorGroup, ...]:
        return self.layout.groups

    def group(self, name: str) -> ActuatorGroup:
        return self.layout.group(name)

    @property
    def action_size(self) -> int:
        """Length of the full action (every actuator of the model, in ``ctrl`` order)."""
        return int(self.model.nu)

    def group_actuators(self, names: Sequence[str]) -> np.ndarray:
        """Actuator indices (k,) of the named groups, in ``ctrl`` order."""
        return np.array(sorted(a for n in names for a in self.group(n).actuators), dtype=int)

    def expand(
        self, partial: npt.ArrayLike, groups: Sequence[str], base: npt.ArrayLike
    ) -> np.ndarray:
        """Full action (nu,) from targets for ``groups`` (k,) and ``base`` (nu,) for the rest."""
        idx = self.group_actuators(groups)
        part = np.asarray(partial, dtype=float).reshape(-1)
        if part.shape != idx.shape:
            raise EmbodimentError(
                f"action for groups {list(groups)} has {part.size} values; expected {idx.size}"
            )
        full = np.array(base, dtype=float, copy=True).reshape(-1)
        full[idx] = part
        return full

    # ------------------------------------------------------------------ home posture
    def _home(self, home: Mapping[str, float]) -> np.ndarray:
        q = np.zeros(len(self.joints))
        for k, j in enumerate(self.joints):
            name = self.model.joint(j).name
            value = home.get(name, 0.0)
            if self.model.jnt_limited[j]:
                lo, hi = self.model.jnt_range[j]
                value = float(np.clip(value, lo, hi))
            q[k] = value
        return q

    def home_ctrl(self, data: mujoco.MjData) -> np.ndarray:
        """Actuator targets that hold the posture currently in ``data`` (nu,)."""
        ctrl = np.zeros(self.model.nu)
        for a in range(self.model.nu):
            ctrl[a] = self.actuator_target_now(data, a)
        lo, hi = self.model.actuator_ctrlrange.T
        limited = self.model.actuator_ctrllimited.astype(bool)
        ctrl[limited] = np.clip(ctrl[limited], lo[limited], hi[limited])
        return ctrl

    def actuator_target_now(self, data: mujoco.MjData, a: int) -> float:
        """The position target of actuator ``a`` that matches the current state."""
        return float(data.actuator_length[a])

    # ------------------------------------------------------------------ poses
    def palm_pose(self, data: mujoco.MjData) -> tuple[np.ndarray, np.ndarray]:
        """Palm position (3,) and rotation matrix (3, 3) in the world."""
        s = self.palm_site
        return data.site_xpos[s].copy(), data.site_xmat[s].reshape(3, 3).copy()

    def fingertips(self, data: mujoco.MjData) -> dict[str, np.ndarray]:
        """Fingertip positions (3,) by finger name."""
        return {f: data.site_xpos[s].copy() for f, s in self.tip_sites.items()}

    # ------------------------------------------------------------------ metrics
    @cached_property
    def metrics(self) -> HandMetrics:
        return hand_metrics(self)

    @cached_property
    def workspace(self) -> Workspace:
        """What the palm can reach in this model's world frame (see :mod:`.workspace`)."""
        return measure_workspace(
            self.model, self.joints, self.home_qpos, self.palm_site, self.metrics.finger_length
        )


def hand_metrics(emb: Embodiment, samples: int = 256) -> HandMetrics:
    """Aperture and palm size from the model (deterministic: a fixed sample of postures)."""
    model, layout = emb.model, emb.layout
    data = mujoco.MjData(model)
    mujoco.mj_kinematics(model, data)
    finger_joints = [j for g in layout.groups if g.name not in ("arm", "wrist") for j in g.joints]
    rng = np.random.default_rng(0)
    thumb = emb.tip_sites.get("thumb")
    partners = [emb.tip_sites[f] for f in ("index", "middle") if f in emb.tip_sites]
    aperture = 0.0
    for k in range(samples + 1):
        for j in finger_joints:
            if model.jnt_limited[j]:
                lo, hi = model.jnt_range[j]
                data.qpos[model.jnt_qposadr[j]] = 0.0 if k == 0 else rng.uniform(lo, hi)
        mujoco.mj_kinematics(model, data)
        if thumb is not None:
            for p in partners:
                aperture = max(
                    aperture, float(np.linalg.norm(data.site_xpos[thumb] - data.site_xpos[p]))
                )
    data.qpos[:] = model.qpos0
    mujoco.mj_kinematics(model, data)
    _, palm_rot = emb.palm_pose(data)
    non_thumb = [
        b for b, f in zip(layout.finger_bases, layout.fingers, strict=True) if f != "thumb"
    ]
    bases = np.array([data.xpos[b] for b in non_thumb])
    across = bases @ palm_rot[:, 1]
    tip_geoms = model.geom_bodyid == layout.fingertips[0].body
    finger_width = 2 * float(np.median(model.geom_size[tip_geoms, 0])) if tip_geoms.any() else 0.0
    palm_width = float(across.max() - across.min()) + finger_width
    palm_length = float(np.linalg.norm(bases.mean(axis=0) - data.xpos[layout.hand_root]))
    middle = "middle" if "middle" in layout.fingers else layout.fingers[0]
    m_idx = layout.fingers.index(middle)
    finger_length = float(
        np.linalg.norm(
            data.site_xpos[emb.tip_sites[middle]] - data.xpos[layout.finger_bases[m_idx]]
        )
    )
    return HandMetrics(
        aperture=aperture,
        palm_width=palm_width,
        palm_length=palm_length,
        finger_length=finger_length,
    )
