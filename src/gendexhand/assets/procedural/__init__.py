"""The procedural part of the catalog: everyday objects and furniture built from primitives.

Each builder works at scale 1 with the origin at the centre of the bounding box (see
:mod:`gendexhand.assets.model`). The declared sizes are checked against the built geometry by the
contract tests, so a builder and its metadata cannot drift apart. One module per family:
:mod:`~.solids` (blocks, balls, fruit), :mod:`~.containers`, :mod:`~.tools` and
:mod:`~.articulated` (furniture with joints); :mod:`~.geometry` holds what they share.
"""

from __future__ import annotations

from gendexhand.assets.model import AssetInfo
from gendexhand.assets.procedural.articulated import articulated
from gendexhand.assets.procedural.containers import containers
from gendexhand.assets.procedural.solids import balls_and_fruit, blocks
from gendexhand.assets.procedural.tools import tools


def procedural_assets() -> list[AssetInfo]:
    """Every procedural asset, in catalog order."""
    return [*blocks(), *balls_and_fruit(), *containers(), *tools(), *articulated()]
