"""What each CLI command does; each calls library functions and prints a short summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gendexhand.config.loading import load_scene
from gendexhand.config.scene import SceneConfig
from gendexhand.embodiment.embodiment import Embodiment
from gendexhand.embodiment.registry import EMBODIMENTS, robot_spec
from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.physics import DEFAULT_PHYSICS
from gendexhand.plan.results import Stats
from gendexhand.sim.scene import Scene, build_scene
from gendexhand.store.paths import (
    EPISODE_LOG,
    PLAN_FILE,
    SCENE_FILE,
    SUMMARY_FILE,
    TASKS_DIR,
    TaskPaths,
    check_task_id,
)
from gendexhand.store.rundir import RunDir
from gendexhand.yamlio import short

if TYPE_CHECKING:
    from gendexhand.learn.train import TrainSettings
    from gendexhand.sim.checks import Finding, SceneReport
    from gendexhand.stages.execute import BatchResult


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


def check_physics(scene: Scene, source: Path, report_path: Path | None = None) -> SceneReport:
    """Check a built scene (:func:`~gendexhand.sim.checks.check_scene`) and write the report to
    ``report_path`` if given; warnings go to stderr, one per line; an error finding raises
    :class:`ConfigError` naming the object's field."""
    from gendexhand.sim.checks import check_scene

    report = check_scene(scene)
    if report_path is not None:
        RunDir(report_path.parent).write_text(
            report_path.name, report.model_dump_json(indent=2) + "\n"
        )
    index = {o.instance: k for k, o in enumerate(scene.config.objects)}

    def where(f: Finding) -> str:
        return f"{source}: objects[{index[f.object]}] ({short(f.object, 40)}) {f.describe()}"

    for f in report.warnings:
        print(f"warning: {where(f)}", file=sys.stderr)
    if report.errors:
        more = len(report.errors) - 1
        raise ConfigError(where(report.errors[0]) + (f" (and {more} more)" if more else ""))
    return report


def scene_validate(path: Path, hand: Path | None, report_path: Path | None = None) -> int:
    config = _with_hand(load_scene(path), hand)
    t0 = time.perf_counter()
    scene = build_scene(config)
    built = time.perf_counter() - t0
    n = len(check_physics(scene, path, report_path).warnings)
    print(f"ok {path}{f' ({n} warnings)' if n else ''}\n  {_summary(scene, built)}")
    if report_path is not None:
        print(f"  report: {report_path}")
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
    from gendexhand.store.paths import TaskPaths

    plans = task_plans()
    print(f"\nrunning the {len(plans)} example task plans, one filmed episode each:")
    videos = []
    for k, (name, plan) in enumerate(plans.items(), 1):
        result = run_plan(
            plan, 1, run_dir=out, out=TaskPaths(name).eval, video_episodes=1, force=True,
            progress=lambda m: None,
        )  # fmt: skip
        chain = " → ".join(
            f"{c.name} {'ok' if c.succeeded else 'failed'}"
            for c in result.summary.per_subtask()
            if c.attempted
        )
        print(f"[{k}/{len(plans)}] {name}: {chain}")
        videos += result.videos
    from gendexhand.cli.demo_generated import demo_generated

    learned = demo_generated(out)
    print("\nresults:")
    for s in sheets:
        print(f"  {s}")
    for v in videos:
        print(f"  {v}")
    for line in learned:
        print(f"  {line}")
    return 0


def _print_summary(result: BatchResult) -> None:
    s = result.summary
    print(f"{s.task}: {s.successes}/{s.episodes} episodes succeeded ({100 * s.success_rate:.0f} %)")
    print(f"  {'subtask':<12} {'succeeded':>9} / {'attempted':<9} failures")
    for c in s.per_subtask():
        why = ", ".join(f"{k} ×{v}" for k, v in c.failures.items())
        print(f"  {c.name:<12} {c.succeeded:>9} / {c.attempted:<9} {why}")
    plan_s, grasp_s = Stats.of(s.planning_s), Stats.of(s.grasp_s)
    print(
        f"  path planning per motion subtask: median {plan_s.median:.3f} s, "
        f"p95 {plan_s.p95:.3f} s; grasp search: median {grasp_s.median:.2f} s, "
        f"p95 {grasp_s.p95:.2f} s"
    )
    print(f"results: {result.run / SUMMARY_FILE}, {result.run / EPISODE_LOG}")
    for v in result.videos:
        print(f"video: {v}")


def execute_plan(
    plan: Path,
    *,
    episodes: int,
    seed: int,
    run: Path | None,
    video_episodes: int,
    workers: int,
    force: bool,
) -> int:
    from gendexhand.stages.execute import run_plan

    t0 = time.perf_counter()
    check_plan_scene(plan)
    result = run_plan(
        plan, episodes, seed=seed, run_dir=run, video_episodes=video_episodes,
        workers=workers, force=force,
    )  # fmt: skip
    if result.skipped:
        print("plan, scene and settings unchanged since the last run (use --force to rerun)")
    _print_summary(result)
    if not result.skipped:
        print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


def run_tasks(run: Path, tasks: list[str] | None, plan: Path | None) -> list[tuple[str, Path]]:
    """The tasks of the run to work on, with their plan files: ``tasks`` (default: every task
    of the run); with ``plan``, that plan (and its scene) is copied into the run first, as the
    task it names."""
    from gendexhand.plan.load import load_plan, scene_path

    rd = RunDir(run)
    if plan is not None:
        config, _ = load_plan(plan)
        paths = TaskPaths(check_task_id(config.task, f"{plan}: task"))
        with rd.stage(f"{paths.root}/plan", {"plan": plan, "scene": scene_path(config, plan)},
                      {}) as st:  # fmt: skip
            if not st.skip:
                data = config.model_dump(mode="json")
                data["scene"] = SCENE_FILE
                st.write_yaml(paths.plan, data)
                st.write_text(paths.scene, scene_path(config, plan).read_text())
        if tasks and tasks != [config.task]:
            raise ConfigError(f"--task {tasks[0]!r}: the plan {plan} is task {config.task!r}")
        tasks = [config.task]
    have = sorted(p.parent.name for p in (rd.root / TASKS_DIR).glob(f"*/{PLAN_FILE}"))
    if not have:
        raise ConfigError(
            f"{run} holds no task ({TASKS_DIR}/<task>/{PLAN_FILE}); add one with "
            f"`gendexhand train {run} --plan PLAN`"
        )
    for t in tasks or []:
        if t not in have:
            raise ConfigError(f"{run}: --task: " + unknown_name_message("task", t, have))
    chosen = [(t, rd.path(TaskPaths(t).plan)) for t in (tasks or have)]
    for _, plan_path in chosen:
        check_plan_scene(plan_path)
    return chosen


def check_plan_scene(plan_path: Path) -> None:
    """Build the scene of a plan once and check its physics (warnings; errors stop)."""
    from gendexhand.plan.load import load_plan, scene_path

    config, scene = load_plan(plan_path)
    check_physics(build_scene(scene), scene_path(config, plan_path))


def train(
    run: Path,
    *,
    plan: Path | None,
    tasks: list[str] | None,
    subtasks: list[str] | None,
    settings: TrainSettings,
    progress_bar: bool,
) -> int:
    from gendexhand.learn.train import train_subtask
    from gendexhand.plan.load import load_plan

    rd = RunDir(run)
    for task, plan_path in run_tasks(run, tasks, plan):
        config, _ = load_plan(plan_path)
        rl = [s.name for s in config.subtasks if s.kind == "rl"]
        for name in subtasks or []:
            if name not in rl:
                raise ConfigError(
                    f"{plan_path}: --subtask: " + unknown_name_message("rl subtask", name, rl)
                )
        names = subtasks or rl
        if not names:
            print(f"{task}: no rl subtasks; nothing to train")
            continue
        for name in names:
            t0 = time.perf_counter()
            res = train_subtask(
                rd, TaskPaths(task), plan_path, name, settings, progress=print,
                progress_bar=progress_bar,
            )  # fmt: skip
            if res.skipped:
                print(f"{task}/{name}: plan, earlier skills and settings unchanged; not retrained")
            print(
                f"{task}/{name}: best success {res.success_rate:.0%} after {res.steps} control "
                f"steps (+{res.start_state_steps} to reach the start states; "
                f"{'stopped at the target' if res.stopped_early else 'budget used'}, "
                f"{time.perf_counter() - t0:.0f} s); policy and curve in {res.folder}"
            )
    return 0


def evaluate_run(
    run: Path, *, tasks: list[str] | None, episodes: int, video: bool, workers: int, seed: int
) -> int:
    from gendexhand.stages.execute import run_plan

    for task, plan_path in run_tasks(run, tasks, None):
        paths = TaskPaths(task)
        result = run_plan(
            plan_path, episodes, seed=seed, run_dir=run, out=paths.eval,
            video_episodes=3 if video else 0, workers=workers,
            skills=RunDir(run).path(paths.skills),
        )  # fmt: skip
        if result.skipped:
            print(f"{task}: plan, policies and settings unchanged since the last evaluation")
        _print_summary(result)
    return 0


def collect_run(
    run: Path,
    *,
    tasks: list[str] | None,
    successes: int,
    workers: int,
    seed: int,
    views: list[str] | None = None,
    image_size: tuple[int, int] = (320, 240),
    progress_bar: bool = False,
) -> int:
    from gendexhand.stages.collect import collect

    for task, plan_path in run_tasks(run, tasks, None):
        paths = TaskPaths(task)
        skills = RunDir(run).path(paths.skills)
        res = collect(
            plan_path, run, paths.episodes, successes,
            skills=skills if skills.is_dir() else None, seed=seed, workers=workers,
            progress=None if progress_bar else print, progress_bar=progress_bar, views=views,
            image_size=image_size,
        )  # fmt: skip
        if res.skipped:
            print(f"{task}: plan, policies and settings unchanged since the last collection")
        per = res.steps_per_success
        print(
            f"{task}: {res.successes}/{res.attempts} episodes succeeded ({res.success_rate:.0%}); "
            f"{'-' if per is None else f'{per:.0f}'} control steps per success; dataset in "
            f"{res.folder} (card.md; gendexhand replay {res.folder})"
        )
        for name, cats in (res.failures or {}).items():
            why = ", ".join(f"{c} ×{n}" for c, n in cats.items())
            print(f"  failed at {name}: {why}")
    return 0
