"""Physical scene checks: overlaps, placement, reach and settling, as one typed report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gendexhand.cli.main import main
from gendexhand.config import parse_scene
from gendexhand.embodiment.workspace import Workspace
from gendexhand.sim.checks import Check, SceneReport, Severity, check_scene
from gendexhand.sim.scene import Scene, build_scene

# One object per problem; positions are metres in the world (the table top is at z = 0.75 and
# the Franka's base at x = -0.5 by default).
ABSURD = {
    "task": {"name": "absurd"},
    "objects": [
        {"asset": "apple", "pos": [0.05, -0.15, 0.78]},
        {"asset": "cube", "name": "cube_in_apple", "pos": [0.05, -0.15, 0.78]},
        {"asset": "can", "pos": [0.2, 0.1, 0.70]},
        {"asset": "bottle", "pos": [-0.5, 0.0, 0.85]},
        {"asset": "bowl", "pos": [3.0, 2.0]},
        {"asset": "banana", "pos": [0.1, 0.2]},
    ],
}


@pytest.fixture(scope="module")
def absurd() -> tuple[Scene, SceneReport]:
    scene = build_scene(parse_scene(ABSURD))
    return scene, check_scene(scene)


def _checks(report: SceneReport, obj: str) -> set[Check]:
    return {f.check for f in report.findings if f.object == obj}


def test_each_absurdity_is_found_with_its_number(absurd: tuple[Scene, SceneReport]) -> None:
    _, report = absurd
    apple = [f for f in report.findings if f.object == "apple" and f.other == "cube_in_apple"]
    assert len(apple) == 1 and apple[0].check is Check.PENETRATION
    assert 0.03 < apple[0].value < 0.1  # cube inside apple: centres coincide
    can = [f for f in report.findings if f.object == "can" and f.other == "table"]
    assert can and can[0].value == pytest.approx(0.05, abs=0.005)  # 5 cm into the table top
    assert {Check.OVERLAPS_ROBOT, Check.INSIDE_ROBOT_BASE} <= _checks(report, "bottle")
    assert {Check.OFF_TABLE, Check.OUTSIDE_WORKSPACE, Check.FELL} <= _checks(report, "bowl")
    assert _checks(report, "banana") == set(), "a banana resting on the table is fine"
    assert [f.object for f in report.errors] == ["bottle"]
    assert report.errors[0].check is Check.INSIDE_ROBOT_BASE and not report.ok
    assert all(f.severity is Severity.WARNING for f in report.warnings)


def test_report_round_trips_and_scene_is_left_at_its_initial_state(
    absurd: tuple[Scene, SceneReport],
) -> None:
    scene, report = absurd
    again = SceneReport.model_validate_json(report.model_dump_json())
    assert again == report
    state = scene.initial_state.copy()
    check_scene(scene)
    assert np.array_equal(scene.initial_state, state)
    settled = scene.data.qpos.copy()
    scene.reset()
    assert np.array_equal(scene.data.qpos, settled)


def test_workspace_is_measured_from_the_robot(reference_scene: Scene) -> None:
    ws = reference_scene.robot.workspace
    palm, _ = reference_scene.robot.palm_pose(reference_scene.data)
    assert ws.distance(palm) == 0.0
    base = reference_scene.data.xpos[reference_scene.model.body("panda0_link0").id]
    reach = np.asarray(ws.high)[:2] - base[:2]
    assert 0.7 < reach[0] < 1.0, "a Panda reaches about 0.85 m forward"
    assert ws.distance(base + np.array([3.0, 0, 0])) > 2.0
    box = Workspace(low=(0, 0, 0), high=(1, 1, 1), margin=0.1)
    assert box.distance([1.05, 0.5, 0.5]) == 0.0
    assert box.distance([1.5, 0.5, 0.5]) == pytest.approx(0.4)
    assert box.box_distance([1.5, 0, 0], [2, 1, 1]) == pytest.approx(0.4)


def test_scene_validate_reports_warnings_and_stops_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    bad = tmp_path / "scene.yaml"
    bad.write_text(yaml.safe_dump(ABSURD))
    report = tmp_path / "report.json"
    assert main(["scene", "validate", str(bad), "--report", str(report)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"error: {bad}: objects[3] ('bottle') inside_robot_base")
    assert [line for line in err if line.startswith("error:")] == [err[-1]]
    assert any("objects[4] ('bowl') off_table: 2.4 m" in line for line in err)
    assert all(len(line) <= 200 for line in err)
    assert SceneReport.model_validate_json(report.read_text()).errors
    fixed = dict(ABSURD, objects=[o for o in ABSURD["objects"] if o["asset"] == "banana"])
    bad.write_text(yaml.safe_dump(fixed))
    assert main(["scene", "validate", str(bad)]) == 0
    assert capsys.readouterr().err == ""
