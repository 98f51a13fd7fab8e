"""Contact sensing: which part of the hand touches what, and with how much force.

Hand bodies map to the finger they belong to (or ``"palm"``); forces are MuJoCo's contact
forces summed per part. Read by the success predicates and by the reward state snapshot.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import mujoco
import numpy as np

from gendexhand.sim.builder import ObjectHandle
from gendexhand.sim.scene import Scene


def hand_parts(scene: Scene) -> dict[int, str]:
    """Every body of the hand (the subtree of the hand root) → the finger it belongs to.

    A body belongs to finger *f* if it is *f*'s fingertip body, one of that body's ancestors below
    the palm body, or a descendant of one of those (walking up, the first such body decides).
    Every other hand body — the palm body, the bodies above it up to the hand root, and bodies
    shared by the chains of several fingers — is ``"palm"``. Arm links are not hand bodies.
    The map is computed once per model (it is read at every step of an rl subtask) and kept only
    as long as the model lives.
    """
    parts = _HAND_PARTS.get(scene.model)
    if parts is None:
        layout = scene.robot.layout
        tips = tuple((t.finger, t.body) for t in layout.fingertips)
        parts = _hand_parts(scene.model, layout.hand_root, layout.palm_body, tips)
        _HAND_PARTS[scene.model] = parts
    return parts


_HAND_PARTS: weakref.WeakKeyDictionary[mujoco.MjModel, dict[int, str]] = weakref.WeakKeyDictionary()


def _hand_parts(
    m: mujoco.MjModel, root: int, palm: int, tips: tuple[tuple[str, int], ...]
) -> dict[int, str]:
    owners: dict[int, set[str]] = {}
    for finger, tip_body in tips:
        b = tip_body
        while b > 0 and b not in (palm, root):
            owners.setdefault(b, set()).add(finger)
            b = int(m.body_parentid[b])
    out: dict[int, str] = {}
    for body in range(1, m.nbody):
        up, in_hand = body, False
        while up > 0:
            if up == root:
                in_hand = True
                break
            up = int(m.body_parentid[up])
        if not in_hand:
            continue
        part, up = "palm", body
        while up > 0 and up not in (palm, root):
            fingers = owners.get(up)
            if fingers is not None:
                if len(fingers) == 1:
                    part = next(iter(fingers))
                break
            up = int(m.body_parentid[up])
        out[body] = part
    return out


def hand_contacts(scene: Scene, obj: str) -> Iterator[tuple[int, str, float]]:
    """Each contact between object ``obj`` (any of its bodies) and the hand, in contact order:
    (contact index, the hand part of :func:`hand_parts`, +1 if the object is the contact's
    ``geom2`` — MuJoCo's contact force acts on ``geom2`` along the frame's normal — else -1)."""
    mine = set(scene.objects[obj].bodies)
    parts = hand_parts(scene)
    m, d = scene.model, scene.data
    for i in range(d.ncon):
        c = d.contact[i]
        b1, b2 = int(m.geom_bodyid[c.geom1]), int(m.geom_bodyid[c.geom2])
        if b1 in mine and b2 in parts:
            yield i, parts[b2], -1.0
        elif b2 in mine and b1 in parts:
            yield i, parts[b1], 1.0


def hand_contact_forces(scene: Scene, obj: str) -> dict[str, float]:
    """Total normal force (N) on object ``obj`` (any of its bodies) from each finger and the palm.

    Keys are finger names (``"thumb"``, ``"index"``…) and ``"palm"`` as given by
    :func:`hand_parts`; parts that do not touch the object are absent.
    """
    force = np.zeros(6)
    out: dict[str, float] = {}
    for i, part, _ in hand_contacts(scene, obj):
        mujoco.mj_contactForce(scene.model, scene.data, i, force)
        out[part] = out.get(part, 0.0) + float(force[0])
    return out


def hand_lift_force(scene: Scene, obj: str) -> float:
    """Upward (world +z) component of the hand's total contact force on ``obj`` (N)."""
    force = np.zeros(6)
    up = 0.0
    for i, _, sign in hand_contacts(scene, obj):
        mujoco.mj_contactForce(scene.model, scene.data, i, force)
        world = scene.data.contact[i].frame.reshape(3, 3).T @ force[:3]
        up += sign * float(world[2])
    return up


def hand_net_force(scene: Scene, obj: str) -> np.ndarray:
    """The hand's total contact force on ``obj`` (3,), world frame (N): near zero for fingers
    that squeeze it from opposite sides, as large as their sum for a hand pushing it."""
    force = np.zeros(6)
    net = np.zeros(3)
    for i, _, sign in hand_contacts(scene, obj):
        mujoco.mj_contactForce(scene.model, scene.data, i, force)
        net += sign * (scene.data.contact[i].frame.reshape(3, 3).T @ force[:3])
    return net


def touches_other_than_hand(scene: Scene, obj: str) -> bool:
    """Whether ``obj`` is in contact with anything that is not part of the hand."""
    mine = set(scene.objects[obj].bodies)
    parts = hand_parts(scene)
    m, d = scene.model, scene.data
    for c in d.contact[: d.ncon]:
        b1, b2 = int(m.geom_bodyid[c.geom1]), int(m.geom_bodyid[c.geom2])
        if b1 in mine and b2 not in mine and b2 not in parts:
            return True
        if b2 in mine and b1 not in mine and b1 not in parts:
            return True
    return False


def touching(scene: Scene, a: ObjectHandle, b: ObjectHandle) -> bool:
    d = scene.data
    ga, gb = set(a.geoms), set(b.geoms)
    for i in range(d.ncon):
        g1, g2 = int(d.contact[i].geom1), int(d.contact[i].geom2)
        if (g1 in ga and g2 in gb) or (g1 in gb and g2 in ga):
            return True
    return False
