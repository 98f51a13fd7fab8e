"""Running a plan: the subtask chain in the dynamic simulation, one episode at a time.

Each subtask starts from the state the previous one ended in. After its controller finishes,
its success predicate is evaluated; a subtask that fails (no reachable grasp, no path, tracking
error, predicate false) ends the episode, and the failure is recorded with its reason. Nothing is
teleported: every motion runs through the actuators.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import mujoco
import numpy as np

from gendexhand.config.loading import load_scene
from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError, GenDexHandError, unknown_name_message
from gendexhand.motion.grasping import GraspCandidate, grasp_candidates
from gendexhand.motion.planner import (
    ARM_GROUPS,
    NOMINAL_ACC,
    NOMINAL_VEL,
    CollisionChecker,
    PlanningError,
    execute,
    plan_path,
    planning_joints,
    time_parameterize,
)
from gendexhand.predicates.library import PredicateContext, Success, grasped, parse_success
from gendexhand.plan.schema import MotionSpec, PlanConfig, ScriptedSpec, Subtask
from gendexhand.embodiment.synergy import Synergy, hand_synergy
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.ik import solve_palm_ik
from gendexhand.sim.scene import Scene, build_scene

MAX_TRACKING_ERROR = 0.15
"""rad: a motion whose joints lag their reference by more is a failure (something blocked it)."""
FINAL_TOLERANCE = 0.05
"""rad: how close the arm must settle to the end of its trajectory."""
LOOSE_TOL = 0.02
"""m: IK position tolerance of lift, transport, retreat and pull waypoints, whose end points
need no better (the grip is compliant; a container is wider than this)."""
PULL_GROUPS = ARM_GROUPS
"""Joints a pull moves (the arm; the weak wrist servos lag under the door's load)."""
PULL_PARTIAL = 0.6
"""A pull whose IK fails after this fraction of its path runs the part it has."""


class SubtaskError(GenDexHandError):
    """A subtask's controller could not do its job; the message is the recorded reason."""


@dataclass
class SubtaskResult:
    name: str
    kind: str
    success: bool
    reason: str = ""
    steps: int = 0
    planning_s: float = 0.0
    """Path planning (straight-line check or RRTConnect, shortcutting), seconds."""
    grasp_s: float = 0.0
    """Grasp search (candidate poses and their IK), seconds."""
    seconds: float = 0.0


@dataclass
class EpisodeResult:
    seed: int
    success: bool
    subtasks: list[SubtaskResult]
    steps: int
    initial: dict[str, list[float]]
    """Initial object positions after randomisation."""

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> EpisodeResult:
        subs = data["subtasks"]
        assert isinstance(subs, list)
        return cls(
            seed=int(data["seed"]),  # type: ignore[call-overload]
            success=bool(data["success"]),
            subtasks=[SubtaskResult(**s) for s in subs],
            steps=int(data["steps"]),  # type: ignore[call-overload]
            initial=data["initial"],  # type: ignore[arg-type]
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "success": self.success,
            "steps": self.steps,
            "initial": self.initial,
            "subtasks": [vars(s) for s in self.subtasks],
        }


@dataclass
class Episode:
    """What the subtasks of one episode share."""

    scene: Scene
    loop: ControlLoop
    seed: int
    synergy: Synergy
    grasp: GraspCandidate | None = None
    grasp_object: str | None = None
    held: str | None = None
    planning_s: float = 0.0
    grasp_s: float = 0.0
    on_step: Callable[[], None] | None = None
    skills: Path | None = None
    """Where trained policies live (``<run>/skills``), for rl subtasks."""
    subtask: int = 0
    """Index of the subtask running now."""


def load_plan(path: Path) -> tuple[PlanConfig, SceneConfig]:
    """Read ``plan.yaml`` and the scene it names; check one against the other."""
    import yaml

    from gendexhand.config.loading import parse_model

    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    plan = parse_model(PlanConfig, raw, str(path))
    scene_path = plan.scene if plan.scene.is_absolute() else path.parent / plan.scene
    scene = load_scene(scene_path)
    validate_plan(plan, scene, str(path))
    return plan, scene


def pool_start_method() -> str:
    """``fork`` is fast, but a process that has run torch holds thread pools a forked child can
    deadlock on; then worker pools must ``spawn``."""
    return "spawn" if "torch" in sys.modules else "fork"


@functools.cache
def embodiment_groups(name: str, hand: Path | None) -> tuple[str, ...]:
    """The actuator groups the embodiment's hand and arm were found to have."""
    from gendexhand.embodiment.embodiment import Embodiment
    from gendexhand.embodiment.registry import robot_spec

    robot = robot_spec(name, hand)
    return tuple(g.name for g in Embodiment(robot.spec.compile(), robot).groups)


def validate_plan(plan: PlanConfig, scene_config: SceneConfig, source: str = "plan") -> None:
    """Objects, parts, grasp frames, joints and groups named by the plan exist; every success
    expression parses. Raises :class:`ConfigError` naming the subtask and field."""
    from gendexhand.assets.catalog import get_asset

    objects = {o.instance: get_asset(o.asset) for o in scene_config.objects}
    for name in plan.randomize:
        if name not in objects:
            raise ConfigError(
                f"{source}: randomize.{name}: " + unknown_name_message("object", name, objects)
            )
    known_groups = embodiment_groups(scene_config.embodiment.name, scene_config.embodiment.hand)
    for i, sub in enumerate(plan.subtasks):
        where = f"{source}: subtasks[{i}] ({sub.name})"
        m = sub.motion
        if m is not None and m.object is not None:
            if m.object not in objects:
                raise ConfigError(
                    f"{where}.motion.object: " + unknown_name_message("object", m.object, objects)
                )
            asset = objects[m.object]
            if m.grasp is not None and m.grasp not in {g.name for g in asset.grasps}:
                raise ConfigError(
                    f"{where}.motion.grasp: "
                    + unknown_name_message("grasp frame", m.grasp, [g.name for g in asset.grasps])
                )
            if m.part is not None and m.part not in {p.name for p in asset.parts}:
                raise ConfigError(
                    f"{where}.motion.part: "
                    + unknown_name_message("part", m.part, [p.name for p in asset.parts])
                )
            if m.joint is not None and m.joint not in {j.name for j in asset.joints}:
                raise ConfigError(
                    f"{where}.motion.joint: "
                    + unknown_name_message("joint", m.joint, [j.name for j in asset.joints])
                )
        if sub.rl is not None:
            for g in sub.rl.groups:
                if g not in known_groups:
                    raise ConfigError(
                        f"{where}.rl.groups: " + unknown_name_message("group", g, known_groups)
                    )
            other = [g for g in sub.rl.groups if g not in ARM_GROUPS]
            if sub.rl.action in ("palm", "palm_position") and other:
                raise ConfigError(
                    f"{where}.rl.groups: {sub.rl.action!r} actions move the palm with the arm "
                    f"({', '.join(ARM_GROUPS)}) only; not with {', '.join(other)} (a hand group "
                    f"needs its own subtask, or action 'actuators')"
                )
        try:
            parse_success(sub.success, None)
        except ConfigError as exc:
            raise ConfigError(f"{where}.success: {exc}") from None


def randomized_scene(plan: PlanConfig, base: SceneConfig, seed: int) -> SceneConfig:
    """``base`` with each randomised object moved and resized by uniform noise drawn from
    ``seed``: per randomised object, in scene order, x, y, yaw, then the scale if it varies."""
    rng = np.random.default_rng(seed)
    objects = []
    for obj in base.objects:
        noise = plan.randomize.get(obj.instance)
        if noise is None:
            objects.append(obj)
            continue
        dx, dy = (float(rng.uniform(-r, r)) for r in noise.xy)
        dyaw = float(rng.uniform(-noise.yaw_deg, noise.yaw_deg))
        pos = list(obj.pos)
        pos[0] += dx
        pos[1] += dy
        euler = (obj.euler_deg[0], obj.euler_deg[1], obj.euler_deg[2] + dyaw)
        update: dict[str, object] = {"pos": tuple(pos), "euler_deg": euler}
        if noise.scale > 0.0:
            update["scale"] = obj.scale * (1.0 + float(rng.uniform(-noise.scale, noise.scale)))
        objects.append(obj.model_copy(update=update))
    return base.model_copy(update={"objects": objects, "seed": seed})


# ----------------------------------------------------------------------------- motion primitives


def _move(ep: Episode, goal_qpos: np.ndarray, spec: MotionSpec, *, attached: str | None = None,
          allow: tuple[str, ...] = ()) -> int:  # fmt: skip
    """Plan from here to the arm part of ``goal_qpos`` and run it; return control steps."""
    scene = ep.scene
    joints = planning_joints(scene)
    qadr = np.array([scene.model.jnt_qposadr[j] for j in joints])
    try:
        plan = plan_path(
            scene, goal_qpos[qadr], clearance=spec.clearance, attached=attached, allow=allow,
            timeout=spec.timeout_s, seed=ep.seed,
        )  # fmt: skip
    except PlanningError as exc:
        raise SubtaskError(f"planning: {exc}") from None
    ep.planning_s += plan.seconds
    return _run(ep, plan.waypoints, spec.speed, plan)


def _run(
    ep: Episode, waypoints: np.ndarray, speed: float, plan: object, strict: bool = True
) -> int:
    """Time ``waypoints`` and execute them; ``strict`` fails on tracking errors (a motion in free
    space that lags was blocked), a pull is judged by its predicate instead."""
    traj = time_parameterize(
        waypoints, ep.scene.physics.control_dt, NOMINAL_VEL * speed, NOMINAL_ACC * speed
    )
    result = execute(ep.scene, ep.loop, plan, traj, on_step=ep.on_step)  # type: ignore[arg-type]
    if not strict:
        return result.steps
    if result.max_tracking_error > MAX_TRACKING_ERROR:
        raise SubtaskError(
            f"tracking: the arm lagged its reference by {result.max_tracking_error:.2f} rad "
            f"at {result.lag_joint} (blocked by contact?)"
        )
    if result.final_error > FINAL_TOLERANCE:
        raise SubtaskError(
            f"tracking: the arm stopped {result.final_error:.2f} rad from its goal "
            f"({result.worst_joint})"
        )
    return result.steps


def _ik(ep: Episode, pos: np.ndarray, rot: np.ndarray, spec: MotionSpec, ignore: tuple[str, ...],
        what: str, pos_tol: float = 0.005) -> np.ndarray:  # fmt: skip
    res = solve_palm_ik(
        ep.scene, pos, rot, groups=ARM_GROUPS, clearance=spec.clearance, ignore=ignore,
        pos_tol=pos_tol,
    )  # fmt: skip
    if not res.success:
        raise SubtaskError(f"IK: the {what}: {res.reason}")
    return res.qpos


def _held_and_grasped(ep: Episode) -> tuple[str, ...]:
    return tuple(n for n in {ep.held, ep.grasp_object} if n is not None)


def motion(ep: Episode, spec: MotionSpec) -> int:
    scene = ep.scene
    palm_pos, palm_rot = scene.robot.palm_pose(scene.data)
    if spec.primitive == "pre_grasp":
        assert spec.object is not None
        t0 = time.perf_counter()
        cands = grasp_candidates(scene, spec.object, spec.grasp, seed=ep.seed,
                                 clearance=spec.clearance)  # fmt: skip
        ep.grasp_s += time.perf_counter() - t0
        if not cands:
            raise SubtaskError(f"grasp: no reachable, collision-free grasp of {spec.object!r}")
        errors = []
        for cand in cands:
            try:
                steps = _move(ep, cand.pre_q, spec)
            except SubtaskError as exc:
                errors.append(f"{cand.frame}: {exc}")
                continue
            ep.grasp, ep.grasp_object = cand, spec.object
            return steps
        raise SubtaskError("grasp: every reachable grasp failed: " + "; ".join(errors))
    if spec.primitive == "approach":
        if ep.grasp is None or ep.grasp_object is None:
            raise SubtaskError("plan: approach needs a grasp chosen by an earlier pre_grasp")
        q = _ik(ep, ep.grasp.pos, ep.grasp.rot, spec, (ep.grasp_object,), "grasp pose")
        return _move(ep, q, spec, allow=(ep.grasp_object,))
    if spec.primitive == "lift":
        target = palm_pos + np.array([0.0, 0.0, spec.height])
        q = _ik(ep, target, palm_rot, spec, _held_and_grasped(ep), "lift", LOOSE_TOL)
        return _move(ep, q, spec, attached=ep.held, allow=_held_and_grasped(ep))
    if spec.primitive == "transport_to":
        assert spec.object is not None
        if ep.held is None:
            raise SubtaskError("plan: transport_to needs an object in the hand")
        part = spec.part or "interior"
        site = scene.model.site(f"{spec.object}/{part}").id
        top = scene.data.site_xpos[site][2] + scene.model.site_size[site][2]
        held_pos = scene.data.xpos[scene.objects[ep.held].body]
        goal_obj = np.array([*scene.data.site_xpos[site][:2], top + spec.height]) + spec.offset
        target = palm_pos + (goal_obj - held_pos)
        q = _ik(ep, target, palm_rot, spec, (ep.held,), "transport goal", LOOSE_TOL)
        return _move(ep, q, spec, attached=ep.held, allow=(ep.held,))
    if spec.primitive == "move_to":
        assert spec.object is not None
        name = f"{spec.object}/{spec.part}" if spec.part else None
        point = (
            scene.data.site_xpos[scene.model.site(name).id]
            if name
            else scene.data.xpos[scene.objects[spec.object].body]
        )
        q = _ik(ep, point + np.asarray(spec.offset), palm_rot, spec, _held_and_grasped(ep),
                "move_to target")  # fmt: skip
        return _move(ep, q, spec, attached=ep.held, allow=_held_and_grasped(ep))
    if spec.primitive == "retreat":
        step = -palm_rot[:, 2] if spec.direction == "back" else np.array([0.0, 0.0, 1.0])
        q = _ik(ep, palm_pos + step * spec.distance, palm_rot, spec, _held_and_grasped(ep),
                "retreat", LOOSE_TOL)  # fmt: skip
        return _move(ep, q, spec, allow=_held_and_grasped(ep))
    if spec.primitive == "pull":
        return _pull(ep, spec)
    raise SubtaskError(f"unknown primitive {spec.primitive!r}")


def _pull(ep: Episode, spec: MotionSpec) -> int:
    """Carry the grasped handle along the joint's path (an arc about a hinge, a line along a
    slide) until the joint is ``fraction`` open: IK waypoints, chained, then executed.

    About a hinge, the grasped point follows the arc while the palm turns only ``follow`` times as
    much as the door: a hand wrapped round a bar handle can turn about the bar, and the smaller
    turn keeps the arm away from its limits."""
    assert spec.object is not None and spec.joint is not None
    scene = ep.scene
    m, d = scene.model, scene.data
    handle = scene.objects[spec.object]
    info = handle.asset.joint(spec.joint)
    jid = m.joint(f"{spec.object}/{spec.joint}").id
    adr = handle.joints[spec.joint]
    scale = handle.scale if info.kind == "slide" else 1.0
    goal = (info.closed + spec.fraction * (info.opened - info.closed)) * scale
    now = float(d.qpos[adr])
    anchor, axis = d.xanchor[jid].copy(), d.xaxis[jid].copy()
    palm_pos, palm_rot = scene.robot.palm_pose(d)
    grip = ep.grasp.point if ep.grasp is not None else palm_pos
    n = max(2, int(np.ceil(abs(goal - now) / (0.05 if info.kind == "hinge" else 0.02))))
    groups = PULL_GROUPS
    joints = planning_joints(scene, groups)
    qadr = np.array([m.jnt_qposadr[j] for j in joints])
    q = d.qpos.copy()
    path = [q[qadr].copy()]
    # IK keeps the arm off the environment but knows nothing of self-collision: check each
    # waypoint with the planner's checker (the cabinet itself may be touched: it is being pulled)
    checker = CollisionChecker(scene, [int(j) for j in joints], 0.0, None, (spec.object,))
    for k in range(1, n + 1):
        delta = (goal - now) * k / n
        if info.kind == "hinge":
            door, half = _turn(axis, delta), _turn(axis, delta * spec.follow)
            grip_now = anchor + door @ (grip - anchor)
            pos, rot = grip_now + half @ (palm_pos - grip), half @ palm_rot
        else:
            pos, rot = palm_pos + axis * delta, palm_rot
        res = solve_palm_ik(scene, pos, rot, groups=groups, clearance=spec.clearance,
                            q_init=q, ignore=(spec.object,), pos_tol=LOOSE_TOL)  # fmt: skip
        blocked = res.success and not checker.valid(res.qpos[qadr])
        if (not res.success or blocked) and k > PULL_PARTIAL * n:
            break  # the arm's reach ends here; run what there is and let the predicate judge
        if blocked:
            raise SubtaskError(
                f"self-collision: the arm would hit itself along the pull at {k}/{n}: "
                f"{checker.describe(res.qpos[qadr])}"
            )
        if not res.success:
            raise SubtaskError(
                f"IK: along the {info.kind} path at {k}/{n} ({spec.joint} → "
                f"{now + delta:.2f}): {res.reason}"
            )
        q = res.qpos
        path.append(q[qadr].copy())
    from gendexhand.motion.planner import MotionPlan

    plan = MotionPlan(joints, qadr, np.array(path), 0.0, "joint path")
    return _run(ep, plan.waypoints, spec.speed, plan, strict=False)


def _turn(axis: np.ndarray, angle: float) -> np.ndarray:
    quat, mat = np.zeros(4), np.zeros(9)
    mujoco.mju_axisAngle2Quat(quat, axis, angle)
    mujoco.mju_quat2Mat(mat, quat)
    return mat.reshape(3, 3)


def scripted(ep: Episode, spec: ScriptedSpec) -> int:
    scene = ep.scene
    ctrl = scene.data.ctrl.copy()
    acts = ep.synergy.actuators
    start = ctrl[acts].copy()
    if spec.action == "close":
        goal = ep.synergy.at(spec.fraction)
    elif spec.action == "open":
        goal = ep.synergy.open
    else:
        goal = start
    for k in range(1, spec.steps + 1):
        ctrl[acts] = start + (goal - start) * k / spec.steps
        ep.loop.step(ctrl)
        if ep.on_step is not None:
            ep.on_step()
    if spec.action == "close" and ep.grasp_object is not None:
        if scene.objects[ep.grasp_object].qpos_adr is not None:
            ep.held = ep.grasp_object
    elif spec.action == "open":
        ep.held = None
        ep.grasp = None
    return spec.steps


def _rl(ep: Episode, sub: Subtask, success: Success, ctx: PredicateContext) -> int:
    """Run the subtask's trained policy until its predicate holds or its horizon ends."""
    from gendexhand.learn.env import ActionMap, observe
    from gendexhand.learn.train import load_policy

    assert sub.rl is not None
    folder = None if ep.skills is None else ep.skills / sub.name
    if folder is None or not (folder / "policy.zip").is_file():
        raise SubtaskError(
            f"rl: no trained policy for {sub.name!r} (train it: gendexhand train RUN_DIR "
            f"--subtask {sub.name})"
        )
    act = load_policy(folder)
    scene = ep.scene
    actions = ActionMap(scene, sub.rl.groups, sub.rl.action, ep.synergy)
    actions.reset(scene)
    steps = 0
    while steps < sub.rl.horizon:
        actions.apply(scene, act(observe(scene, actions.active)))
        ep.loop.step(scene.data.ctrl)
        steps += 1
        if ep.on_step is not None:
            ep.on_step()
        if success(ctx):
            break
    # what the hand holds now (later motions carry it): the object of the planned grasp, or any
    # free object when no grasp was planned
    free = [n for n, h in scene.objects.items() if h.qpos_adr is not None]
    if ep.grasp_object is not None:
        free = [n for n in free if n == ep.grasp_object]
    ep.held = next((n for n in free if grasped(ctx, n)), None)
    return steps


def run_subtask(
    ep: Episode, sub: Subtask, success: Success, ctx: PredicateContext
) -> SubtaskResult:
    t0 = time.perf_counter()
    steps0, plan0, grasp0 = ep.loop.steps, ep.planning_s, ep.grasp_s
    result = SubtaskResult(sub.name, sub.kind, False)
    try:
        if sub.motion is not None:
            motion(ep, sub.motion)
        elif sub.scripted is not None:
            scripted(ep, sub.scripted)
        else:
            _rl(ep, sub, success, ctx)
        if success(ctx):
            result.success = True
        else:
            result.reason = f"predicate: {success.explain(ctx)}"
    except SubtaskError as exc:
        result.reason = str(exc)
    except GenDexHandError as exc:  # e.g. the simulation diverged
        result.reason = f"{type(exc).__name__}: {exc}"
    result.steps = ep.loop.steps - steps0
    result.planning_s = ep.planning_s - plan0
    result.grasp_s = ep.grasp_s - grasp0
    result.seconds = time.perf_counter() - t0
    return result


def run_episode(
    plan: PlanConfig,
    base: SceneConfig,
    seed: int,
    on_step: Callable[[Scene], None] | None = None,
    skills: Path | None = None,
    recorder: Callable[[Scene, int], None] | None = None,
) -> EpisodeResult:
    """One episode from the randomised initial state of ``seed``; rl subtasks use the policies
    in ``skills/<subtask>/``."""
    config = randomized_scene(plan, base, seed)
    scene = build_scene(config)
    loop = ControlLoop(scene)
    ep = Episode(scene, loop, seed, hand_synergy(scene.robot, scene.data), skills=skills)
    if on_step is not None or recorder is not None:

        def step_hook() -> None:
            if on_step is not None:
                on_step(scene)
            if recorder is not None:
                recorder(scene, ep.subtask)

        ep.on_step = step_hook
    ctx = PredicateContext.capture(scene)
    results = []
    for k, sub in enumerate(plan.subtasks):
        ep.subtask = k
        success = parse_success(sub.success, scene)
        res = run_subtask(ep, sub, success, ctx)
        results.append(res)
        if not res.success:
            break
    initial = {o.instance: [round(float(v), 4) for v in o.pos] for o in config.objects}
    ok = len(results) == len(plan.subtasks) and all(r.success for r in results)
    return EpisodeResult(seed, ok, results, loop.steps, initial)


@dataclass
class Summary:
    task: str
    subtasks: list[str]
    episodes: int = 0
    successes: int = 0
    attempted: dict[str, int] = field(default_factory=dict)
    succeeded: dict[str, int] = field(default_factory=dict)
    failures: dict[str, dict[str, int]] = field(default_factory=dict)
    """Subtask → failure reason (its first clause) → count."""
    planning_s: list[float] = field(default_factory=list)
    grasp_s: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)

    def add(self, ep: EpisodeResult) -> None:
        self.episodes += 1
        self.successes += int(ep.success)
        self.steps.append(ep.steps)
        for r in ep.subtasks:
            self.attempted[r.name] = self.attempted.get(r.name, 0) + 1
            self.succeeded[r.name] = self.succeeded.get(r.name, 0) + int(r.success)
            if r.kind == "motion" and r.planning_s > 0:
                self.planning_s.append(r.planning_s)
            if r.grasp_s > 0:
                self.grasp_s.append(r.grasp_s)
            if not r.success:
                key = r.reason.split(":")[0]  # the category: grasp, planning, IK, tracking…
                bucket = self.failures.setdefault(r.name, {})
                bucket[key] = bucket.get(key, 0) + 1

    def as_dict(self) -> dict[str, object]:
        def stats(values: list[float]) -> dict[str, float]:
            v = np.array(values) if values else np.zeros(1)
            return {"median": float(np.median(v)), "p95": float(np.percentile(v, 95)),
                    "max": float(v.max()), "n": len(values)}  # fmt: skip

        return {
            "task": self.task,
            "episodes": self.episodes,
            "successes": self.successes,
            "success_rate": self.successes / max(1, self.episodes),
            "subtasks": [
                {
                    "name": n,
                    "attempted": self.attempted.get(n, 0),
                    "succeeded": self.succeeded.get(n, 0),
                    "failures": self.failures.get(n, {}),
                }
                for n in self.subtasks
            ],
            "path_planning_s": stats(self.planning_s),
            "grasp_search_s": stats(self.grasp_s),
            "control_steps_mean": float(np.mean(self.steps)) if self.steps else 0.0,
            "control_steps_total": int(np.sum(self.steps)),
        }
