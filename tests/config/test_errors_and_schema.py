"""Exact error messages for user mistakes in scene files."""

from __future__ import annotations

from pathlib import Path

import pytest

from gendexhand.assets import asset_ids
from gendexhand.config import load_scene, parse_scene
from gendexhand.errors import ConfigError, closest


def _error(data: object) -> str:
    with pytest.raises(ConfigError) as info:
        parse_scene(data, "scene.yaml")
    return str(info.value)


def test_unknown_asset_names_file_field_value_and_closest() -> None:
    msg = _error({"task": {"name": "t"}, "objects": [{"asset": "appel", "pos": [0, 0]}]})
    assert msg == (
        "scene.yaml: invalid SceneConfig:\n"
        "  objects[0].asset: unknown asset id 'appel'. Closest: apple. Valid asset ids: "
        f"{', '.join(asset_ids()[:9])} and {len(asset_ids()) - 9} more "
        "(see `gendexhand assets list`)."
    )
    assert max(len(line) for line in msg.splitlines()) <= 200


def test_unknown_field_lists_valid_fields() -> None:
    msg = _error({"task": {"name": "t"}, "objects": [{"asset": "cube", "pos": [0, 0], "sclae": 2}]})
    assert msg == (
        "scene.yaml: invalid SceneConfig:\n"
        "  objects[0].sclae: unknown field. Valid fields here: asset, name, pos, euler_deg, "
        "scale, fixed, mass, joints, rgba."
    )


def test_unknown_embodiment_and_bad_task_name() -> None:
    msg = _error({"task": {"name": "Open Door"}, "embodiment": {"name": "franka"}})
    assert (
        "  task.name: must match ^[a-z][a-z0-9_]*$ (lower case, digits, underscores) "
        "(got 'Open Door')" in msg
    )
    assert (
        "  embodiment.name: unknown embodiment 'franka'. Closest: franka_shadow. Valid "
        "embodiments: adroit, floating_shadow, franka_shadow." in msg
    )


def test_position_needs_two_or_three_numbers() -> None:
    msg = _error({"task": {"name": "t"}, "objects": [{"asset": "cube", "pos": [0.1]}]})
    assert msg.endswith(
        "objects[0].pos: needs 2 numbers [x, y] (resting on the table) or 3 "
        "[x, y, z], got 1 (got [0.1])"
    )


def test_missing_task_and_negative_scale() -> None:
    msg = _error({"objects": [{"asset": "cube", "pos": [0, 0], "scale": -1}]})
    assert "  task: required field is missing." in msg
    assert "  objects[0].scale: Input should be greater than 0 (got -1)" in msg


def test_duplicate_instance_names_and_unknown_view() -> None:
    msg = _error(
        {
            "task": {"name": "t"},
            "objects": [{"asset": "cube", "pos": [0, 0]}, {"asset": "cube", "pos": [0.1, 0]}],
        }
    )
    assert "objects[1]: duplicate object name 'cube'" in msg
    msg = _error({"task": {"name": "t"}, "views": ["frnt"]})
    assert (
        "\n  views[0]: unknown view 'frnt'. Closest: front. "
        "Valid views: front, left, near_hand, right, top." in msg
    )


def test_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml: file not found"):
        load_scene(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("task: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: not valid YAML"):
        load_scene(bad)


def test_closest() -> None:
    assert closest("botle", ["bottle", "bowl", "box"]) == ["bottle", "bowl"]
    assert closest("zzz", ["bottle"]) == []


def test_error_lines_wrap_under_200_characters() -> None:
    from gendexhand.errors import GenDexHandError, wrap_lines

    words = " ".join(f"word{k}" for k in range(200))
    original = f"first line\n  {words}\n" + "z" * 500
    text = str(GenDexHandError(original))
    lines = text.splitlines()
    assert lines[0] == "first line" and all(len(line) <= 193 for line in lines)
    assert "".join(text.split()) == "".join(original.split())  # nothing lost, only wrapped
    assert lines[1].startswith("  word0") and lines[2].startswith("    word")  # indent + 2
    assert wrap_lines("short") == "short"
