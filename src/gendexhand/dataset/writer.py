"""Writing episode files (HDF5) and the metadata every episode of a task shares."""

from __future__ import annotations

import json
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from gendexhand import __version__
from gendexhand.assets.catalog import get_asset
from gendexhand.config.scene import SceneConfig
from gendexhand.dataset import format as fm
from gendexhand.dataset.record import EpisodeData
from gendexhand.store.rundir import sha256_file

_PACKAGES = ("mujoco", "numpy", "h5py", "torch", "stable-baselines3", "gymnasium-robotics")
_COMPRESSION = {"compression": "gzip", "compression_opts": 4, "shuffle": True}


def software_versions() -> dict[str, str]:
    out = {"gendexhand": __version__, "python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def task_metadata(
    task: str,
    scene: SceneConfig,
    inputs: dict[str, Path],
    llm_exchanges: list[str] | None = None,
) -> dict[str, Any]:
    """What every episode of ``task`` shares: its files and their hashes, the embodiment (and
    its hand file's hash), the assets and their licences, software versions, and the hashes of
    the LLM exchanges behind the task (empty for hand-written tasks)."""
    hand = scene.embodiment.hand
    return {
        "task": task,
        "files": {k: {"path": str(p), "sha256": sha256_file(p)} for k, p in sorted(inputs.items())
                  if p.is_file()},
        "embodiment": {
            "name": scene.embodiment.name if hand is None else f"file:{hand}",
            "hand_file": None if hand is None else str(hand),
            "hand_sha256": None if hand is None or not Path(hand).is_file()
            else sha256_file(Path(hand)),
        },
        "assets": {
            o.asset: get_asset(o.asset).source for o in sorted(scene.objects, key=lambda o: o.asset)
        },
        "software": software_versions(),
        "llm_exchanges": list(llm_exchanges or []),
    }  # fmt: skip


def write_episode(
    path: Path,
    data: EpisodeData,
    *,
    task: str,
    plan_yaml: str,
    metadata: dict[str, Any],
    subtasks: list[str],
    weights: dict[str, dict[str, float]],
) -> None:
    """Write ``data`` as a complete episode file at ``path`` (give a temporary name and rename
    it afterwards: :meth:`gendexhand.store.rundir.RunDir.writing` does both)."""
    with h5py.File(path, "w", libver=("v110", "latest")) as f:
        attrs = {
            fm.A_FORMAT: fm.FORMAT_NAME,
            fm.A_VERSION: fm.FORMAT_VERSION,
            fm.A_TASK: task,
            fm.A_SEED: data.seed,
            fm.A_SUCCESS: data.success,
            fm.A_STEPS: data.n_steps,
            fm.A_CONTROL_DT: data.control_dt,
            fm.A_TIMESTEP: data.timestep,
            fm.A_SUBSTEPS: data.substeps,
            fm.A_MODEL_SHA: data.model_sha256,
            fm.A_WEIGHTS: json.dumps(weights, sort_keys=True),
        }
        f.attrs.update(attrs)
        names = {
            fm.A_SUBTASKS: list(subtasks),
            fm.A_ACTUATORS: data.actuator_names,
            fm.A_ROBOT_JOINTS: data.robot_joint_names,
            fm.A_OBJECTS: data.object_names,
            fm.A_JOINTS: data.articulation_names,
        }
        for key, values in names.items():
            f.attrs[key] = json.dumps(values)
        text = h5py.string_dtype()
        f.create_dataset(fm.D_SCENE, data=data.scene_yaml, dtype=text)
        f.create_dataset(fm.D_PLAN, data=plan_yaml, dtype=text)
        f.create_dataset(fm.D_METADATA, data=json.dumps(metadata, sort_keys=True), dtype=text)
        f.create_dataset(fm.D_INITIAL_STATE, data=data.states[0])
        f.create_dataset(fm.D_INITIAL_CTRL, data=data.initial_ctrl)
        f.create_dataset(fm.D_SCALE, data=data.scale)
        f.create_dataset(fm.D_MASS, data=data.mass)
        f.create_dataset(fm.D_FRICTION, data=data.friction)
        _series(f, fm.D_ACTION, data.actions)
        _series(f, fm.D_SUBTASK, data.subtask)
        for term, series in data.rewards.items():
            _series(f, f"{fm.G_REWARD}/{term}", series)
        _series(f, fm.D_STATE, data.states)
        _series(f, fm.D_ROBOT_QPOS, data.robot_qpos)
        _series(f, fm.D_ROBOT_QVEL, data.robot_qvel)
        _series(f, fm.D_OBJECT_POS, data.object_pos)
        _series(f, fm.D_OBJECT_QUAT, data.object_quat)
        _series(f, fm.D_JOINT_VALUES, data.articulation)


def _series(f: h5py.File, name: str, values: np.ndarray) -> None:
    """A per-step array, compressed and chunked along time."""
    values = np.ascontiguousarray(values)
    if values.size == 0:
        f.create_dataset(name, data=values)
        return
    chunk = (min(len(values), 256), *values.shape[1:])
    f.create_dataset(name, data=values, chunks=chunk, **_COMPRESSION)


def add_images(path: Path, frames: dict[str, np.ndarray]) -> None:
    """Add (or replace) ``images/<view>`` (T+1, H, W, 3) uint8 in the episode file at ``path``
    (a temporary copy: see :func:`gendexhand.dataset.images.render_images`)."""
    with h5py.File(path, "a") as f:
        for view, rgb in frames.items():
            name = f"{fm.G_IMAGES}/{view}"
            if name in f:
                del f[name]
            f.create_dataset(name, data=rgb, chunks=(1, *rgb.shape[1:]), **_COMPRESSION)
