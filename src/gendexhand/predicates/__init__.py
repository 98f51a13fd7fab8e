"""Trusted success predicates over the simulator state, and a safe parser that composes them.

A plan's ``success:`` string (written by a person or an LLM) is an expression over the predicates
of :mod:`gendexhand.predicates.library`, e.g. ``grasped(bottle) and lifted(bottle, 0.1)`` or
``joint_fraction(cabinet, door_hinge) >= 0.8``. :mod:`gendexhand.predicates.parser` parses it
with :mod:`ast` into a tree of closures; it is never run as code, and only this grammar is
accepted::

    condition  := condition "and" condition | condition "or" condition | "not" condition
                | "(" condition ")" | call                     (a predicate that returns a bool)
                | operand cmp operand [cmp operand …]          (each pair has a numeric call)
    cmp        := "<" | "<=" | ">" | ">=" | "==" | "!="
    operand    := call (a predicate that returns a number) | number
    call       := PREDICATE "(" [arg {"," arg}] ")"            (positional arguments only)
    arg        := name | 'string' | number | "[" number {"," number} "]"
    number     := ["-"] integer-or-decimal

A bare name is the same as the quoted string (``grasped(bottle)`` is ``grasped('bottle')``); names
holding ``/`` or ``:`` must be quoted (``near('bowl/rim', 'tip:thumb', 0.03)``).

Units: metres for distances and heights, degrees for angles, newtons for forces. Every predicate
reads the scene's current ``data`` and changes nothing.

Points (``near``, ``palm_at``): an object name (its body origin, which for catalog assets is the
centre of its collision box at rest), ``"<object>/<part>"`` (the part's site, e.g.
``"bowl/interior"``; grasp frames are ``"<object>/grasp:<name>"``), ``"palm"`` (the palm site) or
``"tip:<finger>"`` (a fingertip site, e.g. ``"tip:thumb"``). ``"palm"`` always means the hand's
palm, even in a scene with an object of that name.

Goal regions (``in_region``) are the scene's ``regions``: marked rectangles on the table top.
"""

from gendexhand.predicates.library import (
    GRASP_FORCE,
    ON_TOP_GAP,
    PREDICATES,
    PredicateContext,
    describe_predicates,
    grasped,
    in_region,
    inside,
    joint_fraction,
    lifted,
    near,
    on_top,
    palm_at,
    rotated,
    upright,
)
from gendexhand.predicates.parser import Success, parse_success

__all__ = [
    "GRASP_FORCE",
    "ON_TOP_GAP",
    "PREDICATES",
    "PredicateContext",
    "Success",
    "describe_predicates",
    "grasped",
    "in_region",
    "inside",
    "joint_fraction",
    "lifted",
    "near",
    "on_top",
    "palm_at",
    "parse_success",
    "rotated",
    "upright",
]
