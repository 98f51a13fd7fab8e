"""Hostile-input census: how bad scenes, plans, YAML, reward code and arguments are handled.

Run: ``.venv/bin/python benchmarks/bench_hostile.py`` (about two minutes on 2 cores). Every
input goes through what a command does with it, in-process: a scene is loaded, built and
checked like ``gendexhand scene validate``; a plan is loaded and validated like ``execute``;
reward code goes through the checker; arguments through the CLI's parser. Each outcome is one of
*clean error* (a one-line-per-field message, exit status 2), *warning* (accepted, with physical
warnings), *accepted*, or *crash* (anything else: a traceback). The corpus is seeded: the same
run gives the same table. Prints Markdown rows for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import contextlib
import copy
import io
import random
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

from gendexhand.assets.catalog import asset_ids  # noqa: E402
from gendexhand.cli.commands import check_physics  # noqa: E402
from gendexhand.cli.main import main as cli_main  # noqa: E402
from gendexhand.config.loading import load_scene  # noqa: E402
from gendexhand.config.reference import field_rows  # noqa: E402
from gendexhand.config.scene import SceneConfig  # noqa: E402
from gendexhand.errors import GenDexHandError  # noqa: E402
from gendexhand.examples import task_plans  # noqa: E402
from gendexhand.plan.load import load_plan, validate_plan  # noqa: E402
from gendexhand.plan.schema import PlanConfig  # noqa: E402
from gendexhand.sandbox import RewardRejected, check_reward_code  # noqa: E402
from gendexhand.sim.scene import build_scene  # noqa: E402

VALUES: list[Any] = [
    float("nan"), float("inf"), -1e308, 1e308, True, "yes", "x" * 100_000, [], {}, None, -1, 0,
    10**400, [1, 2, 3, 4, 5], "../../etc/passwd", "/tmp/x", 1e-12, "", "πλάνο",
]  # fmt: skip
TOO_LONG = 200


def _set(doc: Any, path: str, value: Any) -> bool:
    """Set the field at a :func:`field_rows` path (first item of lists, first key of maps)."""
    parts = re.findall(r"\[kind=\w+\]|\[\]|\[\d+\]|<name>|[^.\[\]]+", path)
    parts = [p for k, p in enumerate(parts) if not (p == "[]" and parts[k + 1 :][:1] and
                                                  parts[k + 1].startswith("[kind="))]  # fmt: skip
    node = doc
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        if part.startswith("[kind="):
            kind = part[6:-1]
            match = [s for s in node if isinstance(s, dict) and s.get("kind") == kind]
            if not match:
                return False
            key: Any = node.index(match[0])
        elif part == "[]":
            if not isinstance(node, list) or not node:
                return False
            key = 0
        elif part == "<name>":
            if not isinstance(node, dict) or not node:
                return False
            key = next(iter(node))
        else:
            if not isinstance(node, dict):
                return False
            key = part
        if last:
            node[key] = value
            return True
        if isinstance(node, dict) and key not in node:
            node[key] = {}
        node = node[key]
    return False


def _one_error_line(text: str) -> bool:
    lines = text.strip().splitlines()
    return (
        bool(lines)
        and lines[0].startswith("error: ")
        and all(len(line) <= TOO_LONG for line in lines)
    )


def _scene_outcome(path: Path) -> str:
    try:
        scene = build_scene(load_scene(path))
        with contextlib.redirect_stderr(io.StringIO()) as err:
            check_physics(scene, path)
        return "warning" if err.getvalue() else "accepted"
    except GenDexHandError as exc:
        if all(len(x) <= TOO_LONG for x in str(exc).splitlines()):
            return "clean error"
        print(f"long message for {path}: {str(exc)[:300]}")
        return "long"
    except Exception as exc:  # the census counts what must never happen
        print(f"crash on {path}: {type(exc).__name__}: {str(exc)[:300]}")
        return f"crash ({type(exc).__name__})"


def _plan_outcome(plan_path: Path) -> str:
    try:
        plan, scene = load_plan(plan_path)
        validate_plan(plan, scene, str(plan_path))
        return "accepted"
    except GenDexHandError as exc:
        if all(len(x) <= TOO_LONG for x in str(exc).splitlines()):
            return "clean error"
        print(f"long message for {plan_path}: {str(exc)[:300]}")
        return "long"
    except Exception as exc:
        return f"crash ({type(exc).__name__})"


def scene_corpus(rng: random.Random, folder: Path) -> list[Path]:
    from gendexhand.examples import example_scenes

    reference = next(p for p in example_scenes() if p.stem == "reference")
    base = yaml.safe_load(reference.read_text())
    out = []
    for row in field_rows(SceneConfig):
        for value in rng.sample(VALUES, 6):
            doc = copy.deepcopy(base)
            if _set(doc, row.path, value):
                out.append(_dump(folder, doc, len(out)))
    ids = asset_ids()
    for _ in range(60):  # physically absurd: random piles of catalog objects
        objs = [
            {"asset": a, "name": f"o{k}", "pos": [rng.uniform(-1.5, 1.5), rng.uniform(-1, 1),
                                                  rng.uniform(0.0, 1.5)]}
            for k, a in enumerate(rng.sample(ids, rng.randint(2, 6)))
        ]  # fmt: skip
        out.append(_dump(folder, {**base, "objects": objs}, len(out)))
    return out


def _dump(folder: Path, doc: Any, k: int) -> Path:
    path = folder / f"s{k}.yaml"
    try:
        path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    except (yaml.YAMLError, ValueError, OverflowError):
        path.write_text(repr(doc))
    return path


def yaml_corpus(folder: Path) -> dict[str, Path]:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    docs = {
        "alias bomb (10^9 nodes)": bomb.encode(),
        "256 KiB document": b"task: {name: t}\nx: '" + b"y" * (256 * 1024) + b"'\n",
        "not UTF-8": "task: {name: caf\u00e9}\n".encode("latin-1"),
        "1000 levels deep": ("a: " + "[" * 1000 + "]" * 1000).encode(),
        "duplicate keys": b"task: {name: t}\ntask: {name: u}\n",
        "binary": bytes(range(256)) * 4,
        "empty": b"",
        "a list": b"- 1\n- 2\n",
        "tabs": b"task:\n\tname: t\n",
        "python tag": b"!!python/object/apply:os.system ['echo pwned']\n",
        "2400 objects (just under the cheap count)": (
            "task: {name: t}\nobjects:\n"
            + "".join(f"  - {{asset: apple, name: a{k}, pos: [0, 0]}}\n" for k in range(2400))
        ).encode(),
    }
    out = {}
    for name, data in docs.items():
        path = folder / f"y{len(out)}.yaml"
        path.write_bytes(data)
        out[name] = path
    return out


def plan_corpus(rng: random.Random, folder: Path) -> list[Path]:
    source = task_plans(learned=True)["pick_bottle_rl"]
    base = yaml.safe_load(source.read_text())
    base["scene"] = str((source.parent / base["scene"]).resolve())
    out = []
    for row in field_rows(PlanConfig):
        for value in rng.sample(VALUES, 6):
            doc = copy.deepcopy(base)
            if _set(doc, row.path, value):
                out.append(_dump(folder, doc, 10_000 + len(out)))
    return out


def cli_corpus() -> list[list[str]]:
    plan = str(task_plans()["pick_bottle"])
    return [
        ["execute", plan, "--episodes", "-1"], ["execute", plan, "--workers", "1000"],
        ["execute", plan, "--seed", "-1"], ["execute", plan, "--seed", "1e3"],
        ["train", "/nonexistent", "--steps", "-1"], ["train", "/nonexistent", "--envs", "0"],
        ["train", "/nonexistent", "--target", "5"], ["train", "/nonexistent", "--target", "nan"],
        ["collect", "/nonexistent", "--successes", "0"], ["scene", "render", plan, "--width", "0"],
        ["execute", "/nonexistent.yaml"], ["scene", "validate", "/etc"],
        ["eval", "/etc/passwd"], ["collect", "/nonexistent", "--plan", plan],
        ["execute", plan, "--run", "/etc/passwd"], ["nonsense"], ["scene", "validate"],
        ["assets", "show", "no_such_asset"], ["embodiments", "show", "no_such_robot"],
        ["schema", "nothing"],
    ]  # fmt: skip


def _cli_outcome(argv: list[str]) -> str:
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli_main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:
        return f"crash ({type(exc).__name__})"
    if code == 2 and _one_error_line(err.getvalue()):
        return "clean error"
    return "accepted" if code == 0 else f"exit {code}: {err.getvalue()[:80]!r}"


HOSTILE_TOKENS = [
    "__class__", "__subclasses__()", "getattr", "eval", "exec", "open('/etc/passwd')",
    "__import__('os')", "import os", "lambda x: x", "globals()", "type", "object", "10**9999",
    "9" * 40, "range(10**12)", "range(999999999999999999999)", "while True:", "yield", "(", ")",
    "[", "]", ":", ",", ".", "**", "not", "state.data", "state._snapshot", "print",
    "np.zeros(10**8)",
    "np.ones((10000, 10000))", "'%s' % state", "1e999", "float('nan')", "\n", "\n    ", "\\",
    "global np", "nonlocal x", "del state", "try:", "with open('x') as f:", "class A:", "=", ":=",
]  # fmt: skip


def reward_corpus(rng: random.Random, n: int = 500) -> list[str]:
    """Real reward sources from the example plans with 1-4 words replaced, deleted, repeated
    or preceded by a hostile token."""
    sources = [
        s["rl"]["reward"]
        for plan in task_plans(learned=True).values()
        for s in yaml.safe_load(plan.read_text())["subtasks"]
        if s.get("kind") == "rl"
    ]
    out = []
    for _ in range(n):
        src = rng.choice(sources)
        for _ in range(rng.randint(1, 4)):
            spans = [m.span() for m in re.finditer(r"\w+|[^\w\s]", src)]
            a, b = rng.choice(spans)
            word = src[a:b]
            new = rng.choice([
                rng.choice(HOSTILE_TOKENS), rng.choice(HOSTILE_TOKENS) + " " + word, "",
                word * rng.randint(2, 300),
            ])  # fmt: skip
            src = src[:a] + new + src[b:]
        out.append(src)
    return out


def main() -> None:
    rng = random.Random(0)
    table: dict[str, Counter[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        table["scene fields × hostile values, random piles"] = Counter(
            _scene_outcome(p) for p in scene_corpus(rng, folder)
        )
        yaml_docs = yaml_corpus(folder)
        slowest = ("", 0.0)
        counts: Counter[str] = Counter()
        for name, path in yaml_docs.items():
            t = time.perf_counter()
            counts[_scene_outcome(path)] += 1
            took = time.perf_counter() - t
            slowest = max(slowest, (name, took), key=lambda s: s[1])
        table["hostile YAML documents"] = counts
        table["plan fields × hostile values"] = Counter(
            _plan_outcome(p) for p in plan_corpus(rng, folder)
        )
        table["CLI misuse"] = Counter(_cli_outcome(a) for a in cli_corpus())
        rewards: Counter[str] = Counter()
        for src in reward_corpus(rng):
            try:
                check_reward_code(src)
                rewards["accepted"] += 1
            except RewardRejected:
                rewards["clean error"] += 1
            except Exception as exc:
                rewards[f"crash ({type(exc).__name__})"] += 1
        table["hostile reward code"] = rewards
        total = time.perf_counter() - t0
    print("| inputs | tried | clean error | warning | accepted | other |")
    print("|---|---|---|---|---|---|")
    for name, c in table.items():
        other = {k: v for k, v in c.items() if k not in ("clean error", "warning", "accepted")}
        print(f"| {name} | {sum(c.values())} | {c['clean error']} | {c['warning']} | "
              f"{c['accepted']} | {other or 0} |")  # fmt: skip
    print(f"\nslowest YAML refusal: {slowest[0]}, {slowest[1] * 1000:.0f} ms; whole census "
          f"{total:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
