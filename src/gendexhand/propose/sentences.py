"""From a sentence to a task of the rules planner: the verb picks the family, the nouns the assets.

"Put the apple into the bowl", "drop an orange in the basket", "pick up the bottle", "open the
cabinet", "push the cube into the goal area", "shut the drawer", "spin the cube in your hand",
"tip the ball out of the cup", "open the drawer and put the marker in it". Nouns match asset
ids, asset names and a table of synonyms; the order in which they appear gives their roles (what
is moved comes first). A sentence that maps to no family, or names assets that do not fit the
family, is refused with the reason and the families the planner knows.
"""

from __future__ import annotations

import re

from gendexhand.assets.model import AssetInfo
from gendexhand.errors import ConfigError
from gendexhand.propose.families import FAMILIES, Candidate

SYNONYMS = {
    "ball": "tennis_ball", "tennis": "tennis_ball", "golf": "golf_ball", "block": "cube",
    "brick": "cube", "pen": "marker", "felt": "marker", "cupboard": "cabinet",
    "closet": "cabinet", "locker": "cabinet", "oven": "microwave", "bin": "basket",
    "crate": "storage_box", "chest": "storage_box", "dish": "plate", "glass": "cup",
    "tumbler": "cup", "tin": "can", "soda": "can", "pringles": "chips_can", "carton": "box",
    "board": "plank", "plank": "plank", "notebook": "book", "sponge": "sponge",
    "fruit": "apple", "flask": "bottle", "jar": "bottle",
}  # fmt: skip
"""Words people use for catalog assets (a noun not here is matched against ids and names)."""

# (family, verb pattern), tried in order: the first whose verbs and asset count match wins.
VERBS: tuple[tuple[str, str], ...] = (
    ("open_and_place", r"\bopen\b.*\b(put|place|store|drop|stow)\b"),
    ("tip_out", r"\b(tip|tilt|pour|empty|dump|shake)\b"),
    ("rotate_in_hand", r"\b(rotate|turn|spin|twist|reorient)\b"),
    ("stack", r"\b(stack|pile)\b"),
    ("open_hinge", r"\b(open|swing open)\b"),
    ("open_slide", r"\b(open|pull out|slide out)\b"),
    ("close_hinge", r"\b(close|shut)\b"),
    ("close_slide", r"\b(close|shut|push in|slide in)\b"),
    (
        "push_to_region",
        r"\b(push|slide|shove|nudge|move)\b.*\b(region|area|zone|goal|mark|square|spot)\b",
    ),
    ("place_on", r"\b(put|place|set|lay|move|drop)\b.*\b(on|onto|on top of)\b"),
    ("place_in", r"\b(put|place|drop|move|throw|toss|store)\b.*\b(in|into|inside)\b"),
    ("place_in", r"\bfill\b"),
    ("pick_lift", r"\b(pick|lift|raise|grab|grasp|take|hold)\b"),
)


def _nouns(sentence: str, cat: dict[str, AssetInfo]) -> list[str]:
    """Asset ids named in ``sentence``, in the order they appear (each once)."""
    words = re.findall(r"[a-z]+", sentence.lower().replace("-", " "))
    names = {a.id: a.id for a in cat.values()}
    names.update({a.id.replace("_", " "): a.id for a in cat.values()})
    names.update({a.name.lower(): a.id for a in cat.values()})
    found: list[str] = []
    k = 0
    while k < len(words):
        for span in (3, 2, 1):  # longest phrase first: "golf ball", "chips can"
            phrase = " ".join(words[k : k + span])
            hit = names.get(phrase) or names.get(phrase.rstrip("s"))
            if hit is None and span == 1:
                hit = SYNONYMS.get(phrase) or SYNONYMS.get(phrase.rstrip("s"))
            if hit is not None and hit in cat:
                if hit not in found:
                    found.append(hit)
                k += span
                break
        else:
            k += 1
    return found


def from_sentence(
    sentence: str, cat: dict[str, AssetInfo], pool: dict[str, list[Candidate]]
) -> Candidate:
    """The candidate of ``pool`` (from :func:`~gendexhand.propose.families.candidates`) that
    ``sentence`` describes, with the sentence as its description; else a :class:`ConfigError`."""
    text = " ".join(str(sentence).split())[:300]
    nouns = _nouns(text, cat)
    if not nouns:
        raise ConfigError(
            f"--task {text!r}: names no asset of the catalog (see `gendexhand assets list`). "
            f"Families: {', '.join(FAMILIES)}"
        )
    tried = []
    for family, pattern in VERBS:
        if not re.search(pattern, text.lower()):
            continue
        tried.append(family)
        for c in pool.get(family, []):
            assets = [o.asset for o in c.proposal.objects]
            if _matches(family, nouns, assets):
                p = c.proposal.model_copy(update={"description": text[0].upper() + text[1:]})
                return Candidate(c.family, p, c.scales, c.joints)
    if tried:
        why = (f"the assets it names ({', '.join(nouns)}) do not fit the families its verb "
               f"suggests ({', '.join(dict.fromkeys(tried))}): too big for the hand, too big "
               "for the container, or without the joint the task needs")  # fmt: skip
    else:
        why = "no verb of a family the rules planner knows"
    raise ConfigError(f"--task {text!r}: {why}. Families: {', '.join(FAMILIES)}")


def _matches(family: str, nouns: list[str], assets: list[str]) -> bool:
    """Whether the assets a sentence names are the candidate's (roles in sentence order)."""
    if family in ("open_and_place",):
        # "open the drawer and put the marker in it": the furniture first, then the object
        return len(nouns) >= 2 and assets == nouns[:2]
    if family == "tip_out":
        # "tip the cup so that the ball falls out" or "tip the ball out of the cup"
        return set(assets) == set(nouns[:2])
    need = len(assets)
    return nouns[:need] == assets if len(nouns) >= need else False
