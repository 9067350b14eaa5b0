"""Where each node of a document is written: its line, found from a JSON path.

Only reporters that point into the file (SARIF) need this, so it is a second, separate
pass over the text: libyaml composes the node tree of a 3 MB document in about half a
second, without building any value.
"""

from __future__ import annotations

import yaml

from .tree import JsonPath
from .yaml12 import DocumentLoader

__all__ = ["LineIndex"]


class LineIndex:
    """The 1-based line of every mapping value and list item of a YAML or JSON text."""

    def __init__(self, text: str) -> None:
        """Index `text`, which `load_document` has already read without error."""
        self._lines: dict[JsonPath, int] = {}
        root = yaml.compose(text, Loader=DocumentLoader)
        if root is None:
            return
        # A node reached again through a YAML alias is indexed under its first path only,
        # so that an alias cannot make the walk grow beyond the size of the text.
        seen: set[int] = set()
        # Each entry: the node, its path, and the line it is said to be on (a mapping
        # value's is the line of its key, where a reader looks for it).
        pending: list[tuple[yaml.Node, JsonPath, int]] = [(root, (), root.start_mark.line)]
        while pending:
            node, path, line = pending.pop()
            self._lines.setdefault(path, line + 1)
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode):
                        pending.append((value, (*path, key.value), key.start_mark.line))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    pending.append((item, (*path, index), item.start_mark.line))

    def line(self, path: JsonPath) -> int:
        """The line of the node at `path`, or of its nearest ancestor that is written out."""
        for end in range(len(path), 0, -1):
            found = self._lines.get(path[:end])
            if found is not None:
                return found
        return self._lines.get((), 1)
