"""The rules planner's task families, parameterised over the assets that fit each one.

A family turns a tuple of catalog assets into a :class:`~gendexhand.propose.schema.TaskProposal`
when they fit it: what can be grasped is judged against the hand's aperture (scaled down, within
limits, when it is too big), what can hold something against its interior part, what opens
against its joints. :func:`candidates` enumerates every (family, asset set) pair for a catalog
and a hand; the scenes are laid out by :mod:`gendexhand.propose.layout`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import permutations

from gendexhand.assets.model import AssetInfo, JointInfo, Part
from gendexhand.propose.schema import ProposedObject, Role, Skill, TaskProposal

GRIP_FRACTION = 0.85
"""A graspable object's smaller horizontal side may be at most this fraction of the aperture."""
MIN_SCALE, MAX_SCALE = 0.6, 1.5
"""How far the planner rescales an asset to make it fit a family."""
FIT_MARGIN = 0.85
"""An object fits a container when its footprint is at most this fraction of the interior."""
HOLDERS = ("bowl", "cup", "mug", "basket", "tray")
SUPPORTS = ("plate", "tray", "book")
STACKABLE = ("cube", "small_cube", "box", "book", "plank", "sponge")
ROLLERS = ("golf_ball", "tennis_ball", "small_cube", "orange")
ROTATABLE = ("cube", "small_cube", "tennis_ball", "golf_ball", "orange", "apple", "can", "marker")


@dataclass(frozen=True)
class Candidate:
    """One (family, asset set) pair and what the family needs to build its scene."""

    family: str
    proposal: TaskProposal
    scales: dict[str, float] = field(default_factory=dict)
    """Instance name → scale chosen to fit the hand or the other objects."""
    joints: dict[str, dict[str, float]] = field(default_factory=dict)
    """Instance name → initial joint values (as a fraction of each joint's range)."""


def grip_scale(asset: AssetInfo, aperture: float) -> float | None:
    """The scale at which the hand can close round ``asset`` (1 if it already fits), or None."""
    if not asset.graspable or asset.fixed or asset.articulated:
        return None
    side = min(asset.size[0], asset.size[1], max(asset.size[2], 1e-3))
    s = min(1.0, GRIP_FRACTION * aperture / side)
    return round(s, 3) if s >= MIN_SCALE else None


def interior(asset: AssetInfo) -> Part | None:
    return next((p for p in asset.parts if p.kind == "interior"), None)


def fit_scale(obj: AssetInfo, obj_scale: float, holder: AssetInfo) -> float | None:
    """The holder's scale at which ``obj`` (at ``obj_scale``) fits its interior, or None."""
    part = interior(holder)
    if part is None:
        return None
    room = 2 * min(part.half_size[0], part.half_size[1]) * FIT_MARGIN
    need = max(obj.size[0], obj.size[1]) * obj_scale
    s = max(1.0, need / room) if room > 0 else MAX_SCALE + 1
    return round(s, 3) if s <= MAX_SCALE else None


def _obj(asset: str, role: Role, name: str | None = None) -> ProposedObject:
    return ProposedObject(asset=asset, name=name or asset, role=role)


def _proposal(
    family: str, tid: str, description: str, objects: list[ProposedObject], words: str,
    success: str, skills: list[Skill], regions: tuple[str, ...] = (), **params: float,
) -> TaskProposal:  # fmt: skip
    return TaskProposal(
        id=tid[:64].rstrip("_"), name=description.rstrip("."), description=description,
        family=family, objects=objects, success_words=words, success=success, skills=skills,
        params=params, regions=list(regions),
    )  # fmt: skip


def _pick(cat: dict[str, AssetInfo], aperture: float) -> Iterator[Candidate]:
    for a in cat.values():
        s = grip_scale(a, aperture)
        if s is not None:
            p = _proposal("pick_lift", f"pick_{a.id}", f"Pick up the {a.name} and lift it.",
                          [_obj(a.id, "target")], f"the {a.name} is held 10 cm above the table",
                          f"grasped({a.id}) and lifted({a.id}, 0.1)", ["grasp", "lift"],
                          height=0.1)  # fmt: skip
            yield Candidate("pick_lift", p, {a.id: s})


def _place(cat: dict[str, AssetInfo], aperture: float, holders: tuple[str, ...],
           family: str, verb: str) -> Iterator[Candidate]:  # fmt: skip
    for a in cat.values():
        s = grip_scale(a, aperture)
        for h in holders:
            if s is None or h == a.id or h not in cat:
                continue
            hs = fit_scale(a, s, cat[h]) if family == "place_in" else support_scale(a, s, cat[h])
            if hs is None:
                continue
            pred = "inside" if family == "place_in" else "on_top"
            role: Role = "container" if pred == "inside" else "support"
            p = _proposal(family, f"{a.id}_{verb}_{h}",
                          f"Put the {a.name} {verb} the {cat[h].name}.",
                          [_obj(a.id, "target"), _obj(h, role)],
                          f"the {a.name} rests {verb} the {cat[h].name}, released",
                          f"{pred}({a.id}, {h}) and not grasped({a.id})",
                          ["grasp", "lift", "transport", "place", "release"])  # fmt: skip
            yield Candidate(family, p, {a.id: s, h: hs})


def support_scale(obj: AssetInfo, s: float, support: AssetInfo) -> float | None:
    """A support must be wider than what goes on it."""
    need = max(obj.size[0], obj.size[1]) * s
    have = min(support.size[0], support.size[1])
    k = max(1.0, need / (have * FIT_MARGIN))
    return round(k, 3) if k <= MAX_SCALE and not support.articulated else None


def _stack(cat: dict[str, AssetInfo], aperture: float) -> Iterator[Candidate]:
    for top, base in permutations([cat[n] for n in STACKABLE if n in cat], 2):
        s = grip_scale(top, aperture)
        if s is None:
            continue
        foot_top = max(top.size[0], top.size[1]) * s
        if foot_top > min(base.size[0], base.size[1]) * 1.2 or base.size[2] < 0.015:
            continue
        p = _proposal("stack", f"stack_{top.id}_on_{base.id}",
                      f"Stack the {top.name} on the {base.name}.",
                      [_obj(top.id, "target"), _obj(base.id, "support")],
                      f"the {top.name} rests on top of the {base.name}",
                      f"on_top({top.id}, {base.id}) and not grasped({top.id})",
                      ["grasp", "lift", "transport", "place", "release"])  # fmt: skip
        yield Candidate("stack", p, {top.id: s, base.id: 1.0})


def _joints(cat: dict[str, AssetInfo]) -> Iterator[tuple[AssetInfo, JointInfo]]:
    for a in cat.values():
        for j in a.joints:
            yield a, j


def _articulate(cat: dict[str, AssetInfo], kind: str) -> Iterator[Candidate]:
    noun = "door" if kind == "hinge" else "drawer"
    for a, j in _joints(cat):
        if j.kind != kind:
            continue
        fraction = f"joint_fraction({a.id}, {j.name})"
        for verb, start, success in (("open", 0.0, f"{fraction} >= 0.5"),
                                     ("close", 0.8, f"{fraction} <= 0.1")):  # fmt: skip
            family = f"{verb}_{kind}"
            what = j.meaning or f"the {a.name}'s {noun}"
            p = _proposal(family, f"{verb}_{a.id}_{j.name}",
                          f"{verb.capitalize()} the {a.name} ({what}).",
                          [_obj(a.id, "articulated")],
                          f"the {j.name} is {'at least half open' if verb == 'open' else 'closed'}",
                          success, ["grasp", "pull" if verb == "open" else "push", "release"],
                          start_fraction=start)  # fmt: skip
            yield Candidate(family, p, {a.id: 1.0}, {a.id: {j.name: start}})


def _rotate(cat: dict[str, AssetInfo], aperture: float) -> Iterator[Candidate]:
    for name in ROTATABLE:
        a = cat.get(name)
        s = None if a is None else grip_scale(a, aperture)
        if a is None or s is None:
            continue
        p = _proposal("rotate_in_hand", f"rotate_{a.id}", f"Pick up the {a.name} and turn it a "
                      "quarter turn in the hand.", [_obj(a.id, "target")],
                      f"the {a.name} is held and has turned 90 degrees about the vertical",
                      f"grasped({a.id}) and rotated({a.id}, 'z', 90)", ["grasp", "lift", "rotate"],
                      angle_deg=90.0)  # fmt: skip
        yield Candidate("rotate_in_hand", p, {a.id: s})


def _tip_out(cat: dict[str, AssetInfo], aperture: float) -> Iterator[Candidate]:
    for ball in ROLLERS:
        for cup in ("cup", "mug", "bowl"):
            if ball not in cat or cup not in cat:
                continue
            cs = grip_scale(cat[cup], aperture) if cup != "bowl" else 1.0
            room = fit_scale(cat[ball], 1.0, cat[cup])
            if cs is None or room is None or room > cs * MAX_SCALE:
                continue
            p = _proposal("tip_out", f"tip_{ball}_out_of_{cup}",
                          f"Tip the {cat[cup].name} so that the {cat[ball].name} falls out.",
                          [_obj(cup, "container"), _obj(ball, "target")],
                          f"the {cat[ball].name} is no longer in the {cat[cup].name}",
                          f"not inside({ball}, {cup})", ["grasp", "lift", "tip"])  # fmt: skip
            yield Candidate("tip_out", p, {cup: max(cs, room), ball: 1.0})


def _open_and_place(cat: dict[str, AssetInfo], aperture: float) -> Iterator[Candidate]:
    for holder, j in _joints(cat):
        part = interior(holder)
        if part is None or part.name != "interior":  # inside(obj, holder) reads "interior"
            continue
        for a in cat.values():
            s = grip_scale(a, aperture)
            if s is None or fit_scale(a, s, holder) != 1.0:
                continue
            p = _proposal("open_and_place", f"{a.id}_into_{holder.id}_{j.name}",
                          f"Open the {holder.name} and put the {a.name} in it.",
                          [_obj(holder.id, "articulated"), _obj(a.id, "target")],
                          f"the {a.name} is inside the {holder.name}",
                          f"inside({a.id}, {holder.id}) and not grasped({a.id})",
                          ["grasp", "pull", "transport", "place", "release"])  # fmt: skip
            yield Candidate("open_and_place", p, {holder.id: 1.0, a.id: s},
                            {holder.id: {j.name: 0.0}})  # fmt: skip


PUSH_FOOTPRINT = (0.03, 0.25)
"""Metres: the footprint (larger horizontal side) of something the hand pushes across the table."""
PUSH_MASS = 1.5
"""Kilograms: the heaviest object pushed."""


def pushable(a: AssetInfo) -> bool:
    """A free object that slides when pushed: not too big or heavy, not a ball (it would roll
    past the region), not so tall and narrow that it tips over."""
    foot = max(a.size[0], a.size[1])
    low = a.size[2] <= 1.5 * min(a.size[0], a.size[1])
    small = PUSH_FOOTPRINT[0] <= foot <= PUSH_FOOTPRINT[1] and a.mass <= PUSH_MASS
    return not (a.fixed or a.articulated) and a.id not in ROLLERS and low and small


def _push(cat: dict[str, AssetInfo], aperture: float) -> Iterator[Candidate]:
    for a in cat.values():
        if pushable(a):
            p = _proposal("push_to_region", f"push_{a.id}_to_goal",
                          f"Push the {a.name} across the table into the green goal area.",
                          [_obj(a.id, "target")], f"the {a.name} rests inside the goal area",
                          f"in_region({a.id}, goal)", ["push"], regions=("goal",))  # fmt: skip
            yield Candidate("push_to_region", p, {a.id: 1.0})


FAMILIES: dict[str, Callable[[dict[str, AssetInfo], float], Iterator[Candidate]]] = {
    "pick_lift": _pick,
    "place_in": lambda c, a: _place(c, a, HOLDERS, "place_in", "into"),
    "place_on": lambda c, a: _place(c, a, SUPPORTS, "place_on", "onto"),
    "stack": _stack,
    "open_hinge": lambda c, a: (x for x in _articulate(c, "hinge") if x.family == "open_hinge"),
    "close_hinge": lambda c, a: (x for x in _articulate(c, "hinge") if x.family == "close_hinge"),
    "open_slide": lambda c, a: (x for x in _articulate(c, "slide") if x.family == "open_slide"),
    "close_slide": lambda c, a: (x for x in _articulate(c, "slide") if x.family == "close_slide"),
    "rotate_in_hand": _rotate,
    "tip_out": _tip_out,
    "open_and_place": _open_and_place,
    "push_to_region": _push,
}
"""Every family of the rules planner, in the order proposals take turns."""

FAMILY_TEXT = {
    "pick_lift": "grasp a target and lift it (roles: target); success grasped(t) and lifted(t, h)",
    "place_in": "put a target into a container with an interior (target, container); "
    "success inside(t, c) and not grasped(t)",
    "place_on": "put a target onto a flat support (target, support); "
    "success on_top(t, s) and not grasped(t)",
    "stack": "stack one block-like target on another (target, support); "
    "success on_top(t, s) and not grasped(t)",
    "open_hinge": "open a hinged door or lid (articulated); success joint_fraction(a, j) >= v",
    "close_hinge": "close a hinged door or lid that starts open (articulated); "
    "success joint_fraction(a, j) <= v",
    "open_slide": "pull a drawer open (articulated); success joint_fraction(a, j) >= v",
    "close_slide": "push an open drawer shut (articulated); success joint_fraction(a, j) <= v",
    "rotate_in_hand": "hold a target and turn it in the hand (target); "
    "success grasped(t) and rotated(t, axis, degrees)",
    "tip_out": "tip a container so that the target in it falls out (container, target); "
    "success not inside(t, c)",
    "open_and_place": "open furniture and put a target into it (articulated, target); "
    "success inside(t, a) and not grasped(t)",
    "push_to_region": "push a target across the table into a goal region, without lifting "
    "it (target; regions: [goal]); success in_region(t, goal)",
}
"""What each family is, for prompts and help: its roles and the form of its success."""


def candidates(cat: dict[str, AssetInfo], aperture: float) -> dict[str, list[Candidate]]:
    """Every (family, asset set) pair that fits ``cat`` and a hand of ``aperture`` metres."""
    out: dict[str, list[Candidate]] = {}
    seen: set[str] = set()
    for name, make in FAMILIES.items():
        rows = []
        for c in make(cat, aperture):
            if c.proposal.id not in seen:
                seen.add(c.proposal.id)
                rows.append(c)
        out[name] = rows
    return out
