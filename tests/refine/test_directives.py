"""The directive grammar of stage 2: parsing, every refusal's reason, applying, and rotations."""

from __future__ import annotations

import math
from typing import Any

import mujoco
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gendexhand.assets.catalog import get_asset
from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.refine.directives import (
    GRAMMAR,
    MAX_DIRECTIVES,
    VERBS,
    Directive,
    RefineAnswer,
    apply_directives,
    describe_targets,
    euler_to_quat,
    parse_directives,
    quat_to_euler,
    rotate_euler,
    usage,
)

OBJECTS: list[dict[str, Any]] = [
    {"asset": "apple", "pos": [0.1, 0.0]},
    {"asset": "bowl", "pos": [0.2, 0.1]},
    {"asset": "cabinet", "pos": [0.45, 0.0], "joints": {"door_hinge": 0.0}},
    {"asset": "cube", "name": "block", "pos": [0.0, -0.2, 0.9], "euler_deg": [0, 0, 90]},
    {"asset": "drawer", "pos": [0.4, 0.3], "scale": 0.5, "joints": {"drawer_slide": 0.05}},
]
ROLES = {"apple": "target", "bowl": "container", "cabinet": "articulated", "block": "distractor"}


def scene(**changes: dict[str, Any]) -> SceneConfig:
    """The test scene, with fields of objects (by instance name) changed."""
    objects = [{**o, **changes.get(o.get("name", o["asset"]), {})} for o in OBJECTS]
    return SceneConfig.model_validate({"task": {"name": "refine_test"}, "objects": objects})


CONFIG = scene()


def refusals(text: str, config: SceneConfig = CONFIG) -> list[str]:
    """The lines of the error ``text`` raises, heading left out."""
    with pytest.raises(ConfigError) as err:
        parse_directives(text, config, ROLES)
    return str(err.value.args[0]).splitlines()[1:]


def obj(config: SceneConfig, name: str) -> Any:
    return next(o for o in config.objects if o.instance == name)


def same_rotation(q1: np.ndarray, q2: np.ndarray, tol: float = 1e-7) -> bool:
    return bool(min(np.abs(q1 - q2).max(), np.abs(q1 + q2).max()) < tol)


def test_parses_every_verb_with_comments_blank_lines_and_any_case() -> None:
    text = """
    # a comment line

      scale apple 1.5
    MOVE  bowl X -0.05   # trailing comment
    Rotate block z 90
    SET_JOINT cabinet door_hinge 0.5
    remove block
    """
    assert parse_directives(text, CONFIG, ROLES) == [
        Directive("SCALE", "apple", value=1.5),
        Directive("MOVE", "bowl", "x", -0.05),
        Directive("ROTATE", "block", "z", 90.0),
        Directive("SET_JOINT", "cabinet", value=0.5, joint="door_hinge"),
        Directive("REMOVE", "block"),
    ]
    assert parse_directives("  accept  ", CONFIG, ROLES) == [Directive("ACCEPT")]


@pytest.mark.parametrize(
    "line",
    ["SCALE apple 1.5", "MOVE bowl x -0.05", "ROTATE block z 1e-05", "REMOVE block", "ACCEPT",
     "SET_JOINT drawer drawer_slide 0.1", "MOVE apple z 0.30000000000000004"],
)  # fmt: skip
def test_text_is_canonical_and_parses_back(line: str) -> None:
    (d,) = parse_directives(line, CONFIG, ROLES)
    assert d.text() == line
    assert parse_directives(d.text().lower(), CONFIG, ROLES) == [d]


BAD_LINES = [
    ("FOO apple 2", "unknown verb 'FOO'. Valid verbs: ACCEPT, MOVE, REMOVE, ROTATE, SCALE, "
     "SET_JOINT."),
    ("SCAL apple 2", "unknown verb 'SCAL'. Closest: SCALE. Valid verbs: ACCEPT, MOVE, REMOVE, "
     "ROTATE, SCALE, SET_JOINT."),
    ("SCALE aple 2", "unknown object 'aple'. Closest: apple. Valid objects: apple, block, bowl, "
     "cabinet, drawer."),
    ("SET_JOINT cabinet door_hnge 1", "unknown joint 'door_hnge'. Closest: door_hinge. Valid "
     "joints: door_hinge."),
    ("SET_JOINT apple x 1", "object 'apple' (asset apple) has no joints; SET_JOINT is for "
     "articulated objects"),
    ("SCALE apple 5", "factor 5 is outside [0.25, 4] per directive"),
    ("SCALE apple 0.2", "factor 0.2 is outside [0.25, 4] per directive"),
    ("MOVE apple y -1.5", "move of -1.5 m is outside [-1, 1] m per directive"),
    ("ROTATE apple x 200", "angle 200 degrees is outside [-180, 180] per directive"),
    ("MOVE apple w 0.1", "unknown axis 'w'; the axis is one of x, y, z (world frame)"),
    ("MOVE apple x nan", "metres must be a finite number, got 'nan'"),
    ("ROTATE apple x -inf", "degrees must be a finite number, got '-inf'"),
    ("SCALE apple 1e400", "factor '1e400' is too large to be a finite number"),
    ("SCALE apple 1_000", "factor '1_000' is not a number (write e.g. 1.5, -0.02, 2e-3)"),
    ("SCALE apple two", "factor 'two' is not a number (write e.g. 1.5, -0.02, 2e-3)"),
    ("SCALE apple", "SCALE takes 2 argument(s), got 1: SCALE <object> <factor>"),
    ("MOVE apple 0.1", "MOVE takes 3 argument(s), got 2: MOVE <object> <x|y|z> <metres>"),
    ("REMOVE", "REMOVE takes 1 argument(s), got 0: REMOVE <object>"),
    ("REMOVE block now", "REMOVE takes 1 argument(s), got 2: REMOVE <object>"),
    ("REMOVE apple", "'apple' is the target; only a distractor may be removed"),
    ("REMOVE drawer", "'drawer' has no role; only a distractor may be removed"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "reason"), BAD_LINES)
def test_each_bad_line_is_refused_with_its_reason(line: str, reason: str) -> None:
    assert refusals(line) == [f"line 1: {line}: {reason}"]


def test_joint_values_are_checked_against_the_range_at_the_current_scale() -> None:
    door = get_asset("cabinet").joint("door_hinge").meaning
    slide = get_asset("drawer").joint("drawer_slide").meaning
    assert refusals("SET_JOINT cabinet door_hinge 1.8") == [
        f"line 1: SET_JOINT cabinet door_hinge 1.8: door_hinge=1.8 is outside the joint range "
        f"[0, 1.75] rad ({door})"
    ]
    assert refusals("SET_JOINT drawer drawer_slide 0.2") == [
        f"line 1: SET_JOINT drawer drawer_slide 0.2: drawer_slide=0.2 is outside the joint range "
        f"[0, 0.11] m (at scale 0.5) ({slide})"
    ]
    ok = parse_directives("SCALE drawer 2\nSET_JOINT drawer drawer_slide 0.2", CONFIG, ROLES)
    assert obj(apply_directives(CONFIG, ok), "drawer").joints == {"drawer_slide": 0.2}


def test_every_bad_line_is_listed_by_its_line_number() -> None:
    text = "# fixes\nSCALE apple 1.2\n\nFOO\nMOVE bowl x 2  # too far\nREMOVE bowl\nREMOVE block"
    with pytest.raises(ConfigError) as err:
        parse_directives(text, CONFIG, ROLES)
    heading, *lines = str(err.value.args[0]).splitlines()
    assert heading == "3 of 5 directive(s) refused; nothing was applied:"
    assert [line.split(":")[0] for line in lines] == ["line 4", "line 5", "line 6"]
    assert lines[1] == "line 5: MOVE bowl x 2: move of 2 m is outside [-1, 1] m per directive"


def test_checks_follow_the_earlier_directives() -> None:
    assert refusals("REMOVE block\nMOVE block x 0.1") == [
        "line 2: MOVE block x 0.1: object 'block' was removed by an earlier directive"
    ]
    assert refusals("SCALE apple 4\nSCALE apple 4") == [
        "line 2: SCALE apple 4: the scale would become 16, outside the valid range (0, 10] "
        "(it is 4, so the factor must be at most 2.5)"
    ]
    far = scene(block={"pos": [9.5, 0.0, 1.0]})
    assert refusals("MOVE block x 0.6", far) == [
        "line 1: MOVE block x 0.6: x would become 10.1 m, outside [-10, 10] m"
    ]


def test_accept_must_be_alone_and_an_answer_must_say_something() -> None:
    assert refusals("ACCEPT\nSCALE apple 1.1\nFOO") == [
        "line 1: ACCEPT: ACCEPT must be the only directive, but the answer has 2 more; either "
        "accept the scene as it is or send only the changes",
        "line 3: FOO: unknown verb 'FOO'. Valid verbs: ACCEPT, MOVE, REMOVE, ROTATE, SCALE, "
        "SET_JOINT.",
    ]
    with pytest.raises(ConfigError, match="no directives; send ACCEPT"):
        parse_directives("\n  # nothing to change?\n", CONFIG, ROLES)
    assert apply_directives(CONFIG, [Directive("ACCEPT")]) == CONFIG


def test_at_most_32_directives() -> None:
    assert len(parse_directives("MOVE apple x 0.001\n" * MAX_DIRECTIVES, CONFIG, ROLES)) == 32
    with pytest.raises(ConfigError) as err:
        parse_directives("MOVE apple x 0.001\n" * 33, CONFIG, ROLES)
    assert err.value.args[0] == "answer: 33 directives; at most 32 allowed"
    with pytest.raises(ConfigError, match="at most 20000 characters"):
        parse_directives("#" * 20_001, CONFIG, ROLES)


def test_scale_multiplies_and_scales_slide_values() -> None:
    new = apply_directives(CONFIG, parse_directives("SCALE apple 1.1\nSCALE apple 1.1\n"
                                                    "SCALE drawer 3", CONFIG, ROLES))  # fmt: skip
    assert obj(new, "apple").scale == 1.21
    assert obj(new, "drawer").scale == 1.5
    assert obj(new, "drawer").joints == {"drawer_slide": 0.15}
    assert obj(CONFIG, "apple").scale == 1.0  # the input is left as it was


def test_move_keeps_resting_objects_resting_unless_moved_in_z() -> None:
    new = apply_directives(CONFIG, parse_directives("MOVE apple x 0.05\nMOVE apple y -0.1",
                                                    CONFIG, ROLES))  # fmt: skip
    assert obj(new, "apple").pos == (0.15, -0.1)
    lifted = apply_directives(CONFIG, [Directive("SCALE", "apple", value=2.0),
                                       Directive("MOVE", "apple", "z", 0.02)])  # fmt: skip
    resting = CONFIG.table.height + get_asset("apple").bottom * 2.0 + 0.001
    assert obj(lifted, "apple").pos == pytest.approx((0.1, 0.0, resting + 0.02), abs=1e-9)
    block = apply_directives(CONFIG, [Directive("MOVE", "block", "z", -0.1)])
    assert obj(block, "block").pos == pytest.approx((0.0, -0.2, 0.8))


def test_rotate_composes_in_the_world_frame() -> None:
    twice = [Directive("ROTATE", "apple", "z", 90.0)] * 2
    new = apply_directives(CONFIG, twice)
    assert obj(new, "apple").euler_deg == (0.0, 0.0, 180.0)
    assert obj(new, "apple").pos == (0.1, 0.0)  # about its centre: a resting one stays put
    block = obj(apply_directives(CONFIG, [Directive("ROTATE", "block", "x", 90.0)]), "block")
    expected = np.zeros(4)
    mujoco.mju_mulQuat(expected, euler_to_quat((90, 0, 0)), euler_to_quat((0, 0, 90)))
    assert same_rotation(euler_to_quat(block.euler_deg), expected)
    assert block.euler_deg == pytest.approx((90.0, -90.0, 0.0))  # gimbal lock: c folded in
    assert rotate_euler((10.0, 0.0, 0.0), "x", 30.0) == (40.0, 0.0, 0.0)  # world axes: x first
    assert rotate_euler((10.0, 20.0, 30.0), "z", -45.0) == (10.0, 20.0, -15.0)  # … z last


def test_rotate_about_y_matches_matrix_product() -> None:
    start = (20.0, -35.0, 110.0)
    got, before = np.zeros(9), np.zeros(9)
    mujoco.mju_quat2Mat(got, euler_to_quat(rotate_euler(start, "y", -60.0)))
    mujoco.mju_quat2Mat(before, euler_to_quat(start))
    t = math.radians(-60.0)
    ry = np.array([[math.cos(t), 0, math.sin(t)], [0, 1, 0], [-math.sin(t), 0, math.cos(t)]])
    assert np.allclose(got.reshape(3, 3), ry @ before.reshape(3, 3), atol=1e-7)


def test_set_joint_and_remove() -> None:
    text = "SET_JOINT cabinet door_hinge 1.2\nREMOVE block"
    new = apply_directives(CONFIG, parse_directives(text, CONFIG, ROLES))
    assert obj(new, "cabinet").joints == {"door_hinge": 1.2}
    assert [o.instance for o in new.objects] == ["apple", "bowl", "cabinet", "drawer"]


def test_apply_checks_directives_made_in_code() -> None:
    with pytest.raises(ConfigError) as err:
        apply_directives(CONFIG, [Directive("SCALE", "aple", value=2.0),
                                  Directive("REMOVE", "bowl")], ROLES)  # fmt: skip
    assert str(err.value.args[0]).splitlines()[1:] == [
        "directive 1: SCALE aple 2: unknown object 'aple'. Closest: apple. Valid objects: apple, "
        "block, bowl, cabinet, drawer.",
        "directive 2: REMOVE bowl: 'bowl' is the container; only a distractor may be removed",
    ]
    assert [o.instance for o in apply_directives(CONFIG, [Directive("REMOVE", "bowl")]).objects]
    with pytest.raises(ConfigError, match="SCALE needs value: SCALE <object> <factor>"):
        Directive("SCALE", "apple")
    with pytest.raises(ConfigError, match="REMOVE takes no value"):
        Directive("REMOVE", "apple", value=1.0)
    with pytest.raises(ConfigError, match="finite number"):
        Directive("MOVE", "apple", "x", math.nan)
    with pytest.raises(ConfigError, match="unknown axis 'w'"):
        Directive("MOVE", "apple", "w", 0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "euler",
    [(0, 90, 0), (30, 90, -40), (-40, 90, 30), (-120, -90, 75), (75, -90, -120), (-90, -90, 0),
     (10, 90 - 1e-7, 20), (170, -89.9999, -170), (180, 0, 180), (0, 0, 0), (-179.5, 45, 179.5)],
)  # fmt: skip
def test_quat_to_euler_inverts_mujoco_at_and_near_gimbal_lock(euler: tuple[float, ...]) -> None:
    q = euler_to_quat(euler)
    back = quat_to_euler(q)
    assert -90 <= back[1] <= 90
    assert same_rotation(euler_to_quat(back), q)


angles = st.floats(-360, 360, allow_nan=False)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(angles, st.one_of(st.floats(-90, 90), st.sampled_from([-90.0, 90.0])), angles)
def test_euler_quat_round_trip(a: float, b: float, c: float) -> None:
    q = euler_to_quat((a, b, c))
    back = quat_to_euler(q)
    assert same_rotation(euler_to_quat(back), q)
    if abs(b) < 89:  # away from gimbal lock the angles themselves come back (mod 360)
        for got, want in zip(back, (a, b, c), strict=True):
            assert math.remainder(got - want, 360) == pytest.approx(0, abs=1e-7)


def test_grammar_and_targets_describe_the_limits_and_the_scene() -> None:
    for verb in VERBS:
        assert usage(verb) in GRAMMAR
    phrases = ["at most 32 per answer", "0.25 <= factor <= 4", "(0, 10]", "-1 <= metres <= 1",
               "-180 <= degrees <= 180", "[-10, 10]", "role is distractor",
               "only directive"]  # fmt: skip
    assert [p for p in phrases if p not in GRAMMAR] == []
    text = describe_targets(CONFIG, ROLES)
    assert text.splitlines()[0] == "table: top at z=0.75 m, x from -0.6 to 0.6, y from -0.4 to 0.4"
    assert "- block: role distractor (removable); asset cube; scale 1; " in text
    assert "pos [0, -0.2, 0.9] (centre); euler_deg [0, 0, 90]" in text
    assert "- drawer: role none (not removable)" in text
    assert "joints: door_hinge (hinge, [0, 1.75] rad, now 0)" in text
    assert "drawer_slide (slide, [0, 0.11] m (at scale 0.5), now 0.05)" in text


def test_refine_answer_model() -> None:
    answer = RefineAnswer(directives=["SCALE apple 1.2", "REMOVE block"], reason="too small")
    assert len(parse_directives(answer.text(), CONFIG, ROLES)) == 2
    bad: list[dict[str, Any]] = [
        {"directives": [], "reason": "x", "extra": 1},
        {"directives": ["ACCEPT"] * 33, "reason": "x"},
        {"directives": ["x" * 201], "reason": "x"},
        {"directives": ["ACCEPT"], "reason": "x" * 501},
        {"directives": ["SCALE apple 2\nREMOVE block"], "reason": "x"},
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            RefineAnswer.model_validate(data)
