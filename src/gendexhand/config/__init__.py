"""Typed schemas (pydantic v2), one per artifact that crosses a stage boundary."""

from gendexhand.config.loading import load_scene, parse_scene
from gendexhand.config.scene import (
    NAMED_VIEWS,
    CameraConfig,
    EmbodimentConfig,
    ObjectConfig,
    SceneConfig,
    TableConfig,
    TaskInfo,
)

__all__ = [
    "NAMED_VIEWS",
    "CameraConfig",
    "EmbodimentConfig",
    "ObjectConfig",
    "SceneConfig",
    "TableConfig",
    "TaskInfo",
    "load_scene",
    "parse_scene",
]
