"""``gendexhand assets list|show|render|import``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from gendexhand.assets.catalog import catalog, get_asset, reload_catalog, user_library_dir
from gendexhand.errors import AssetError


def assets_list(category: str | None, as_json: bool) -> int:
    assets = [a for a in catalog().values() if category is None or a.category == category]
    if category is not None and not assets:
        cats = sorted({a.category for a in catalog().values()})
        raise AssetError(f"no assets in category {category!r}; categories: {', '.join(cats)}")
    if as_json:
        print(json.dumps([a.summary() for a in assets], indent=2))
        return 0
    print(f"{'id':<15} {'category':<10} {'size (cm)':<19} {'kg':>6}  grasp  joints")
    for a in sorted(assets, key=lambda a: (a.category, a.id)):
        size = " × ".join(f"{v * 100:.0f}" for v in a.size)
        joints = ", ".join(j.name for j in a.joints) or "-"
        print(
            f"{a.id:<15} {a.category:<10} {size:<19} {a.mass:>6.2f}  "
            f"{'yes' if a.graspable else 'no':<5}  {joints}"
        )
    print(f"\n{len(assets)} assets; imported ones come from {user_library_dir()}")
    return 0


def assets_show(asset_id: str, as_json: bool) -> int:
    asset = get_asset(asset_id)
    info = asset.summary(detail=True)
    if as_json:
        print(json.dumps(info, indent=2))
        return 0
    size = " × ".join(f"{v * 100:.1f}" for v in asset.size)
    print(f"{asset.id}: {asset.name} ({asset.category})")
    print(f"  {asset.description}")
    print(
        f"  size {size} cm, mass {asset.mass:.3f} kg, graspable: {asset.graspable}, "
        f"fixed by default: {asset.fixed}"
    )
    print(f"  source: {asset.source}")
    print("  parts (site <instance>/<part>):")
    for p in asset.parts:
        half = ", ".join(f"{v * 100:.1f}" for v in p.half_size)
        print(f"    {p.name:<14} {p.kind:<9} on body {p.body:<16} half size ({half}) cm")
    if asset.joints:
        print("  joints:")
        for j in asset.joints:
            print(f"    {j.name:<20} {j.kind:<6} range {j.range}  {j.meaning}")
    print("  grasp frames (site <instance>/grasp:<name>):")
    for g in asset.grasps:
        print(
            f"    {g.name:<18} {g.kind:<6} on {g.part:<12} approach {list(g.approach)} "
            f"fingers {list(g.fingers)} symmetry {g.symmetry}"
        )
    if not asset.grasps:
        print("    (none)")
    return 0


def assets_render(
    asset_id: str, out: Path, scale: float, width: int, height: int, parts: bool = False
) -> int:
    from gendexhand.cli.showcase import showcase_config
    from gendexhand.sim.render import SceneRenderer, save_frames
    from gendexhand.sim.scene import build_scene

    asset = get_asset(asset_id)
    joints = {
        j.name: (j.closed + j.opened) / 2 * (scale if j.kind == "slide" else 1.0)
        for j in asset.joints
    }
    config = showcase_config(asset_id, scale, joints)
    scene = build_scene(config)
    with SceneRenderer(scene, width, height, show_sites=True, show_parts=parts) as renderer:
        frames = renderer.render()
    what = "part regions (green) and grasp frames" if parts else "grasp frames"
    save_frames(
        frames, out, f"{asset_id}: {what} (x red, y green, z blue = approach); joints half open"
    )
    print(f"{asset_id}: wrote {out / 'views.png'}")
    return 0


def assets_import(
    path: Path,
    into: Path | None,
    *,
    license_text: str | None,
    density: float,
    unit_scale: float,
    up: str,
    yaw_deg: float,
    category: str,
    quality: str,
    overwrite: bool,
) -> int:
    from gendexhand.assets.importers import ImportOptions, import_path
    from gendexhand.assets.library import read_asset_folder

    target = into or user_library_dir()
    options = ImportOptions(
        density=density,
        unit_scale=unit_scale,
        up=up,
        yaw_deg=yaw_deg,
        license=license_text,
        category=category,
        quality=quality,
    )
    t0 = time.perf_counter()
    folders = import_path(
        path, target, options, overwrite, progress=lambda m: print(m, file=sys.stderr)
    )
    reload_catalog()
    for folder in folders:
        asset = read_asset_folder(folder)
        instance_check(asset.id, folder)
        size = " × ".join(f"{v * 100:.1f}" for v in asset.size)
        print(
            f"imported {asset.id}: {size} cm, {asset.mass:.3f} kg, {len(asset.parts)} parts, "
            f"{len(asset.joints)} joints -> {folder}"
        )
    print(f"{len(folders)} asset(s) in {time.perf_counter() - t0:.1f}s", end="")
    if into is not None and into != user_library_dir():
        print(f"; to use them set GENDEXHAND_ASSET_DIR={target}")
    else:
        print("; `gendexhand assets list` shows them")
    return 0


def instance_check(asset_id: str, folder: Path) -> None:
    """Compile the imported asset once so a broken import fails now, not in a scene."""
    from gendexhand.assets.instance import instance_spec
    from gendexhand.assets.library import read_asset_folder

    try:
        instance_spec(read_asset_folder(folder)).compile()
    except ValueError as exc:
        raise AssetError(
            f"imported asset {asset_id!r} in {folder} does not compile: {exc}"
        ) from exc
