"""Contract tests over every catalog asset: metadata, declared size and mass, scenes, scaling."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from gendexhand.assets import catalog, get_asset
from gendexhand.assets.catalog import builtin_assets
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.render import SceneRenderer
from tests.assets.helpers import alone, bounds_at_rest, standalone

BUILTIN = sorted(builtin_assets())


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
    model = standalone(asset_id)
    lo, hi = bounds_at_rest(model)
    np.testing.assert_allclose(hi - lo, asset.size, atol=0.002)
    np.testing.assert_allclose((hi + lo) / 2, 0.0, atol=0.002)
    assert model.body_mass.sum() == pytest.approx(asset.mass, rel=1e-6)


@pytest.mark.parametrize("asset_id", BUILTIN)
def test_asset_in_a_scene_rests_renders_and_has_its_sites(asset_id: str) -> None:
    asset = get_asset(asset_id)
    scene = alone(asset_id)
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
    one, scaled = standalone(asset_id), standalone(asset_id, scale)
    lo1, hi1 = bounds_at_rest(one)
    lo, hi = bounds_at_rest(scaled)
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
    scene = alone(asset_id, scale=0.6)
    handle = scene.objects[asset_id]
    pos0 = scene.data.xpos[handle.body].copy()
    for _ in range(100):
        mujoco.mj_step(scene.model, scene.data)
    assert np.all(np.isfinite(scene.data.qpos))
    assert np.linalg.norm(scene.data.xpos[handle.body] - pos0) < 0.002


def test_given_mass_overrides_the_cubic_law() -> None:
    model = standalone("cabinet", 0.5, mass=2.0)
    assert model.body_mass.sum() == pytest.approx(2.0)
    scene = alone("bottle", 1.2, mass=0.9)
    assert scene.model.body_mass[list(scene.objects["bottle"].bodies)].sum() == pytest.approx(0.9)


def test_summary_is_plain_data_an_llm_can_read() -> None:
    import json

    cab = get_asset("cabinet").summary(detail=True)
    text = json.dumps(cab)
    assert "door hinge: 0 closed, 1.57 open" in text
    assert {g["name"] for g in cab["grasps"]} == {"handle_side"}  # type: ignore[union-attr]
    assert set(catalog()) >= set(BUILTIN)
