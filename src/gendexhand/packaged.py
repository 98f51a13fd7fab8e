"""Files shipped inside our pip dependencies, found on disk without importing their code.

gymnasium-robotics ships MJCF model files (hands, an arm, kitchen appliances); only the files are
used. Nothing is downloaded: if the package is missing, the error says what to install.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from gendexhand.errors import EmbodimentError


@cache
def gymnasium_robotics_assets() -> Path:
    """Directory ``gymnasium_robotics/envs/assets`` of the installed package (not imported)."""
    found = importlib.util.find_spec("gymnasium_robotics")
    if found is None or not found.submodule_search_locations:
        raise EmbodimentError(
            "the model files come from the pip package 'gymnasium-robotics', which is not "
            "installed: pip install gymnasium-robotics"
        )
    root = Path(next(iter(found.submodule_search_locations))) / "envs" / "assets"
    if not root.is_dir():
        raise EmbodimentError(f"gymnasium-robotics is installed but has no asset folder {root}")
    return root
