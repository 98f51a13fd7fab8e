"""Physics and control settings, defined once.

This module sits at the bottom of the package's layering: it imports only MuJoCo and the standard
library, so every layer (embodiment, sim, plan, the CLI) can take a :class:`PhysicsSettings`
without importing anything above it. ``build_scene(config, physics=...)`` applies one
``PhysicsSettings`` to the global options and to the contact geoms of the objects, the hand and
the table top alike.

Every figure the project reports counts *control steps*: one call of the controller, which sets
the full actuator-target vector ``data.ctrl`` and advances ``substeps`` physics steps of
``timestep`` seconds. With the defaults that is 0.002 s × 20 = 0.04 s, i.e. **25 Hz**.

Choices, measured with grasp probes (a Shadow Hand, palm down on a slide base, closing on a 5 cm
sphere or a 0.1 kg bottle 6 cm wide and 20 cm tall, lifting it 10 cm and holding it):

* ``implicitfast`` integration with the Newton solver and an *elliptic* friction cone;
  ``impratio`` 10 makes frictional contacts stiff, which cut in-hand slip about fourfold
  (8.6 mm → 2.0 mm). ``noslip_iterations`` 5 would cut it further, to 1.1 mm, but costs 35 % more
  time per step, so it stays off.
* Objects and fingertip/finger collision geoms use ``condim`` 4 (torsional friction, so a pinched
  object does not spin), sliding friction 1.5 (at 1.0 the hand dropped the sphere in 60 % of
  holds), ``solref`` (0.01, 1).
* Mesh contacts use MuJoCo's convex hulls; ``margin`` 0 and the default ``solimp``.
* Robot bodies get ``gravcomp`` 1 (as a real arm controller compensates gravity; Adroit's forearm
  alone weighs 4 kg), so position actuators need no steady-state error to hold a pose.
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco


@dataclass(frozen=True)
class PhysicsSettings:
    """Simulation options applied to every scene."""

    timestep: float = 0.002
    """Physics step in seconds."""
    substeps: int = 20
    """Physics steps per control step (0.002 × 20 = 0.04 s → 25 Hz)."""
    impratio: float = 10.0
    """Ratio of frictional to normal constraint impedance (elliptic cones only)."""
    iterations: int = 50
    """Maximum Newton solver iterations per step."""
    ls_iterations: int = 20
    """Maximum line-search iterations per solver iteration."""
    contact_condim: int = 4
    """condim of object geoms and of the hand's collision geoms."""
    friction: tuple[float, float, float] = (1.5, 0.005, 0.0001)
    """Sliding, torsional and rolling friction of objects and fingers."""
    solref: tuple[float, float] = (0.01, 1.0)
    """Contact time constant and damping ratio."""

    @property
    def control_dt(self) -> float:
        """Seconds per control step."""
        return self.timestep * self.substeps

    @property
    def control_hz(self) -> float:
        return 1.0 / self.control_dt

    def apply(self, spec: mujoco.MjSpec) -> None:
        """Write the global options into ``spec``."""
        opt = spec.option
        opt.timestep = self.timestep
        opt.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST
        opt.solver = mujoco.mjtSolver.mjSOL_NEWTON
        opt.cone = mujoco.mjtCone.mjCONE_ELLIPTIC
        opt.impratio = self.impratio
        opt.iterations = self.iterations
        opt.ls_iterations = self.ls_iterations

    def contact_geom(self, geom: mujoco.MjsGeom) -> None:
        """Give a geom the project's contact parameters (objects, fingers)."""
        geom.condim = self.contact_condim
        geom.friction = list(self.friction)
        geom.solref = list(self.solref)


DEFAULT_PHYSICS = PhysicsSettings()
