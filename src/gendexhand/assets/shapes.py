"""A small vocabulary for building procedural assets from primitives at scale 1.

:class:`Maker` wraps a fresh ``MjSpec`` whose world holds one body ``root``. Geoms are added
without masses; :meth:`Maker.finish` spreads the asset's mass over the collision geoms by
volume, so the density is uniform. Concave shapes (bowls, mugs, boxes, drawers) are unions of
convex primitives, which is how MuJoCo collides them correctly.
"""

from __future__ import annotations

from collections.abc import Sequence

import mujoco
import numpy as np

from gendexhand.errors import AssetError

Rgba = tuple[float, float, float, float]
G = mujoco.mjtGeom


def quat_from_euler(euler: Sequence[float]) -> list[float]:
    """Quaternion of intrinsic x-y-z Euler angles in radians."""
    q = np.zeros(4)
    mujoco.mju_euler2Quat(q, np.asarray(euler, dtype=float), "XYZ")
    return [float(v) for v in q]


def geom_volume(geom: mujoco.MjsGeom) -> float:
    """Volume of a primitive geom (m³)."""
    s = geom.size
    kind = geom.type
    if kind == G.mjGEOM_SPHERE:
        return float(4 / 3 * np.pi * s[0] ** 3)
    if kind == G.mjGEOM_ELLIPSOID:
        return float(4 / 3 * np.pi * s[0] * s[1] * s[2])
    if kind == G.mjGEOM_BOX:
        return float(8 * s[0] * s[1] * s[2])
    if kind == G.mjGEOM_CYLINDER:
        return float(2 * np.pi * s[0] ** 2 * s[1])
    if kind == G.mjGEOM_CAPSULE:
        return float(np.pi * s[0] ** 2 * (2 * s[1] + 4 / 3 * s[0]))
    raise AssetError(f"no volume formula for geom type {kind}")


class Maker:
    """Builds one procedural asset; see the module docstring."""

    def __init__(self, rgba: Rgba) -> None:
        self.spec = mujoco.MjSpec()
        self.spec.compiler.degree = False
        self.root = self.spec.worldbody.add_body(name="root")
        self.rgba = rgba

    def _add(
        self,
        kind: mujoco.mjtGeom,
        size: Sequence[float],
        pos: Sequence[float],
        euler: Sequence[float] | None,
        rgba: Rgba | None,
        body: mujoco.MjsBody | None,
        name: str,
    ) -> mujoco.MjsGeom:
        parent = body if body is not None else self.root
        geom = parent.add_geom(
            type=kind, size=list(size), pos=list(pos), rgba=list(rgba or self.rgba)
        )
        if name:
            geom.name = name
        if euler is not None:
            geom.quat = quat_from_euler(euler)
        return geom

    def box(
        self,
        half: Sequence[float],
        pos: Sequence[float] = (0, 0, 0),
        euler: Sequence[float] | None = None,
        rgba: Rgba | None = None,
        body: mujoco.MjsBody | None = None,
        name: str = "",
    ) -> mujoco.MjsGeom:
        return self._add(G.mjGEOM_BOX, half, pos, euler, rgba, body, name)

    def sphere(
        self,
        radius: float,
        pos: Sequence[float] = (0, 0, 0),
        rgba: Rgba | None = None,
        body: mujoco.MjsBody | None = None,
    ) -> mujoco.MjsGeom:
        return self._add(G.mjGEOM_SPHERE, [radius, 0, 0], pos, None, rgba, body, "")

    def ellipsoid(
        self, radii: Sequence[float], pos: Sequence[float] = (0, 0, 0), rgba: Rgba | None = None
    ) -> mujoco.MjsGeom:
        return self._add(G.mjGEOM_ELLIPSOID, radii, pos, None, rgba, None, "")

    def cylinder(
        self,
        radius: float,
        half_height: float,
        pos: Sequence[float] = (0, 0, 0),
        euler: Sequence[float] | None = None,
        rgba: Rgba | None = None,
        body: mujoco.MjsBody | None = None,
    ) -> mujoco.MjsGeom:
        return self._add(G.mjGEOM_CYLINDER, [radius, half_height, 0], pos, euler, rgba, body, "")

    def capsule(
        self,
        radius: float,
        start: Sequence[float] | np.ndarray,
        end: Sequence[float] | np.ndarray,
        rgba: Rgba | None = None,
        body: mujoco.MjsBody | None = None,
    ) -> mujoco.MjsGeom:
        """A capsule whose segment runs from ``start`` to ``end``."""
        a, b = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
        axis = b - a
        half = float(np.linalg.norm(axis)) / 2
        quat = np.zeros(4)
        mujoco.mju_quatZ2Vec(quat, axis / (2 * half))
        geom = self._add(G.mjGEOM_CAPSULE, [radius, half, 0], (a + b) / 2, None, rgba, body, "")
        geom.quat = [float(q) for q in quat]
        return geom

    def ring(
        self,
        z_bottom: float,
        z_top: float,
        r_bottom: float,
        r_top: float,
        wall: float,
        segments: int = 16,
        center: Sequence[float] = (0, 0),
        rgba: Rgba | None = None,
        body: mujoco.MjsBody | None = None,
    ) -> None:
        """A wall of flat boxes between two circles (radius at the wall's inner face).

        With ``r_top > r_bottom`` the wall leans outwards like a bowl's or a cup's.
        """
        rise = z_top - z_bottom
        lean = float(np.arctan2(r_top - r_bottom, rise))
        length = float(np.hypot(r_top - r_bottom, rise))
        mid_r = (r_top + r_bottom) / 2 + wall / 2 * np.cos(lean)
        seg_w = np.pi * max(r_top, r_bottom) / segments * 1.08
        for k in range(segments):
            yaw = 2 * np.pi * k / segments
            pos = (
                center[0] + mid_r * np.cos(yaw),
                center[1] + mid_r * np.sin(yaw),
                (z_top + z_bottom) / 2,
            )
            q_yaw = np.array([np.cos(yaw / 2), 0, 0, np.sin(yaw / 2)])
            q_tilt = np.array([np.cos(lean / 2), 0, np.sin(lean / 2), 0])
            quat = np.zeros(4)
            mujoco.mju_mulQuat(quat, q_yaw, q_tilt)
            geom = self._add(G.mjGEOM_BOX, [wall / 2, seg_w, length / 2], pos, None, rgba, body, "")
            geom.quat = [float(q) for q in quat]

    def open_box(
        self,
        inner_half: Sequence[float],
        wall: float,
        center: Sequence[float] = (0, 0, 0),
        open_side: str = "+z",
        rgba: Rgba | None = None,
        body: mujoco.MjsBody | None = None,
    ) -> None:
        """Five walls around a box-shaped cavity of half extents ``inner_half``; one side open."""
        hx, hy, hz = inner_half
        cx, cy, cz = center
        t = wall / 2
        walls = {
            "-z": ((hx + wall, hy + wall, t), (cx, cy, cz - hz - t)),
            "+z": ((hx + wall, hy + wall, t), (cx, cy, cz + hz + t)),
            "-x": ((t, hy + wall, hz), (cx - hx - t, cy, cz)),
            "+x": ((t, hy + wall, hz), (cx + hx + t, cy, cz)),
            "-y": ((hx, t, hz), (cx, cy - hy - t, cz)),
            "+y": ((hx, t, hz), (cx, cy + hy + t, cz)),
        }
        if open_side not in walls:
            raise AssetError(f"open_side must be one of {sorted(walls)}, got {open_side!r}")
        for side, (half, pos) in walls.items():
            if side != open_side:
                self.box(half, pos, rgba=rgba, body=body)

    def body(
        self, name: str, pos: Sequence[float], parent: mujoco.MjsBody | None = None
    ) -> mujoco.MjsBody:
        return (parent or self.root).add_body(name=name, pos=list(pos))

    def finish(self, mass: float) -> mujoco.MjSpec:
        """Spread ``mass`` over the collision geoms by volume and return the spec."""
        geoms = [g for g in self.spec.geoms if g.contype or g.conaffinity]
        volumes = [geom_volume(g) for g in geoms]
        total = sum(volumes)
        for geom, volume in zip(geoms, volumes, strict=True):
            geom.mass = mass * volume / total
        return self.spec
