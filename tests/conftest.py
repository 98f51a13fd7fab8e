"""Shared fixtures. The GL backend is chosen here, before any test imports mujoco."""

from __future__ import annotations

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402

from gendexhand.config import SceneConfig, parse_scene  # noqa: E402
from gendexhand.examples import example_scenes  # noqa: E402
from gendexhand.sim.scene import Scene, build_scene  # noqa: E402

if TYPE_CHECKING:
    from tests.llm.server import ScriptedServer

EXAMPLES = {p.stem: p for p in example_scenes()}

# A small hand whose names share nothing with any hand the code knows: a base, a palm, three
# fingers (two hinges each, the distal one coupled to the middle one by a tendon constraint and
# driven through a fixed tendon), and an opposed two-joint thumb.
TOY_HAND_XML = """
<mujoco model="toy_hand">
  <worldbody>
    <body name="carpus_base" pos="0 0 0">
      <geom type="box" size="0.02 0.02 0.01" mass="0.1"/>
      <joint name="flexor_wrist" axis="0 1 0" range="-0.5 0.5"/>
      <body name="metacarpus" pos="0 0 0.02">
        <geom type="box" size="0.04 0.012 0.04" pos="0 0 0.04" mass="0.2"/>
        {fingers}
        <body name="pollex_root" pos="0.045 -0.015 0.02" euler="0 0.8 0">
          <joint name="pollex_spin" axis="0 0 1" range="-1 1"/>
          <geom type="capsule" fromto="0 0 0 0 0 0.03" size="0.009" mass="0.02"/>
          <body name="pollex_tip" pos="0 0 0.03">
            <joint name="pollex_bend" axis="1 0 0" range="0 1.2"/>
            <geom type="capsule" fromto="0 0 0 0 0 0.03" size="0.008" mass="0.02"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <tendon>{tendons}</tendon>
  <actuator>
    <position name="m_wrist" joint="flexor_wrist" kp="5" ctrlrange="-0.5 0.5"/>
    {actuators}
    <position name="m_pollex_spin" joint="pollex_spin" kp="1" ctrlrange="-1 1"/>
    <position name="m_pollex_bend" joint="pollex_bend" kp="1" ctrlrange="0 1.2"/>
  </actuator>
</mujoco>
"""

_FINGER = """
        <body name="digit{k}_a" pos="{x} 0 0.08">
          <joint name="d{k}_knuckle" axis="1 0 0" range="0 1.5"/>
          <geom type="capsule" fromto="0 0 0 0 0 0.04" size="0.009" mass="0.02"/>
          <body name="digit{k}_b" pos="0 0 0.04">
            <joint name="d{k}_tipjoint" axis="1 0 0" range="0 1.5"/>
            <geom type="capsule" fromto="0 0 0 0 0 0.03" size="0.008" mass="0.02"/>
          </body>
        </body>"""


def toy_hand_xml() -> str:
    fingers = "".join(_FINGER.format(k=k, x=x) for k, x in enumerate((0.03, 0.0, -0.03)))
    tendons = "".join(
        f'<fixed name="t{k}"><joint joint="d{k}_knuckle" coef="1"/>'
        f'<joint joint="d{k}_tipjoint" coef="1"/></fixed>'
        for k in range(3)
    )
    actuators = "".join(
        f'<position name="m{k}_curl" tendon="t{k}" kp="1" ctrlrange="0 3"/>'
        f'<position name="m{k}_knuckle" joint="d{k}_knuckle" kp="1" ctrlrange="0 1.5"/>'
        for k in range(3)
    )
    return TOY_HAND_XML.format(fingers=fingers, tendons=tendons, actuators=actuators)


@pytest.fixture(scope="session")
def toy_hand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hand") / "toy_hand.xml"
    path.write_text(toy_hand_xml())
    return path


def minimal_config(embodiment: str = "franka_shadow", **extra: object) -> SceneConfig:
    data: dict[str, object] = {"task": {"name": "t"}, "embodiment": {"name": embodiment}}
    data.update(extra)
    return parse_scene(data)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def reference_scene() -> Scene:
    """Read-only use only: tests that step must build their own."""
    from gendexhand.config import load_scene

    return build_scene(load_scene(EXAMPLES["reference"]))


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    """The scripted LLM server (tests/llm/server.py), with test keys for both SDKs."""
    from tests.llm.server import ScriptedServer

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    with ScriptedServer() as s:
        yield s
