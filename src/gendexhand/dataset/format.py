"""The episode format: every file name, group, field and attribute of the dataset, in one place.

A dataset is one folder (``RUN_DIR/tasks/<task>/episodes/``) of HDF5 files, one per episode,
plus ``index.json`` (the episodes and the task's metadata) and ``card.md`` (what a person
reads). Step alignment, defined once: ``states`` has T + 1 rows, ``actions`` T. Row 0 of
``states`` is s₀, the full MuJoCo integration state (``mj_getState``, ``mjSTATE_INTEGRATION``)
before the first control step; action k is applied for one control step from state k and gives
state k + 1. Per-step values measured on a state (positions, velocities) have T + 1 rows; values
of a step (action, subtask, reward terms) have T.

Versioning: ``FORMAT_VERSION`` is ``major.minor``. A reader reads every minor version of its
major version (fields added by a later minor version are optional); a newer major version is
refused with a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass

from gendexhand.store.paths import (
    COLLECT_SUMMARY,
    DATASET_CARD,
    DATASET_INDEX,
    EPISODE_FILE,
    EPISODE_GLOB,
)

FORMAT_NAME = "gendexhand-episode"
FORMAT_VERSION = "1.0"
"""``major.minor`` of the files this code writes."""

__all__ = [
    "COLLECT_SUMMARY",
    "DATASET_CARD",
    "DATASET_INDEX",
    "EPISODE_FILE",
    "EPISODE_GLOB",
    "FIELDS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "Field",
]

# -- root attributes of an episode file ---------------------------------------------------------
A_FORMAT = "format"
A_VERSION = "format_version"
A_TASK = "task"
A_SEED = "seed"
A_SUCCESS = "success"
A_STEPS = "n_steps"
A_CONTROL_DT = "control_dt"
A_TIMESTEP = "timestep"
A_SUBSTEPS = "substeps"
A_MODEL_SHA = "model_sha256"
A_SUBTASKS = "subtasks"
A_ACTUATORS = "actuator_names"
A_ROBOT_JOINTS = "robot_joint_names"
A_OBJECTS = "object_names"
A_JOINTS = "articulation_names"
A_WEIGHTS = "reward_weights"
"""JSON: subtask → term → weight."""

# -- groups and datasets -----------------------------------------------------------------------
G_META = "meta"
D_SCENE = "meta/scene_yaml"
"""The resolved scene of this episode (after randomisation): rebuilding it gives its model."""
D_PLAN = "meta/plan_yaml"
D_METADATA = "meta/metadata_json"
G_INITIAL = "initial"
D_INITIAL_STATE = "initial/state"
D_INITIAL_CTRL = "initial/ctrl"
G_RANDOM = "randomized"
D_SCALE = "randomized/scale"
D_MASS = "randomized/mass"
D_FRICTION = "randomized/friction"
G_STEPS = "steps"
D_ACTION = "steps/action"
D_SUBTASK = "steps/subtask"
G_REWARD = "steps/reward"
"""One dataset per reward term (``steps/reward/<term>``); NaN where no policy ran."""
G_STATES = "states"
D_STATE = "states/integration"
D_ROBOT_QPOS = "states/robot_qpos"
D_ROBOT_QVEL = "states/robot_qvel"
D_OBJECT_POS = "states/object_pos"
D_OBJECT_QUAT = "states/object_quat"
D_JOINT_VALUES = "states/articulation"
G_IMAGES = "images"
"""One dataset per view (``images/<view>``), on request."""


@dataclass(frozen=True)
class Field:
    path: str
    dtype: str
    shape: str
    unit: str
    meaning: str


FIELDS: tuple[Field, ...] = (
    Field(D_ACTION, "float64", "(T, nu)", "actuator target (rad, m)",
          "the full actuator-target vector applied for control step k, in ctrl order"),
    Field(D_SUBTASK, "int16", "(T,)", "index", "the subtask running at step k"),
    Field(f"{G_REWARD}/<term>", "float64", "(T,)", "reward",
          "a reward term after step k, where an rl policy ran (NaN elsewhere)"),
    Field(D_STATE, "float64", "(T+1, S)", "MuJoCo units",
          "the integration state (mj_getState, mjSTATE_INTEGRATION) before step 0 and after "
          "each step"),
    Field(D_ROBOT_QPOS, "float64", "(T+1, n_robot)", "rad, m", "robot joint positions"),
    Field(D_ROBOT_QVEL, "float64", "(T+1, n_robot)", "rad/s, m/s", "robot joint velocities"),
    Field(D_OBJECT_POS, "float64", "(T+1, n_obj, 3)", "m", "object body positions (world)"),
    Field(D_OBJECT_QUAT, "float64", "(T+1, n_obj, 4)", "unit quaternion (w, x, y, z)",
          "object body orientations (world)"),
    Field(D_JOINT_VALUES, "float64", "(T+1, n_art)", "rad, m",
          "articulated object joint values (``<object>/<joint>`` in articulation_names)"),
    Field(D_INITIAL_STATE, "float64", "(S,)", "MuJoCo units", "s₀, the same as states row 0"),
    Field(D_INITIAL_CTRL, "float64", "(nu,)", "actuator target", "actuator targets at s₀"),
    Field(D_SCALE, "float64", "(n_obj,)", "factor", "each object's scale in this episode"),
    Field(D_MASS, "float64", "(n_obj,)", "kg", "each object's total mass in this episode"),
    Field(D_FRICTION, "float64", "(n_obj, 3)", "sliding, torsional, rolling",
          "each object's friction (its first collision geom)"),
    Field(D_SCENE, "string", "()", "YAML", "the resolved scene of this episode"),
    Field(D_PLAN, "string", "()", "YAML", "the plan"),
    Field(D_METADATA, "string", "()", "JSON",
          "embodiment, hand file hash, asset licences, software versions, LLM exchanges"),
    Field(f"{G_IMAGES}/<view>", "uint8", "(T+1, H, W, 3)", "RGB",
          "camera images of a view, rendered from the recorded states (on request)"),
)  # fmt: skip
"""Every dataset of an episode file (the root attributes are listed in the card)."""


def parse_version(text: str) -> tuple[int, int]:
    """``"1.0"`` → ``(1, 0)``; a malformed version is ``(0, 0)`` (unreadable)."""
    try:
        major, minor = (int(p) for p in str(text).split("."))
    except ValueError:
        return (0, 0)
    return major, minor
