"""Contract tests over every catalog asset, and the behaviour of concave and articulated ones."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from gendexhand.assets import catalog, get_asset, instance_spec
from gendexhand.assets.catalog import builtin_assets
from gendexhand.errors import ConfigError
from gendexhand.sim import state
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.render import SceneRenderer
from gendexhand.sim.scene import Scene, build_scene
from tests.conftest import minimal_config

BUILTIN = sorted(builtin_assets())


def _alone(asset_id: str, scale: float = 1.0, **extra: object) -> Scene:
    """The asset alone on the table, in front of a floating hand kept out of the way."""
    obj = {"asset": asset_id, "pos": [0.4, 0.0], "scale": scale, **extra}
    size = max(get_asset(asset_id).size) * scale
    close = {
        "name": "close",
        "lookat": [0.4, 0, 0.75 + size / 2],
        "distance": 2 * size + 0.15,
        "azimuth": 200,
        "elevation": -35,
    }
    config = minimal_config(
        "floating_shadow", table={"size": [1.6, 1.2]}, objects=[obj], cameras=[close]
    )
    # the hand floats up and to the side, out of reach of swinging doors
    data = config.model_dump()
    data["embodiment"]["base_pos"] = (-0.5, 0.5, 1.3)
    return build_scene(type(config).model_validate(data))


def _standalone(asset_id: str, scale: float = 1.0, mass: float | None = None) -> mujoco.MjModel:
    return instance_spec(get_asset(asset_id), scale, mass=mass).compile()


def _bounds_at_rest(model: mujoco.MjModel) -> tuple[np.ndarray, np.ndarray]:
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    return collision_bounds(model, data, range(model.ngeom))


def test_catalog_size_and_metadata() -> None:
    assets = builtin_assets()
    assert len(assets) >= 25
    assert sum(a.articulated for a in assets.values()) >= 4
    for a in assets.values():
        info = a.summary()
        assert info["description"] and info["source"] and info["category"]
        assert a.mass > 0 and min(a.size) > 0
        if a.graspable:
            assert a.grasps, f"{a.id} is graspable but has no grasp frames"
        for joint in a.joints:
            assert joint.part in {p.name for p in a.parts}
            assert joint.range[0] <= min(joint.closed, joint.opened)
            assert max(joint.closed, joint.opened) <= joint.range[1]
            assert joint.meaning


@pytest.mark.parametrize("asset_id", BUILTIN)
def test_declared_size_centre_and_mass_match_the_geometry(asset_id: str) -> None:
    asset = get_asset(asset_id)
    model = _standalone(asset_id)
    lo, hi = _bounds_at_rest(model)
    np.testing.assert_allclose(hi - lo, asset.size, atol=0.002)
    np.testing.assert_allclose((hi + lo) / 2, 0.0, atol=0.002)
    assert model.body_mass.sum() == pytest.approx(asset.mass, rel=1e-6)


@pytest.mark.parametrize("asset_id", BUILTIN)
def test_asset_in_a_scene_rests_renders_and_has_its_sites(asset_id: str) -> None:
    asset = get_asset(asset_id)
    scene = _alone(asset_id)
    m, d = scene.model, scene.data
    handle = scene.objects[asset_id]
    # resting on the table: the lowest point touches the top
    lo, _ = collision_bounds(m, d, handle.geoms)
    assert lo[2] == pytest.approx(scene.config.table.height, abs=0.004)
    # 200 control-rate steps at rest: finite, no drift of the body or its joints
    pos0 = d.xpos[handle.body].copy()
    joints0 = {n: float(d.qpos[a]) for n, a in handle.joints.items()}
    for _ in range(200):
        mujoco.mj_step(m, d)
    assert np.all(np.isfinite(d.qpos))
    assert np.linalg.norm(d.xpos[handle.body] - pos0) < 0.002
    for n, a in handle.joints.items():
        assert abs(d.qpos[a] - joints0[n]) < 0.005, n
    # every part and grasp frame is a site of the instance; grasp frames are orthonormal
    for part in asset.parts:
        site = m.site(f"{asset_id}/{part.name}")
        assert m.site_bodyid[site.id] in handle.bodies
    for grasp in asset.grasps:
        site = m.site(f"{asset_id}/grasp:{grasp.name}")
        rot = d.site_xmat[site.id].reshape(3, 3)
        np.testing.assert_allclose(rot.T @ rot, np.eye(3), atol=1e-9)
        # the grasp point lies within its part's region (grown by 1 cm)
        part = m.site(f"{asset_id}/{grasp.part}")
        local = d.site_xmat[part.id].reshape(3, 3).T @ (d.site_xpos[site.id] - d.site_xpos[part.id])
        assert np.all(np.abs(local) <= m.site_size[part.id] + 0.01), grasp.name
    # it shows up in a render
    with SceneRenderer(scene, 320, 240) as renderer:
        (frame,) = renderer.render(["close"], segmentation=True)
    assert frame.segmentation is not None
    assert np.isin(frame.segmentation, handle.bodies).mean() > 0.005


@pytest.mark.parametrize("asset_id", ["cabinet", "drawer", "mug", "bowl", "microwave"])
@pytest.mark.parametrize("scale", [0.5, 1.7])
def test_scaling_is_consistent(asset_id: str, scale: float) -> None:
    asset = get_asset(asset_id)
    one, scaled = _standalone(asset_id), _standalone(asset_id, scale)
    lo1, hi1 = _bounds_at_rest(one)
    lo, hi = _bounds_at_rest(scaled)
    np.testing.assert_allclose(hi - lo, (hi1 - lo1) * scale, rtol=1e-6, atol=1e-9)
    assert scaled.body_mass.sum() == pytest.approx(asset.mass * scale**3, rel=1e-6)
    np.testing.assert_allclose(scaled.body_inertia, one.body_inertia * scale**5, rtol=1e-6)
    np.testing.assert_allclose(scaled.body_pos, one.body_pos * scale, atol=1e-12)
    np.testing.assert_allclose(scaled.site_pos, one.site_pos * scale, atol=1e-12)
    np.testing.assert_allclose(scaled.site_size, one.site_size * scale, atol=1e-12)
    for j in range(one.njnt):
        factor = scale if one.jnt_type[j] == mujoco.mjtJoint.mjJNT_SLIDE else 1.0
        np.testing.assert_allclose(scaled.jnt_range[j], one.jnt_range[j] * factor)
        np.testing.assert_allclose(scaled.jnt_pos[j], one.jnt_pos[j] * scale, atol=1e-12)


@pytest.mark.parametrize("asset_id", BUILTIN)
def test_scaled_assets_stay_physically_valid(asset_id: str) -> None:
    scene = _alone(asset_id, scale=0.6)
    handle = scene.objects[asset_id]
    pos0 = scene.data.xpos[handle.body].copy()
    for _ in range(100):
        mujoco.mj_step(scene.model, scene.data)
    assert np.all(np.isfinite(scene.data.qpos))
    assert np.linalg.norm(scene.data.xpos[handle.body] - pos0) < 0.002


def test_given_mass_overrides_the_cubic_law() -> None:
    model = _standalone("cabinet", 0.5, mass=2.0)
    assert model.body_mass.sum() == pytest.approx(2.0)
    scene = _alone("bottle", 1.2, mass=0.9)
    assert scene.model.body_mass[list(scene.objects["bottle"].bodies)].sum() == pytest.approx(0.9)


def test_furniture_is_fixed_by_default_and_can_be_freed() -> None:
    assert _alone("cabinet").objects["cabinet"].fixed
    assert not _alone("storage_box", fixed=False).objects["storage_box"].fixed
    assert not _alone("mug").objects["mug"].fixed


def test_initial_joint_values_and_their_errors() -> None:
    scene = _alone("drawer", 0.8, joints={"drawer_slide": 0.15})
    assert scene.data.qpos[scene.objects["drawer"].joints["drawer_slide"]] == pytest.approx(
        0.15, abs=0.005
    )
    with pytest.raises(ConfigError, match=r"unknown joint 'slide'\. Valid joints: drawer_slide"):
        minimal_config(objects=[{"asset": "drawer", "pos": [0, 0], "joints": {"slide": 0.1}}])
    # slide ranges scale with the object: 0.22 m at scale 1 is 0.176 m at 0.8
    with pytest.raises(ConfigError, match=r"outside the joint range \[0, 0\.176\]"):
        minimal_config(
            objects=[
                {"asset": "drawer", "pos": [0, 0], "scale": 0.8, "joints": {"drawer_slide": 0.2}}
            ]
        )


def _in_region(scene: Scene, obj: str, region_site: str) -> bool:
    """Whether ``obj``'s centre lies inside the box of site ``region_site``."""
    m, d = scene.model, scene.data
    site = m.site(region_site).id
    local = d.site_xmat[site].reshape(3, 3).T @ (
        d.xpos[scene.objects[obj].body] - d.site_xpos[site]
    )
    return bool(np.all(np.abs(local) <= m.site_size[site]))


def _run(scene: Scene, seconds: float) -> None:
    for _ in range(round(seconds / scene.model.opt.timestep)):
        mujoco.mj_step(scene.model, scene.data)


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
    _run(scene, 1.5)
    assert _in_region(scene, item, f"{container}/interior")
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
    assert not _in_region(scene, "apple", "bowl/interior")


def test_an_open_drawer_carries_what_is_in_it() -> None:
    scene = build_scene(
        minimal_config(
            "floating_shadow",
            objects=[
                {"asset": "drawer", "pos": [0.2, 0.0], "joints": {"drawer_slide": 0.2}},
                {"asset": "cube", "pos": [0.2 - 0.187 - 0.2 + 0.14, 0.0, 0.85]},
            ],
        )
    )
    assert _in_region(scene, "cube", "drawer/interior")
    cube0, _ = state.object_pose(scene, "cube")
    slide = scene.objects["drawer"].joints["drawer_slide"]
    dof = int(scene.model.jnt_dofadr[scene.model.joint("drawer/drawer_slide").id])
    # pull it shut over one second with a PD force along its axis, then hold for half a second
    m, d = scene.model, scene.data
    for k in range(round(1.5 / m.opt.timestep)):
        target = max(0.0, 0.2 * (1 - k * m.opt.timestep))
        d.qfrc_applied[dof] = 300 * (target - d.qpos[slide]) - 30 * d.qvel[dof]
        mujoco.mj_step(m, d)
    moved = 0.2 - scene.data.qpos[slide]
    assert moved > 0.15
    cube, _ = state.object_pose(scene, "cube")
    assert cube[0] - cube0[0] == pytest.approx(moved, abs=0.02)  # the drawer's axis is −x
    assert _in_region(scene, "cube", "drawer/interior")


def test_the_storage_box_lid_falls_shut_and_the_cabinet_door_stays_put() -> None:
    scene = _alone("storage_box", joints={"lid_hinge": 1.0})
    _run(scene, 1.5)
    assert scene.data.qpos[scene.objects["storage_box"].joints["lid_hinge"]] < 0.05
    scene = _alone("cabinet", joints={"door_hinge": 0.8})
    _run(scene, 1.0)
    assert scene.data.qpos[scene.objects["cabinet"].joints["door_hinge"]] == pytest.approx(
        0.8, abs=0.01
    )


def test_summary_is_plain_data_an_llm_can_read() -> None:
    import json

    cab = get_asset("cabinet").summary(detail=True)
    text = json.dumps(cab)
    assert "door hinge: 0 closed, 1.57 open" in text
    assert {g["name"] for g in cab["grasps"]} == {"handle_side"}  # type: ignore[union-attr]
    assert set(catalog()) >= set(BUILTIN)
