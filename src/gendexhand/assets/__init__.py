"""Object assets: the catalog the LLM reads and the builders that put objects into a scene."""

from gendexhand.assets.catalog import CATALOG, AssetInfo, asset_ids, get_asset

__all__ = ["CATALOG", "AssetInfo", "asset_ids", "get_asset"]
