"""The diversity metric and duplicate check, with the packaged offline sentence encoder."""

from __future__ import annotations

import numpy as np
import pytest

from gendexhand.assets.catalog import catalog
from gendexhand.errors import ConfigError
from gendexhand.propose.diversity import diversity, duplicates, mean_pairwise_similarity
from gendexhand.propose.families import candidates


def test_mean_pairwise_similarity_of_known_vectors() -> None:
    v = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    assert mean_pairwise_similarity(v) == pytest.approx(1 / 3)
    with pytest.raises(ConfigError):
        mean_pairwise_similarity(v[:1])


def test_diversity_and_duplicates_with_the_encoder() -> None:
    """Budget: ~10 s (the encoder loads once, from the installed package, offline)."""
    pool = candidates(catalog(), 0.161)
    props = [pool["pick_lift"][0].proposal, pool["open_hinge"][0].proposal,
             pool["place_in"][0].proposal]  # fmt: skip
    d = diversity(props)
    assert d.tasks == 3 and 0.0 < d.similarity < 0.9 and d.families == 3
    same = duplicates(["Place the apple in the bowl."],
                      ["Open the cabinet.", "Put the apple into the bowl."])  # fmt: skip
    assert same == [1]
    assert duplicates(["Stack the cube on the book."], ["Open the cabinet."]) == [None]
