"""The state snapshot: what reward code reads, as a typed, documented contract.

:func:`take_snapshot` reads it from a scene; :meth:`StateSnapshot.as_dict` is the plain dict the
reward sandbox wraps in a read-only view (``state.palm.pos``, ``state.objects.bottle.bottom``);
:func:`state_reference` is the reference text generated from the fields below (the LLM prompts
that ask for reward code include it). Positions are world-frame metres, rotations 3×3 matrices,
quaternions (w, x, y, z), velocities m/s and rad/s, forces newtons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_type_hints

import mujoco
import numpy as np

from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.contact import hand_contact_forces
from gendexhand.sim.scene import Scene


def _doc(text: str, kind: str, key: str = "") -> Any:
    """A documented field: ``kind`` is the type of a value, ``key`` the placeholder of a
    mapping's key (``<finger>``)."""
    return field(metadata={"doc": text, "kind": kind, "key": key})


@dataclass(frozen=True)
class PalmState:
    pos: np.ndarray = _doc("palm site position (m)", "float[3]")
    rot: np.ndarray = _doc(
        "palm site rotation matrix; its column 2 points out of the palm", "float[3,3]"
    )


@dataclass(frozen=True)
class ObjectState:
    pos: np.ndarray = _doc("body origin (m)", "float[3]")
    quat: np.ndarray = _doc("body orientation, (w, x, y, z)", "float[4]")
    linvel: np.ndarray = _doc("linear velocity of the body origin (m/s, world frame)", "float[3]")
    angvel: np.ndarray = _doc("angular velocity (rad/s, world frame)", "float[3]")
    bottom: float = _doc("world z of the object's lowest collision point (m)", "float")
    joints: dict[str, float] = _doc(
        "position of each articulated joint (rad for hinges, m for slides)", "float", "<joint>"
    )
    fraction: dict[str, float] = _doc(
        "how far open each joint is: 0 closed, 1 fully open", "float", "<joint>"
    )


@dataclass(frozen=True)
class StateSnapshot:
    t: float = _doc("seconds since the start of the subtask", "float")
    table_height: float = _doc("world z of the table top (m)", "float")
    palm: PalmState = _doc("the palm", "PalmState")
    tips: dict[str, np.ndarray] = _doc(
        "fingertip site position (m) of each finger (thumb, index, …)", "float[3]", "<finger>"
    )
    objects: dict[str, ObjectState] = _doc(
        "every object of the scene, by instance name", "ObjectState", "<object>"
    )
    contacts: dict[str, dict[str, float]] = _doc(
        "normal contact force (N) on the object from a finger or the palm; a part that "
        "does not touch it reads 0",
        "float",
        "<object>.<finger or palm>",
    )
    action: np.ndarray = _doc("the policy's last action", "float[k]")
    goal: dict[str, Any] = _doc(
        "goal values the plan gives the subtask (numbers, strings or arrays)", "value", "<name>"
    )

    def as_dict(self) -> dict[str, Any]:
        """The plain nested dict reward code receives (what the sandbox's view wraps)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["palm"] = {"pos": self.palm.pos, "rot": self.palm.rot}
        out["objects"] = {
            n: {f.name: getattr(o, f.name) for f in dataclasses.fields(o)}
            for n, o in self.objects.items()
        }
        return out


def take_snapshot(
    scene: Scene, action: np.ndarray, t: float, goal: Mapping[str, Any]
) -> StateSnapshot:
    """The state of ``scene`` now, as reward code sees it."""
    m, d = scene.model, scene.data
    palm_pos, palm_rot = scene.robot.palm_pose(d)
    objects: dict[str, ObjectState] = {}
    contacts: dict[str, dict[str, float]] = {}
    vel = np.zeros(6)
    for name, h in scene.objects.items():
        mujoco.mj_objectVelocity(m, d, mujoco.mjtObj.mjOBJ_BODY, h.body, vel, 0)
        lo, _ = collision_bounds(m, d, h.geoms)
        joints = {j: float(d.qpos[a]) for j, a in h.joints.items()}
        scale = {j.name: (h.scale if j.kind == "slide" else 1.0) for j in h.asset.joints}
        objects[name] = ObjectState(
            pos=d.xpos[h.body].copy(),
            quat=d.xquat[h.body].copy(),
            linvel=vel[3:].copy(),
            angvel=vel[:3].copy(),
            bottom=float(lo[2]),
            joints=joints,
            fraction={j: h.asset.joint(j).fraction(v / scale[j]) for j, v in joints.items()},
        )
        contacts[name] = hand_contact_forces(scene, name)
    return StateSnapshot(
        t=t,
        table_height=scene.config.table.height,
        palm=PalmState(palm_pos, palm_rot),
        tips=scene.robot.fingertips(d),
        objects=objects,
        contacts=contacts,
        action=np.asarray(action, dtype=float).copy(),
        goal=dict(goal),
    )


def reference_paths() -> list[tuple[str, str, str]]:
    """(path, type, description) of every field reward code can read, e.g.
    ``("state.objects.<object>.pos", "float[3]", "body origin (m)")``."""
    out: list[tuple[str, str, str]] = []

    def walk(cls: type, prefix: str) -> None:
        hints = get_type_hints(cls)
        for f in dataclasses.fields(cls):
            path = f"{prefix}.{f.name}" + (f".{f.metadata['key']}" if f.metadata["key"] else "")
            nested = hints[f.name]
            if f.name == "objects":
                nested = ObjectState
            if dataclasses.is_dataclass(nested):
                walk(nested, path)  # type: ignore[arg-type]
            else:
                out.append((path, f.metadata["kind"], f.metadata["doc"]))

    walk(StateSnapshot, "state")
    return out


def state_reference() -> str:
    """The reference of the state reward code reads: one line per field (path, type, meaning)."""
    lines = [
        "Reward code receives `state`, a read-only view of this snapshot (attribute or item "
        "access; arrays are read-only float64; missing contacts read 0):"
    ]
    for path, kind, doc in reference_paths():
        lines.append(f"  {path}: {kind} — {doc}")
    return "\n".join(lines)
