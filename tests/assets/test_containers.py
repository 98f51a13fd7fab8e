"""Procedural containers: what is dropped into them stays inside."""

from __future__ import annotations

import numpy as np
import pytest

from gendexhand.sim import state
from gendexhand.sim.scene import build_scene
from tests.assets.helpers import in_region, run
from tests.conftest import minimal_config


@pytest.mark.parametrize(
    ("container", "item", "drop_height"),
    [("bowl", "apple", 0.15), ("mug", "golf_ball", 0.15), ("basket", "tennis_ball", 0.2)],
)
def test_things_dropped_into_containers_stay_inside(
    container: str, item: str, drop_height: float
) -> None:
    objects = [
        {"asset": container, "pos": [0.15, 0.0]},
        {"asset": item, "pos": [0.15, 0.0, 0.75 + drop_height]},
    ]
    if container == "mug":  # aim at the cup's centre, not the handle-inclusive box centre
        objects[1]["pos"] = [0.15, -0.015, 0.75 + drop_height]
    scene = build_scene(minimal_config("floating_shadow", objects=objects), settle=False)
    run(scene, 1.5)
    assert in_region(scene, item, f"{container}/interior")
    speed, _ = state.object_velocity(scene, item)
    assert np.linalg.norm(speed) < 0.01  # at rest in there, not rolling out


def test_an_apple_on_the_rim_is_not_inside() -> None:
    # placed on the rim it either stays there or falls off; it is never inside without falling in
    scene = build_scene(
        minimal_config(
            "floating_shadow",
            objects=[{"asset": "bowl", "pos": [0.15, 0.0]}, {"asset": "apple", "pos": [0.15, 0.3]}],
        )
    )
    assert not in_region(scene, "apple", "bowl/interior")
