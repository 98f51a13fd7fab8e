"""What the LLM stages tell a model, generated from the code: the asset catalog, an embodiment
(groups, fingertips, sizes, workspace), the success predicates, the motion primitives and
scripted actions, and the state snapshot reward code reads. Prompt templates
(:mod:`gendexhand.llm.prompts`) take these sections as fields, so a prompt never drifts from
what the code accepts.
"""

from __future__ import annotations

import json
from pathlib import Path

from gendexhand.assets.catalog import catalog
from gendexhand.config.scene import SceneConfig


def catalog_section(category: str | None = None) -> str:
    """One JSON object per asset (id, category, size, mass, parts, joints, grasp frames)."""
    assets = sorted(catalog().values(), key=lambda a: (a.category, a.id))
    rows = [json.dumps(a.summary(), sort_keys=True) for a in assets
            if category is None or a.category == category]  # fmt: skip
    return "\n".join(rows)


def embodiment_section(name: str = "franka_shadow", hand: Path | None = None) -> str:
    """The robot as a plan must name it: actuator groups, fingertips, hand sizes, reach."""
    from gendexhand.config.scene import SceneConfig
    from gendexhand.sim.scene import build_scene

    config = SceneConfig.model_validate(
        {"task": {"name": "context"}, "embodiment": {"name": name, "hand": hand}}
    )
    scene = build_scene(config, settle=False)
    robot = scene.robot
    m = robot.metrics
    ws = robot.workspace
    lines = [f"embodiment: {robot.name}", f"action size: {robot.action_size} actuators", "groups:"]
    lines += [f"  {g.name}: {len(g.actuators)} actuators" for g in robot.groups]
    lines += [
        f"fingertips: {', '.join(robot.layout.fingers)}",
        f"hand: aperture {m.aperture:.3f} m, palm width {m.palm_width:.3f} m, palm length "
        f"{m.palm_length:.3f} m, finger length {m.finger_length:.3f} m",
        f"workspace (what the palm reaches, world frame): {ws.describe()}",
    ]
    return "\n".join(lines)


def plain(text: str) -> str:
    """Docstring text as a prompt shows it: Sphinx roles (``:func:`~a.b```) become the bare
    name, double backquotes single ones."""
    import re

    text = re.sub(r":\w+:`~?(?:[\w.]+\.)?([^`.]+)`", r"\1", text)
    return text.replace("``", "`")


def predicates_section() -> str:
    from gendexhand.predicates.library import allowed_text, describe_predicates

    return plain(describe_predicates() + "\n" + allowed_text())


def primitives_section() -> str:
    """The motion primitives and scripted actions a plan may use, with their documentation."""
    import inspect

    from gendexhand.plan.controllers.motion import PRIMITIVES
    from gendexhand.plan.schema import ScriptedSpec

    lines = ["motion primitives:"]
    for name, fn in PRIMITIVES.items():
        doc = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ")
        lines.append(f"  {name}: {doc}")
    actions = ScriptedSpec.model_json_schema()["properties"]["action"].get("enum", [])
    lines.append(f"scripted actions: {', '.join(actions)}")
    return "\n".join(lines)


def state_section() -> str:
    from gendexhand.sim.snapshot import state_reference

    return state_reference()


def sandbox_section() -> str:
    """The reward sandbox's rules, its numpy and math members and its builtins (the sandbox's
    own documentation, so the prompt states exactly what the checker enforces)."""
    import re

    import gendexhand.sandbox as sandbox

    doc = sandbox.__doc__ or ""
    start, end = doc.find("Allowed code"), doc.find("\nModules\n")
    text = doc[start:end].strip() if start >= 0 and end > start else doc
    text = re.sub(r":\w+:`~?(?:[\w.]+\.)?([^`.]+)`", r"\1", text)  # :data:`a.B` -> B
    return text.replace("``", "`")


def scene_section(config: SceneConfig) -> str:
    """One JSON object per object of ``config``: instance, asset, position, scale, whether it is
    fixed, and the asset's size, parts, joints and grasp frames."""
    from gendexhand.assets.catalog import get_asset

    rows = []
    for o in config.objects:
        a = get_asset(o.asset)
        s = a.summary()
        row = {"name": o.instance, "asset": o.asset, "pos": list(o.pos), "scale": o.scale,
               "fixed": a.fixed if o.fixed is None else o.fixed,
               "size_m": s["size_m"], "parts": s["parts"], "joints": s["joints"],
               "grasp_frames": [g.name for g in a.grasps],
               "description": s["description"]}  # fmt: skip
        rows.append(json.dumps(row))
    return "\n".join(rows)
