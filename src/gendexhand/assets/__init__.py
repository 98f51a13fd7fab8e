"""Object assets: the catalog the LLM reads, their parts, joints and grasp frames, importers."""

from gendexhand.assets.catalog import asset_ids, catalog, get_asset, reload_catalog
from gendexhand.assets.instance import instance_spec, scale_spec
from gendexhand.assets.model import AssetInfo, GraspFrame, JointInfo, Part

__all__ = [
    "AssetInfo",
    "GraspFrame",
    "JointInfo",
    "Part",
    "asset_ids",
    "catalog",
    "get_asset",
    "instance_spec",
    "reload_catalog",
    "scale_spec",
]
