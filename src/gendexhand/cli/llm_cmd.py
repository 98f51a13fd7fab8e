"""``gendexhand cassette``: a run's recorded LLM exchanges as a replayable cassette."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gendexhand.cli.argtypes import integer, number

if TYPE_CHECKING:
    from gendexhand.llm.client import LLMClient
    from gendexhand.llm.types import Request


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


def add_llm_options(p: argparse.ArgumentParser, vlm: bool = False) -> None:
    """The options every LLM-facing command takes (the text model, the multimodal one, limits)."""
    p.add_argument(
        "--llm", default="rules", metavar="PROVIDER",
        help="openai:<model>[,base_url=URL][,key_env=VAR][,structured=no], "
        "anthropic:<model>[,base_url=URL][,key_env=VAR], rules (offline, the default) or "
        "replay:<cassette>",
    )  # fmt: skip
    if vlm:
        p.add_argument("--vlm", default=None, metavar="PROVIDER",
                       help="the multimodal model, same forms (default: --llm)")  # fmt: skip
    p.add_argument("--max-calls", type=integer(1), default=None, help="LLM call budget")
    p.add_argument("--max-tokens", type=integer(1), default=None, help="LLM token budget")
    p.add_argument("--max-usd", type=number(0.0, 1e6), default=None, help="LLM cost budget")
    p.add_argument("--prices", type=Path, default=None, help="price table (YAML) to use")
    p.add_argument("--llm-timeout", type=number(0.1, 3600.0), default=120.0,
                   help="seconds per call")  # fmt: skip
    p.add_argument(
        "--dry-run", action="store_true",
        help="send nothing; print how many calls would be made and their estimated cost",
    )  # fmt: skip


def client_from_args(
    args: argparse.Namespace,
    run: Path | None,
    which: str = "llm",
    rules: Callable[[Request], str] | None = None,
) -> LLMClient:
    """The :class:`~gendexhand.llm.LLMClient` the options of :func:`add_llm_options` describe."""
    from gendexhand.llm import Budget, LLMClient, PriceTable, make_provider, parse_spec
    from gendexhand.store.rundir import RunDir

    text = getattr(args, which, None) or args.llm
    provider = make_provider(parse_spec(text, f"--{which}"), args.llm_timeout, rules)
    budget = Budget(calls=args.max_calls, tokens=args.max_tokens, cost=args.max_usd)
    return LLMClient(provider, RunDir(run) if run else None, budget=budget,
                     prices=PriceTable.load(args.prices), dry_run=args.dry_run)  # fmt: skip


def add_llm_check_parser(verbs: argparse._SubParsersAction) -> None:
    ch = verbs.add_parser(
        "llm", help="check that an LLM provider answers structured questions",
        description="Send one short structured question (and, with --vlm, one with an image) "
        "to a provider and report what came back: the parsed answer, tokens, cost and whether "
        "the server enforced the schema. Use it to try a base URL, a key or a local model.",
    )  # fmt: skip
    ch.add_argument("action", choices=["check"])
    ch.add_argument("--run", type=Path, default=None, help="record the exchanges in this run")
    add_llm_options(ch, vlm=True)
    ch.set_defaults(func=_llm_check)


def _check_rules(request: Request) -> str:
    """The rules answer to check@1: add the two numbers; no image is seen."""
    import json
    import re

    text = request.prompt_text()
    a, b = (int(x) for x in re.findall(r"What is (-?\d+) \+ (-?\d+)\?", text)[0])
    return json.dumps({"status": "ok", "sum": a + b, "colour": "none"})


def _llm_check(args: argparse.Namespace) -> int:
    import io

    from PIL import Image as PILImage

    from gendexhand.llm import Image
    from gendexhand.llm.prompts import load_template
    from gendexhand.llm.prompts.check import VERSION, CheckAnswer

    template = load_template("check", VERSION)
    png = io.BytesIO()
    PILImage.new("RGB", (32, 32), (220, 20, 20)).save(png, format="PNG")
    red = Image(png.getvalue(), key="check:red-32x32")
    failed = False
    for which, images in (("llm", ()), ("vlm", (red,))):
        if which == "vlm" and args.vlm is None:
            continue
        client = client_from_args(args, args.run, which, _check_rules)
        req = template.request(CheckAnswer, {"a": "2", "b": "3"}, images=images)
        answer = client.ask(req, CheckAnswer, "check")
        label = client.label
        if args.dry_run:
            cost = client.planned_cost
            print(f"--{which} {label}: 1 call, estimated cost "
                  f"{'unknown' if cost is None else f'${cost:.5f}'}")  # fmt: skip
            continue
        value = answer.value
        if value is None:
            print(f"--{which} {label}: FAILED: {answer.failure}")
            failed = True
            continue
        right = value.sum == 5 and (which == "llm" or "red" in value.colour.lower())
        print(f"--{which} {label}: {'ok' if right else 'answered, but wrongly'}: "
              f"{value.model_dump()} ({answer.attempts} attempt(s); "
              f"{client.budget.summary()})")  # fmt: skip
        failed = failed or not right
    return 1 if failed else 0
