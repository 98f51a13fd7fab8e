"""The sandbox's exceptions and warnings."""

from __future__ import annotations

from gendexhand.errors import GenDexHandError


class RewardRejected(GenDexHandError):  # noqa: N818 (the name says what happened)
    """Reward code was refused by the checker, or failed or misbehaved when it ran."""


class RewardWorkerError(GenDexHandError):
    """The reward worker process could not be started, or was used after :meth:`close`."""


class UnweightedTermWarning(UserWarning):
    """:func:`combine` met terms that have no weight; they count with weight 0."""


class _TooLargeError(ValueError):
    """A ``np`` wrapper refused an array of more than ``MAX_ELEMENTS`` elements."""
