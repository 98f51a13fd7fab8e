"""Reading YAML configs with errors that name the file, the field path and the bad value."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from gendexhand.errors import ConfigError
from gendexhand.yamlio import read_yaml, short

M = TypeVar("M", bound=BaseModel)


_UNION_BRANCHES = ("tuple[float, float]", "tuple[float, float, float]")
"""Union branch names pydantic inserts into an error's path."""


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation can hold (itself, a union's members, a list's items …)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models(arg)]


def _tagged(models: list[type[BaseModel]], tag: str) -> type[BaseModel] | None:
    """The member of a discriminated union whose ``Literal`` tag field is ``tag`` (pydantic puts
    the tag into the path after the union; a single model's parts are its fields)."""
    if len(models) < 2:
        return None
    for m in models:
        for f in m.model_fields.values():
            if get_origin(f.annotation) is Literal and get_args(f.annotation) == (tag,):
                return m
    return None


def _walk(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, type[BaseModel] | None]:
    """The display path of ``loc`` (list indices as ``[i]``, union tags left out) and the model
    that holds its last part."""
    out, here, holder = "", [model], None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        if part in _UNION_BRANCHES:
            continue
        chosen = _tagged(here, part)
        if chosen is not None:
            here = [chosen]
            continue
        holder = next((m for m in here if part in m.model_fields), here[0] if here else None)
        out += f".{part}" if out else part
        field = holder.model_fields.get(part) if holder else None
        here = _models(field.annotation) if field else []
    return out or "(top level)", holder


def _describe(err: dict[str, Any], model: type[BaseModel]) -> str:
    loc, holder = _walk(model, err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        valid = ", ".join(holder.model_fields) if holder else "?"
        return f"{loc}: unknown field. Valid fields here: {valid}."
    msg = err["msg"].removeprefix("Value error, ")
    if not err["loc"]:  # whole-model checks put the field path in the message
        return msg
    if kind == "missing":
        return f"{loc}: required field is missing."
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        tag = short(ctx.get("tag"), 40)
        return f"{loc}: unknown kind {tag}; valid kinds: {ctx.get('expected_tags')}."
    line = f"{loc}: {msg}"
    got = short(err["input"], 40)
    if got[:20] not in msg:  # the message may already quote the value
        line += f" (got {got})"
    return line


def parse_model(model: type[M], data: Any, source: str) -> M:
    """Validate ``data`` as ``model``; raise :class:`ConfigError` naming ``source`` and fields."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        seen: list[str] = []
        for err in exc.errors():
            line = _describe(dict(err), model)
            if line not in seen:
                seen.append(line)
        raise ConfigError(f"{source}: invalid {model.__name__}:\n  " + "\n  ".join(seen)) from None


def load_scene(path: str | Path) -> Any:
    """Read and validate a scene YAML file into a :class:`SceneConfig`."""
    from gendexhand.config.scene import SceneConfig

    p = Path(path)
    return parse_model(SceneConfig, read_yaml(p), str(p))


def parse_scene(data: Any, source: str = "<scene>") -> Any:
    from gendexhand.config.scene import SceneConfig

    return parse_model(SceneConfig, data, source)
