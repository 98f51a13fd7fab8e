"""Reading YAML that a person or a model wrote, with bounds checked before anything is built.

A document is refused, with a :class:`ConfigError` naming the file, when it is larger than
:data:`MAX_BYTES`, is not UTF-8, expands (through anchors and aliases) to more than
:data:`MAX_NODES` nodes, nests deeper than :data:`MAX_DEPTH`, or repeats a key in a mapping (the
later value would silently win). The expansion is counted on the composed node graph, before any
Python object exists, so an alias bomb is refused in milliseconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gendexhand.errors import ConfigError

MAX_BYTES = 1 << 18
"""Largest document accepted (256 KiB; plans and scenes are a few kB)."""
MAX_NODES = 20_000
"""Most nodes a document may have once its aliases are expanded."""
MAX_DEPTH = 64
"""Deepest nesting of sequences and mappings."""


_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it (about 10× faster on a large document)."""


class _Loader(_Base):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base class reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {short(key)}", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters (an error message never echoes a huge value;
    an int too long to print is described by its size)."""
    try:
        text = repr(value)
    except ValueError:  # an int with more digits than Python converts
        return f"<an int of {value.bit_length()} bits>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _expanded_size(root: yaml.Node) -> int:
    """Nodes of the document with every alias expanded (shared nodes counted each time)."""
    sizes: dict[int, int] = {}
    # iterative post-order walk: the graph of a composed document is acyclic except through
    # recursive aliases, which the composer already refuses
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in sizes:
            continue
        if depth > MAX_DEPTH:
            raise _TooDeepError
        children = _children(node)
        pending = [c for c in children if id(c) not in sizes]
        if pending:
            stack.append((node, depth))
            stack.extend((c, depth + 1) for c in pending)
            continue
        sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in children))
    return sizes[id(root)]


class _TooDeepError(Exception):
    pass


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def parse_yaml(text: str, source: str) -> Any:
    """The object of one YAML document ``text`` (read from ``source``), within the bounds of
    the module docstring."""
    if len(text) > MAX_BYTES:
        raise ConfigError(f"{source}: {len(text)} characters; at most {MAX_BYTES} are accepted")
    # a cheap upper bound on the nodes first: composing a 256 KiB document takes a second
    if text.count(",") + text.count("\n") + text.count(":") > MAX_NODES:
        raise ConfigError(f"{source}: more than {MAX_NODES} items or lines; refused")
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            try:
                size = _expanded_size(node)
            except _TooDeepError:
                raise ConfigError(f"{source}: nested deeper than {MAX_DEPTH} levels") from None
            if size > MAX_NODES:
                raise ConfigError(
                    f"{source}: more than {MAX_NODES} values once anchors and aliases are "
                    f"expanded; refused"
                )
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {_one_line(exc)}") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply") from None


def _one_line(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        text = f"line {mark.line + 1}, column {mark.column + 1}: {exc.problem}"
    else:
        text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


def read_yaml(path: Path) -> Any:
    """Read and parse the YAML file ``path``; every failure is a one-line :class:`ConfigError`."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_BYTES} bytes; refused")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    return parse_yaml(text, str(path))
