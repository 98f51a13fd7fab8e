"""Gymnasium ids for the planned tasks of a run: ``gendexhand/<run>.<task>-v1``.

:func:`register_run` registers every task of a run directory that has a ``plan.yaml`` (a
hand-written one copied in, or one stage 3 wrote for a generated task), so that any policy can
be evaluated on the whole task with ``gymnasium.make(id, **options)``; the options
(:class:`~gendexhand.learn.task_env.TaskOptions`) are recorded in ``env.spec.kwargs``. The id is
derived from the run directory's name and the task id, both reduced to the characters Gymnasium
allows in an id (letters, digits, ``_`` and ``-``; anything else becomes ``_``); gymnasium ids
cannot hold a second ``/``, so the run and the task are joined by ``.``. The version is
:data:`ENV_VERSION`, raised whenever the environment's definition (spaces, reward, start)
changes, so a recorded result names the environment it was measured on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import gymnasium as gym

from gendexhand.errors import ConfigError
from gendexhand.store.paths import PLAN_FILE, TASKS_DIR

NAMESPACE = "gendexhand"
ENV_VERSION = 1
ENTRY_POINT = "gendexhand.learn.task_env:TaskEnv"
_UNSAFE = re.compile(r"[^\w-]")


def task_env_id(run_dir: Path, task: str) -> str:
    """The Gymnasium id of ``task`` of the run at ``run_dir``."""
    run = _UNSAFE.sub("_", Path(run_dir).resolve().name) or "run"
    return f"{NAMESPACE}/{run}.{_UNSAFE.sub('_', task)}-v{ENV_VERSION}"


def register_run(run_dir: Path, **options: Any) -> list[str]:
    """Register each planned task of ``run_dir`` (``tasks/<id>/plan.yaml``); return their ids.
    ``options`` become every env's default :class:`~gendexhand.learn.task_env.TaskOptions`
    (``gymnasium.make`` may override them). Registering again replaces the entries."""
    plans = sorted((Path(run_dir) / TASKS_DIR).glob(f"*/{PLAN_FILE}"))
    if not plans:
        raise ConfigError(f"{run_dir}: no task has a {PLAN_FILE} (run gendexhand plan first)")
    ids = []
    for plan in plans:
        env_id = task_env_id(run_dir, plan.parent.name)
        gym.registry.pop(env_id, None)
        gym.register(env_id, entry_point=ENTRY_POINT,
                     kwargs={"plan": str(plan.resolve()), **options})  # fmt: skip
        ids.append(env_id)
    return ids
