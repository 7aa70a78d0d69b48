"""Split a Markdown file into YAML front matter and body, keeping line numbers.

PyYAML's node tree knows where every key sits, so later stages can point an
author at the exact line of a bad value (``figures: > lr:`` on line 14), not
just at the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from .problems import BuildFailed, Problem

FENCE = "---"

KeyPath = tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """A Markdown source: its front matter, its body, and where each lives in the file."""

    path: str  # relative to the project root, forward slashes
    meta: Mapping[str, object]
    body: str
    body_line: int  # 1-based line of the file where ``body`` starts
    key_lines: Mapping[KeyPath, int] = field(default_factory=dict)

    def line_of(self, *keys: str) -> int:
        """Line of the deepest known key on ``keys`` (the front matter's first line at worst)."""
        for end in range(len(keys), 0, -1):
            line = self.key_lines.get(tuple(keys[:end]))
            if line is not None:
                return line
        return 2 if self.meta else 1


def parse_document(text: str, path: str) -> Document:
    """Split ``text`` (a whole ``.md`` file) into front matter and body.

    A file without a leading ``---`` line has empty front matter. Raises
    :class:`BuildFailed` when the front matter is not YAML or not a mapping.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        return Document(path, {}, text, 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        raise BuildFailed(
            [Problem(path, 1, "front matter starts with '---' but never ends; close it with a '---' line")]
        )
    yaml_text = "".join(lines[1:end])
    meta, key_lines = _load_yaml(yaml_text, path, first_line=2)
    return Document(path, meta, "".join(lines[end + 1 :]), end + 2, key_lines)


def _load_yaml(text: str, path: str, first_line: int) -> tuple[dict, dict[KeyPath, int]]:
    """Parse YAML into plain values plus the line of every mapping key, recursively."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        raise BuildFailed([Problem(path, line, f"front matter is not valid YAML: {error.problem}")]) from None
    except yaml.YAMLError as error:
        raise BuildFailed([Problem(path, first_line, f"front matter is not valid YAML: {error}")]) from None
    finally:
        loader.dispose()
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise BuildFailed(
            [Problem(path, first_line, "front matter must be a mapping of keys to values, such as 'title: My article'")]
        )
    key_lines: dict[KeyPath, int] = {}
    _collect_key_lines(node, (), first_line, key_lines)
    return value, key_lines


def _collect_key_lines(node: yaml.Node | None, prefix: KeyPath, first_line: int, out: dict[KeyPath, int]) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        key = str(key_node.value)
        out[prefix + (key,)] = first_line + key_node.start_mark.line
        _collect_key_lines(value_node, prefix + (key,), first_line, out)
