"""``gendexhand envs``: the Gymnasium ids of a run's planned tasks, and how to use them."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_envs_parser(verbs: argparse._SubParsersAction) -> None:
    ev = verbs.add_parser(
        "envs", help="list the Gymnasium ids of a run's planned tasks",
        description="Each task of RUN_DIR with a plan.yaml is a Gymnasium environment of the "
        "whole task (every actuator, the task's randomised start, reward 1 on the trusted "
        "success, touch sensors where the hand has them; options: max_steps, touch, obs_noise, "
        "action_noise, friction_range, mass_range, damping_range). In Python: "
        "from gendexhand.learn.register import register_run; ids = register_run(RUN_DIR); "
        "env = gymnasium.make(ids[0]).",
    )  # fmt: skip
    ev.add_argument("run", type=Path)
    ev.set_defaults(func=_envs)


def _envs(args: argparse.Namespace) -> int:
    from gendexhand.learn.register import register_run

    ids = register_run(args.run)
    print("\n".join(ids))
    print(f"\nimport gymnasium\nfrom gendexhand.learn.register import register_run\n"
          f"register_run({str(args.run)!r})\nenv = gymnasium.make({ids[0]!r})")  # fmt: skip
    return 0
