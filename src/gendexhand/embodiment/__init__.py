"""Robots: arms and dexterous hands composed with ``mujoco.MjSpec``; joint groups discovered from
the kinematic tree."""

from gendexhand.embodiment.discovery import ActuatorGroup, Fingertip, HandLayout, discover_layout
from gendexhand.embodiment.embodiment import Embodiment, HandMetrics
from gendexhand.embodiment.registry import (
    EMBODIMENTS,
    RobotSpec,
    embodiment_names,
    robot_spec,
)

__all__ = [
    "EMBODIMENTS",
    "ActuatorGroup",
    "Embodiment",
    "Fingertip",
    "HandLayout",
    "HandMetrics",
    "RobotSpec",
    "discover_layout",
    "embodiment_names",
    "robot_spec",
]
