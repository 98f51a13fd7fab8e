"""Exception hierarchy. Every error a user can cause is a :class:`GenDexHandError`.

Messages name what was wrong (file, field path, bad value) and the valid choices, so the CLI can
print them as they are, without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class GenDexHandError(Exception):
    """Base class of every error gendexhand raises on purpose."""


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
