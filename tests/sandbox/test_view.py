"""The read-only state view reward code sees."""

from __future__ import annotations

import numpy as np
import pytest

from gendexhand.sandbox import StateView
from tests.sandbox.samples import snapshot


def test_state_view_is_read_only_copy() -> None:
    snap = snapshot(height=0.9, label="shelf")
    state = StateView(snap)
    pos = state.palm.pos
    assert isinstance(pos, np.ndarray) and pos.dtype == np.float64
    assert not pos.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        pos[0] = 5.0
    assert not state.objects.bottle.quat.flags.writeable  # tuples become read-only arrays too
    # a copy: later changes to the snapshot do not show
    snap["palm"]["pos"][0] = 99.0
    assert state.palm.pos[0] == pytest.approx(0.1)
    with pytest.raises(TypeError, match="read-only"):
        state["extra"] = 1
    with pytest.raises(AttributeError, match="read-only"):
        state.extra = 1
    with pytest.raises(AttributeError, match="read-only"):
        state.palm.pos = np.zeros(3)
    with pytest.raises(TypeError, match="read-only"):
        del state["t"]
    assert state.goal.height == 0.9 and state.goal.label == "shelf"
    assert type(state.t) is float


def test_state_view_access_and_contacts_defaults() -> None:
    state = StateView(snapshot())
    assert state.objects["bottle"] is state.objects.bottle
    assert set(state.tips) == {"thumb", "index"}
    assert dict(state.tips.items())["thumb"].tolist() == [0.1, 0.25, 0.95]
    assert len(state.objects) == 1 and "bottle" in state.objects
    assert state.contacts.bottle.thumb == 1.5
    assert state.contacts.bottle.index == 0.0  # missing parts are 0
    assert state.contacts.bottle["ring"] == 0.0
    assert state.contacts.mug.palm == 0.0  # untouched objects read all 0
    assert "mug" not in state.contacts and "index" not in state.contacts.bottle
    assert state.contacts.bottle.get("index", 0.5) == 0.5  # get honours its default
    assert state.tips.get("pinky") is None
    with pytest.raises(AttributeError, match=r"state.objects has no 'bottel'.*Closest: bottle"):
        _ = state.objects.bottel
    with pytest.raises(KeyError, match="It has: index, thumb"):
        _ = state.tips["pinky"]
    assert StateView({"t": 0.0}).contacts.bottle.thumb == 0.0  # no contacts key at all


def test_state_view_rejects_malformed_snapshots() -> None:
    with pytest.raises(TypeError, match="mapping"):
        StateView([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"state\.palm\.pos"):
        StateView({"palm": {"pos": ["a", "b"]}})
    with pytest.raises(TypeError, match="not a str"):
        StateView({"objects": {1: {}}})
    with pytest.raises(TypeError, match="unsupported type"):
        StateView({"goal": {"f": object()}})
