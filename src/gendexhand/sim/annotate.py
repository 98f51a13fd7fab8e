"""Drawing a rendered view for a model to read: object names, a metric table grid, world axes.

Every mark is placed by projecting its 3D point with the camera MuJoCo drew the view with
(:class:`Projection`, read from the ``mjvScene`` after the scene update), so a label sits on the
pixel its point was rendered at. Points behind the camera or outside the image get no label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import mujoco
import numpy as np
from numpy.typing import ArrayLike
from PIL import Image, ImageDraw, ImageFont

from gendexhand.sim.scene import Scene

GRID_STEP = 0.1
"""Spacing of the table grid (m); every other line is labelled."""
AXIS_LENGTH = 0.12
"""Length of the world axis arrows (m)."""
AXIS_COLOURS = {"x": (235, 40, 40), "y": (30, 190, 40), "z": (40, 90, 255)}

Box = tuple[int, int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, eq=False)
class Projection:
    """The pinhole (or orthographic) camera of one rendered view, and its image size.

    ``center``/``bottom``/``top`` bound the frustum at the ``near`` plane, as in ``mjvGLCamera``;
    its half-width follows from the image's aspect ratio, as MuJoCo's renderer sets it."""

    pos: np.ndarray
    forward: np.ndarray
    up: np.ndarray
    center: float
    bottom: float
    top: float
    near: float
    orthographic: bool
    width: int
    height: int

    @classmethod
    def from_scene(cls, scn: mujoco.MjvScene, width: int, height: int) -> Projection:
        """The camera of ``scn`` after ``mjv_updateScene`` (the mean of its stereo pair)."""
        cam = mujoco.mjv_averageCamera(scn.camera[0], scn.camera[1])
        return cls(
            pos=np.array(cam.pos, dtype=float),
            forward=np.array(cam.forward, dtype=float),
            up=np.array(cam.up, dtype=float),
            center=float(cam.frustum_center),
            bottom=float(cam.frustum_bottom),
            top=float(cam.frustum_top),
            near=float(cam.frustum_near),
            orthographic=bool(cam.orthographic),
            width=width,
            height=height,
        )

    def to_camera(self, points: ArrayLike) -> np.ndarray:
        """World points (n, 3) → camera coordinates (n, 3): right, up, depth along the view."""
        p = np.atleast_2d(np.asarray(points, dtype=float)) - self.pos
        right = np.cross(self.forward, self.up)
        return np.stack([p @ right, p @ self.up, p @ self.forward], axis=-1)

    def from_camera(self, cam: np.ndarray) -> np.ndarray:
        """Camera coordinates (n, 3) → pixel coordinates (n, 2): column, row, with (0, 0) the
        centre of the top-left pixel. Meaningless for points at or behind the camera."""
        if self.orthographic:
            x, y = cam[:, 0], cam[:, 1]
        else:
            depth = np.where(np.abs(cam[:, 2]) < 1e-12, 1e-12, cam[:, 2])
            x, y = self.near * cam[:, 0] / depth, self.near * cam[:, 1] / depth
        half = 0.5 * (self.top - self.bottom) * self.width / self.height
        left = self.center - half
        col = (x - left) / (2 * half) * self.width - 0.5
        row = (self.top - y) / (self.top - self.bottom) * self.height - 0.5
        return np.stack([col, row], axis=-1)

    def project(self, points: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """World points (n, 3) → pixel coordinates (n, 2) and whether each is in view (n,):
        in front of the near plane and inside the image."""
        cam = self.to_camera(points)
        px = self.from_camera(cam)
        inside = (
            (px[:, 0] >= -0.5)
            & (px[:, 0] <= self.width - 0.5)
            & (px[:, 1] >= -0.5)
            & (px[:, 1] <= self.height - 0.5)
        )
        return px, (cam[:, 2] > self.near) & inside

    def segment(self, a: ArrayLike, b: ArrayLike) -> tuple[np.ndarray, np.ndarray] | None:
        """The pixel end points of the 3D segment ``a``-``b`` cut at the near plane (None when
        all of it lies behind)."""
        ca, cb = self.to_camera(np.stack([np.asarray(a, float), np.asarray(b, float)]))
        near = self.near * 1.001
        if ca[2] < near and cb[2] < near:
            return None
        if ca[2] < near or cb[2] < near:
            t = (near - ca[2]) / (cb[2] - ca[2])
            cut = ca + t * (cb - ca)
            ca, cb = (cut, cb) if ca[2] < near else (ca, cut)
        px = self.from_camera(np.stack([ca, cb]))
        return px[0], px[1]


@dataclass(frozen=True)
class Label:
    """One text label drawn on a view: what it names, the pixel it points at, its box."""

    text: str
    kind: Literal["object", "axis", "grid"]
    anchor: tuple[float, float]
    box: Box


def label_font(height: int, scale: float = 1.0) -> Font:
    """PIL's default font, sized for an image ``height`` pixels tall (times ``scale``)."""
    size = int(np.clip(round(scale * height / 17), 8, 24))
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one fixed-size bitmap font
        return ImageFont.load_default()


class _Layout:
    """Text boxes placed so far on one image; a new one may not overlap them."""

    def __init__(self, width: int, height: int, keep_clear: tuple[Box, ...], gap: int = 2) -> None:
        self.width, self.height, self.gap = width, height, gap
        self.taken: list[Box] = list(keep_clear)

    def place(
        self,
        draw: ImageDraw.ImageDraw,
        text: str,
        font: Font,
        at: tuple[float, float],
        offsets: tuple[tuple[float, float], ...],
        force: bool = False,
    ) -> Box | None:
        """The first free box for ``text`` whose corner nearest ``at`` is shifted by one of
        ``offsets`` (signs say which side), kept inside the image. When all overlap: with
        ``force``, the first one moved to the nearest free line (or left overlapping), else
        None."""
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        w, h = round(right - left) + 4, round(bottom - top) + 2
        boxes = []
        for dx, dy in offsets:
            x = at[0] + dx if dx >= 0 else at[0] + dx - w
            y = at[1] + dy if dy >= 0 else at[1] + dy - h
            x = min(max(x, 0.0), self.width - w - 1.0)
            y = min(max(y, 0.0), self.height - h - 1.0)
            boxes.append((round(x), round(y), round(x) + w, round(y) + h))
        if force and boxes:  # then the first box moved up or down, a line at a time
            x0, y0, x1, y1 = boxes[0]
            for k in range(1, self.height // (h + self.gap) + 1):
                for dy in (-k * (h + self.gap), k * (h + self.gap)):
                    if y0 + dy >= 0 and y1 + dy < self.height:
                        boxes.append((x0, y0 + dy, x1, y1 + dy))
        free = [b for b in boxes if not any(_overlap(b, t, self.gap) for t in self.taken)]
        box = free[0] if free else (boxes[0] if force and boxes else None)
        if box is not None:
            self.taken.append(box)
        return box


def _overlap(a: Box, b: Box, gap: int) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _text(
    draw: ImageDraw.ImageDraw,
    box: Box,
    text: str,
    font: Font,
    fill: tuple[int, ...],
    back: tuple[int, int, int, int],
) -> None:
    draw.rectangle(box, fill=back)
    left, top, _, _ = draw.textbbox((0, 0), text, font=font)
    draw.text((box[0] + 2 - left, box[1] + 1 - top), text, fill=fill, font=font)


def _grid_lines(scene: Scene) -> list[tuple[str, float, np.ndarray, np.ndarray]]:
    """(axis, value, start, end) of each grid line on the table top, at multiples of the step."""
    t = scene.config.table
    lo = np.array(t.pos) - np.array(t.size) / 2
    hi = np.array(t.pos) + np.array(t.size) / 2
    z = t.height + 0.001
    lines = []
    for i, axis in enumerate("xy"):
        first = int(np.ceil(lo[i] / GRID_STEP - 1e-6))
        last = int(np.floor(hi[i] / GRID_STEP + 1e-6))
        for k in range(first, last + 1):
            v = k * GRID_STEP
            a = [v, lo[1], z] if axis == "x" else [lo[0], v, z]
            b = [v, hi[1], z] if axis == "x" else [hi[0], v, z]
            lines.append((axis, round(v, 6), np.array(a), np.array(b)))
    return lines


def _major(value: float) -> bool:
    """Whether a grid line is one of the labelled ones (every other step)."""
    return abs(value / (2 * GRID_STEP) - round(value / (2 * GRID_STEP))) < 1e-6


def _draw_grid(
    size: tuple[int, int], scene: Scene, proj: Projection, mask: np.ndarray | None
) -> Image.Image:
    """The grid lines as an RGBA layer, cleared where ``mask`` (the visible table top) is off."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _, value, a, b in _grid_lines(scene):
        seg = proj.segment(a, b)
        if seg is not None:
            fill = (255, 255, 255, 150 if _major(value) else 90)
            draw.line([tuple(seg[0]), tuple(seg[1])], fill=fill, width=1)
    if mask is not None:
        alpha = np.asarray(layer.getchannel("A")) * mask.astype(np.uint8)
        layer.putalpha(Image.fromarray(alpha.astype(np.uint8)))
    return layer


def _grid_labels(
    draw: ImageDraw.ImageDraw, scene: Scene, proj: Projection, layout: _Layout, font: Font
) -> list[Label]:
    """Label every other grid line at its end lower in the image (usually the nearer edge)."""
    out = []
    for axis, value, a, b in _grid_lines(scene):
        if not _major(value):
            continue
        px, ok = proj.project(np.stack([a, b]))
        if not ok.any():
            continue
        end = px[0] if ok[0] and (not ok[1] or px[0][1] >= px[1][1]) else px[1]
        text = f"{axis}={value + 0.0:g}"
        at = (float(end[0]), float(end[1]))
        box = layout.place(draw, text, font, at, ((2.0, 2.0), (-2.0, 2.0), (2.0, -2.0)))
        if box is not None:
            _text(draw, box, text, font, (255, 255, 255, 255), (40, 40, 40, 150))
            out.append(Label(text, "grid", at, box))
    return out


def axes_origin(scene: Scene, proj: Projection) -> np.ndarray:
    """The table corner (5 cm in) nearest the camera whose axis arrows are all in view; the
    table centre if no corner's are."""
    t = scene.config.table
    best: tuple[float, np.ndarray] | None = None
    for sx in (-1, 1):
        for sy in (-1, 1):
            o = np.array(
                [
                    t.pos[0] + sx * (t.size[0] / 2 - 0.05),
                    t.pos[1] + sy * (t.size[1] / 2 - 0.05),
                    t.height,
                ]
            )
            _, ok = proj.project(np.vstack([o, o + AXIS_LENGTH * np.eye(3)]))
            dist = float(np.linalg.norm(o - proj.pos))
            if ok.all() and (best is None or dist < best[0]):
                best = (dist, o)
    return best[1] if best is not None else np.array([t.pos[0], t.pos[1], t.height])


def _draw_axes(
    draw: ImageDraw.ImageDraw, scene: Scene, proj: Projection, layout: _Layout, font: Font
) -> list[Label]:
    """Red x, green y, blue z arrows from :func:`axes_origin`, each labelled past its tip."""
    origin = axes_origin(scene, proj)
    width = max(2, proj.height // 110)
    tips: list[tuple[str, np.ndarray, np.ndarray]] = []
    for k, axis in enumerate("xyz"):
        seg = proj.segment(origin, origin + AXIS_LENGTH * np.eye(3)[k])
        if seg is None:
            continue
        base, tip = seg
        colour = (*AXIS_COLOURS[axis], 255)
        draw.line([tuple(base), tuple(tip)], fill=colour, width=width)
        d = tip - base
        length = float(np.linalg.norm(d))
        d = d / length if length > 1e-6 else np.zeros(2)
        if length > 1e-6:
            n, head = np.array([-d[1], d[0]]), 3.0 * width + 3.0
            draw.polygon(
                [
                    tuple(tip + d * 2),
                    tuple(tip - d * head + n * head / 2),
                    tuple(tip - d * head - n * head / 2),
                ],
                fill=colour,
            )
        if proj.project(origin + AXIS_LENGTH * np.eye(3)[k])[1][0]:
            tips.append((axis, tip, d))
    origin_px, ok = proj.project(origin)
    if ok[0]:
        c, r = origin_px[0], 2 * width
        draw.ellipse((c[0] - width, c[1] - width, c[0] + width, c[1] + width), fill="white")
        layout.taken.append((round(c[0] - r), round(c[1] - r), round(c[0] + r), round(c[1] + r)))
    out = []
    for axis, tip, d in tips:
        at = (float(tip[0] + 4 * d[0]), float(tip[1] + 4 * d[1]))
        sx, sy = (2.0 if d[0] >= 0 else -2.0), (2.0 if d[1] >= 0 else -2.0)
        box = layout.place(draw, axis, font, at, ((sx, sy), (-sx, sy), (sx, -sy), (-sx, -sy)))
        if box is not None:
            _text(draw, box, axis, font, (*AXIS_COLOURS[axis], 255), (255, 255, 255, 210))
            out.append(Label(axis, "axis", at, box))
    return out


def _object_labels(
    draw: ImageDraw.ImageDraw, scene: Scene, proj: Projection, layout: _Layout, font: Font
) -> list[Label]:
    """A dot at each object's body position (and each goal region's centre) and its name beside
    it (overlapping another label only when no side of the dot is free)."""
    names = list(scene.objects) + [r.name for r in scene.config.regions]
    if not names:
        return []
    top = scene.config.table.height
    points = np.stack([scene.data.xpos[h.body] for h in scene.objects.values()]
                      + [np.array([*r.pos, top]) for r in scene.config.regions])  # fmt: skip
    px, ok = proj.project(points)
    r = max(2, proj.height // 80)
    out = []
    for name, p, seen in zip(names, px, ok, strict=True):
        if not seen:
            continue
        at = (float(p[0]), float(p[1]))
        draw.ellipse(
            (at[0] - r, at[1] - r, at[0] + r, at[1] + r),
            fill=(255, 215, 0, 255),
            outline=(0, 0, 0, 255),
        )
        s, far = r + 2.0, 3.0 * r + 8.0
        sides = ((s, -s), (-s, -s), (s, s), (-s, s), (s, -far), (-s, far))
        box = layout.place(draw, name, font, at, sides, force=True)
        if box is not None:
            _text(draw, box, name, font, (255, 255, 255, 255), (0, 0, 0, 200))
            out.append(Label(name, "object", at, box))
    return out


def annotate_image(
    rgb: np.ndarray,
    scene: Scene,
    proj: Projection,
    table_mask: np.ndarray | None = None,
    keep_clear: tuple[Box, ...] = (),
) -> tuple[np.ndarray, list[Label]]:
    """``rgb`` (h, w, 3) with the grid (only where ``table_mask`` is set, if given), the world
    axes and the object names drawn on, and the labels placed. Object names are placed first;
    a grid or axis label that would overlap another label, or a ``keep_clear`` box, is left
    out."""
    h, w = rgb.shape[:2]
    image = Image.fromarray(rgb).convert("RGBA")
    image.alpha_composite(_draw_grid((w, h), scene, proj, table_mask))
    layers = {k: Image.new("RGBA", (w, h), (0, 0, 0, 0)) for k in ("grid", "axes", "objects")}
    font = label_font(h)
    layout = _Layout(w, h, keep_clear)
    labels = _object_labels(ImageDraw.Draw(layers["objects"]), scene, proj, layout, font)
    labels += _draw_axes(ImageDraw.Draw(layers["axes"]), scene, proj, layout, font)
    small = label_font(h, 0.85)
    labels += _grid_labels(ImageDraw.Draw(layers["grid"]), scene, proj, layout, small)
    for layer in layers.values():  # objects last, on top
        image.alpha_composite(layer)
    return np.asarray(image.convert("RGB")).copy(), labels
