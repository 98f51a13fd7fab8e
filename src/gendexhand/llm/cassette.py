"""Cassettes: a run's recorded LLM exchanges, replayed as a provider (``replay:<file>``).

``gendexhand cassette RUN_DIR OUT`` writes one from ``RUN_DIR/llm/exchanges.jsonl``. Replaying
answers each request with the completion recorded under its cache key; a request that was not
recorded is an error naming the closest recorded one, never a silent fallback. Same seed and
same cassette give the same artifacts.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from gendexhand.errors import ConfigError
from gendexhand.llm.types import Completion, Request
from gendexhand.store.paths import LLM_EXCHANGES
from gendexhand.store.rundir import RunDir

CASSETTE_FORMAT = "gendexhand-cassette"
CASSETTE_VERSION = 1


def prompt_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(f"[{m['role']}] {m['text']}" for m in messages)


def write_cassette(run_dir: Path, out: Path) -> int:
    """Write the cassette of a run's exchanges to ``out``; return how many it holds."""
    src = RunDir(run_dir).path(LLM_EXCHANGES)
    if not src.is_file():
        raise ConfigError(f"{run_dir}: no recorded LLM exchanges ({LLM_EXCHANGES})")
    entries: dict[str, dict[str, Any]] = {}
    for k, row in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        try:
            e = json.loads(row)
            entries[e["key"]] = {
                "provider": e["provider"], "model": e["model"], "template": e["template"],
                "candidate": e["candidate"], "prompt": prompt_of(e["messages"]),
                "completion": e["completion"],
            }  # fmt: skip
        except (ValueError, KeyError, TypeError):
            raise ConfigError(f"{src}: line {k} is not a recorded exchange") from None
    doc = {"format": CASSETTE_FORMAT, "version": CASSETTE_VERSION, "exchanges": entries}
    out = Path(out)
    RunDir(out.parent).write_json(out.name, doc)
    return len(entries)


class ReplayProvider:
    """Answers from a cassette; it presents the recorded provider and model, so keys match."""

    def __init__(self, path: Path, entries: dict[str, dict[str, Any]]) -> None:
        self.path = path
        self.entries = entries
        pairs = sorted({(e["provider"], e["model"]) for e in entries.values()})
        self.pairs = pairs or [("replay", str(path))]
        self.name, self.model = self.pairs[0]

    @classmethod
    def open(cls, path: str | Path) -> ReplayProvider:
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"replay:{path}: cannot read the cassette ({exc})") from None
        if not isinstance(doc, dict) or doc.get("format") != CASSETTE_FORMAT:
            raise ConfigError(f"replay:{path}: not a {CASSETTE_FORMAT} file")
        if doc.get("version") != CASSETTE_VERSION:
            raise ConfigError(f"replay:{path}: cassette version {doc.get('version')!r}; "
                              f"this gendexhand reads {CASSETTE_VERSION}")  # fmt: skip
        entries = doc.get("exchanges")
        if not isinstance(entries, dict):
            raise ConfigError(f"replay:{path}: no exchanges")
        return cls(path, entries)

    def complete(
        self, request: Request, schema: dict[str, Any] | None, schema_name: str
    ) -> Completion:
        for name, model in self.pairs:
            entry = self.entries.get(request.key(name, model))
            if entry is not None:
                return Completion(**entry["completion"])
        raise ConfigError(self._missing(request))

    def _missing(self, request: Request) -> str:
        text = request.prompt_text()
        same = [e for e in self.entries.values() if e["template"] == request.template]
        pool = same or list(self.entries.values())
        if not pool:
            return f"replay:{self.path}: the cassette is empty; {request.template} not recorded"
        best = max(
            pool, key=lambda e: difflib.SequenceMatcher(None, e["prompt"], text).quick_ratio()
        )
        ratio = difflib.SequenceMatcher(None, best["prompt"], text).ratio()
        return (
            f"replay:{self.path}: this {request.template} request (candidate "
            f"{request.candidate}) was not recorded; the closest recorded one is "
            f"{best['template']} candidate {best['candidate']} ({ratio:.0%} alike). Rerun with "
            f"a live provider to record it"
        )
