"""Reading a URDF: links with their meshes, joints, and the link tree at the zero configuration."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gendexhand.assets.importers.common import ImportOptions
from gendexhand.assets.importers.meshes import Pieces, load_mesh
from gendexhand.errors import AssetError

MOVABLE = ("revolute", "continuous", "prismatic")
"""URDF joint types that become joints of the asset; the others fix the child to its parent."""


def floats(text: str | None, n: int, default: float = 0.0) -> np.ndarray:
    """``n`` numbers from a URDF attribute such as ``xyz="0 0 1"`` (``default`` if absent)."""
    if not text:
        return np.full(n, default)
    values = [float(v) for v in text.split()]
    if len(values) != n:
        raise AssetError(f"expected {n} numbers, got {text!r}")
    return np.array(values)


def rpy_matrix(rpy: np.ndarray) -> np.ndarray:
    r, p, y = rpy
    rx = np.array([[1, 0, 0], [0, np.cos(r), -np.sin(r)], [0, np.sin(r), np.cos(r)]])
    ry = np.array([[np.cos(p), 0, np.sin(p)], [0, 1, 0], [-np.sin(p), 0, np.cos(p)]])
    rz = np.array([[np.cos(y), -np.sin(y), 0], [np.sin(y), np.cos(y), 0], [0, 0, 1]])
    return rz @ ry @ rx


def origin(elem: ET.Element | None, unit: float) -> np.ndarray:
    """4×4 transform of a URDF ``<origin>`` (identity if absent)."""
    t = np.eye(4)
    if elem is not None:
        t[:3, :3] = rpy_matrix(floats(elem.get("rpy"), 3))
        t[:3, 3] = floats(elem.get("xyz"), 3) * unit
    return t


def quat(rot: np.ndarray) -> list[float]:
    """The MuJoCo quaternion (w, x, y, z) of a 3×3 rotation."""
    import mujoco

    q = np.zeros(4)
    mujoco.mju_mat2Quat(q, np.ascontiguousarray(rot).flatten())
    return [float(v) for v in q]


@dataclass
class Link:
    name: str
    meshes: Pieces
    """Triangle meshes in the link frame."""


@dataclass
class UrdfTree:
    """The links of a URDF in tree order (each after its parent), at the zero configuration."""

    links: dict[str, Link]
    joints: dict[str, ET.Element]
    """The ``<joint>`` that attaches each link to its parent, by child link."""
    parents: dict[str, str]
    """The parent of every link but the root."""
    order: list[str]
    """Link names, the root first, each after its parent."""
    world: dict[str, np.ndarray]
    """4×4 transform of every link in the URDF's frame."""

    @property
    def root(self) -> str:
        return self.order[0]


@dataclass(frozen=True)
class UrdfJoint:
    """A movable URDF joint as a hinge or a slide; ``range`` is None for continuous joints."""

    name: str
    kind: str
    """``hinge`` or ``slide``."""
    axis: np.ndarray
    """Unit axis in the child link's frame."""
    range: tuple[float, float] | None


def _link_meshes(
    link: ET.Element, urdf: Path, options: ImportOptions, tag: str
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    folder = urdf.parent
    for item in link.findall(tag):
        geom = item.find("geometry/mesh")
        if geom is None or not geom.get("filename"):
            continue
        path = folder / geom.get("filename", "")
        if not path.is_file():
            raise AssetError(
                f"{urdf}: link {link.get('name')!r} names a missing mesh {geom.get('filename')!r}"
            )
        mesh = load_mesh(path, ImportOptions(unit_scale=options.unit_scale, up="z"))
        scale = floats(geom.get("scale"), 3, 1.0)
        t = origin(item.find("origin"), options.unit_scale)
        v = (np.asarray(mesh.vertices) * scale) @ t[:3, :3].T + t[:3, 3]
        yield v, np.asarray(mesh.faces)


def _joints_by_child(robot: ET.Element, urdf: Path) -> tuple[dict[str, ET.Element], dict[str, str]]:
    """Each child link's ``<joint>`` and parent link."""
    joints: dict[str, ET.Element] = {}
    parent_link: dict[str, str] = {}
    for j in robot.findall("joint"):
        child_elem, parent_elem = j.find("child"), j.find("parent")
        if child_elem is None or parent_elem is None:
            raise AssetError(f"{urdf}: joint {j.get('name')!r} lacks <parent> or <child>")
        joints[child_elem.get("link", "")] = j
        parent_link[child_elem.get("link", "")] = parent_elem.get("link", "")
    return joints, parent_link


def read_urdf(urdf: Path, options: ImportOptions) -> UrdfTree:
    """The link tree of ``urdf``, its meshes read (collision meshes, else visual ones)."""
    try:
        robot = ET.parse(urdf).getroot()
    except ET.ParseError as exc:
        raise AssetError(f"{urdf}: not valid XML: {exc}") from exc
    links = {
        link.get("name", ""): Link(
            link.get("name", ""),
            list(_link_meshes(link, urdf, options, "collision"))
            or list(_link_meshes(link, urdf, options, "visual")),
        )
        for link in robot.findall("link")
    }
    joints, parent_link = _joints_by_child(robot, urdf)
    roots = [n for n in links if n not in joints]
    if len(roots) != 1:
        raise AssetError(f"{urdf}: expected one root link, found {roots}")
    # world transform of every link at the zero configuration, in a tree order
    order, world = [roots[0]], {roots[0]: np.eye(4)}
    parents: dict[str, str] = {}
    while len(order) < len(links):
        grew = False
        for child, j in joints.items():
            parent = parent_link[child]
            if child not in world and parent in world:
                world[child] = world[parent] @ origin(j.find("origin"), options.unit_scale)
                parents[child] = parent
                order.append(child)
                grew = True
        if not grew:
            raise AssetError(f"{urdf}: joints do not connect every link to {roots[0]!r}")
    return UrdfTree(links, joints, parents, order, world)


def movable_joint(j: ET.Element, default_name: str, unit: float) -> UrdfJoint | None:
    """``j`` as a hinge or slide (prismatic limits scaled by ``unit``); None if it is fixed."""
    kind = j.get("type", "fixed")
    if kind not in MOVABLE:
        return None
    axis_elem = j.find("axis")
    axis = floats(axis_elem.get("xyz") if axis_elem is not None else None, 3)
    if not np.any(axis):
        axis = np.array([1.0, 0, 0])
    axis = axis / np.linalg.norm(axis)
    lim = j.find("limit")
    scale = unit if kind == "prismatic" else 1.0
    rng = None
    if kind != "continuous" and lim is not None:
        rng = (float(lim.get("lower", 0)) * scale, float(lim.get("upper", 0)) * scale)
    jtype = "slide" if kind == "prismatic" else "hinge"
    return UrdfJoint(j.get("name", default_name), jtype, axis, rng)
