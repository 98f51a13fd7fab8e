"""RL environment step cost: wall time of ``SubtaskEnv.step`` over its physics (``mj_step``).

Run: ``.venv/bin/python benchmarks/bench_env.py`` (pick_bottle_rl's grasp subtask, random
actions). Reports steps per second and the overhead ratio with no reward code, with the reward
compiled in-process, and with the reward in its sandboxed worker process.
"""

from __future__ import annotations

import argparse
import time

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

import numpy as np  # noqa: E402

from gendexhand.examples import task_plans  # noqa: E402
from gendexhand.learn.env import SubtaskEnv  # noqa: E402
from gendexhand.learn.starts import collect_start_states  # noqa: E402
from gendexhand.learn.train import SandboxedReward  # noqa: E402
from gendexhand.plan.load import load_plan  # noqa: E402
from gendexhand.plan.schema import RLSubtask  # noqa: E402
from gendexhand.sandbox import compile_reward  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1000, help="timed steps per reward kind")
    parser.add_argument(
        "--starts", type=int, default=4, help="start states to step from (reaching each runs "
        "the planned reach and approach)",
    )  # fmt: skip
    args = parser.parse_args()
    plan, base = load_plan(task_plans(learned=True)["pick_bottle_rl"])
    grasp = plan.subtasks[2]
    assert isinstance(grasp, RLSubtask) and grasp.name == "grasp"
    rl = grasp.rl
    starts = collect_start_states(plan, base, "grasp", args.starts)
    print("| reward | env steps/s | step / physics |")
    print("|---|---|---|")
    for label, fn in (
        ("none", lambda s: {}),
        ("compiled in-process", compile_reward(rl.reward)),
        ("sandboxed worker", SandboxedReward(rl.reward)),
    ):
        env = SubtaskEnv(plan, base, "grasp", starts, fn, rl.weights, seed=0)
        env.reset(seed=0)
        for s in {s.seed for s in starts}:  # build every scene before timing
            env._scene(s)
        env.step(np.zeros(env.action_space.shape))
        env.step_seconds = env.physics_seconds = 0.0
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        for _ in range(args.steps):
            _, _, done, cut, _ = env.step(rng.uniform(-1, 1, env.action_space.shape))
            if done or cut:
                env.reset()
        rate = args.steps / (time.perf_counter() - t0)
        print(f"| {label} | {rate:,.0f} | {env.overhead():.2f}× |", flush=True)


if __name__ == "__main__":
    main()
