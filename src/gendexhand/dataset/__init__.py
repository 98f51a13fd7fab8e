"""The episode dataset: versioned HDF5 files, one per episode, with exact replay.

Read a dataset with :func:`load`::

    import gendexhand.dataset as gd
    ds = gd.load("runs/demo/tasks/pick_bottle_rl/episodes")
    ep = ds[0]
    ep.actions.shape, ep.states.shape   # (T, nu), (T + 1, S)

The format (every field's dtype, shape and unit) is in :mod:`gendexhand.dataset.format` and in
each dataset's ``card.md``.
"""

from gendexhand.dataset.reader import Dataset, Episode, load, read_episode

__all__ = ["Dataset", "Episode", "load", "read_episode"]
