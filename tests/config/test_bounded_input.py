"""Hostile and broken input files: refused with one clear error, quickly, before parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gendexhand.cli.main import main
from gendexhand.config.loading import parse_model
from gendexhand.errors import ConfigError
from gendexhand.examples import task_plans
from gendexhand.plan.load import load_plan
from gendexhand.plan.schema import PlanConfig
from gendexhand.yamlio import MAX_BYTES, parse_yaml, read_yaml, short

BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BOMB, "values once anchors and aliases are expanded"),
        ("a: 1\nb: 2\na: 3\n", "line 3, column 1: duplicate key 'a'"),
        ("x: " + "[" * 100 + "]" * 100, "nested deeper than"),
        ("a: *nowhere", "undefined alias"),
        ("a: [1, 2", "not valid YAML"),
        ("k: [" + ",".join(["1"] * 120_000) + "]", "more than 20000 items"),
    ],
)
def test_hostile_yaml_is_refused_with_one_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        parse_yaml(text, "f.yaml")
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_files_that_are_not_text_or_too_big(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xe9 at offset 9\)"):
        read_yaml(bad)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(ConfigError, match="larger than"):
        read_yaml(big)
    with pytest.raises(ConfigError, match="is a folder"):
        read_yaml(tmp_path)
    with pytest.raises(ConfigError, match="file not found"):
        read_yaml(tmp_path / "none.yaml")


def test_a_huge_bad_value_is_shortened_in_the_message() -> None:
    data = {"task": "t", "scene": "s.yaml", "subtasks": [], "description": "x" * 1_000_000}
    with pytest.raises(ConfigError) as err:
        parse_model(PlanConfig, data, "plan.yaml")
    assert len(str(err.value)) < 500
    assert short(10**5000).startswith("<an int of")


def _plan_dict() -> dict:  # type: ignore[type-arg]
    plan, _ = load_plan(task_plans(learned=True)["pick_bottle_rl"])
    return plan.model_dump(mode="json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(task="../../etc"), r"task: must be a task id"),
        (lambda d: d["subtasks"][2]["rl"]["weights"].update(reach=float("nan")), "weights.reach"),
        (lambda d: d["subtasks"][2]["rl"].update(horizon=10**9), "horizon"),
        (lambda d: d["randomize"]["bottle"].update(xy=[-0.1, 0.0]), r"randomize.bottle.xy"),
        (lambda d: d["subtasks"][0]["motion"].update(timeout_s=1e6), "timeout_s"),
        (lambda d: d["subtasks"][2]["rl"]["weights"].update({"not a name": 1.0}), "identifier"),
    ],
)
def test_plan_fields_are_bounded(change: object, message: str) -> None:
    data = _plan_dict()
    change(data)  # type: ignore[operator]
    with pytest.raises(ConfigError, match=message):
        parse_model(PlanConfig, data, "plan.yaml")


def test_plans_are_fully_checked_when_loaded(tmp_path: Path) -> None:
    """Reward code and the view are checked by every command that loads the plan."""
    import yaml

    source = task_plans(learned=True)["pick_bottle_rl"]
    data = _plan_dict()
    data["scene"] = str((source.parent / data["scene"]).resolve())
    data["subtasks"][2]["rl"]["reward"] = "import os\ndef reward(state):\n    return {}\n"
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=r"subtasks\[2\] \(grasp\)\.rl\.reward: .*import"):
        load_plan(path)
    data = _plan_dict()
    data["scene"] = str((source.parent / data["scene"]).resolve())
    data["view"] = "sideways"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=r"view: unknown view 'sideways'"):
        load_plan(path)


def test_cli_misuse_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        ["execute", "plan.yaml", "--seed", "-1"],
        ["execute", "plan.yaml", "--episodes", "0"],
        ["train", str(tmp_path), "--envs", "0"],
        ["train", str(tmp_path), "--target", "5"],
        ["train", str(tmp_path), "--steps", "-1"],
        ["collect", str(tmp_path), "--workers", "1000"],
        ["collect", str(tmp_path), "--successes", "0"],
        ["scene", "render", "x.yaml", "--out", str(tmp_path), "--width", "0"],
    ]
    for argv in cases:
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: "), (argv, err)
    assert main(["eval", str(tmp_path)]) == 2  # a run with no task
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("error: ") and "holds no task" in " ".join(err)
    assert all(line.startswith("  ") and len(line) <= 200 for line in err[1:])


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({"pos": [True, False]}, r"objects\[0\]\.pos\[0\]: must be a number, not a boolean"),
        ({"pos": [float("nan"), 0.0]}, r"objects\[0\]\.pos\[0\]: Input should be a finite"),
        ({"pos": [50.0, 0.0]}, r"objects\[0\]\.pos\[0\]: Input should be less than or equal"),
        ({"pos": [0.1, 0.0], "mass": 1e9}, r"objects\[0\]\.mass"),
        ({"pos": [0.1, 0.0], "rgba": [1, 1, 1, 2]}, r"objects\[0\]\.rgba\[3\]"),
        ({"pos": [0.1, 0.0], "euler_deg": [0, 0, float("inf")]}, r"euler_deg\[2\]"),
    ],
)
def test_scene_numbers_are_typed_finite_and_bounded(obj: dict, message: str) -> None:  # type: ignore[type-arg]
    from gendexhand.config import parse_scene

    with pytest.raises(ConfigError, match=message):
        parse_scene({"task": {"name": "t"}, "objects": [{"asset": "apple", **obj}]})


def test_an_output_path_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "taken"
    taken.write_text("")
    plan = str(task_plans()["pick_bottle"])
    assert main(["execute", plan, "--episodes", "1", "--run", str(taken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {taken}: is a file; a run directory must be a folder"]


def test_a_huge_unknown_name_is_not_echoed() -> None:
    """A 1 MB bad asset id used to print 2 MB of stderr."""
    from gendexhand.config import parse_scene

    with pytest.raises(ConfigError) as err:
        parse_scene({"task": {"name": "t"}, "objects": [{"asset": "x" * 1_000_000, "pos": [0, 0]}]})
    assert len(str(err.value)) < 1000
