"""The fingerprint of the code that made a run's outputs.

The package version changes only at a release; the fingerprint changes with any edit of the
installed package (its modules, prompts, packaged assets and examples). Every manifest entry
records it, and stages whose outputs are cheap to remake and that a code change silently
stales (episodes) take it as an input, so a rerun after a change remakes them.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import gendexhand

_SKIP = ("__pycache__",)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the sorted relative paths and contents of the installed package's files
    (compiled bytecode left out); computed once per process."""
    root = Path(gendexhand.__file__).parent
    digest = hashlib.sha256()
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(s in p.parts for s in _SKIP) and p.suffix != ".pyc"
    )  # fmt: skip
    for p in files:
        digest.update(p.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(p.read_bytes()).digest())
    return digest.hexdigest()
