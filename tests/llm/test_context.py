"""The prompt context is generated from the code: every asset, group, predicate, primitive."""

from __future__ import annotations

from gendexhand.assets.catalog import catalog
from gendexhand.plan.controllers.motion import PRIMITIVES
from gendexhand.predicates.library import PREDICATES
from gendexhand.stages import context


def test_each_section_lists_what_the_code_accepts(toy_hand: object) -> None:
    """Budget: ~2 s (two robots built without settling)."""
    cat = context.catalog_section()
    assert all(f'"id": "{a}"' in cat for a in catalog())
    preds = context.predicates_section()
    assert all(f"{name}(" in preds for name in PREDICATES)
    prims = context.primitives_section()
    for name in PRIMITIVES:
        line = next(x for x in prims.splitlines() if x.strip().startswith(f"{name}:"))
        assert len(line.split(":", 1)[1].strip()) > 20, f"{name} has no documentation"
    assert "state.palm.pos" in context.state_section()
    shadow = context.embodiment_section()
    assert "thumb:" in shadow and "workspace" in shadow
    toy = context.embodiment_section("franka_shadow", toy_hand)  # type: ignore[arg-type]
    assert "little" not in toy and "thumb" in toy  # a three-finger hand names no fifth finger
