"""End-to-end CLI runs on the packaged examples and on user mistakes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gendexhand.cli.main import main
from tests.conftest import EXAMPLES


def test_help_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--help"],
        ["embodiments", "--help"],
        ["embodiments", "list", "--help"],
        ["embodiments", "show", "--help"],
        ["scene", "validate", "--help"],
        ["scene", "render", "--help"],
        ["demo", "--help"],
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 0
    assert "--shadows" in capsys.readouterr().out


def test_embodiments_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["embodiments", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("franka_shadow", "floating_shadow", "adroit"):
        assert name in out
    assert main(["embodiments", "show", "franka_shadow"]) == 0
    out = capsys.readouterr().out
    assert "action size (actuators): 27   joints: 31" in out
    assert "  thumb    5 actuators /  5 joints:" in out


def test_show_a_hand_by_path(toy_hand: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["embodiments", "show", "--hand", str(toy_hand)]) == 0
    out = capsys.readouterr().out
    assert "  index    2 actuators /  2 joints: hand/m0_curl, hand/m0_knuckle" in out


def test_validate_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for path in EXAMPLES.values():
        assert main(["scene", "validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.count("ok ") == len(EXAMPLES)
    assert err == "", "the example scenes are physically clean"


def test_user_mistake_prints_one_error_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "scene.yaml"
    bad.write_text("task: {name: t}\nobjects:\n  - {asset: botle, pos: [0, 0]}\n")
    assert main(["scene", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: {bad}: invalid SceneConfig:\n  objects[0].asset: unknown asset id "
        "'botle'. Closest: bottle, bowl. Valid asset ids: apple, banana, basket, "
    )
    assert err.endswith("(see `gendexhand assets list`).\n")
    assert err.count("error:") == 1 and max(len(line) for line in err.splitlines()) <= 200
    assert "Traceback" not in err


def test_render_writes_views_and_contact_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "views"
    code = main(
        [
            "scene",
            "render",
            str(EXAMPLES["reference"]),
            "--out",
            str(out),
            "--width",
            "160",
            "--height",
            "120",
            "--views",
            "front",
            "top",
            "--depth",
            "--segmentation",
        ]
    )
    assert code == 0
    assert "contact sheet" in capsys.readouterr().out
    sheet = Image.open(out / "views.png")
    assert sheet.size == (320, 120 + 28)
    depth = np.load(out / "front.depth.npy")
    assert depth.shape == (120, 160) and np.nanmin(depth) > 0.1
    seg = np.load(out / "top.seg.npy")
    assert seg.shape == (120, 160) and len(np.unique(seg)) > 3  # table, objects, robot, floor
    assert np.asarray(Image.open(out / "front.png")).std() > 10


def test_assets_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assets", "list", "--category", "furniture"]) == 0
    out = capsys.readouterr().out
    assert "cabinet" in out and "door_hinge" in out and "apple" not in out
    assert main(["assets", "show", "drawer"]) == 0
    out = capsys.readouterr().out
    assert "drawer_slide" in out and "drawer slide: 0 closed, 0.22 fully open" in out
    assert "handle_side" in out
    assert main(["assets", "list", "--category", "furnitur"]) == 2
    assert "no assets in category 'furnitur'" in capsys.readouterr().err
    assert main(["assets", "render", "storage_box", "--out", str(tmp_path), "--width", "160",
                 "--height", "120", "--parts"]) == 0  # fmt: skip
    assert (tmp_path / "views.png").is_file() and (tmp_path / "close.png").is_file()
