"""A custom ``PhysicsSettings`` reaches every part of the built scene, not just the objects."""

from __future__ import annotations

import dataclasses

import mujoco
import numpy as np
import pytest

from gendexhand.physics import DEFAULT_PHYSICS
from gendexhand.sim.scene import build_scene

from ..conftest import minimal_config

CUSTOM = dataclasses.replace(
    DEFAULT_PHYSICS,
    timestep=0.001,
    contact_condim=3,
    friction=(0.8, 0.01, 0.0002),
    solref=(0.02, 0.9),
)


def _collision_geoms_below(model: mujoco.MjModel, root: int) -> list[int]:
    """Geoms on ``root`` or any body below it."""

    def below(b: int) -> bool:
        while b > 0:
            if b == root:
                return True
            b = int(model.body_parentid[b])
        return False

    return [g for g in range(model.ngeom) if below(model.geom_bodyid[g])]


def _assert_contact_settings(model: mujoco.MjModel, geoms: list[int]) -> None:
    colliding = [g for g in geoms if model.geom_contype[g] or model.geom_conaffinity[g]]
    assert colliding
    for g in colliding:
        assert model.geom_condim[g] == CUSTOM.contact_condim, model.geom(g).name
        np.testing.assert_allclose(model.geom_friction[g], CUSTOM.friction)
        np.testing.assert_allclose(model.geom_solref[g], CUSTOM.solref)


@pytest.mark.parametrize("embodiment", ["floating_shadow", "franka_shadow"])
def test_custom_physics_reaches_the_hand_the_table_and_the_objects(embodiment: str) -> None:
    assert CUSTOM.contact_condim != DEFAULT_PHYSICS.contact_condim
    assert CUSTOM.friction != DEFAULT_PHYSICS.friction
    assert CUSTOM.solref != DEFAULT_PHYSICS.solref
    config = minimal_config(embodiment, objects=[{"asset": "cube", "pos": [0.2, 0.0]}])
    scene = build_scene(config, physics=CUSTOM, settle=False)
    model = scene.model
    assert scene.physics is CUSTOM
    assert model.opt.timestep == CUSTOM.timestep
    _assert_contact_settings(model, _collision_geoms_below(model, scene.robot.layout.hand_root))
    _assert_contact_settings(model, [model.geom("table_top").id])
    _assert_contact_settings(model, list(scene.objects["cube"].geoms))
