"""The field reference of a schema: every field path with its type, range, default and meaning.

Generated from a pydantic model's JSON schema, so the documented ranges are the enforced ones:
``docs/input-limits.md`` is written from :func:`field_rows` (a test checks it is current), and
``gendexhand schema`` prints the same table. The LLM stages quote it in their prompts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class FieldRow:
    path: str
    """Dotted path: ``objects[].pos[0]``, ``subtasks[kind=rl].rl.steps``, ``randomize.<name>``."""
    type: str
    range: str
    """Bounds in interval notation, allowed values, or lengths; empty when unbounded."""
    default: str
    """The default as JSON, ``required``, or empty for items of a list."""
    description: str


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema in standard keywords only.

    Bounds that pydantic cannot attach to a number behind a validator come out under the
    constraint's own name (``ge``, ``le``, ``gt``, ``lt``); they become ``minimum``, ``maximum``,
    ``exclusiveMinimum`` and ``exclusiveMaximum`` here, the tighter bound winning where a field
    has both (a camera's elevation is an angle, ±360, and at most ±90 besides).
    """
    standard: dict[str, Any] = _standard(model.model_json_schema())
    return standard


def _standard(node: Any) -> Any:
    if isinstance(node, list):
        return [_standard(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _standard(v) for k, v in node.items() if k not in ("ge", "le", "gt", "lt")}
    lows = [(node[k], k == "gt") for k in ("ge", "gt") if k in node]
    lows += [
        (out.pop(k), k == "exclusiveMinimum") for k in ("minimum", "exclusiveMinimum") if k in out
    ]
    highs = [(node[k], k == "lt") for k in ("le", "lt") if k in node]
    highs += [
        (out.pop(k), k == "exclusiveMaximum") for k in ("maximum", "exclusiveMaximum") if k in out
    ]
    if lows:
        value, strict = max(lows, key=lambda b: (b[0], b[1]))
        out["exclusiveMinimum" if strict else "minimum"] = value
    if highs:
        value, strict = min(highs, key=lambda b: (b[0], not b[1]))
        out["exclusiveMaximum" if strict else "maximum"] = value
    return out


def field_rows(model: type[BaseModel]) -> list[FieldRow]:
    """Every leaf field of ``model``, in schema order (variants of a union each in turn)."""
    schema = json_schema(model)
    rows: list[FieldRow] = []
    _walk(schema, schema.get("$defs", {}), "", rows, "required", set())
    return rows


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**defs[node["$ref"].rsplit("/", 1)[-1]], **extra}
    return node


def _walk(
    node: dict[str, Any],
    defs: dict[str, Any],
    path: str,
    rows: list[FieldRow],
    default: str,
    seen: set[str],
) -> None:
    ref = node.get("$ref")
    if ref in seen:  # a recursive schema: document the reference once
        rows.append(FieldRow(path, ref.rsplit("/", 1)[-1], "", default, ""))
        return
    seen = seen | ({ref} if ref else set())
    node = _resolve(node, defs)
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1 and "anyOf" in node:
        merged = {**{k: v for k, v in node.items() if k != "anyOf"}, **_resolve(options[0], defs)}
        _walk(merged, defs, path, rows, default, seen)
        return
    if "oneOf" in node and "discriminator" in node:
        key = node["discriminator"]["propertyName"]
        for value, target in node["discriminator"]["mapping"].items():
            sub = {"$ref": target}
            _walk(sub, defs, f"{path}[{key}={value}]", rows, default, seen)
        return
    if node.get("type") == "object" and "properties" in node:
        required = set(node.get("required", []))
        for name, prop in node["properties"].items():
            d = "required" if name in required else _default(prop)
            _walk(prop, defs, f"{path}.{name}" if path else name, rows, d, seen)
        return
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        rows.append(_row(node, path, default, "mapping"))
        _walk(node["additionalProperties"], defs, f"{path}.<name>", rows, "", seen)
        return
    if node.get("type") == "array" and "prefixItems" in node:
        rows.append(_row(node, path, default, f"{len(node['prefixItems'])} numbers"))
        return
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        items = _resolve(node["items"], defs)
        if items.get("type") in ("object", None) or "oneOf" in items:
            rows.append(_row(node, path, default, "list"))
            _walk(node["items"], defs, f"{path}[]", rows, "", seen)
            return
        rows.append(_row(node, path, default, f"list of {_type(items)}", items))
        return
    rows.append(_row(node, path, default, _type(node)))


def _type(node: dict[str, Any]) -> str:
    if "anyOf" in node:
        return " or ".join(_type(o) for o in node["anyOf"] if o.get("type") != "null")
    if "const" in node:
        return type(node["const"]).__name__
    if "enum" in node:
        return "choice"
    kind = node.get("type", "any")
    return {"number": "float", "integer": "int", "string": "str", "boolean": "bool"}.get(
        kind, str(kind)
    )


def _row(
    node: dict[str, Any],
    path: str,
    default: str,
    kind: str,
    items: dict[str, Any] | None = None,
) -> FieldRow:
    parts = [_bounds(node)]
    if items is not None and _bounds(items):
        parts.append(f"each {_bounds(items)}")
    if node.get("type") == "array" and "prefixItems" in node:
        parts = [
            f"each {_bounds(node['prefixItems'][0])}" if _bounds(node["prefixItems"][0]) else ""
        ]
    text = "; ".join(p for p in parts if p)
    return FieldRow(path, kind, text, default, " ".join(str(node.get("description", "")).split()))


def _bounds(node: dict[str, Any]) -> str:
    """Interval, choices or length limits of one schema node."""
    if "const" in node:
        return f"= {node['const']!r}"
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    lo = node.get("minimum", node.get("exclusiveMinimum"))
    hi = node.get("maximum", node.get("exclusiveMaximum"))
    out = []
    if lo is not None or hi is not None:
        left = "[" if "minimum" in node else "("
        right = "]" if "maximum" in node else ")"
        out.append(f"{left}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{right}")
    for key, word in (("minLength", "chars ≥"), ("maxLength", "chars ≤")):
        if key in node:
            out.append(f"{word} {node[key]}")
    if node.get("minItems") is not None and node.get("minItems") == node.get("maxItems"):
        out.append(f"{node['minItems']} items")
    else:
        for key, word in (("minItems", "items ≥"), ("maxItems", "items ≤")):
            if key in node:
                out.append(f"{word} {node[key]}")
    if node.get("pattern"):
        out.append(f"matches {node['pattern']}")
    return ", ".join(out)


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return ""
    import json

    return json.dumps(prop["default"], ensure_ascii=False)


def markdown_table(rows: list[FieldRow]) -> str:
    """The rows as a GitHub-flavoured Markdown table (``|`` in text escaped)."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|") or " "

    lines = ["| field | type | range | default | meaning |", "|---|---|---|---|---|"]
    lines += [
        f"| `{r.path}` | {cell(r.type)} | {cell(r.range)} | {cell(r.default)} | "
        f"{cell(r.description)} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"
