"""Choose the offscreen OpenGL backend *before* ``mujoco`` is imported.

MuJoCo reads ``MUJOCO_GL`` once, at import. Entry points (the CLI, the test suite) call
:func:`select_gl_backend` first; library code never sets it (no side effects at import).
Order tried: EGL, then OSMesa, each probed in a subprocess so a failure cannot poison this one.
"""

from __future__ import annotations

import os
import subprocess
import sys

from gendexhand.errors import RenderError

BACKENDS = ("egl", "osmesa")
INSTALL_HINT = (
    "install Mesa's EGL driver (Debian/Ubuntu: apt-get install -y libegl1 libgl1-mesa-dri) or "
    "OSMesa (apt-get install -y libosmesa6), or set MUJOCO_GL to a backend that works here"
)
_PROBE = "import mujoco; c = mujoco.GLContext(16, 16); c.make_current(); c.free()"


def probe(backend: str, timeout: float = 60.0) -> bool:
    """True if an offscreen context can be made with ``backend`` (in a subprocess)."""
    env = dict(os.environ, MUJOCO_GL=backend, PYOPENGL_PLATFORM=backend)
    try:
        result = subprocess.run(
            [sys.executable, "-c", _PROBE],
            env=env,
            timeout=timeout,
            capture_output=True,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def select_gl_backend() -> str:
    """Set ``MUJOCO_GL`` (and ``PYOPENGL_PLATFORM``) to a working backend and return it.

    A value the user already set is kept. Raises :class:`RenderError` naming the packages to
    install when no backend works.
    """
    chosen = os.environ.get("MUJOCO_GL", "").strip().lower()
    if chosen:
        os.environ.setdefault("PYOPENGL_PLATFORM", chosen)
        return chosen
    if "mujoco" in sys.modules:
        raise RenderError("MUJOCO_GL must be chosen before mujoco is imported; set MUJOCO_GL=egl")
    for backend in BACKENDS:
        if probe(backend):
            os.environ["MUJOCO_GL"] = backend
            os.environ["PYOPENGL_PLATFORM"] = backend
            return backend
    raise RenderError(
        f"no offscreen OpenGL backend works (tried {', '.join(BACKENDS)}): {INSTALL_HINT}"
    )
