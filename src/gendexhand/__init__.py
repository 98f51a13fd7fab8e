"""gendexhand: generate dexterous-hand manipulation tasks, scenes, controllers and datasets.

Importing the package has no side effects: no environment variables are read or set, no files
are written and no models are loaded. Offscreen rendering needs ``MUJOCO_GL`` set before
``mujoco`` is imported; the CLI does that for you (see :mod:`gendexhand.sim.gl`).
"""

__version__ = "0.1.0"
