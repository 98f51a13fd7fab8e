"""Recording an episode as the chain runs it: s₀ before the first control step, then every step.

:class:`EpisodeRecorder` is a :class:`gendexhand.plan.chain.Recorder`: it observes the control
loop itself, so every control step is recorded whichever controller took it, and it asks rl
subtasks for their reward terms.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import mujoco
import numpy as np
import yaml

from gendexhand.plan.controllers.base import Episode
from gendexhand.sim.scene import STATE_SIG, Scene


def model_sha256(model: mujoco.MjModel) -> str:
    """Hash of the compiled model (``mj_saveModel``'s bytes: same config → same hash)."""
    buf = np.zeros(mujoco.mj_sizeModel(model), dtype=np.uint8)
    mujoco.mj_saveModel(model, None, buf)
    return hashlib.sha256(buf.tobytes()).hexdigest()


def scene_yaml(scene: Scene) -> str:
    """The scene's config as YAML; parsing and building it gives the same model."""
    return yaml.safe_dump(scene.config.model_dump(mode="json"), sort_keys=False)


@dataclass
class EpisodeData:
    """One recorded episode, as arrays (see :mod:`gendexhand.dataset.format` for the fields)."""

    seed: int
    success: bool
    states: np.ndarray
    actions: np.ndarray
    subtask: np.ndarray
    robot_qpos: np.ndarray
    robot_qvel: np.ndarray
    object_pos: np.ndarray
    object_quat: np.ndarray
    articulation: np.ndarray
    rewards: dict[str, np.ndarray]
    initial_ctrl: np.ndarray
    scale: np.ndarray
    mass: np.ndarray
    friction: np.ndarray
    actuator_names: list[str]
    robot_joint_names: list[str]
    object_names: list[str]
    articulation_names: list[str]
    scene_yaml: str
    model_sha256: str
    control_dt: float
    timestep: float
    substeps: int

    @property
    def n_steps(self) -> int:
        return int(self.actions.shape[0])


@dataclass
class EpisodeRecorder:
    """Collects one episode; call :meth:`data` when it has ended."""

    states: list[np.ndarray] = field(default_factory=list)
    actions: list[np.ndarray] = field(default_factory=list)
    subtasks: list[int] = field(default_factory=list)
    rows: dict[str, list[np.ndarray]] = field(default_factory=dict)
    terms: dict[int, dict[str, float]] = field(default_factory=dict)
    scene: Scene | None = None
    initial_ctrl: np.ndarray | None = None

    def begin(self, ep: Episode) -> None:
        self.scene = ep.scene
        self.initial_ctrl = ep.scene.data.ctrl.copy()
        ep.reward_sink = self._terms
        self._record_state(ep.scene)

    def step(self, ep: Episode) -> None:
        self.actions.append(ep.scene.data.ctrl.copy())
        self.subtasks.append(ep.subtask)
        self._record_state(ep.scene)

    def _terms(self, terms: dict[str, float]) -> None:
        self.terms[len(self.actions) - 1] = dict(terms)

    def _record_state(self, scene: Scene) -> None:
        m, d = scene.model, scene.data
        state = np.empty(mujoco.mj_stateSize(m, STATE_SIG))
        mujoco.mj_getState(m, d, state, STATE_SIG)
        self.states.append(state)
        objects = list(scene.objects.values())
        add = self.rows.setdefault
        add("robot_qpos", []).append(d.qpos[scene.robot.qpos_adr].copy())
        add("robot_qvel", []).append(d.qvel[scene.robot.dof_adr].copy())
        add("object_pos", []).append(np.array([d.xpos[h.body] for h in objects]).reshape(-1, 3))
        add("object_quat", []).append(np.array([d.xquat[h.body] for h in objects]).reshape(-1, 4))
        adr = [a for h in objects for a in h.joints.values()]
        add("articulation", []).append(d.qpos[adr].copy())

    def data(self, seed: int, success: bool) -> EpisodeData:
        """The episode as arrays (call once it has ended)."""
        scene = self.scene
        if scene is None or self.initial_ctrl is None:
            raise RuntimeError("the recorder never saw the episode begin")
        m = scene.model
        n = len(self.actions)
        names = sorted({k for t in self.terms.values() for k in t})
        rewards = {name: np.full(n, np.nan) for name in names}
        for k, terms in self.terms.items():
            for name, v in terms.items():
                rewards[name][k] = v
        objects = list(scene.objects.values())
        nu = m.nu
        return EpisodeData(
            seed=seed,
            success=success,
            states=np.stack(self.states),
            actions=np.stack(self.actions) if n else np.zeros((0, nu)),
            subtask=np.array(self.subtasks, dtype=np.int16),
            rewards=rewards,
            initial_ctrl=self.initial_ctrl,
            scale=np.array([h.scale for h in objects], dtype=float),
            mass=np.array([float(m.body_subtreemass[h.body]) for h in objects]),
            friction=np.array(
                [m.geom_friction[_first_collision_geom(m, h.geoms)] for h in objects]
            ).reshape(-1, 3),
            actuator_names=[m.actuator(a).name for a in range(nu)],
            robot_joint_names=[m.joint(int(j)).name for j in scene.robot.joints],
            object_names=[h.name for h in objects],
            articulation_names=[f"{h.name}/{j}" for h in objects for j in h.joints],
            scene_yaml=scene_yaml(scene),
            model_sha256=model_sha256(m),
            control_dt=scene.physics.control_dt,
            timestep=float(m.opt.timestep),
            substeps=scene.physics.substeps,
            **{k: np.stack(v) for k, v in self.rows.items()},
        )


def _first_collision_geom(m: mujoco.MjModel, geoms: tuple[int, ...]) -> int:
    return next((g for g in geoms if m.geom_contype[g] or m.geom_conaffinity[g]), geoms[0])
