"""Exception hierarchy. Every error a user can cause is a :class:`GenDexHandError`.

Messages name what was wrong (file, field path, bad value) and the valid choices, so the CLI can
print them as they are, without a traceback.
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Iterable

MAX_LINE = 200
"""Longest line of an error message; longer lines wrap, continued with an indent."""


class GenDexHandError(Exception):
    """Base class of every error gendexhand raises on purpose. Its text never has a line over
    :data:`MAX_LINE` characters (counting the CLI's ``error: `` prefix): longer lines wrap."""

    def __str__(self) -> str:
        return wrap_lines(super().__str__(), MAX_LINE - len("error: "))


def wrap_lines(text: str, width: int = MAX_LINE) -> str:
    """``text`` with every line over ``width`` characters wrapped at spaces (a word longer than
    the line is broken); continuation lines keep the line's indent plus two spaces."""
    out = []
    for line in text.splitlines() or [""]:
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out += textwrap.wrap(
            line, width=width, subsequent_indent=indent, break_on_hyphens=False
        ) or [line[:width]]
    return "\n".join(out)


class ConfigError(GenDexHandError):
    """A configuration file or value is invalid."""


class EmbodimentError(GenDexHandError):
    """An embodiment cannot be built or its kinematic structure cannot be understood."""


class AssetError(GenDexHandError):
    """An asset is unknown or cannot be built."""


class RenderError(GenDexHandError):
    """Offscreen rendering is unavailable or failed."""


class IKError(GenDexHandError):
    """Inverse kinematics failed to produce a valid configuration."""


class SimulationError(GenDexHandError):
    """The simulation became invalid (NaN, instability) or was misused."""


def closest(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` entries of ``choices`` closest to ``name`` (case-insensitive)."""
    options = sorted(choices)
    if not isinstance(name, str) or len(name) > 200:
        return []  # no near match is possible, and comparing would be slow
    lowered = {c.lower(): c for c in options}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]


CHOICES_BUDGET = 60
"""Characters of valid choices an error message lists before it says how many more there are
(messages stay under 200 characters a line)."""


def unknown_name_message(
    kind: str, name: str, choices: Iterable[str], listing: str | None = None
) -> str:
    """Format "unknown <kind> 'x'. Closest: …. Valid <kind>s: …." consistently. Long lists are
    cut to :data:`CHOICES_BUDGET` characters and end with how many more there are and, given
    ``listing`` (a command), where to see them all."""
    options = sorted(choices)
    near = closest(name, options)
    hint = f" Closest: {', '.join(near)}." if near else ""
    shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:57] + "..."
    listed: list[str] = []
    for option in options:
        if sum(len(o) + 2 for o in listed) + len(option) > CHOICES_BUDGET:
            break
        listed.append(option)
    text = ", ".join(listed)
    if len(listed) < len(options):
        text += f" and {len(options) - len(listed)} more"
        if listing:
            text += f" (see `{listing}`)"
    return f"unknown {kind} {shown}.{hint} Valid {kind}s: {text}."
