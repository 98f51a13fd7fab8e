"""Backend selection: the user's choice is kept; no working backend is one clear error."""

from __future__ import annotations

import pytest

from gendexhand.errors import RenderError
from gendexhand.sim import gl


def test_user_choice_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUJOCO_GL", "osmesa")
    monkeypatch.delenv("PYOPENGL_PLATFORM", raising=False)
    assert gl.select_gl_backend() == "osmesa"


def test_no_backend_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUJOCO_GL", raising=False)
    monkeypatch.delenv("PYOPENGL_PLATFORM", raising=False)
    monkeypatch.setattr(
        gl.sys, "modules", {k: v for k, v in gl.sys.modules.items() if k != "mujoco"}
    )
    monkeypatch.setattr(gl, "probe", lambda backend, timeout=60.0: False)
    with pytest.raises(RenderError) as info:
        gl.select_gl_backend()
    assert " ".join(str(info.value).split()) == (
        "no offscreen OpenGL backend works (tried egl, osmesa): install Mesa's EGL driver "
        "(Debian/Ubuntu: apt-get install -y libegl1 libgl1-mesa-dri) or OSMesa (apt-get install "
        "-y libosmesa6), or set MUJOCO_GL to a backend that works here"
    )


def test_first_working_backend_is_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUJOCO_GL", raising=False)
    monkeypatch.delenv("PYOPENGL_PLATFORM", raising=False)
    monkeypatch.setattr(
        gl.sys, "modules", {k: v for k, v in gl.sys.modules.items() if k != "mujoco"}
    )
    monkeypatch.setattr(gl, "probe", lambda backend, timeout=60.0: backend == "osmesa")
    assert gl.select_gl_backend() == "osmesa"


def test_egl_probe_works_here() -> None:
    assert gl.probe("egl")
