"""Rotation helpers shared by the controllers, the predicates and the learned-action maps
(MuJoCo's own conversions underneath; rotation matrices are 3×3, quaternions (w, x, y, z))."""

from __future__ import annotations

import math

import mujoco
import numpy as np


def quat_to_matrix(quat: np.ndarray) -> np.ndarray:
    mat = np.zeros(9)
    mujoco.mju_quat2Mat(mat, np.asarray(quat, dtype=float))
    return mat.reshape(3, 3)


def axis_angle_matrix(axis: np.ndarray, angle: float) -> np.ndarray:
    """The rotation by ``angle`` (rad) about the unit vector ``axis``."""
    quat = np.zeros(4)
    mujoco.mju_axisAngle2Quat(quat, np.asarray(axis, dtype=float), angle)
    return quat_to_matrix(quat)


def rotvec_matrix(rotvec: np.ndarray) -> np.ndarray:
    """The rotation of a rotation vector (axis × angle); the identity for a zero vector."""
    angle = float(np.linalg.norm(rotvec))
    if angle < 1e-12:
        return np.eye(3)
    return axis_angle_matrix(rotvec / angle, angle)


def matrix_rotvec(rot: np.ndarray) -> np.ndarray:
    """The rotation vector of a rotation matrix."""
    quat, vel = np.zeros(4), np.zeros(3)
    mujoco.mju_mat2Quat(quat, np.asarray(rot, dtype=float).ravel())
    mujoco.mju_quat2Vel(vel, quat, 1.0)
    return vel


def rot_z(angle: float) -> np.ndarray:
    """The rotation by ``angle`` (rad) about the world z axis."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])


def rotation_angle_deg(rot: np.ndarray) -> float:
    """The angle (degrees, 0…180) of a rotation matrix."""
    return math.degrees(math.acos(float(np.clip((np.trace(rot) - 1.0) / 2.0, -1.0, 1.0))))
