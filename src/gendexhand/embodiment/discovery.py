"""Joint groups, fingertips and the palm frame, discovered from the kinematic tree.

Nothing here knows a joint or body name of any particular hand. The rules:

* the *hand* is the subtree of the hand's root body (where it was mounted);
* *fingertips* are the leaf bodies of that subtree that sit below at least one joint;
* the *palm* is their lowest common ancestor; each child subtree of the palm that holds a
  fingertip is one *finger*;
* the *thumb* is the finger whose tip, at the rest posture, lies farthest from the mean of the
  other tips; the remaining fingers are named index, middle, ring, little in order of their tip's
  distance from the thumb tip (finger1…fingerN when there are more than four);
* *wrist* joints sit on the bodies from the hand root down to the palm; *arm* joints sit above the
  hand root (an arm, or an actuated floating base);
* the unit of control is the *actuator*: an actuator belongs to the group of the joint it drives
  (through a tendon: of the tendon's first joint).
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np

from gendexhand.errors import EmbodimentError

FINGER_NAMES = ("index", "middle", "ring", "little")


@dataclass(frozen=True)
class ActuatorGroup:
    """A named set of actuators (and the joints they move).

    ``actuators`` are indices into ``MjModel.actuator_*`` / ``MjData.ctrl``; ``action_size`` is
    their count.
    """

    name: str
    actuators: tuple[int, ...]
    joints: tuple[int, ...]

    @property
    def action_size(self) -> int:
        return len(self.actuators)


@dataclass(frozen=True)
class Fingertip:
    """A fingertip point: ``offset`` (3,) in the frame of ``body``."""

    finger: str
    body: int
    offset: tuple[float, float, float]


@dataclass(frozen=True)
class HandLayout:
    """Everything later stages need to address a robot by role instead of by name."""

    hand_root: int
    palm_body: int
    palm_offset: tuple[float, float, float]
    palm_quat: tuple[float, float, float, float]
    fingers: tuple[str, ...]
    groups: tuple[ActuatorGroup, ...]
    fingertips: tuple[Fingertip, ...]
    finger_bases: tuple[int, ...]

    def group(self, name: str) -> ActuatorGroup:
        for g in self.groups:
            if g.name == name:
                return g
        valid = ", ".join(g.name for g in self.groups)
        raise EmbodimentError(f"no actuator group {name!r}. Available groups: {valid}")

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.groups)


def _children(model: mujoco.MjModel) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {i: [] for i in range(model.nbody)}
    for b in range(1, model.nbody):
        kids[int(model.body_parentid[b])].append(b)
    return kids


def _subtree(kids: dict[int, list[int]], root: int) -> list[int]:
    out, stack = [], [root]
    while stack:
        b = stack.pop()
        out.append(b)
        stack.extend(reversed(kids[b]))
    return out


def _path_to_root(model: mujoco.MjModel, body: int) -> list[int]:
    path = [body]
    while path[-1] != 0:
        path.append(int(model.body_parentid[path[-1]]))
    return path


def _body_joints(model: mujoco.MjModel, bodies: list[int]) -> list[int]:
    wanted = set(bodies)
    return [j for j in range(model.njnt) if int(model.jnt_bodyid[j]) in wanted]


def _actuator_joint(model: mujoco.MjModel, act: int) -> int | None:
    trn = int(model.actuator_trntype[act])
    target = int(model.actuator_trnid[act, 0])
    if trn in (mujoco.mjtTrn.mjTRN_JOINT, mujoco.mjtTrn.mjTRN_JOINTINPARENT):
        return target
    if trn == mujoco.mjtTrn.mjTRN_TENDON:
        start, num = int(model.tendon_adr[target]), int(model.tendon_num[target])
        for w in range(start, start + num):
            if int(model.wrap_type[w]) == mujoco.mjtWrap.mjWRAP_JOINT:
                return int(model.wrap_objid[w])
    return None


def _tip_offset(model: mujoco.MjModel, body: int) -> np.ndarray:
    """A point at the end of the fingertip body, in its frame."""
    sites = [s for s in range(model.nsite) if int(model.site_bodyid[s]) == body]
    if sites:
        best = max(sites, key=lambda s: float(np.linalg.norm(model.site_pos[s])))
        return np.array(model.site_pos[best], dtype=float)
    geoms = [g for g in range(model.ngeom) if int(model.geom_bodyid[g]) == body]
    if not geoms:
        return np.zeros(3)
    best_point = np.zeros(3)
    for g in geoms:
        centre = np.array(model.geom_pos[g], dtype=float)
        norm = np.linalg.norm(centre)
        direction = centre / norm if norm > 1e-9 else np.array([0.0, 0.0, 1.0])
        point = centre + direction * float(model.geom_rbound[g])
        if np.linalg.norm(point) > np.linalg.norm(best_point):
            best_point = point
    return best_point


def discover_layout(model: mujoco.MjModel, hand_root: int | str) -> HandLayout:
    """Discover groups, fingertips and the palm frame of the hand rooted at ``hand_root``."""
    root = hand_root if isinstance(hand_root, int) else model.body(hand_root).id
    kids = _children(model)
    hand_bodies = _subtree(kids, root)
    leaves = _jointed_leaves(model, kids, root, hand_bodies)
    palm = _common_ancestor(model, leaves)
    finger_roots, tips = _fingers(model, kids, palm, leaves)

    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    offsets = [_tip_offset(model, t) for t in tips]
    rest = [
        np.asarray(data.xpos[t] + data.xmat[t].reshape(3, 3) @ o)
        for t, o in zip(tips, offsets, strict=True)
    ]
    thumb, others = _thumb_and_others(rest)
    finger_of = _finger_names(thumb, others)
    order = [*others, thumb]

    joint_group = _joint_groups(
        model, kids, root, palm, hand_bodies, [(finger_roots[i], finger_of[i]) for i in order]
    )
    groups = _actuator_groups(model, joint_group, ["arm", "wrist", *(finger_of[i] for i in order)])

    fingertips = tuple(Fingertip(finger_of[i], tips[i], _vec3(offsets[i])) for i in order)
    offset, quat = _palm_frame(
        model,
        data,
        palm,
        [tips[i] for i in others],
        [offsets[i] for i in others],
        [finger_roots[i] for i in others],
        joint_group,
        {finger_of[i] for i in others},
    )
    return HandLayout(
        hand_root=root,
        palm_body=palm,
        palm_offset=offset,
        palm_quat=quat,
        fingers=tuple(finger_of[i] for i in order),
        groups=groups,
        fingertips=fingertips,
        finger_bases=tuple(finger_roots[i] for i in order),
    )


def _jointed_leaves(
    model: mujoco.MjModel, kids: dict[int, list[int]], root: int, hand_bodies: list[int]
) -> list[int]:
    """The hand's leaf bodies below at least one joint of the hand; raises unless two or more."""
    hand_joint_bodies = {int(model.jnt_bodyid[j]) for j in range(model.njnt)}

    def below_a_joint(b: int) -> bool:
        return any(p in hand_joint_bodies for p in _path_to_root(model, b) if p in hand_bodies)

    leaves = [b for b in hand_bodies if not kids[b] and below_a_joint(b)]
    if len(leaves) < 2:
        name = model.body(root).name
        raise EmbodimentError(
            f"hand rooted at body {name!r} has {len(leaves)} jointed leaf bodies; a hand needs "
            "at least two fingers"
        )
    return leaves


def _common_ancestor(model: mujoco.MjModel, bodies: list[int]) -> int:
    """The lowest common ancestor of ``bodies`` (the palm, for the fingertip leaves)."""
    paths = [list(reversed(_path_to_root(model, b))) for b in bodies]
    ancestor = 0
    for level in zip(*paths, strict=False):
        if len(set(level)) != 1:
            break
        ancestor = level[0]
    return ancestor


def _fingers(
    model: mujoco.MjModel, kids: dict[int, list[int]], palm: int, leaves: list[int]
) -> tuple[list[int], list[int]]:
    """Each finger's root (a child of the palm holding a leaf) and its tip (its deepest leaf)."""
    finger_roots = [c for c in kids[palm] if any(leaf in _subtree(kids, c) for leaf in leaves)]
    tips: list[int] = []
    for c in finger_roots:
        sub = [leaf for leaf in leaves if leaf in _subtree(kids, c)]
        tips.append(max(sub, key=lambda leaf: len(_path_to_root(model, leaf))))
    return finger_roots, tips


def _thumb_and_others(rest: list[np.ndarray]) -> tuple[int, list[int]]:
    """The thumb (the tip farthest from the mean of the others) and the other fingers, nearest
    to the thumb tip first; indices into ``rest``, the tip points at the rest posture."""
    n = len(rest)
    scores = [
        np.linalg.norm(rest[i] - np.mean([rest[k] for k in range(n) if k != i], axis=0))
        for i in range(n)
    ]
    thumb = int(np.argmax(scores))
    others = sorted(
        (i for i in range(n) if i != thumb),
        key=lambda i: float(np.linalg.norm(rest[i] - rest[thumb])),
    )
    return thumb, others


def _finger_names(thumb: int, others: list[int]) -> dict[int, str]:
    """Finger index → name: ``thumb``, then :data:`FINGER_NAMES` (or finger1…N past four)."""
    names = (
        FINGER_NAMES
        if len(others) <= len(FINGER_NAMES)
        else tuple(f"finger{k + 1}" for k in range(len(others)))
    )
    finger_of: dict[int, str] = {thumb: "thumb"}
    for k, i in enumerate(others):
        finger_of[i] = names[k]
    return finger_of


def _joint_groups(
    model: mujoco.MjModel,
    kids: dict[int, list[int]],
    root: int,
    palm: int,
    hand_bodies: list[int],
    fingers: list[tuple[int, str]],
) -> dict[int, str]:
    """Joint → group: ``arm`` above the hand root, ``wrist`` from the hand root down to the palm,
    and each finger's name on its subtree (``fingers``: root body and name, in group order)."""
    joint_group: dict[int, str] = {}
    robot_path = _path_to_root(model, root)[1:]
    for j in _body_joints(model, [b for b in robot_path if b != 0]):
        joint_group[j] = "arm"
    wrist_bodies = [b for b in _path_to_root(model, palm) if b in hand_bodies]
    for j in _body_joints(model, wrist_bodies):
        joint_group[j] = "wrist"
    for finger_root, name in fingers:
        for j in _body_joints(model, _subtree(kids, finger_root)):
            joint_group[j] = name
    return joint_group


def _actuator_groups(
    model: mujoco.MjModel, joint_group: dict[int, str], group_names: list[str]
) -> tuple[ActuatorGroup, ...]:
    """One :class:`ActuatorGroup` per name that has actuators or joints, in ``group_names``
    order; an actuator belongs to the group of the joint it drives."""
    act_group: dict[int, str] = {}
    for a in range(model.nu):
        driven = _actuator_joint(model, a)
        if driven is not None and driven in joint_group:
            act_group[a] = joint_group[driven]
    groups = []
    for g in group_names:
        acts = tuple(a for a, gg in act_group.items() if gg == g)
        joints = tuple(j for j, gg in sorted(joint_group.items()) if gg == g)
        if acts or joints:
            groups.append(ActuatorGroup(g, acts, joints))
    return tuple(groups)


def _palm_frame(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    palm: int,
    tips: list[int],
    offsets: list[np.ndarray],
    bases: list[int],
    joint_group: dict[int, str],
    finger_groups: set[str],
) -> tuple[tuple[float, float, float], tuple[float, float, float, float]]:
    """Palm frame in the palm body's frame: x toward the fingers, z out of the palm face."""
    rot = data.xmat[palm].reshape(3, 3)
    origin = data.xpos[palm]

    def local(p: np.ndarray) -> np.ndarray:
        return np.asarray(rot.T @ (p - origin))

    def tip_points(d: mujoco.MjData) -> np.ndarray:
        return np.array(
            [
                local(d.xpos[t] + d.xmat[t].reshape(3, 3) @ o)
                for t, o in zip(tips, offsets, strict=True)
            ]
        )

    rest = tip_points(data)
    base_pts = np.array([local(data.xpos[b]) for b in bases])
    x = rest.mean(axis=0)
    x /= np.linalg.norm(x)
    flexed = mujoco.MjData(model)
    flexed.qpos[:] = data.qpos
    for j, g in joint_group.items():
        if g in finger_groups and model.jnt_limited[j]:
            lo, hi = model.jnt_range[j]
            flexed.qpos[model.jnt_qposadr[j]] = 0.5 * (lo + hi)
    mujoco.mj_kinematics(model, flexed)
    move = (tip_points(flexed) - rest).mean(axis=0)
    z = move - x * float(move @ x)
    if np.linalg.norm(z) < 1e-6:
        raise EmbodimentError(
            f"cannot find the palm normal of body {model.body(palm).name!r}: flexing the finger "
            "joints to the middle of their ranges does not move the fingertips"
        )
    z /= np.linalg.norm(z)
    y = np.cross(z, x)
    centre = 0.5 * base_pts.mean(axis=0)
    mat = np.column_stack([x, y, z])
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, mat.flatten())
    return _vec3(centre), (float(quat[0]), float(quat[1]), float(quat[2]), float(quat[3]))


def _vec3(v: np.ndarray) -> tuple[float, float, float]:
    return (float(v[0]), float(v[1]), float(v[2]))
