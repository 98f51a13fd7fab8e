"""What each CLI command does; each calls library functions and prints a short summary."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from gendexhand.config.loading import load_scene
from gendexhand.config.scene import SceneConfig
from gendexhand.embodiment.embodiment import Embodiment
from gendexhand.embodiment.registry import EMBODIMENTS, robot_spec
from gendexhand.sim.physics import DEFAULT_PHYSICS
from gendexhand.sim.scene import Scene, build_scene


def _with_hand(config: SceneConfig, hand: Path | None) -> SceneConfig:
    if hand is None:
        return config
    emb = config.embodiment.model_copy(update={"hand": hand, "base_pos": None})
    return config.model_copy(update={"embodiment": emb})


def embodiments_list() -> int:
    print(f"{'name':<18} description")
    for name in sorted(EMBODIMENTS):
        print(f"{name:<18} {EMBODIMENTS[name].description.splitlines()[0]}")
    print("\nAny MJCF hand file also works: --hand path/to/hand.xml (on a floating base).")
    return 0


def describe_embodiment(emb: Embodiment) -> str:
    m = emb.model
    lines = [
        f"embodiment: {emb.name}",
        f"source: {emb.source}",
        f"action size (actuators): {emb.action_size}   joints: {len(emb.joints)}",
        f"control: {DEFAULT_PHYSICS.control_hz:.0f} Hz = {DEFAULT_PHYSICS.substeps} × "
        f"{DEFAULT_PHYSICS.timestep * 1000:.0f} ms physics steps",
        "groups:",
    ]
    for g in emb.groups:
        acts = ", ".join(m.actuator(a).name for a in g.actuators)
        lines.append(
            f"  {g.name:<7} {g.action_size:>2} actuators / {len(g.joints):>2} joints: {acts}"
        )
    lines.append("fingertips:")
    for tip in emb.layout.fingertips:
        lines.append(f"  {tip.finger:<7} body {m.body(tip.body).name}")
    lines.append(
        f"palm frame: site {m.site(emb.palm_site).name} on body {m.body(emb.layout.palm_body).name}"
    )
    mt = emb.metrics
    lines.append(
        f"hand: aperture {mt.aperture * 100:.1f} cm, palm {mt.palm_width * 100:.1f} × "
        f"{mt.palm_length * 100:.1f} cm, finger {mt.finger_length * 100:.1f} cm"
    )
    return "\n".join(lines)


def embodiments_show(name: str, hand: Path | None) -> int:
    robot = robot_spec(name, hand)
    model = robot.spec.compile()
    print(describe_embodiment(Embodiment(model, robot)))
    return 0


def _summary(scene: Scene, seconds: float) -> str:
    m = scene.model
    return (
        f"{scene.config.task.name}: {scene.robot.name}, {len(scene.objects)} objects, "
        f"{m.nbody} bodies, {m.nu} actuators, built and settled in {seconds:.2f}s, "
        f"largest settle drift {scene.settle_drift * 1000:.1f} mm"
    )


def scene_validate(path: Path, hand: Path | None) -> int:
    config = _with_hand(load_scene(path), hand)
    t0 = time.perf_counter()
    scene = build_scene(config)
    print(f"ok {path}\n  {_summary(scene, time.perf_counter() - t0)}")
    return 0


def render_config(
    config: SceneConfig,
    out: Path,
    *,
    width: int = 320,
    height: int = 240,
    views: list[str] | None = None,
    shadows: bool = False,
    depth: bool = False,
    segmentation: bool = False,
) -> tuple[Scene, list[Path], float]:
    from gendexhand.sim.render import SceneRenderer, save_frames

    t0 = time.perf_counter()
    scene = build_scene(config)
    built = time.perf_counter() - t0
    with SceneRenderer(scene, width, height, shadows=shadows) as renderer:
        frames = renderer.render(views, depth=depth, segmentation=segmentation)
    title = f"{config.task.name}: {config.task.description}"
    return scene, save_frames(frames, out, title), built


def scene_render(
    path: Path,
    out: Path,
    *,
    hand: Path | None,
    width: int,
    height: int,
    views: list[str] | None,
    shadows: bool,
    depth: bool,
    segmentation: bool,
) -> int:
    config = _with_hand(load_scene(path), hand)
    scene, written, built = render_config(
        config,
        out,
        width=width,
        height=height,
        views=views,
        shadows=shadows,
        depth=depth,
        segmentation=segmentation,
    )
    print(
        f"{_summary(scene, built)}\nwrote {len(written)} files; contact sheet: {out / 'views.png'}"
    )
    return 0


def demo(out: Path) -> int:
    from gendexhand.examples import example_scenes

    paths = example_scenes()
    print(f"gendexhand demo: building and rendering {len(paths)} example scenes into {out}/")
    sheets = []
    for k, path in enumerate(paths, 1):
        config = load_scene(path)
        target = out / config.task.name
        scene, _, built = render_config(config, target, width=480, height=360)
        sheets.append(target / "views.png")
        p, _ = scene.robot.palm_pose(scene.data)
        print(
            f"[{k}/{len(paths)}] {_summary(scene, built)}; palm at "
            f"{np.array2string(p, precision=2)}"
        )
    from gendexhand.examples import task_plans
    from gendexhand.stages.execute import run_plan

    plans = task_plans()
    print(f"\nrunning the {len(plans)} example task plans, one filmed episode each:")
    videos = []
    for k, (name, plan) in enumerate(plans.items(), 1):
        target = out / "tasks" / name
        result = run_plan(
            plan, 1, run_dir=target, video_dir=target / "video", video_episodes=1, force=True,
            progress=lambda m: None,
        )  # fmt: skip
        subs = result.summary["subtasks"]
        assert isinstance(subs, list)
        chain = " → ".join(
            f"{s['name']} {'ok' if s['succeeded'] else 'failed'}" for s in subs if s["attempted"]
        )
        print(f"[{k}/{len(plans)}] {name}: {chain}")
        videos += result.videos
    learned = _demo_learned(out)
    print("\nresults:")
    for s in sheets:
        print(f"  {s}")
    for v in videos:
        print(f"  {v}")
    for line in learned:
        print(f"  {line}")
    return 0


def _demo_learned(out: Path) -> list[str]:
    """Train the learned grasp of pick_bottle_rl, evaluate the chain, collect a few episodes."""
    from gendexhand.examples import task_plans
    from gendexhand.stages.execute import run_plan
    from gendexhand.stages.collect import collect
    from gendexhand.plan.chain import load_plan
    from gendexhand.learn.train import TrainSettings, train_subtask

    plan_path = task_plans(learned=True)["pick_bottle_rl"]
    run = out / "pick_bottle_rl"
    plan, base = load_plan(plan_path)
    print("\npick_bottle_rl: learning the grasp with PPO (reach and approach are planned):")
    t0 = time.perf_counter()
    res = train_subtask(
        plan, base, "grasp", run / "skills" / "grasp",
        TrainSettings(steps=30_000, envs=2, target=0.9, eval_every=5_000, eval_episodes=20,
                      start_states=16),
        progress=lambda m: print(f"  {m}"),
    )  # fmt: skip
    print(
        f"  grasp: {res.success_rate:.0%} after {res.steps} control steps "
        f"({time.perf_counter() - t0:.0f} s)"
    )
    ev = run_plan(
        plan_path, 20, seed=1000, run_dir=run / "eval", video_dir=run / "eval" / "video",
        video_episodes=1, workers=2, force=True, skills=run / "skills", progress=lambda m: None,
    )  # fmt: skip
    rate = ev.summary["success_rate"]
    print(f"  whole chain on 20 new episodes: {100 * float(rate):.0f} % succeeded")  # type: ignore[arg-type]
    got = collect(plan_path, run / "episodes", 10, skills=run / "skills", seed=100_000, workers=2)
    print(
        f"  collected {got.successes} successful episodes of {got.attempts} "
        f"({got.steps_per_success:.0f} control steps per success)"
    )
    return [
        str(run / "skills" / "grasp" / "curve.csv"),
        *(str(v) for v in ev.videos),
        str(run / "episodes"),
    ]


def execute_plan(
    plan: Path,
    *,
    episodes: int,
    seed: int,
    run: Path | None,
    video: Path | None,
    video_episodes: int,
    workers: int,
    force: bool,
    skills: Path | None = None,
) -> int:
    from gendexhand.stages.execute import run_plan

    t0 = time.perf_counter()
    result = run_plan(
        plan,
        episodes,
        seed=seed,
        run_dir=run,
        video_dir=video,
        video_episodes=video_episodes,
        workers=workers,
        force=force,
        skills=skills,
    )
    s = result.summary
    if result.skipped:
        print("plan, scene and settings unchanged since the last run (use --force to rerun)")
    print(
        f"{s['task']}: {s['successes']}/{s['episodes']} episodes succeeded "
        f"({100 * float(s['success_rate']):.0f} %)"  # type: ignore[arg-type]
    )
    rows = s["subtasks"]
    assert isinstance(rows, list)
    print(f"  {'subtask':<12} {'succeeded':>9} / {'attempted':<9} failures")
    for row in rows:
        why = ", ".join(f"{k} ×{v}" for k, v in row["failures"].items())
        print(f"  {row['name']:<12} {row['succeeded']:>9} / {row['attempted']:<9} {why}")
    plan_s, grasp_s = s["path_planning_s"], s["grasp_search_s"]
    assert isinstance(plan_s, dict) and isinstance(grasp_s, dict)
    print(
        f"  path planning per motion subtask: median {plan_s['median']:.3f} s, "
        f"p95 {plan_s['p95']:.3f} s; grasp search: median {grasp_s['median']:.2f} s, "
        f"p95 {grasp_s['p95']:.2f} s"
    )
    print(f"results: {result.run / 'summary.json'}, {result.run / 'episodes.jsonl'}")
    for v in result.videos:
        print(f"video: {v}")
    if not result.skipped:
        print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


def _run_plan_path(run: Path, plan: Path | None) -> Path:
    """The run's plan.yaml; with ``plan``, copy it and its scene into the run first."""
    from gendexhand.plan.chain import load_plan
    from gendexhand.runs.rundir import RunDir

    rd = RunDir(run)
    if plan is not None:
        config, _ = load_plan(plan)
        scene = config.scene if config.scene.is_absolute() else plan.parent / config.scene
        with rd.stage("plan", {"plan": plan, "scene": scene}, {}) as st:
            if not st.skip:
                data = config.model_dump(mode="json")
                data["scene"] = "scene.yaml"
                st.write_yaml("plan.yaml", data)
                st.write_text("scene.yaml", scene.read_text())
    path = rd.path("plan.yaml")
    if not path.is_file():
        from gendexhand.errors import ConfigError

        raise ConfigError(f"{run} holds no plan.yaml; give one with --plan PLAN")
    return path


def train(
    run: Path,
    *,
    plan: Path | None,
    subtasks: list[str] | None,
    steps: int,
    envs: int,
    target: float,
    seed: int,
    progress_bar: bool,
) -> int:
    from gendexhand.plan.chain import load_plan
    from gendexhand.learn.train import TrainSettings, train_subtask

    plan_path = _run_plan_path(run, plan)
    config, base = load_plan(plan_path)
    rl = [s.name for s in config.subtasks if s.kind == "rl"]
    names = subtasks or rl
    for name in names:
        if name not in rl:
            from gendexhand.errors import ConfigError, unknown_name_message

            raise ConfigError(unknown_name_message("rl subtask", name, rl))
    if not names:
        print(f"{plan_path}: no rl subtasks; nothing to train")
        return 0
    settings = TrainSettings(steps=steps, envs=envs, target=target, seed=seed)
    for name in names:
        t0 = time.perf_counter()
        res = train_subtask(
            config, base, name, run / "skills" / name, settings, progress=print,
            progress_bar=progress_bar,
        )  # fmt: skip
        print(
            f"{name}: best success {res.success_rate:.0%} after {res.steps} control steps "
            f"(+{res.start_state_steps} to reach the start states; "
            f"{'stopped at the target' if res.stopped_early else 'budget used'}, "
            f"{time.perf_counter() - t0:.0f} s); policy and curve in {res.folder}"
        )
    return 0


def evaluate_run(run: Path, *, episodes: int, video: bool, workers: int, seed: int) -> int:
    plan_path = _run_plan_path(run, None)
    return execute_plan(
        plan_path, episodes=episodes, seed=seed, run=run / "eval",
        video=run / "eval" / "video" if video else None, video_episodes=3, workers=workers,
        force=False, skills=run / "skills",
    )  # fmt: skip


def collect_run(run: Path, *, successes: int, workers: int, seed: int) -> int:
    from gendexhand.stages.collect import collect

    plan_path = _run_plan_path(run, None)
    skills = run / "skills"
    res = collect(
        plan_path, run / "episodes", successes, skills=skills if skills.is_dir() else None,
        seed=seed, workers=workers, progress=print,
    )  # fmt: skip
    print(
        f"{res.successes}/{res.attempts} episodes succeeded "
        f"({res.success_rate:.0%}); "
        f"{res.steps_per_success:.0f} control steps per success; episodes in {res.folder}"
    )
    return 0
