"""What the catalog knows about an asset: metadata, named parts, joints and grasp frames.

Frames and units. Every asset is described at scale 1, in metres, in its own frame: the origin at
the centre of its collision bounding box, z up, and for furniture and appliances the *front*
(doors, drawer fronts, handles) facing −x, so that a robot at −x of the table faces it at yaw 0.

Parts are named regions (a handle, a door, a rim, an interior) on a body of the asset; in a built
scene each is a site ``<instance>/<part>`` (a box of the part's half extents, hidden in renders)
that moves with its body. Grasp frames are sites ``<instance>/grasp:<name>`` whose axes are the
palm frame at the grasp: z is the approach direction (out of the palm face, into the object) and x
points along the fingers. Their origin is the point the grasp closes around; the planner adds the
hand-specific distance from the palm to that point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import mujoco
import numpy as np

Vec3 = tuple[float, float, float]

PartKind = Literal[
    "body", "handle", "door", "drawer", "lid", "rim", "interior", "opening", "button", "neck"
]
JointKind = Literal["hinge", "slide"]
GraspKind = Literal["power", "pinch", "hook"]
Symmetry = Literal["none", "z", "flip"]

SpecBuilder = Callable[[tuple[float, float, float, float]], mujoco.MjSpec]
"""rgba → an ``MjSpec`` at scale 1 whose world holds one body named ``root``.

Every collision geom carries an explicit mass; the masses add up to :attr:`AssetInfo.mass`.
"""


@dataclass(frozen=True)
class Part:
    """A named region of an asset (in the frame of ``body``, at scale 1)."""

    name: str
    kind: PartKind
    pos: Vec3
    half_size: Vec3
    body: str = "root"
    """The asset body the part moves with."""
    description: str = ""

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "body": self.body,
            "pos_m": list(self.pos),
            "half_size_m": list(self.half_size),
            "description": self.description,
        }


@dataclass(frozen=True)
class JointInfo:
    """A joint of an articulated asset, with what its values mean."""

    name: str
    kind: JointKind
    range: tuple[float, float]
    """Radians (hinge) or metres at scale 1 (slide)."""
    closed: float
    """The value at which the part is closed / at rest."""
    opened: float
    """The value at which the part is fully open."""
    meaning: str
    part: str
    """The part the joint moves (a door, drawer or lid)."""

    def fraction(self, value: float) -> float:
        """How open the joint is: 0 at :attr:`closed`, 1 at :attr:`opened`."""
        return (value - self.closed) / (self.opened - self.closed)

    def scaled(self, value: float, scale: float) -> float:
        """``value`` of this joint for an instance at ``scale``: slides travel in proportion to
        the instance's size (a config stores them so), hinges turn the same."""
        return value * scale if self.kind == "slide" else value

    def scaled_range(self, scale: float) -> tuple[float, float]:
        return self.scaled(self.range[0], scale), self.scaled(self.range[1], scale)

    def summary(self) -> dict[str, object]:
        unit = "rad" if self.kind == "hinge" else "m"
        return {
            "name": self.name,
            "kind": self.kind,
            f"range_{unit}": list(self.range),
            "closed": self.closed,
            "open": self.opened,
            "meaning": self.meaning,
            "moves_part": self.part,
        }


@dataclass(frozen=True)
class GraspFrame:
    """A candidate palm pose for grasping a part (in the frame of the part's body)."""

    name: str
    part: str
    pos: Vec3
    """The point the grasp closes around."""
    approach: Vec3
    """Unit vector: the palm normal at the grasp (palm z), pointing into the object."""
    fingers: Vec3
    """Unit vector perpendicular to ``approach``: where the fingers point (palm x)."""
    kind: GraspKind = "power"
    standoff: float = 0.08
    """Pre-grasp distance back along ``approach`` (metres at scale 1)."""
    symmetry: Symmetry = "none"
    """``z``: any rotation about the asset's z axis is as good; ``flip``: fingers may point
    the other way."""

    def rotation(self) -> np.ndarray:
        """The 3×3 rotation whose columns are the palm axes x, y, z in the body frame."""
        z = np.asarray(self.approach, dtype=float)
        x = np.asarray(self.fingers, dtype=float)
        return np.column_stack([x, np.cross(z, x), z])

    def quat(self) -> list[float]:
        q = np.zeros(4)
        mujoco.mju_mat2Quat(q, self.rotation().flatten())
        return [float(v) for v in q]

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "part": self.part,
            "kind": self.kind,
            "pos_m": list(self.pos),
            "approach": list(self.approach),
            "fingers": list(self.fingers),
            "standoff_m": self.standoff,
            "symmetry": self.symmetry,
        }


@dataclass(frozen=True)
class AssetInfo:
    """One catalog entry: what an LLM reads and how to build it."""

    id: str
    name: str
    category: str
    description: str
    size: Vec3
    """Bounding box (x, y, z) of the collision geometry in metres at scale 1."""
    mass: float
    """Kilograms at scale 1 (all bodies together)."""
    graspable: bool
    rgba: tuple[float, float, float, float]
    build: SpecBuilder = field(repr=False, compare=False)
    parts: tuple[Part, ...] = ()
    joints: tuple[JointInfo, ...] = ()
    grasps: tuple[GraspFrame, ...] = ()
    source: str = "procedural (gendexhand), Apache-2.0"
    """Where the geometry comes from and its licence; it travels with every scene built."""
    fixed: bool = False
    """Default for scenes: furniture and appliances stand still unless the config says otherwise."""

    @property
    def bottom(self) -> float:
        """Distance from the origin to the lowest point, at scale 1."""
        return self.size[2] / 2

    @property
    def articulated(self) -> bool:
        return bool(self.joints)

    def part(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(name)

    def joint(self, name: str) -> JointInfo:
        for j in self.joints:
            if j.name == name:
                return j
        raise KeyError(name)

    def summary(self, detail: bool = False) -> dict[str, object]:
        """Plain data (what an LLM prompt or ``assets list/show`` prints)."""
        out: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "description": self.description,
            "size_m": [round(v, 4) for v in self.size],
            "mass_kg": round(self.mass, 4),
            "graspable": self.graspable,
            "articulated": self.articulated,
            "fixed_by_default": self.fixed,
            "parts": [p.name for p in self.parts],
            "joints": [f"{j.name}: {j.meaning}" for j in self.joints],
            "source": self.source,
        }
        if detail:
            out["parts"] = [p.summary() for p in self.parts]
            out["joints"] = [j.summary() for j in self.joints]
            out["grasps"] = [g.summary() for g in self.grasps]
        return out
