"""Seeded mutation fuzzing of the reward checker: whatever the source, it accepts or raises
:class:`RewardRejected` with a readable message — never another exception, never a hang."""

from __future__ import annotations

import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gendexhand.examples import task_plans
from gendexhand.sandbox import RewardRejected, RewardWorker, check_reward_code

from .samples import GOOD, snapshot

CASES = 300


def _sources() -> list[str]:
    found = [GOOD]
    for plan in task_plans(learned=True).values():
        for sub in yaml.safe_load(plan.read_text()).get("subtasks", []):
            if isinstance(sub.get("reward"), str):
                found.append(sub["reward"])
    return found


SOURCES = _sources()
# Tokens an attacker, a typo or a confused model would put into reward code.
HOSTILE = [
    "__class__", "__subclasses__", "getattr", "eval", "exec", "open", "__import__", "import os",
    "lambda x: x", "globals()", "type", "object", "10**9999", "9" * 40, "range(10**12)",
    "range(999999999999999999999)", "while True:", "yield", "await", "async", "(", ")", "[",
    "]", "{", "}", ":", ",", ".", "*", "**", "-", "not", "and", "if", "else", "for", "in",
    "state", "np", "math", "abs", "len", "nonlocal", "global", "del", "try", "except", "with",
    "'%s' % state", "f'{state}'", "np.zeros(10**8)", "np.ones((10000, 10000))", "state.data",
    "state._snapshot", "print", "sum", "max", "\n", "\n    ", "\t", "\\", "#", "'", '"', "0x",
    "1e999", "float('nan')", "-1e308 * 10", "return", "def", "class", "=", ":=", "+=",
]  # fmt: skip
OUTCOMES: dict[str, int] = {}


@st.composite
def _mutant(draw: Any) -> str:
    """A real reward source with 1-4 of its words or symbols replaced, deleted, repeated, or
    preceded by a hostile token; indentation and the rest of the text are kept."""
    source = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        spans = [m.span() for m in re.finditer(r"\w+|[^\w\s]", source)]
        a, b = spans[draw(st.integers(0, len(spans) - 1))]
        word = source[a:b]
        op = draw(st.sampled_from(["replace", "insert", "delete", "repeat"]))
        new = {
            "replace": draw(st.sampled_from(HOSTILE)),
            "insert": draw(st.sampled_from(HOSTILE)) + " " + word,
            "delete": "",
            "repeat": word * draw(st.integers(2, 300)),
        }[op]
        source = source[:a] + new + source[b:]
    return source


@settings(
    max_examples=CASES, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
@given(_mutant())
def _checker_property(source: str) -> None:
    try:
        check_reward_code(source)
    except RewardRejected as exc:
        message = str(exc)
        assert message and len(message) < 2500, message[:200]
        OUTCOMES["rejected"] = OUTCOMES.get("rejected", 0) + 1
    else:
        OUTCOMES["accepted"] = OUTCOMES.get("accepted", 0) + 1
        ACCEPTED.append(source)


ACCEPTED: list[str] = []


def test_mutated_reward_code_is_accepted_or_rejected_cleanly() -> None:
    """Budget: ~6 s for 300 mutants, then six accepted ones run once each in a limited worker."""
    _checker_property()
    assert sum(OUTCOMES.values()) >= CASES, OUTCOMES
    assert OUTCOMES.get("rejected", 0) >= CASES // 3 and OUTCOMES.get("accepted", 0) >= 10, OUTCOMES
    # what passes the checker runs, or is a recorded rejection
    for source in ACCEPTED[:: max(1, len(ACCEPTED) // 6)][:6]:
        with RewardWorker(source) as worker:
            try:
                terms = worker.call(snapshot())
            except RewardRejected as exc:
                assert str(exc)
            else:
                assert all(isinstance(v, float) for v in terms.values())
