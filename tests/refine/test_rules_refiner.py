"""The rules refiner's moves, from hand-made verifier reports (no physics): clear spots, the side
of a swing that stays on the table, a task undone the way its success needs, one fix per object."""

from __future__ import annotations

from typing import Any

import numpy as np

from gendexhand.assets.catalog import get_asset
from gendexhand.config.scene import SceneConfig
from gendexhand.refine.directives import apply_directives, parse_directives
from gendexhand.refine.rules import rules_directives
from gendexhand.refine.verify import VerifierReport
from gendexhand.sim.checks import Check, Severity, finding

WORKSPACE = {"low": [-1.0, -1.0, 0.0], "high": [1.0, 1.0, 2.0], "margin": 0.1}


def _scene(objects: list[dict[str, Any]]) -> SceneConfig:
    return SceneConfig.model_validate({"task": {"name": "t"}, "objects": objects})


def _report(*found: tuple[Any, ...]) -> VerifierReport:
    found_ = [finding(f[0], f[1], f[2], f[3], f[4], Severity.ERROR, f[5] if len(f) > 5 else None)
              for f in found]  # fmt: skip
    return VerifierReport(scene="t", embodiment="franka_shadow", workspace=WORKSPACE,
                          findings=found_)  # fmt: skip


def _after(config: SceneConfig, report: VerifierReport, roles: dict[str, str],
           success: str = "") -> tuple[list[str], SceneConfig]:  # fmt: skip
    lines = rules_directives(report, config, roles, success)
    return lines, apply_directives(config, parse_directives("\n".join(lines), config, roles))


def _pos(config: SceneConfig, name: str) -> np.ndarray:
    return np.asarray(next(o.pos for o in config.objects if o.instance == name), dtype=float)


def test_an_object_off_the_table_lands_clear_of_the_one_in_its_way() -> None:
    config = _scene(
        [{"asset": "apple", "pos": [0.05, -0.5]}, {"asset": "bowl", "pos": [0.05, -0.2]}]
    )
    report = _report(("apple", Check.OFF_TABLE, 0.14, 0.0, "m"))
    _, fixed = _after(config, report, {"apple": "target", "bowl": "container"})
    apple, bowl = _pos(fixed, "apple"), _pos(fixed, "bowl")
    reach = (np.asarray(get_asset("apple").size[:2]) + get_asset("bowl").size[:2]) / 2
    assert abs(apple[1]) < 0.4 - get_asset("apple").size[1] / 2
    assert np.any(np.abs(apple[:2] - bowl[:2]) >= reach)


def test_a_blocker_goes_to_the_side_of_the_swing_that_is_on_the_table() -> None:
    config = _scene(
        [{"asset": "drawer", "pos": [0.35, 0.2]}, {"asset": "cube", "pos": [0.1, 0.25]}]
    )
    report = _report(("drawer", Check.SWING_BLOCKED, 0.03, 0.002, "m", "cube (joint drawer_slide)"))
    _, fixed = _after(config, report, {"drawer": "articulated", "cube": "target"})
    cube = _pos(fixed, "cube")
    side = (get_asset("drawer").size[1] + get_asset("cube").size[1]) / 2
    assert cube[1] < 0.2 - side  # the near side (+y) has no room on a 0.8 m table


def test_a_tip_out_that_already_holds_puts_the_ball_back_in_its_cup() -> None:
    config = _scene(
        [{"asset": "cup", "pos": [0.1, 0.0]}, {"asset": "golf_ball", "pos": [0.1, -0.25]}]
    )
    report = _report(("golf_ball", Check.ALREADY_SOLVED, 1.0, 0.0, ""))
    _, fixed = _after(config, report, {"cup": "container", "golf_ball": "target"},
                      "not inside(golf_ball, cup)")  # fmt: skip
    ball = _pos(fixed, "golf_ball")
    assert np.allclose(ball[:2], [0.1, 0.0], atol=1e-4) and len(ball) == 3


def test_one_fix_per_object_even_when_another_finding_moves_it() -> None:
    config = _scene([{"asset": "cabinet", "pos": [0.4, 0.05]},
                     {"asset": "golf_ball", "pos": [0.4, 0.05]}])  # fmt: skip
    report = _report(("cabinet", Check.PENETRATION, 0.015, 0.002, "m", "golf_ball"),
                     ("golf_ball", Check.UNREACHABLE, 0.0, 1.0, ""))  # fmt: skip
    lines, fixed = _after(config, report, {"cabinet": "articulated", "golf_ball": "target"})
    assert all(line.split()[1] == "golf_ball" for line in lines) and len(lines) <= 2
    half = (np.asarray(get_asset("cabinet").size[:2]) + get_asset("golf_ball").size[:2]) / 2
    assert np.any(np.abs(_pos(fixed, "golf_ball")[:2] - [0.4, 0.05]) >= half)
