"""Importers: a folder of meshes, or a PartNet-Mobility object, into asset folders of the library.

* **Meshes** (OBJ, STL, PLY, GLB/glTF): each file becomes one rigid asset. A convex mesh is kept as
  its hull; a concave one is split into convex pieces with CoACD, so a cup stays open.
* **PartNet-Mobility** (a folder with ``mobility.urdf`` and its meshes): each link becomes a body,
  revolute/prismatic/continuous joints become hinges and slides with their limits, and the labels
  of ``semantics.txt`` name the parts (door, drawer, handle, lid, …).

Decompositions are cached by the hash of the mesh and the settings (``$GENDEXHAND_CACHE``, else
``$XDG_CACHE_HOME/gendexhand``, else ``~/.cache/gendexhand``), so a re-import is quick. Every
imported asset carries its source and licence: a ``LICENSE*``/``COPYING*``/``license.txt`` file
found next to the source, or the text given with ``--license``; without either the import stops.
Nothing is downloaded.

Modules: :mod:`~.common` (options, ids, the asset folder), :mod:`~.licence`, :mod:`~.meshes`
(reading, convex decomposition, export), :mod:`~.mesh_import`, :mod:`~.urdf`, :mod:`~.partnet`,
and :mod:`~.driver` (:func:`import_path`, which picks the importer).
"""

from gendexhand.assets.importers.common import ImportOptions, Progress, asset_id_for, cache_dir
from gendexhand.assets.importers.driver import import_path
from gendexhand.assets.importers.mesh_import import import_mesh_file, import_mesh_folder, mesh_files
from gendexhand.assets.importers.meshes import MESH_SUFFIXES, convex_pieces, load_mesh
from gendexhand.assets.importers.partnet import import_partnet, read_semantics

__all__ = [
    "MESH_SUFFIXES",
    "ImportOptions",
    "Progress",
    "asset_id_for",
    "cache_dir",
    "convex_pieces",
    "import_mesh_file",
    "import_mesh_folder",
    "import_partnet",
    "import_path",
    "load_mesh",
    "mesh_files",
    "read_semantics",
]
