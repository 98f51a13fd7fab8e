"""Reading datasets: :func:`load` a folder (or one episode file) and get episodes as arrays."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from gendexhand.dataset import format as fm
from gendexhand.errors import ConfigError

_SUPPORTED_MAJOR = fm.parse_version(fm.FORMAT_VERSION)[0]


@dataclass
class Episode:
    """One episode, read whole. Arrays follow :mod:`gendexhand.dataset.format`: ``states`` and
    the other per-state arrays have T + 1 rows, ``actions``, ``subtask`` and ``rewards`` T."""

    path: Path
    version: str
    task: str
    seed: int
    success: bool
    control_dt: float
    model_sha256: str
    subtasks: list[str]
    actuator_names: list[str]
    robot_joint_names: list[str]
    object_names: list[str]
    articulation_names: list[str]
    actions: np.ndarray
    subtask: np.ndarray
    states: np.ndarray
    robot_qpos: np.ndarray
    robot_qvel: np.ndarray
    object_pos: np.ndarray
    object_quat: np.ndarray
    articulation: np.ndarray
    initial_state: np.ndarray
    initial_ctrl: np.ndarray
    scale: np.ndarray
    mass: np.ndarray
    friction: np.ndarray
    scene_yaml: str
    plan_yaml: str
    metadata: dict[str, Any]
    weights: dict[str, dict[str, float]]
    rewards: dict[str, np.ndarray] = field(default_factory=dict)
    images: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        return int(self.actions.shape[0])


def check_version(text: object, where: str) -> str:
    """``text`` if this code reads that format version, else a clear :class:`ConfigError`."""
    major, _ = fm.parse_version(str(text))
    if major == 0:
        raise ConfigError(f"{where}: format version {text!r} is not a version")
    if major > _SUPPORTED_MAJOR:
        raise ConfigError(
            f"{where}: format {text} was written by a newer gendexhand; this one reads "
            f"{_SUPPORTED_MAJOR}.x (upgrade gendexhand to read it)"
        )
    if major < _SUPPORTED_MAJOR:
        raise ConfigError(f"{where}: format {text} is older than any this gendexhand reads")
    return str(text)


def _text(f: h5py.File, name: str) -> str:
    value = f[name][()]
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_episode(path: Path, images: bool = True) -> Episode:
    """Read one episode file (all of it; ``images=False`` leaves camera images out)."""
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable episode file ({exc})") from None
    with f:
        if f.attrs.get(fm.A_FORMAT) != fm.FORMAT_NAME:
            raise ConfigError(f"{path}: not a {fm.FORMAT_NAME} file")
        version = check_version(f.attrs.get(fm.A_VERSION), str(path))
        try:
            return _episode(f, path, version, images)
        except KeyError as exc:
            raise ConfigError(f"{path}: incomplete episode file (missing {exc})") from None


def _episode(f: h5py.File, path: Path, version: str, images: bool) -> Episode:
    a = f.attrs

    def arr(name: str) -> np.ndarray:
        return np.asarray(f[name][()])

    def names(key: str) -> list[str]:
        return list(json.loads(a[key]))

    return Episode(
        path=path,
        version=version,
        task=str(a[fm.A_TASK]),
        seed=int(a[fm.A_SEED]),
        success=bool(a[fm.A_SUCCESS]),
        control_dt=float(a[fm.A_CONTROL_DT]),
        model_sha256=str(a[fm.A_MODEL_SHA]),
        subtasks=names(fm.A_SUBTASKS),
        actuator_names=names(fm.A_ACTUATORS),
        robot_joint_names=names(fm.A_ROBOT_JOINTS),
        object_names=names(fm.A_OBJECTS),
        articulation_names=names(fm.A_JOINTS),
        actions=arr(fm.D_ACTION),
        subtask=arr(fm.D_SUBTASK),
        states=arr(fm.D_STATE),
        robot_qpos=arr(fm.D_ROBOT_QPOS),
        robot_qvel=arr(fm.D_ROBOT_QVEL),
        object_pos=arr(fm.D_OBJECT_POS),
        object_quat=arr(fm.D_OBJECT_QUAT),
        articulation=arr(fm.D_JOINT_VALUES),
        initial_state=arr(fm.D_INITIAL_STATE),
        initial_ctrl=arr(fm.D_INITIAL_CTRL),
        scale=arr(fm.D_SCALE),
        mass=arr(fm.D_MASS),
        friction=arr(fm.D_FRICTION),
        scene_yaml=_text(f, fm.D_SCENE),
        plan_yaml=_text(f, fm.D_PLAN),
        metadata=json.loads(_text(f, fm.D_METADATA)),
        weights=json.loads(a.get(fm.A_WEIGHTS, "{}")),
        rewards={k: np.asarray(v[()]) for k, v in f.get(fm.G_REWARD, {}).items()},
        images={k: np.asarray(v[()]) for k, v in f.get(fm.G_IMAGES, {}).items()} if images else {},
    )


class Dataset:
    """The episodes of one dataset folder (or a single episode file), in seed order.

    ``len(ds)``, ``ds[k]`` (an :class:`Episode`, read when asked), iteration, ``ds.index`` (the
    folder's ``index.json``, if finalised) and ``ds.metadata``.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.index: dict[str, Any] = {}
        if self.path.is_file():
            self.files = [self.path]
            return
        if not self.path.is_dir():
            raise ConfigError(f"{path}: no such dataset (a folder of episodes or one .h5 file)")
        index = self.path / fm.DATASET_INDEX
        if index.is_file():
            try:
                self.index = json.loads(index.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{index}: not valid JSON ({exc})") from None
            check_version(self.index.get("format_version"), str(index))
            self.files = [self.path / e["file"] for e in self.index.get("episodes", [])]
        else:
            self.files = sorted(self.path.glob(fm.EPISODE_GLOB))
        if not self.files:
            raise ConfigError(f"{path}: holds no episodes ({fm.EPISODE_GLOB})")

    @property
    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = self.index.get("metadata", {})
        return meta or self[0].metadata

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, k: int) -> Episode:
        if not -len(self.files) <= k < len(self.files):
            raise ConfigError(
                f"{self.path}: episode {k} does not exist (it holds {len(self.files)}: 0 … "
                f"{len(self.files) - 1})"
            )
        return read_episode(self.files[k])

    def __iter__(self) -> Iterator[Episode]:
        for k in range(len(self.files)):
            yield self[k]


def load(path: str | Path) -> Dataset:
    """Open a dataset: a folder written by ``gendexhand collect`` or one episode file."""
    return Dataset(Path(path))
