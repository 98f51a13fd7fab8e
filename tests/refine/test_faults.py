"""Seeded faults: ≥ 30 broken configs from the rules planner's scenes, each broken as its kind says,
reproducibly (benchmarks/bench_refine.py runs them through the verifier and the refiner)."""

from __future__ import annotations

import math

import mujoco
import numpy as np
import pytest

from gendexhand.assets.catalog import catalog, get_asset, plausible_size
from gendexhand.config.scene import ObjectConfig, SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.propose.families import candidates
from gendexhand.propose.layout import scene_for
from gendexhand.propose.schema import TaskProposal
from gendexhand.refine.directives import euler_to_quat
from gendexhand.refine.faults import BLOCKER, KINDS, Seeded, applicable, inject, inject_many

APERTURE = 0.1
FAMILIES = ("place_in", "open_and_place", "open_slide", "close_hinge", "stack", "pick_lift",
            "push_to_region", "tip_out")  # fmt: skip


@pytest.fixture(scope="module")
def bases() -> list[tuple[SceneConfig, TaskProposal]]:
    pool = candidates(catalog(), APERTURE)
    return [(scene_for(pool[f][0]), pool[f][0].proposal) for f in FAMILIES]


@pytest.fixture(scope="module")
def suite(bases: list[tuple[SceneConfig, TaskProposal]]) -> list[tuple[Seeded, SceneConfig]]:
    return [(s, c) for c, p in bases for seed in (0, 1) for s in applicable(c, p, seed)]


def _o(config: SceneConfig, name: str) -> ObjectConfig:
    return next(o for o in config.objects if o.instance == name)


def _rest(config: SceneConfig, o: ObjectConfig) -> float:
    return config.table.height + get_asset(o.asset).bottom * o.scale


def test_at_least_thirty_configs_of_every_kind(suite: list[tuple[Seeded, SceneConfig]]) -> None:
    kinds = {s.kinds[0] for s, _ in suite}
    assert len(suite) >= 30 and kinds == set(KINDS), (len(suite), set(KINDS) - kinds)


def test_each_config_is_broken_as_its_kind_says(suite: list[tuple[Seeded, SceneConfig]]) -> None:
    for s, base in suite:
        [kind], [name] = s.kinds, s.objects
        o = _o(s.config, name)
        before = None if name == BLOCKER else _o(base, name)
        assert s.config != base, s.name
        if kind == "floating":
            assert 0.15 <= o.pos[2] - _rest(s.config, o) <= 0.41
        elif kind == "oversized":
            asset = get_asset(o.asset)
            assert max(asset.size) * o.scale > plausible_size(asset.category)[1]
        elif kind == "off_table":
            assert abs(o.pos[1] - s.config.table.pos[1]) > s.config.table.size[1] / 2 + 0.04
        elif kind == "upside_down":
            up = np.zeros(9)
            mujoco.mju_quat2Mat(up, euler_to_quat(o.euler_deg))
            assert up[8] < math.cos(math.radians(119))
        elif kind == "unreachable":
            assert o.pos[0] > s.config.table.pos[0] + s.config.table.size[0] / 2 - 0.11
        elif kind == "interpenetrating":
            others = [q for q in s.config.objects if q.instance != name]
            close = [q for q in others if math.dist(q.pos[:2], o.pos[:2]) < 0.022]
            assert close or (len(o.pos) == 3 and o.pos[2] < _rest(s.config, o)), s.name
        elif kind == "blocked_joint":
            assert before is None or tuple(o.pos[:2]) != tuple(before.pos[:2])
        elif kind == "already_solved":
            assert o != before


def test_the_same_seed_gives_the_same_config_and_another_seed_another(
    bases: list[tuple[SceneConfig, TaskProposal]],
) -> None:
    c, p = bases[0]
    assert inject(c, p, "floating", 3).config == inject(c, p, "floating", 3).config
    assert inject(c, p, "floating", 3).config != inject(c, p, "floating", 4).config


def test_several_faults_go_on_different_objects(
    bases: list[tuple[SceneConfig, TaskProposal]],
) -> None:
    c, p = bases[0]  # place_in: a target and a container
    s = inject_many(c, p, ["upside_down", "floating"], seed=0)
    assert len(set(s.objects)) == 2
    assert s.expected() == [("not_upright",), ("settle_motion", "fell")]
    with pytest.raises(ConfigError, match="unknown fault 'melted'"):
        inject(c, p, "melted", 0)


def test_a_fault_that_does_not_apply_says_so(bases: list[tuple[SceneConfig, TaskProposal]]) -> None:
    c, p = bases[FAMILIES.index("pick_lift")]
    with pytest.raises(ConfigError, match="cannot hold without the hand"):
        inject(c, p, "already_solved", 0)
    with pytest.raises(ConfigError, match="moves no joint"):
        inject(c, p, "blocked_joint", 0)


def test_a_joint_with_nothing_free_to_block_it_gets_a_blocker(
    bases: list[tuple[SceneConfig, TaskProposal]],
) -> None:
    c, p = bases[FAMILIES.index("open_slide")]
    s = inject(c, p, "blocked_joint", 0)
    assert s.objects == (BLOCKER,) and {o.name: o.role for o in s.proposal.objects}[BLOCKER] == (
        "distractor"
    )


def test_a_success_naming_what_the_scene_lacks_is_a_clear_refusal(
    bases: list[tuple[SceneConfig, TaskProposal]],
) -> None:
    c, p = bases[0]
    target = p.objects[0].name
    for success in (f"inside(ghost, {target})", f"in_region({target}, nowhere)"):
        odd = p.model_copy(update={"success": success})
        with pytest.raises(ConfigError, match=r"no object 'ghost'|no goal region 'nowhere'"):
            inject(c, odd, "already_solved", 0)
