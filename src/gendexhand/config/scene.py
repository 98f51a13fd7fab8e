"""Scene config: what stage 1 writes and the builder reads (``scene.yaml``).

Conventions: metres, degrees for ``euler_deg`` (turns about the fixed world x, y, z axes in that
order: MuJoCo's "XYZ"), world frame with z up and the table top centred at ``table.pos`` and
height ``table.height``. An object ``pos`` with two numbers ``[x, y]`` rests on the table top;
three numbers place its centre.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gendexhand.assets.catalog import catalog
from gendexhand.embodiment.registry import EMBODIMENTS
from gendexhand.errors import unknown_name_message

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_OBJECTS = 64
"""Most objects in one scene (the physical checks compare every pair of their geoms)."""
NAMED_VIEWS = ("front", "left", "right", "top", "near_hand")
"""Views every scene can render without defining a camera."""


def check_count(value: object, metadata: list[object]) -> object:
    """``value`` unchanged, unless it is a list or dict longer than the ``max_length`` among a
    field's ``metadata``: then refused at once (pydantic counts only after validating every
    item, which takes seconds for a 250 KiB list)."""
    limits = [getattr(m, "max_length", None) for m in metadata]
    limit = next((n for n in limits if isinstance(n, int)), None)
    if limit is not None and isinstance(value, list | dict) and len(value) > limit:
        raise ValueError(f"at most {limit} items, got {len(value)}")
    return value


def not_bool(value: object) -> object:
    """Numbers are numbers: YAML reads ``yes``/``no``/``on``/``off`` as booleans, which pydantic
    would otherwise take as 1 and 0."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean (YAML reads yes/no/on/off as booleans)")
    return value


Num = Annotated[float, BeforeValidator(not_bool)]
Coord = Annotated[float, BeforeValidator(not_bool), Field(ge=-10.0, le=10.0)]
"""Metres in the world frame (the workspace is a table top; ±10 m bounds typos, not tasks)."""
Angle = Annotated[float, BeforeValidator(not_bool), Field(ge=-360.0, le=360.0)]
"""Degrees."""
Unit = Annotated[float, BeforeValidator(not_bool), Field(ge=0.0, le=1.0)]
Vec3 = tuple[Coord, Coord, Coord]
PositiveFloat = Annotated[float, BeforeValidator(not_bool), Field(gt=0)]
TableSide = Annotated[float, BeforeValidator(not_bool), Field(gt=0, le=5.0)]
"""Metres."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class TaskInfo(_Strict):
    name: str = Field(description="Identifier: lower case letters, digits and underscores.")
    description: str = Field(
        default="", max_length=2000, description="What the robot should do, in words."
    )

    @field_validator("name")
    @classmethod
    def _identifier(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError(f"must match {NAME_RE.pattern} (lower case, digits, underscores)")
        return v


class EmbodimentConfig(_Strict):
    name: str = Field(default="franka_shadow", description="A registered embodiment.")
    hand: Path | None = Field(
        default=None, description="An MJCF hand file on a floating base; overrides name."
    )
    base_pos: Vec3 | None = Field(
        default=None, description="Robot base position; default: per embodiment, by the table."
    )
    base_yaw_deg: Angle = Field(default=0.0, description="Rotation of the base about z.")

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in EMBODIMENTS:
            raise ValueError(unknown_name_message("embodiment", v, EMBODIMENTS))
        return v


class TableConfig(_Strict):
    size: tuple[TableSide, TableSide] = Field(
        default=(1.2, 0.8), description="Table top x, y extent (m)."
    )
    height: PositiveFloat = Field(default=0.75, le=2.0, description="Height of the table top (m).")
    pos: tuple[Coord, Coord] = Field(default=(0.0, 0.0), description="Centre of the top (x, y).")


class ObjectConfig(_Strict):
    asset: str = Field(description="An asset id from the catalog (`gendexhand assets list`).")
    name: str | None = Field(default=None, description="Instance name; default: the asset id.")
    pos: tuple[Coord, ...] = Field(
        description="[x, y] rests on the table; [x, y, z] places the centre."
    )
    euler_deg: tuple[Angle, Angle, Angle] = Field(
        default=(0.0, 0.0, 0.0), description="Orientation, degrees."
    )
    scale: PositiveFloat = Field(default=1.0, le=10.0, description="Uniform scale.")
    fixed: bool | None = Field(
        default=None,
        description="Welded to the world (no free joint); default: the asset's (furniture is).",
    )
    mass: PositiveFloat | None = Field(
        default=None, le=100.0,
        description="Total mass in kg (at most 100); default: the asset's mass × scale³.",
    )  # fmt: skip
    joints: dict[str, Num] = Field(
        default_factory=dict,
        description="Initial joint values of articulated objects (rad, or m at this scale).",
    )
    rgba: tuple[Unit, Unit, Unit, Unit] | None = None

    @field_validator("asset")
    @classmethod
    def _known(cls, v: str) -> str:
        assets = catalog()
        if v not in assets:
            raise ValueError(unknown_name_message("asset id", v, assets, "gendexhand assets list"))
        return v

    @field_validator("joints")
    @classmethod
    def _joints_exist(cls, v: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        if "asset" not in info.data:
            return v  # the asset error is reported on its own
        asset = catalog()[info.data["asset"]]
        scale = info.data.get("scale", 1.0)
        known = {j.name: j for j in asset.joints}
        for name, value in v.items():
            if not known:
                raise ValueError(
                    f"asset {asset.id!r} has no joints; only articulated assets take initial "
                    "joint values"
                )
            if name not in known:
                raise ValueError(unknown_name_message("joint", name, known))
            lo, hi = known[name].scaled_range(scale)
            if not lo - 1e-9 <= value <= hi + 1e-9:
                raise ValueError(
                    f"{name}={value} is outside the joint range [{lo:g}, {hi:g}] "
                    f"({known[name].meaning})"
                )
        return v

    @property
    def is_fixed(self) -> bool:
        return catalog()[self.asset].fixed if self.fixed is None else self.fixed

    @field_validator("pos")
    @classmethod
    def _two_or_three(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if len(v) not in (2, 3):
            raise ValueError(
                f"needs 2 numbers [x, y] (resting on the table) or 3 [x, y, z], got {len(v)}"
            )
        return v

    @field_validator("name")
    @classmethod
    def _identifier(cls, v: str | None) -> str | None:
        if v is not None and not NAME_RE.match(v):
            raise ValueError(f"must match {NAME_RE.pattern} (lower case, digits, underscores)")
        return v

    @property
    def instance(self) -> str:
        return self.name or self.asset


class CameraConfig(_Strict):
    name: str
    lookat: Vec3
    distance: PositiveFloat = Field(le=20.0)
    azimuth: Angle = Field(description="Degrees about z; 0 looks along +x.")
    elevation: Angle = Field(le=90, ge=-90, description="Degrees; negative looks down.")


RegionSide = Annotated[float, BeforeValidator(not_bool), Field(ge=0.02, le=2.0)]
"""Metres."""


class RegionConfig(_Strict):
    """A goal region: a marked rectangle on the table top (drawn, never touched)."""

    name: str = Field(description="Identifier, distinct from the objects' names.")
    pos: tuple[Coord, Coord] = Field(description="Centre on the table top (x, y).")
    size: tuple[RegionSide, RegionSide] = Field(
        default=(0.15, 0.15), description="Extent along x and y (m)."
    )
    rgba: tuple[Unit, Unit, Unit, Unit] = (0.2, 0.65, 0.3, 0.8)

    @field_validator("name")
    @classmethod
    def _identifier(cls, v: str) -> str:
        if not NAME_RE.match(v) or len(v) > 64:
            raise ValueError(f"{v[:40]!r}: lower-case letters, digits and '_', ≤ 64 characters")
        return v


class SceneConfig(_Strict):
    """A complete scene: task, robot, table, objects, goal regions and cameras."""

    version: Literal[1] = 1
    task: TaskInfo
    embodiment: EmbodimentConfig = EmbodimentConfig()
    table: TableConfig = TableConfig()
    objects: list[ObjectConfig] = Field(
        default_factory=list, max_length=MAX_OBJECTS, description="The objects of the scene."
    )
    views: list[str] = Field(
        default_factory=lambda: list(NAMED_VIEWS),
        max_length=32,
        description="Views to render: named views or camera names.",
    )
    regions: list[RegionConfig] = Field(
        default_factory=list, max_length=8, description="Goal regions marked on the table."
    )
    cameras: list[CameraConfig] = Field(default_factory=list, max_length=16)
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Seed of the scene's randomness.")

    @field_validator("objects", "cameras", "views", "regions", mode="before")
    @classmethod
    def _count_first(cls, v: object, info: ValidationInfo) -> object:
        """Refuse a list that is too long before validating each of its items."""
        return check_count(v, cls.model_fields[info.field_name or ""].metadata)

    @model_validator(mode="after")
    def _consistent(self) -> SceneConfig:
        seen: set[str] = set()
        for i, obj in enumerate(self.objects):
            if obj.instance in seen:
                raise ValueError(
                    f"objects[{i}]: duplicate object name {obj.instance!r}; "
                    "give each instance a distinct `name`"
                )
            seen.add(obj.instance)
        for i, region in enumerate(self.regions):
            if region.name in seen:
                raise ValueError(
                    f"regions[{i}]: the name {region.name!r} is taken by an object or a region"
                )
            seen.add(region.name)
        cams = {c.name for c in self.cameras}
        for i, view in enumerate(self.views):
            if view not in NAMED_VIEWS and view not in cams:
                raise ValueError(
                    f"views[{i}]: " + unknown_name_message("view", view, (*NAMED_VIEWS, *cams))
                )
        return self
