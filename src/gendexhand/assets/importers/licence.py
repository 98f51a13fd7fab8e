"""Where an imported asset's licence comes from: a file next to the source, or ``--license``."""

from __future__ import annotations

from pathlib import Path

from gendexhand.assets.importers.common import ImportOptions
from gendexhand.errors import AssetError

LICENSE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING", "license.txt", "license")


def source_licence(source: Path, options: ImportOptions) -> tuple[str, str]:
    """(licence text, where it came from) for a source file or folder."""
    folder = source if source.is_dir() else source.parent
    for name in LICENSE_NAMES:
        if (folder / name).is_file():
            return (folder / name).read_text(errors="replace"), f"{name} next to the source"
    if options.license:
        return options.license, "given with --license"
    raise AssetError(
        f"{source}: no licence found (looked for {', '.join(LICENSE_NAMES)} in {folder}); "
        "give the source's licence with --license TEXT so it travels with the asset"
    )


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, at most 120 characters (for ``source``)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:120]
