"""Joint-group discovery from the kinematic tree, on hands the code has no special case for."""

from __future__ import annotations

from pathlib import Path

import mujoco
import pytest

from gendexhand.embodiment import Embodiment, discover_layout, robot_spec
from gendexhand.errors import EmbodimentError

from ..conftest import toy_hand_xml

SHADOW_GROUPS = {"arm": 7, "wrist": 2, "index": 3, "middle": 3, "ring": 3, "little": 4, "thumb": 5}


def _embodiment(name: str, hand: Path | None = None) -> Embodiment:
    robot = robot_spec(name, hand)
    return Embodiment(robot.spec.compile(), robot)


def test_shadow_on_franka_groups_are_actuators() -> None:
    emb = _embodiment("franka_shadow")
    sizes = {g.name: g.action_size for g in emb.groups}
    assert sizes == SHADOW_GROUPS
    hand_joints = sum(len(g.joints) for g in emb.groups if g.name != "arm")
    hand_actuators = sum(g.action_size for g in emb.groups if g.name != "arm")
    assert (hand_joints, hand_actuators) == (24, 20)
    assert emb.action_size == 27
    tips = {t.finger: emb.model.body(t.body).name for t in emb.layout.fingertips}
    assert tips["thumb"] == "hand/robot0:thdistal"
    assert tips["index"] == "hand/robot0:ffdistal"
    assert tips["little"] == "hand/robot0:lfdistal"


def test_toy_hand_with_unfamiliar_names(toy_hand: Path) -> None:
    emb = _embodiment("", toy_hand)
    m = emb.model
    by_group = {g.name: sorted(m.actuator(a).name for a in g.actuators) for g in emb.groups}
    assert by_group == {
        "arm": ["A_base_r" + a for a in "xyz"] + ["A_base_" + a for a in "xyz"],
        "wrist": ["hand/m_wrist"],
        "index": ["hand/m0_curl", "hand/m0_knuckle"],
        "middle": ["hand/m1_curl", "hand/m1_knuckle"],
        "ring": ["hand/m2_curl", "hand/m2_knuckle"],
        "thumb": ["hand/m_pollex_bend", "hand/m_pollex_spin"],
    }
    assert m.body(emb.layout.palm_body).name == "hand/metacarpus"
    # the palm normal points where the fingers curl (-y for hinges about +x with positive range)
    data = mujoco.MjData(m)
    mujoco.mj_kinematics(m, data)
    _, palm = emb.palm_pose(data)
    hand_rot = data.xmat[emb.layout.palm_body].reshape(3, 3)
    normal_local = hand_rot.T @ palm[:, 2]
    assert normal_local[1] < -0.9
    assert emb.metrics.aperture > 0.05


def test_one_finger_is_not_a_hand() -> None:
    xml = """<mujoco><worldbody><body name="b"><joint name="j" axis="0 0 1"/>
             <geom size="0.01"/><body name="c" pos="0 0 0.05"><joint name="k" axis="1 0 0"/>
             <geom size="0.01"/></body></body></worldbody></mujoco>"""
    model = mujoco.MjModel.from_xml_string(xml)
    with pytest.raises(
        EmbodimentError, match="has 1 jointed leaf bodies; a hand needs at least two fingers"
    ):
        discover_layout(model, "b")


def test_hand_file_errors(tmp_path: Path) -> None:
    with pytest.raises(EmbodimentError, match="does not exist"):
        robot_spec("", tmp_path / "nope.xml")
    bad = tmp_path / "bad.xml"
    bad.write_text("<mujoco><worldbody><body></mujoco>")
    with pytest.raises(EmbodimentError, match="cannot parse MJCF"):
        robot_spec("", bad)


def test_unknown_embodiment() -> None:
    with pytest.raises(EmbodimentError, match=r"unknown embodiment 'shadow'\. Closest: "):
        robot_spec("shadow")


def test_toy_xml_is_valid() -> None:
    model = mujoco.MjModel.from_xml_string(toy_hand_xml())
    assert model.nu == 9
