"""The rules planner: its families over the catalog, sentences, and a small proposal run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gendexhand.assets.catalog import catalog
from gendexhand.errors import ConfigError
from gendexhand.propose.families import FAMILIES, candidates, grip_scale
from gendexhand.propose.schema import TaskProposal
from gendexhand.propose.sentences import from_sentence
from gendexhand.stages.propose import pick, propose_tasks

SHADOW_APERTURE = 0.161  # franka_shadow's, as measured by Embodiment.metrics


def test_at_least_200_distinct_pairs_over_at_least_8_families() -> None:
    pool = candidates(catalog(), SHADOW_APERTURE)
    pairs = {(c.family, tuple(sorted(o.asset for o in c.proposal.objects)))
             for rows in pool.values() for c in rows}  # fmt: skip
    assert len(pairs) >= 200, len(pairs)
    assert sum(1 for rows in pool.values() if rows) >= 8
    ids = [c.proposal.id for rows in pool.values() for c in rows]
    assert len(ids) == len(set(ids))
    for rows in pool.values():
        for c in rows:
            TaskProposal.model_validate(c.proposal.model_dump())  # ids are task ids, etc.


def test_what_the_hand_cannot_hold_is_scaled_or_left_out() -> None:
    cat = catalog()
    assert grip_scale(cat["apple"], SHADOW_APERTURE) == 1.0
    assert grip_scale(cat["cabinet"], SHADOW_APERTURE) is None  # furniture
    small = candidates(cat, 0.06)  # a small hand: most things do not fit
    big = candidates(cat, SHADOW_APERTURE)
    assert len(small["pick_lift"]) < len(big["pick_lift"])
    scaled = [c for c in small["pick_lift"] if min(c.scales.values()) < 1.0]
    assert scaled and all(s >= 0.6 for c in scaled for s in c.scales.values())


@pytest.mark.parametrize(
    ("sentence", "family", "assets"),
    [
        ("Open the cabinet", "open_hinge", ["cabinet"]),
        ("pick up the bottle", "pick_lift", ["bottle"]),
        ("put the apple into the bowl", "place_in", ["apple", "bowl"]),
        ("Drop an orange in the basket", "place_in", ["orange", "basket"]),
        ("shut the drawer", "close_slide", ["drawer"]),
        ("spin the block in your hand", "rotate_in_hand", ["cube"]),
        ("tip the mug so the golf ball falls out", "tip_out", ["mug", "golf_ball"]),
        ("open the drawer and put the marker in it", "open_and_place", ["drawer", "marker"]),
        ("stack the small cube on the cube", "stack", ["small_cube", "cube"]),
        ("set the pear on the plate", "place_on", ["pear", "plate"]),
        ("slide the sponge into the goal area", "push_to_region", ["sponge"]),
    ],
)
def test_sentences_map_to_families_and_assets(
    sentence: str, family: str, assets: list[str]
) -> None:
    cat = catalog()
    c = from_sentence(sentence, cat, candidates(cat, SHADOW_APERTURE))
    assert c.family == family and sorted(o.asset for o in c.proposal.objects) == sorted(assets)


@pytest.mark.parametrize(
    ("sentence", "why"),
    [("fly a kite", "names no asset"), ("lift the microwave", "do not fit the families"),
     ("admire the apple", "no verb of a family")],
)  # fmt: skip
def test_sentences_it_cannot_map_are_refused_with_the_reason(sentence: str, why: str) -> None:
    cat = catalog()
    with pytest.raises(ConfigError, match=why) as info:
        from_sentence(sentence, cat, candidates(cat, SHADOW_APERTURE))
    assert "Families: pick_lift" in str(info.value)


def test_picking_is_seeded_and_families_take_turns() -> None:
    pool = candidates(catalog(), SHADOW_APERTURE)
    a, b = pick(pool, 30, seed=1), pick(pool, 30, seed=1)
    assert [c.proposal.id for c in a] == [c.proposal.id for c in b]
    assert [c.proposal.id for c in a] != [c.proposal.id for c in pick(pool, 30, seed=2)]
    assert len({c.family for c in a[: len(FAMILIES)]}) == len(FAMILIES)


def test_a_small_run_writes_buildable_tasks_and_records_refusals(tmp_path: Path) -> None:
    """Budget: ~12 s (three scenes built, checked and grasp-searched; no contact sheets)."""
    results = propose_tasks(
        tmp_path, sentences=["put the apple into the bowl", "open the cabinet", "fly a kite"],
        sheets=False,
    )  # fmt: skip
    assert [r.buildable for r in results] == [True, True, False]
    task = tmp_path / "tasks" / "apple_into_bowl"
    proposal = TaskProposal.model_validate_json((task / "proposal.json").read_text())
    assert proposal.success == "inside(apple, bowl) and not grasped(apple)"
    assert (task / "scene.yaml").is_file()
    assert json.loads((task / "build.json").read_text())["grasps"] == {"apple": 1}
    summary = json.loads((tmp_path / "proposals.json").read_text())
    assert "names no asset" in summary["proposals"][2]["reasons"][0]
