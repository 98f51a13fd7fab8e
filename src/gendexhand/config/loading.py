"""Reading YAML configs with errors that name the file, the field path and the bad value."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from gendexhand.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("tuple[float, float]", "tuple[float, float, float]"):
            continue  # union branch names pydantic inserts into the path
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _describe(err: dict[str, Any], model: type[BaseModel]) -> str:
    loc = _loc(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        parent: type[BaseModel] | None = model
        for part in err["loc"][:-1]:
            if parent is None or isinstance(part, int):
                continue
            ann = parent.model_fields.get(str(part))
            parent = _submodel(ann.annotation) if ann else None
        valid = ", ".join(parent.model_fields) if parent else "?"
        return f"{loc}: unknown field. Valid fields here: {valid}."
    msg = err["msg"].removeprefix("Value error, ")
    if not err["loc"]:  # whole-model checks put the field path in the message
        return msg
    if kind == "missing":
        return f"{loc}: required field is missing."
    return f"{loc}: {msg} (got {err['input']!r})"


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


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


def read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None


def load_scene(path: str | Path) -> Any:
    """Read and validate a scene YAML file into a :class:`SceneConfig`."""
    from gendexhand.config.scene import SceneConfig

    p = Path(path)
    return parse_model(SceneConfig, read_yaml(p), str(p))


def parse_scene(data: Any, source: str = "<scene>") -> Any:
    from gendexhand.config.scene import SceneConfig

    return parse_model(SceneConfig, data, source)
