"""Reward code and state snapshots shared by the sandbox tests."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

GOOD = '''\
"""Reach the bottle, touch it, lift it."""


def reward(state):
    # distance of the palm to the bottle, contact bonus, lift height
    dist = np.linalg.norm(state.palm.pos - state.objects.bottle.pos)
    touch = state.contacts.bottle.thumb + state.contacts.bottle.index
    lift = state.objects.bottle.bottom - state.table_height
    return {
        "reach": -dist,
        "touch": np.tanh(touch),
        "lift": np.clip(lift, 0.0, 0.2),
    }
'''


def snapshot(**goal: Any) -> dict[str, Any]:
    return {
        "t": 0.5,
        "table_height": 0.7,
        "palm": {"pos": np.array([0.1, 0.2, 1.0]), "rot": np.eye(3)},
        "tips": {"thumb": (0.1, 0.25, 0.95), "index": (0.12, 0.18, 0.95)},
        "objects": {
            "bottle": {
                "pos": np.array([0.4, 0.6, 0.8]),
                "quat": (1.0, 0.0, 0.0, 0.0),
                "linvel": (0.0, 0.0, 0.1),
                "angvel": (0.0, 0.0, 0.0),
                "bottom": 0.78,
                "joints": {"cap_hinge": 0.3},
                "fraction": {"cap_hinge": 0.25},
            }
        },
        "contacts": {"bottle": {"thumb": 1.5, "palm": 0.5}},
        "action": np.zeros(7),
        "goal": dict(goal),
    }


def expected_good(snap: dict[str, Any]) -> dict[str, float]:
    bottle = snap["objects"]["bottle"]
    contacts = snap["contacts"].get("bottle", {})
    touch = contacts.get("thumb", 0.0) + contacts.get("index", 0.0)
    return {
        "reach": -float(np.linalg.norm(snap["palm"]["pos"] - bottle["pos"])),
        "touch": float(np.tanh(touch)),
        "lift": float(np.clip(bottle["bottom"] - snap["table_height"], 0.0, 0.2)),
    }


def body(code: str) -> str:
    """A reward whose body starts (at line 2) with ``code``."""
    return "def reward(state):\n" + textwrap.indent(code, "    ") + "\n    return {'x': 1.0}\n"
