"""Offscreen multi-view rendering on the CPU, and the labelled contact sheet.

Named views are placed from the table and the palm, so they frame any scene: ``front`` (from the
far side of the table, facing the robot), ``left``/``right`` (from the robot's left/right),
``top`` (straight down) and ``near_hand`` (close to the palm). Scene configs can add cameras.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import mujoco
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gendexhand.errors import RenderError
from gendexhand.sim.annotate import Label, Projection, annotate_image
from gendexhand.sim.gl import INSTALL_HINT
from gendexhand.sim.scene import Scene


@dataclass(frozen=True)
class View:
    """A free camera: look at ``lookat`` from ``distance`` (m), angles in degrees."""

    name: str
    lookat: tuple[float, float, float]
    distance: float
    azimuth: float
    elevation: float

    def camera(self) -> mujoco.MjvCamera:
        cam = mujoco.MjvCamera()
        cam.type = mujoco.mjtCamera.mjCAMERA_FREE
        cam.lookat[:] = self.lookat
        cam.distance, cam.azimuth, cam.elevation = self.distance, self.azimuth, self.elevation
        return cam


def scene_views(scene: Scene) -> dict[str, View]:
    """Every view the scene offers: the named views and the config's cameras."""
    t = scene.config.table
    centre = (t.pos[0] + 0.1, t.pos[1], t.height + 0.12)
    span = max(t.size) * 1.15
    palm, _ = scene.robot.palm_pose(scene.data)
    views = {
        "front": View("front", centre, span * 1.3, 180.0, -25.0),
        "left": View("left", centre, span * 1.3, -90.0, -25.0),
        "right": View("right", centre, span * 1.3, 90.0, -25.0),
        "top": View("top", (centre[0], centre[1], t.height), span * 1.4, 180.0, -89.0),
        "near_hand": View(
            "near_hand", (float(palm[0]), float(palm[1]), float(palm[2])), 0.45, 150.0, -30.0
        ),
    }
    for cam in scene.config.cameras:
        views[cam.name] = View(cam.name, cam.lookat, cam.distance, cam.azimuth, cam.elevation)
    return views


@dataclass
class Frame:
    """One rendered view: RGB (h, w, 3) uint8, optional depth (h, w) metres and segmentation
    (h, w) object ids (body id per pixel, -1 for background), the camera it was drawn with, and
    the labels drawn on it (when annotated)."""

    view: str
    rgb: np.ndarray
    depth: np.ndarray | None = None
    segmentation: np.ndarray | None = None
    projection: Projection | None = None
    labels: list[Label] = field(default_factory=list)


class SceneRenderer:
    """Renders views of a scene. Use as a context manager (the GL context is freed on exit)."""

    def __init__(
        self,
        scene: Scene,
        width: int = 320,
        height: int = 240,
        shadows: bool = False,
        show_sites: bool = False,
        show_parts: bool = False,
    ) -> None:
        self.scene = scene
        self.shadows = shadows
        self.option = mujoco.MjvOption()
        if show_sites:  # grasp frames (site group 4), drawn with 4 cm axes
            self.option.sitegroup[4] = 1
            self.option.frame = mujoco.mjtFrame.mjFRAME_SITE
            scene.model.vis.scale.framelength = 0.04 / scene.model.stat.meansize
            scene.model.vis.scale.framewidth = 0.003 / scene.model.stat.meansize
        if show_parts:  # part regions (site group 5)
            self.option.sitegroup[5] = 1
        try:
            self._renderer = mujoco.Renderer(scene.model, height=height, width=width)
        except Exception as exc:  # GL failures surface as various exception types
            raise RenderError(
                f"cannot create an offscreen renderer ({exc}); {INSTALL_HINT}"
            ) from exc

    def __enter__(self) -> SceneRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._renderer.close()

    def _update(self, view: View) -> None:
        r = self._renderer
        r.update_scene(self.scene.data, camera=view.camera(), scene_option=self.option)
        r.scene.flags[mujoco.mjtRndFlag.mjRND_SHADOW] = int(self.shadows)
        r.scene.flags[mujoco.mjtRndFlag.mjRND_REFLECTION] = 0

    def render(
        self,
        views: list[str] | None = None,
        depth: bool = False,
        segmentation: bool = False,
        annotate: bool = False,
    ) -> list[Frame]:
        """Render ``views`` (default: the config's ``views``) and return one frame each.

        With ``annotate``, each RGB image also shows the object names, a 10 cm grid on the
        table top and the world axes (see :mod:`gendexhand.sim.annotate`)."""
        available = scene_views(self.scene)
        names = views if views is not None else list(self.scene.config.views)
        frames = []
        for name in names:
            if name not in available:
                raise RenderError(f"unknown view {name!r}; available: {', '.join(available)}")
            view = available[name]
            r = self._renderer
            self._update(view)
            proj = self.projection()
            frame = Frame(name, r.render().copy(), projection=proj)
            if depth:
                r.enable_depth_rendering()
                self._update(view)
                frame.depth = r.render().copy()
                r.disable_depth_rendering()
            if segmentation or annotate:
                geom = self._segment(view)
                if segmentation:
                    model = self.scene.model
                    frame.segmentation = np.where(
                        geom >= 0, model.geom_bodyid[np.clip(geom, 0, None)], -1
                    )
                if annotate:
                    mask, clear = self._table_mask(geom), (_name_box(name),)
                    frame.rgb, frame.labels = annotate_image(
                        frame.rgb, self.scene, proj, mask, keep_clear=clear
                    )
            frames.append(frame)
        return frames

    def projection(self) -> Projection:
        """The camera of the view last drawn (after its scene update)."""
        r = self._renderer
        return Projection.from_scene(r.scene, r.width, r.height)

    def _segment(self, view: View) -> np.ndarray:
        """Geom id per pixel (-1 where no geom was drawn)."""
        r = self._renderer
        r.enable_segmentation_rendering()
        self._update(view)
        seg = r.render()
        r.disable_segmentation_rendering()
        is_geom = seg[..., 1] == int(mujoco.mjtObj.mjOBJ_GEOM)
        return np.where(is_geom & (seg[..., 0] >= 0), seg[..., 0].astype(int), -1)

    def _table_mask(self, geom: np.ndarray) -> np.ndarray | None:
        """Where the table top shows (None if the model has no ``table_top`` geom)."""
        top = mujoco.mj_name2id(self.scene.model, mujoco.mjtObj.mjOBJ_GEOM, "table_top")
        return geom == top if top >= 0 else None


def _name_box(view: str) -> tuple[int, int, int, int]:
    """Where :func:`contact_sheet` puts a view's name tag on its tile."""
    font = ImageFont.load_default()
    box = ImageDraw.Draw(Image.new("RGB", (1, 1))).textbbox((6, 6), view, font=font)
    return (0, 0, int(box[2]) + 4, int(box[3]) + 4)


def contact_sheet(frames: list[Frame], title: str = "", columns: int = 3) -> Image.Image:
    """Tile RGB frames into one labelled image (what an MLLM and a person look at)."""
    if not frames:
        raise RenderError("no frames to put on a contact sheet")
    h, w = frames[0].rgb.shape[:2]
    cols = min(columns, len(frames))
    rows = (len(frames) + cols - 1) // cols
    top = 28 if title else 0
    sheet = Image.new("RGB", (cols * w, rows * h + top), (20, 20, 24))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    if title:
        draw.text((8, 8), title, fill=(235, 235, 235), font=font)
    for k, f in enumerate(frames):
        x, y = (k % cols) * w, top + (k // cols) * h
        sheet.paste(Image.fromarray(f.rgb), (x, y))
        label = f.view
        box = draw.textbbox((x + 6, y + 6), label, font=font)
        draw.rectangle((box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3), fill=(0, 0, 0))
        draw.text((x + 6, y + 6), label, fill=(255, 255, 0), font=font)
    return sheet


def save_frames(frames: list[Frame], out_dir: Path, title: str = "") -> list[Path]:
    """Write ``<view>.png`` (and depth/segmentation ``.npy`` + preview) and ``views.png``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for f in frames:
        p = out_dir / f"{f.view}.png"
        Image.fromarray(f.rgb).save(p)
        written.append(p)
        if f.depth is not None:
            np.save(out_dir / f"{f.view}.depth.npy", f.depth.astype(np.float32))
            finite = f.depth[np.isfinite(f.depth)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            norm = np.clip((f.depth - lo) / max(hi - lo, 1e-6), 0, 1)
            Image.fromarray((255 * (1 - norm)).astype(np.uint8)).save(
                out_dir / f"{f.view}.depth.png"
            )
        if f.segmentation is not None:
            np.save(out_dir / f"{f.view}.seg.npy", f.segmentation.astype(np.int32))
            rng = np.random.default_rng(0)
            palette = rng.integers(40, 255, size=(int(f.segmentation.max()) + 2, 3), dtype=np.uint8)
            palette[0] = 0
            Image.fromarray(palette[f.segmentation + 1]).save(out_dir / f"{f.view}.seg.png")
    sheet = out_dir / "views.png"
    contact_sheet(frames, title).save(sheet)
    written.append(sheet)
    return written
