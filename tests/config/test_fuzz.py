"""Seeded mutation fuzzing of the scene and plan schemas: every mutation of one field of a valid
file is either accepted or refused with a ConfigError; nothing else escapes."""

from __future__ import annotations

import copy
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gendexhand.config.loading import parse_model
from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.examples import task_plans
from gendexhand.plan.load import load_plan, validate_plan
from gendexhand.plan.schema import PlanConfig

CASES = 250
"""Examples per schema (derandomised, so every run tries the same ones)."""

_PLAN, _SCENE = load_plan(task_plans(learned=True)["apple_into_bowl_rl"])
PLAN = _PLAN.model_dump(mode="json")
SCENE = _SCENE.model_dump(mode="json")

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -1.0, 0.0, 1e9, -1e-9]),
    st.text(max_size=30),
    st.sampled_from(["", "../../etc/passwd", "bottle", "a" * 5000, "def reward(state):"]),
    st.lists(st.floats(allow_nan=True), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(doc: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    parent = out
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "delete" and isinstance(parent, dict):
        del parent[last]
    elif how == "extra" and isinstance(parent, dict):
        parent["unexpected_field"] = value
    else:
        parent[last] = value
    return out


def _fuzz(doc: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        _mutate,
        st.just(doc),
        st.sampled_from(_paths(doc)),
        st.sampled_from(["replace", "replace", "delete", "extra"]),
        VALUES,
    )


OUTCOMES: dict[str, dict[str, int]] = {"scene": {}, "plan": {}}


def _count(kind: str, outcome: str) -> None:
    OUTCOMES[kind][outcome] = OUTCOMES[kind].get(outcome, 0) + 1


def _check_message(exc: ConfigError) -> None:
    for line in str(exc).splitlines():
        assert len(line) < 2000, line[:200]


FUZZ = settings(
    max_examples=CASES, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip


def _try(kind: str, load: Any) -> None:
    try:
        load()
    except ConfigError as exc:
        _check_message(exc)
        _count(kind, "refused")
    else:
        _count(kind, "accepted")


@FUZZ
@given(_fuzz(SCENE))
def _scene_property(doc: dict[str, Any]) -> None:
    _try("scene", lambda: parse_model(SceneConfig, doc, "scene.yaml"))


@FUZZ
@given(_fuzz(PLAN))
def _plan_property(doc: dict[str, Any]) -> None:
    _try("plan", lambda: validate_plan(parse_model(PlanConfig, doc, "p.yaml"), _SCENE, "p.yaml"))


def test_scene_mutations_are_accepted_or_refused_cleanly() -> None:
    """Budget: ~3 s for 250 cases."""
    _scene_property()
    counts = OUTCOMES["scene"]
    assert sum(counts.values()) >= CASES and counts.get("refused", 0) >= CASES // 4, counts


def test_plan_mutations_are_accepted_or_refused_cleanly() -> None:
    """Budget: ~5 s for 250 cases."""
    _plan_property()
    counts = OUTCOMES["plan"]
    assert sum(counts.values()) >= CASES and counts.get("refused", 0) >= CASES // 4, counts
