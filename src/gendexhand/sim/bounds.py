"""World-frame bounding boxes of collision geoms (exact for primitives, conservative for meshes)."""

from __future__ import annotations

from collections.abc import Iterable

import mujoco
import numpy as np

G = mujoco.mjtGeom
_CORNERS = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], dtype=float)


def geom_bounds(
    model: mujoco.MjModel, data: mujoco.MjData, geom: int
) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) corners of the world-aligned box around one geom, at the current ``data``."""
    pos = data.geom_xpos[geom]
    rot = data.geom_xmat[geom].reshape(3, 3)
    size = model.geom_size[geom]
    kind = model.geom_type[geom]
    if kind == G.mjGEOM_SPHERE:
        half = np.full(3, size[0])
    elif kind == G.mjGEOM_CAPSULE:
        half = np.abs(rot[:, 2]) * size[1] + size[0]
    elif kind == G.mjGEOM_ELLIPSOID:
        half = np.sqrt((rot**2) @ (size**2))
    elif kind == G.mjGEOM_CYLINDER:
        axis = rot[:, 2]
        half = np.abs(axis) * size[1] + size[0] * np.sqrt(np.clip(1 - axis**2, 0, 1))
    else:  # box, mesh and the rest: the corners of the geom's own bounding box
        centre, extent = model.geom_aabb[geom][:3], model.geom_aabb[geom][3:]
        pts = pos + (centre + _CORNERS * extent) @ rot.T
        return pts.min(axis=0), pts.max(axis=0)
    return pos - half, pos + half


def collision_bounds(
    model: mujoco.MjModel, data: mujoco.MjData, geoms: Iterable[int]
) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) of the world-aligned box around the collision geoms among ``geoms``."""
    lo, hi = np.full(3, np.inf), np.full(3, -np.inf)
    for g in geoms:
        if not (model.geom_contype[g] or model.geom_conaffinity[g]):
            continue
        a, b = geom_bounds(model, data, g)
        lo, hi = np.minimum(lo, a), np.maximum(hi, b)
    return lo, hi
