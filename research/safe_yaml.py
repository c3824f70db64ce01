"""YAML from files people hand us (configs, report front matter), with alias bombs refused.

Why: ``yaml.safe_load`` builds no objects but still expands aliases, so a 700-byte file of nested ``*a`` anchors
becomes billions of values -- it passed config validation and the run grew past 4 GB. Here the document is first
composed into its node graph (anchors shared, nothing expanded), the size it *would* expand to is counted with
each shared node counted once per use, and a document beyond :data:`MAX_NODES` values, or one whose aliases loop
back into themselves, is refused in one line before anything is built.
"""
from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 100_000
"""Values (scalars, lists, mappings) a document may expand to; a real config has a few hundred."""


class YamlSizeError(ValueError):
    """A document whose aliases expand beyond :data:`MAX_NODES` values, or loop."""


def safe_load(text: str, max_nodes: int = MAX_NODES) -> Any:
    """Like ``yaml.safe_load`` (raises ``yaml.YAMLError`` on bad YAML), plus :class:`YamlSizeError` for a
    document that expands beyond ``max_nodes`` values or whose aliases are recursive."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded_size(node, max_nodes)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def expanded_size(root: yaml.Node, limit: int = MAX_NODES) -> int:
    """Number of values ``root`` expands to (each alias counted in full), stopping once it exceeds ``limit``."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(c)] for c in _children(node))
            if total > limit:
                raise YamlSizeError(f"aliases expand to more than {limit:,} values; refusing it (an alias bomb?)")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlSizeError("an alias refers to a value that contains it (recursive YAML); refusing it")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise YamlSizeError("an alias refers to a value that contains it (recursive YAML); refusing it")
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


__all__ = ["MAX_NODES", "YamlSizeError", "expanded_size", "safe_load"]
