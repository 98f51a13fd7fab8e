"""One controller per subtask kind (see :mod:`gendexhand.plan.controllers.base`); importing this
package registers the built-in kinds ``motion``, ``scripted`` and ``rl``."""

from gendexhand.plan.controllers import motion, rl, scripted
from gendexhand.plan.controllers.base import (
    CONTROLLERS,
    Controller,
    Episode,
    PlanCheck,
    SubtaskError,
    controller,
    controller_for,
)

__all__ = [
    "CONTROLLERS",
    "Controller",
    "Episode",
    "PlanCheck",
    "SubtaskError",
    "controller",
    "controller_for",
    "motion",
    "rl",
    "scripted",
]
