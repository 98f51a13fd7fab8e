"""Asset catalog: metadata an LLM can read, and a builder per asset.

Every asset is built around its *origin at the centre of its bounding box*, in metres at scale 1.
Scaling is uniform: lengths × s, mass × s³ (so density is kept). Placing an object on a support
uses :attr:`AssetInfo.bottom` (distance from the origin down to the lowest point).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mujoco
import numpy as np

from gendexhand.errors import AssetError, unknown_name_message

Builder = Callable[[mujoco.MjsBody, float, list[float]], list[mujoco.MjsGeom]]
"""(body, scale, rgba) -> the collision geoms it added."""


@dataclass(frozen=True)
class AssetInfo:
    """What the catalog says about one asset."""

    id: str
    name: str
    category: str
    description: str
    size: tuple[float, float, float]
    """Bounding box (x, y, z) in metres at scale 1."""
    mass: float
    """Kilograms at scale 1."""
    graspable: bool
    rgba: tuple[float, float, float, float]
    build: Builder
    source: str = "procedural (gendexhand), Apache-2.0"

    @property
    def bottom(self) -> float:
        """Distance from the origin to the lowest point, at scale 1."""
        return self.size[2] / 2

    def summary(self) -> dict[str, object]:
        """Plain-data description (what an LLM prompt or ``assets show`` prints)."""
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "description": self.description,
            "size_m": list(self.size),
            "mass_kg": self.mass,
            "graspable": self.graspable,
            "source": self.source,
        }


def _geom(
    body: mujoco.MjsBody,
    kind: mujoco.mjtGeom,
    size: list[float],
    rgba: list[float],
    pos: list[float] | None = None,
    quat: list[float] | None = None,
) -> mujoco.MjsGeom:
    geom = body.add_geom(type=kind, size=size, rgba=rgba)
    if pos is not None:
        geom.pos = pos
    if quat is not None:
        geom.quat = quat
    return geom


def _sphere(radius: float) -> Builder:
    def build(body: mujoco.MjsBody, s: float, rgba: list[float]) -> list[mujoco.MjsGeom]:
        return [_geom(body, mujoco.mjtGeom.mjGEOM_SPHERE, [radius * s, 0, 0], rgba)]

    return build


def _box(half: tuple[float, float, float]) -> Builder:
    def build(body: mujoco.MjsBody, s: float, rgba: list[float]) -> list[mujoco.MjsGeom]:
        return [_geom(body, mujoco.mjtGeom.mjGEOM_BOX, [h * s for h in half], rgba)]

    return build


def _cylinder(radius: float, half_height: float) -> Builder:
    def build(body: mujoco.MjsBody, s: float, rgba: list[float]) -> list[mujoco.MjsGeom]:
        return [_geom(body, mujoco.mjtGeom.mjGEOM_CYLINDER, [radius * s, half_height * s, 0], rgba)]

    return build


def _bottle(radius: float, body_half: float, neck_radius: float, neck_half: float) -> Builder:
    """A cylinder with a narrower neck on top; total height 2·(body_half + neck_half)."""
    total_half = body_half + neck_half

    def build(body: mujoco.MjsBody, s: float, rgba: list[float]) -> list[mujoco.MjsGeom]:
        main = _geom(
            body,
            mujoco.mjtGeom.mjGEOM_CYLINDER,
            [radius * s, body_half * s, 0],
            rgba,
            pos=[0, 0, (body_half - total_half) * s],
        )
        neck = _geom(
            body,
            mujoco.mjtGeom.mjGEOM_CYLINDER,
            [neck_radius * s, neck_half * s, 0],
            rgba,
            pos=[0, 0, (2 * body_half + neck_half - total_half) * s],
        )
        return [main, neck]

    return build


def _bowl(radius: float, height: float, wall: float, segments: int = 16) -> Builder:
    """An open bowl: a base disk and a ring of flat boxes leaning outwards (concave contact)."""

    def build(body: mujoco.MjsBody, s: float, rgba: list[float]) -> list[mujoco.MjsGeom]:
        base_r = 0.6 * radius
        geoms = [
            _geom(
                body,
                mujoco.mjtGeom.mjGEOM_CYLINDER,
                [base_r * s, wall / 2 * s, 0],
                rgba,
                pos=[0, 0, (-height / 2 + wall / 2) * s],
            )
        ]
        # walls rise from the top of the base disk to the rim, leaning outwards
        rise = height - wall
        lean = np.arctan2(radius - base_r, rise)
        wall_len = float(np.hypot(radius - base_r, rise))
        mid_r = (radius + base_r) / 2
        seg_w = 2 * np.pi * mid_r / segments * 0.6
        for k in range(segments):
            yaw = 2 * np.pi * k / segments
            # yaw about z, then tilt the top outwards about the rotated y axis
            q_yaw = np.array([np.cos(yaw / 2), 0, 0, np.sin(yaw / 2)])
            q_tilt = np.array([np.cos(lean / 2), 0, np.sin(lean / 2), 0])
            quat = np.zeros(4)
            mujoco.mju_mulQuat(quat, q_yaw, q_tilt)
            pos = [mid_r * np.cos(yaw) * s, mid_r * np.sin(yaw) * s, wall / 2 * s]
            geoms.append(
                _geom(
                    body,
                    mujoco.mjtGeom.mjGEOM_BOX,
                    [wall / 2 * s, seg_w * s, wall_len / 2 * s],
                    rgba,
                    pos=pos,
                    quat=[float(q) for q in quat],
                )
            )
        return geoms

    return build


CATALOG: dict[str, AssetInfo] = {
    a.id: a
    for a in (
        AssetInfo(
            "cube",
            "cube",
            "block",
            "A 5 cm wooden cube.",
            (0.05, 0.05, 0.05),
            0.08,
            True,
            (0.8, 0.6, 0.3, 1),
            _box((0.025, 0.025, 0.025)),
        ),
        AssetInfo(
            "tennis_ball",
            "tennis ball",
            "ball",
            "A tennis ball, 6.7 cm across.",
            (0.067, 0.067, 0.067),
            0.058,
            True,
            (0.8, 0.9, 0.2, 1),
            _sphere(0.0335),
        ),
        AssetInfo(
            "apple",
            "apple",
            "fruit",
            "A round red apple, about 8 cm across.",
            (0.08, 0.08, 0.08),
            0.15,
            True,
            (0.8, 0.1, 0.1, 1),
            _sphere(0.04),
        ),
        AssetInfo(
            "bottle",
            "bottle",
            "container",
            "A 22 cm bottle with a 6.6 cm body and a narrow neck; grasp it by the body.",
            (0.066, 0.066, 0.22),
            0.25,
            True,
            (0.2, 0.5, 0.8, 1),
            _bottle(0.033, 0.08, 0.013, 0.03),
        ),
        AssetInfo(
            "can",
            "soda can",
            "container",
            "A 12 cm drink can.",
            (0.066, 0.066, 0.12),
            0.2,
            True,
            (0.7, 0.7, 0.75, 1),
            _cylinder(0.033, 0.06),
        ),
        AssetInfo(
            "box",
            "cereal box",
            "box",
            "A narrow box, 15 × 6 × 20 cm.",
            (0.15, 0.06, 0.20),
            0.3,
            True,
            (0.9, 0.7, 0.2, 1),
            _box((0.075, 0.03, 0.10)),
        ),
        AssetInfo(
            "bowl",
            "bowl",
            "container",
            "An open bowl 18 cm across and 6 cm deep; things can be put into it.",
            (0.18, 0.18, 0.06),
            0.3,
            False,
            (0.9, 0.9, 0.85, 1),
            _bowl(0.09, 0.06, 0.006),
        ),
    )
}


def asset_ids() -> list[str]:
    return sorted(CATALOG)


def get_asset(asset_id: str) -> AssetInfo:
    """The catalog entry for ``asset_id``; an unknown id names the closest ones."""
    if asset_id not in CATALOG:
        raise AssetError(unknown_name_message("asset id", asset_id, CATALOG))
    return CATALOG[asset_id]
