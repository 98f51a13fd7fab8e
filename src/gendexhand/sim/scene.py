"""A built scene: model, data, the robot, the objects, and its settled initial state."""

from __future__ import annotations

import mujoco
import numpy as np

from gendexhand.assets.catalog import get_asset
from gendexhand.config.scene import SceneConfig
from gendexhand.embodiment.embodiment import Embodiment
from gendexhand.errors import SimulationError
from gendexhand.physics import DEFAULT_PHYSICS, PhysicsSettings
from gendexhand.sim.builder import SETTLE_SECONDS, ObjectHandle, build_spec

STATE_SIG = mujoco.mjtState.mjSTATE_INTEGRATION


class Scene:
    """Everything a stage needs to act in one scene. Build it with :func:`build_scene`."""

    def __init__(
        self,
        config: SceneConfig,
        spec: mujoco.MjSpec,
        model: mujoco.MjModel,
        robot: Embodiment,
        physics: PhysicsSettings,
    ) -> None:
        self.config = config
        self.spec = spec
        self.model = model
        self.data = mujoco.MjData(model)
        self.robot = robot
        self.physics = physics
        self.objects: dict[str, ObjectHandle] = {}
        for obj in config.objects:
            asset = get_asset(obj.asset)
            body = model.body(obj.instance).id
            jnt = int(model.body_jntadr[body])
            free = jnt >= 0 and model.jnt_type[jnt] == mujoco.mjtJoint.mjJNT_FREE
            bodies = tuple(b for b in range(model.nbody) if _inside(model, b, body))
            self.objects[obj.instance] = ObjectHandle(
                name=obj.instance,
                asset=asset,
                scale=obj.scale,
                body=body,
                qpos_adr=int(model.jnt_qposadr[jnt]) if free else None,
                geoms=tuple(g for g in range(model.ngeom) if model.geom_bodyid[g] in bodies),
                bodies=bodies,
                joints={
                    j.name: int(model.jnt_qposadr[model.joint(f"{obj.instance}/{j.name}").id])
                    for j in asset.joints
                },
            )
        self.initial_state = np.zeros(mujoco.mj_stateSize(model, STATE_SIG))
        self.initial_ctrl = np.zeros(model.nu)
        self.settle_drift = 0.0
        self.settle_motion: dict[str, tuple[float, float]] = {}
        """Object → (displacement m, rotation deg) during the settle step (empty if not settled)."""

    def place_robot_home(self) -> None:
        """Robot at home, objects at their config poses and joint values; targets hold home."""
        mujoco.mj_resetData(self.model, self.data)
        self.data.qpos[self.robot.qpos_adr] = self.robot.home_qpos
        for obj in self.config.objects:
            for name, value in obj.joints.items():
                self.data.qpos[self.objects[obj.instance].joints[name]] = value
        mujoco.mj_forward(self.model, self.data)
        self.data.ctrl[:] = self.robot.home_ctrl(self.data)

    def settle(self, seconds: float = SETTLE_SECONDS) -> float:
        """Run the physics at the home targets; return the largest object displacement (m).

        Each object's motion (displacement in m, rotation in degrees) is kept in
        :attr:`settle_motion`."""
        self.place_robot_home()
        start = {
            n: (self.data.xpos[h.body].copy(), self.data.xquat[h.body].copy())
            for n, h in self.objects.items()
        }
        for _ in range(round(seconds / self.model.opt.timestep)):
            mujoco.mj_step(self.model, self.data)
        check_finite(self.data)
        self.settle_motion = {
            n: (
                float(np.linalg.norm(self.data.xpos[h.body] - start[n][0])),
                _angle_deg(start[n][1], self.data.xquat[h.body]),
            )
            for n, h in self.objects.items()
        }
        drift = max((d for d, _ in self.settle_motion.values()), default=0.0)
        self.data.qvel[:] = 0.0
        self.data.time = 0.0
        mujoco.mj_forward(self.model, self.data)
        mujoco.mj_getState(self.model, self.data, self.initial_state, STATE_SIG)
        self.initial_ctrl = self.data.ctrl.copy()
        self.settle_drift = drift
        return drift

    def reset(self) -> None:
        """Restore the settled initial state (and its actuator targets)."""
        mujoco.mj_setState(self.model, self.data, self.initial_state, STATE_SIG)
        self.data.ctrl[:] = self.initial_ctrl
        mujoco.mj_forward(self.model, self.data)


def _angle_deg(q0: np.ndarray, q1: np.ndarray) -> float:
    """Angle (degrees) of the rotation between two unit quaternions."""
    dot = min(1.0, abs(float(np.dot(q0, q1))))
    return float(np.degrees(2.0 * np.arccos(dot)))


def _inside(model: mujoco.MjModel, body: int, root: int) -> bool:
    """Whether ``body`` is ``root`` or one of its descendants."""
    while body > 0:
        if body == root:
            return True
        body = int(model.body_parentid[body])
    return False


def check_finite(data: mujoco.MjData) -> None:
    """Raise :class:`SimulationError` if the state holds NaN/inf or MuJoCo flagged instability."""
    if not (np.all(np.isfinite(data.qpos)) and np.all(np.isfinite(data.qvel))):
        raise SimulationError(f"simulation diverged at t={data.time:.3f}s (non-finite state)")
    bad = int(data.warning[mujoco.mjtWarning.mjWARN_BADQACC].number)
    if bad:
        raise SimulationError(f"simulation unstable at t={data.time:.3f}s (bad qacc {bad}×)")


def build_scene(
    config: SceneConfig, physics: PhysicsSettings = DEFAULT_PHYSICS, settle: bool = True
) -> Scene:
    """Compile ``config`` and (by default) settle it; the result starts at its initial state."""
    spec, robot_spec = build_spec(config, physics)
    try:
        model = spec.compile()
    except ValueError as exc:
        raise SimulationError(f"scene {config.task.name!r} does not compile: {exc}") from exc
    scene = Scene(config, spec, model, Embodiment(model, robot_spec), physics)
    if settle:
        scene.settle()
    else:
        scene.place_robot_home()
        mujoco.mj_getState(model, scene.data, scene.initial_state, STATE_SIG)
        scene.initial_ctrl = scene.data.ctrl.copy()
    return scene
