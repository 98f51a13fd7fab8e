"""Annotated views: the projection matches the image, labels are drawn and out-of-view points
are skipped."""

from __future__ import annotations

from dataclasses import replace

import mujoco
import numpy as np
import pytest

from gendexhand.sim.annotate import AXIS_LENGTH, Projection, annotate_image, axes_origin
from gendexhand.sim.render import Frame, SceneRenderer
from gendexhand.sim.scene import Scene, build_scene

from ..conftest import minimal_config

VIEWS = ["front", "left", "top", "close"]
SIZE = (240, 180)


@pytest.fixture(scope="module")
def scene() -> Scene:
    """A magenta 10 cm cube in view of every camera, and a cube out of the ``close`` camera."""
    config = minimal_config(
        "floating_shadow",
        objects=[
            {
                "asset": "cube",
                "name": "marker",
                "pos": [0.15, 0.1],
                "scale": 2.0,
                "rgba": [1, 0, 1, 1],
            },
            {"asset": "cube", "name": "far_cube", "pos": [-0.45, -0.3]},
        ],
        cameras=[
            {
                "name": "close",
                "lookat": [0.12, 0.14, 0.8],
                "distance": 0.45,
                "azimuth": 60,
                "elevation": -35,
            }
        ],
        views=VIEWS,
    )
    return build_scene(config, settle=False)


@pytest.fixture(scope="module")
def frames(scene: Scene) -> dict[str, tuple[Frame, Frame]]:
    """View → (plain frame with segmentation, annotated frame)."""
    with SceneRenderer(scene, *SIZE) as r:
        plain = r.render(segmentation=True)
        marked = r.render(annotate=True)
    return {p.view: (p, a) for p, a in zip(plain, marked, strict=True)}


def _near_segment(shape: tuple[int, ...], a: np.ndarray, b: np.ndarray, r: float) -> np.ndarray:
    """Pixels within ``r`` of the image segment ``a``-``b``."""
    rows, cols = np.indices(shape[:2])
    p = np.stack([cols, rows], axis=-1).astype(float)
    t = np.clip(((p - a) @ (b - a)) / max(float((b - a) @ (b - a)), 1e-9), 0, 1)
    return np.linalg.norm(p - (a + t[..., None] * (b - a)), axis=-1) <= r


def _corners(scene: Scene, name: str) -> np.ndarray:
    """World corners of every box geom of an object."""
    m, d = scene.model, scene.data
    out = []
    for g in scene.objects[name].geoms:
        if m.geom_type[g] == mujoco.mjtGeom.mjGEOM_BOX:
            signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])
            local = signs * m.geom_size[g]
            out.append(d.geom_xpos[g] + local @ d.geom_xmat[g].reshape(3, 3).T)
    return np.concatenate(out)


@pytest.mark.parametrize("view", VIEWS)
def test_projection_lands_on_the_object(
    scene: Scene, frames: dict[str, tuple[Frame, Frame]], view: str
) -> None:
    plain, _ = frames[view]
    proj = plain.projection
    assert proj is not None and plain.segmentation is not None
    handle = scene.objects["marker"]
    px, ok = proj.project(scene.data.xpos[handle.body])
    assert ok[0]
    col, row = np.rint(px[0]).astype(int)
    r, g, b = plain.rgb[row, col].astype(int)
    assert r > 80 and b > 80 and g < 0.35 * min(r, b), (view, (r, g, b))
    assert plain.segmentation[row, col] in handle.bodies
    # the projected box corners bound the object's silhouette to within a pixel or so
    rows, cols = np.nonzero(np.isin(plain.segmentation, handle.bodies))
    corners, seen = proj.project(_corners(scene, "marker"))
    assert seen.all()
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    np.testing.assert_allclose([cols.min(), rows.min()], lo, atol=1.5)
    np.testing.assert_allclose([cols.max(), rows.max()], hi, atol=1.5)


@pytest.mark.parametrize("view", ["front", "close"])
def test_labels_are_drawn_where_they_say(
    scene: Scene, frames: dict[str, tuple[Frame, Frame]], view: str
) -> None:
    plain, marked = frames[view]
    assert plain.projection is not None and plain.segmentation is not None
    texts = {(lb.kind, lb.text) for lb in marked.labels}
    assert {("object", "marker"), ("axis", "x"), ("axis", "y"), ("axis", "z")} <= texts
    assert sum(lb.kind == "grid" for lb in marked.labels) >= 2
    px, _ = plain.projection.project(scene.data.xpos[scene.objects["marker"].body])
    (marker,) = [lb for lb in marked.labels if lb.text == "marker"]
    np.testing.assert_allclose(marker.anchor, px[0], atol=1e-6)
    h, w = plain.rgb.shape[:2]
    changed = np.any(marked.rgb != plain.rgb, axis=-1)
    allowed = plain.segmentation == scene.model.body("table").id  # the grid
    for lb in marked.labels:
        x0, y0, x1, y1 = lb.box
        assert 0 <= x0 < x1 < w and 0 <= y0 < y1 < h, lb
        assert changed[y0 : y1 + 1, x0 : x1 + 1].mean() > 0.3, lb
        allowed[max(y0 - 1, 0) : y1 + 2, max(x0 - 1, 0) : x1 + 2] = True
        if lb.kind == "object":  # its dot
            allowed |= _near_segment(allowed.shape, np.array(lb.anchor), np.array(lb.anchor), 5)
    origin = axes_origin(scene, plain.projection)
    ends, _ = plain.projection.project(np.vstack([origin, origin + AXIS_LENGTH * np.eye(3)]))
    for tip in ends[1:]:  # the arrows
        allowed |= _near_segment(allowed.shape, ends[0], tip, 8)
    for k, a in enumerate(marked.labels):  # no two labels overlap
        for b in marked.labels[k + 1 :]:
            assert not (a.box[0] < b.box[2] and b.box[0] < a.box[2]) or not (
                a.box[1] < b.box[3] and b.box[1] < a.box[3]
            ), (a, b)
    assert not (changed & ~allowed).any()
    table = plain.segmentation == scene.model.body("table").id
    assert changed[table].mean() > 0.03  # grid lines show on the table top


def test_labels_of_points_out_of_view_are_skipped(
    scene: Scene, frames: dict[str, tuple[Frame, Frame]]
) -> None:
    body = scene.data.xpos[scene.objects["far_cube"].body]
    near, _ = frames["close"]
    assert near.projection is not None
    assert not near.projection.project(body)[1][0]
    assert "far_cube" not in {lb.text for lb in frames["close"][1].labels}
    assert "far_cube" in {lb.text for lb in frames["front"][1].labels}
    # facing away from the table, or far to one side of it: nothing to draw
    proj = near.projection
    away = replace(proj, forward=-proj.forward)
    aside = replace(proj, pos=proj.pos + 20 * np.cross(proj.forward, proj.up))
    for cam in (away, aside):
        rgb, labels = annotate_image(near.rgb, scene, cam)
        assert labels == []
        assert np.array_equal(rgb, near.rgb)


def test_projection_of_a_plain_camera() -> None:
    proj = Projection(
        pos=np.zeros(3),
        forward=np.array([1.0, 0, 0]),
        up=np.array([0, 0, 1.0]),
        center=0.0,
        bottom=-0.01,
        top=0.01,
        near=0.02,
        orthographic=False,
        width=200,
        height=100,
    )
    px, ok = proj.project([[1, 0, 0], [-1, 0, 0], [1, 5, 0], [1, -0.25, 0.25], [0.01, 0, 0]])
    np.testing.assert_allclose(px[0], [99.5, 49.5])
    # half-height 0.5 at depth 1 → 0.25 up is a quarter of the image up; -y is to the right
    np.testing.assert_allclose(px[3], [99.5 + 25, 49.5 - 25])
    assert ok.tolist() == [True, False, False, True, False]
    # a segment crossing the camera plane is cut at the near plane; one behind it is dropped
    seg = proj.segment([-1, 0, 0], [1, 0.1, 0])
    assert seg is not None and np.all(np.isfinite(seg))
    assert proj.segment([-1, 0, 0], [-2, 0, 0]) is None


def test_object_names_are_kept_when_no_room_is_left(
    scene: Scene, frames: dict[str, tuple[Frame, Frame]]
) -> None:
    plain, _ = frames["front"]
    assert plain.projection is not None
    h, w = plain.rgb.shape[:2]
    _, labels = annotate_image(plain.rgb, scene, plain.projection, keep_clear=((0, 0, w, h),))
    assert sorted(lb.text for lb in labels) == ["far_cube", "marker"]
