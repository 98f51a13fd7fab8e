"""Reward code the rules planner writes for its learned subtasks, from templates.

A template is filled with the task's object and the embodiment's own fingers (discovered from
the model, so a four-finger hand gets no term for a fifth finger) and returns the code and the
weights of an ``rl`` subtask. Every shaping term is at most 0, so the success bonus pays most and
the policy is never taught to avoid finishing. The code is plain Python of the sandbox's
allow-list; :func:`checked` runs the sandbox's check on it, so a template that stopped passing
would fail at planning time, not at training time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gendexhand.errors import ConfigError
from gendexhand.predicates.library import GRASP_FORCE

THUMB = "thumb"
"""The discovered name of the opposing finger (:mod:`gendexhand.embodiment.discovery`)."""
PRESS = GRASP_FORCE
"""Newtons of contact that count as a finger pressing on the object (as in ``grasped``)."""
AXES = {"x": 0, "y": 1, "z": 2}


@dataclass(frozen=True)
class Reward:
    """An ``rl`` subtask's reward: the code (``def reward(state):``) and each term's weight."""

    code: str
    weights: dict[str, float]


def _fingers(fingers: Sequence[str]) -> tuple[list[str], list[str]]:
    others = [f for f in fingers if f != THUMB]
    if THUMB not in fingers or not others:
        raise ConfigError(
            f"a learned grasp needs a thumb and another finger; the hand has "
            f"{', '.join(fingers) or 'no fingers'}"
        )
    return others, [THUMB, *others[:2]]


def _contact_lines(obj: str, others: Sequence[str]) -> list[str]:
    parts = ", ".join(repr(p) for p in [*others, "palm"])
    return [
        f"    c = state.contacts[{obj!r}]",
        '    thumb = min(c.get("thumb", 0.0), 2.0) / 2.0 - 1.0',
        "    pressing = 0.0",
        f"    for part in ({parts},):",
        f"        if c.get(part, 0.0) > {PRESS}:",
        "            pressing = pressing + 1.0",
        f'    held = 1.0 if c.get("thumb", 0.0) > {PRESS} and pressing >= 1.0 else 0.0',
        f"    fingers = pressing / {len(others) + 1}.0 - 1.0",
    ]


def grasp_reward(obj: str, fingers: Sequence[str]) -> Reward:
    """Close the hand on ``obj``: the thumb and the first two other fingertips near it, the thumb
    and at least one other finger (or the palm) pressing, the object not pushed away."""
    others, reaching = _fingers(fingers)
    lines = [
        "def reward(state):",
        f'    """Close on {obj}: fingertips near it, thumb and fingers pressing, {obj} not',
        '    pushed away. Every term is at most 0 but held, so finishing pays most."""',
        f"    o = state.objects[{obj!r}]",
        "    reach = 0.0",
        f"    for finger in ({', '.join(repr(f) for f in reaching)},):",
        "        reach = reach - float(np.linalg.norm(state.tips[finger] - o.pos))",
        *_contact_lines(obj, others),
        "    still = -min(float(np.linalg.norm(o.linvel)), 1.0)",
        '    return {"reach": reach, "thumb": thumb, "fingers": fingers, "held": held,',
        '            "still": still}',
    ]
    weights = {"reach": 1.0, "thumb": 0.5, "fingers": 0.5, "held": 1.0, "still": 0.5}
    return checked(Reward("\n".join(lines) + "\n", weights))


def rotate_reward(obj: str, fingers: Sequence[str], axis: str, degrees: float) -> Reward:
    """Turn a held ``obj`` about world ``axis`` in the sense of ``degrees``: angular speed about
    the axis up to 2 rad/s, the grasp kept, no drift of the object from the palm."""
    if axis not in AXES:
        raise ConfigError(f"rotation axis {axis!r} is not one of {', '.join(AXES)}")
    others, _ = _fingers(fingers)
    sign = 1.0 if degrees >= 0 else -1.0
    lines = [
        "def reward(state):",
        f'    """Turn {obj} about {axis} ({"+" if sign > 0 else "-"}) while holding it."""',
        f"    o = state.objects[{obj!r}]",
        f"    spin = min({sign} * float(o.angvel[{AXES[axis]}]), 2.0) / 2.0 - 1.0",
        *_contact_lines(obj, others),
        "    drift = -float(np.linalg.norm(o.pos - state.palm.pos))",
        '    return {"spin": spin, "thumb": thumb, "fingers": fingers, "held": held,',
        '            "drift": drift}',
    ]
    weights = {"spin": 1.0, "thumb": 0.3, "fingers": 0.3, "held": 1.0, "drift": 2.0}
    return checked(Reward("\n".join(lines) + "\n", weights))


def checked(reward: Reward) -> Reward:
    """``reward`` once the sandbox's allow-list check accepts its code (else a ConfigError)."""
    from gendexhand.sandbox import RewardRejected, check_reward_code

    try:
        check_reward_code(reward.code)
    except RewardRejected as exc:
        raise ConfigError(f"a reward template does not pass the sandbox: {exc}") from None
    return reward
