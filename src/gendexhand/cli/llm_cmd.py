"""``gendexhand cassette``: a run's recorded LLM exchanges as a replayable cassette."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_cassette_parser(verbs: argparse._SubParsersAction) -> None:
    ca = verbs.add_parser(
        "cassette", help="turn a run's LLM exchanges into a cassette for replay:<file>",
        description="Collect RUN_DIR/llm/exchanges.jsonl into one cassette file. Give it to any "
        "stage as --llm replay:OUT (or --vlm) to rerun without a model: the same seed and "
        "cassette give the same artifacts; a request that was not recorded is an error naming "
        "the closest recorded one.",
    )  # fmt: skip
    ca.add_argument("run", type=Path, help="a run directory with recorded exchanges")
    ca.add_argument("out", type=Path, help="the cassette to write (JSON)")
    ca.set_defaults(func=_cassette)


def _cassette(args: argparse.Namespace) -> int:
    from gendexhand.llm.cassette import write_cassette

    n = write_cassette(args.run, args.out)
    print(f"wrote {args.out}: {n} recorded exchanges (use it as --llm replay:{args.out})")
    return 0
