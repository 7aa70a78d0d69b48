"""Split a Markdown file into YAML front matter and body, keeping line numbers.

PyYAML's node tree knows where every key sits, so later stages can point an
author at the exact line of a bad value (``figures: > lr:`` on line 14), not
just at the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from site_builder.problems import BuildFailed, Problem

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
    """Parse YAML into plain values plus the line of every mapping key, recursively.

    libyaml reads it when PyYAML has it (five times faster); a problem is then
    found again with PyYAML's own parser, so its message is the same on every machine.
    """
    if _FastLoader is not _Loader:
        try:
            return _load_yaml_with(_FastLoader, text, path, first_line)
        except BuildFailed:
            pass
    return _load_yaml_with(_Loader, text, path, first_line)


def _load_yaml_with(loader_class: type, text: str, path: str, first_line: int) -> tuple[dict, dict[KeyPath, int]]:
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as error:  # a control character: the reader refuses the text up front
        line = first_line + text.count("\n", 0, max(error.position, 0))
        raise BuildFailed([Problem(path, line, f"front matter is not valid YAML: {_reader_message(error)}")]) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, path, first_line)
        value = loader.construct_document(node) if node is not None else {}
    except _BadValue as error:
        raise BuildFailed([Problem(path, first_line + error.problem_mark.line, str(error.problem))]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        raise BuildFailed([Problem(path, line, f"front matter is not valid YAML: {error.problem}")]) from None
    except yaml.YAMLError as error:
        raise BuildFailed([Problem(path, first_line, f"front matter is not valid YAML: {error}")]) from None
    except RecursionError:
        raise BuildFailed([Problem(path, first_line, "front matter is nested too deeply; keep it to a few levels of lists and mappings")]) from None
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


MAX_EXPANDED_VALUES = 10_000  # values in the front matter once every alias (*name) is expanded


class _BadValue(yaml.MarkedYAMLError):
    """A well-formed YAML value we cannot use (an impossible date, say); its message is shown as it is."""


class _Checked:
    """A safe loader's constructors with every failure to build a value turned into a positioned error.

    PyYAML raises plain ``ValueError`` for ``2026-02-30`` or ``!!int abc`` and
    accepts escapes of lone surrogates (``"\\ud800"``), which cannot be written
    as UTF-8 later; both become errors that point at the value.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, AttributeError) as error:  # AttributeError: an explicit !!timestamp that is no date at all
            reason = f" ({error})" if isinstance(error, ValueError) else ""
            message = f"{node.value!r} is not a real date{reason}; write an existing date as YYYY-MM-DD"
            raise _BadValue(problem=message, problem_mark=node.start_mark) from None

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        try:
            value = super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as error:  # noqa: BLE001 - PyYAML's constructors raise ValueError, IndexError... on odd values
            message = f"front matter is not valid YAML: cannot read {_excerpt(node)} as {node.tag.rsplit(':', 1)[-1]} ({error})"
            raise _BadValue(problem=message, problem_mark=node.start_mark) from None
        if isinstance(value, str) and _has_surrogate(value):
            message = "front matter is not valid YAML: a string holds an unpaired surrogate escape such as \\ud800; write the character itself"
            raise _BadValue(problem=message, problem_mark=node.start_mark)
        return value


class _Loader(_Checked, yaml.SafeLoader):
    """PyYAML's safe loader, checked."""


_FastLoader: type = type("_FastLoader", (_Checked, yaml.CSafeLoader), {}) if hasattr(yaml, "CSafeLoader") else _Loader
for _loader in {_Loader, _FastLoader}:
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _excerpt(node: yaml.Node) -> str:
    text = repr(node.value) if isinstance(node, yaml.ScalarNode) else "this value"
    return text if len(text) <= 40 else text[:37] + "..."


def _reader_message(error: yaml.reader.ReaderError) -> str:
    code = error.character if isinstance(error.character, int) else ord(error.character)
    return f"it contains the control character U+{code:04X}, which YAML does not allow; remove it"


def _check_expansion(root: yaml.Node, path: str, first_line: int) -> None:
    """Refuse aliases that make a value contain itself, or expand to a huge value ("billion laughs")."""
    budget = MAX_EXPANDED_VALUES
    ancestors: set[int] = set()

    def visit(node: yaml.Node) -> None:
        nonlocal budget
        budget -= 1
        if budget < 0:
            message = f"front matter is too large once its aliases (*name) are expanded (more than {MAX_EXPANDED_VALUES} values); write the values out or use fewer aliases"
            raise BuildFailed([Problem(path, first_line + node.start_mark.line, message)])
        if id(node) in ancestors:
            message = "front matter refers to itself: an alias (*name) here stands for a value that contains it; remove the alias"
            raise BuildFailed([Problem(path, first_line + node.start_mark.line, message)])
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            ancestors.add(id(node))
            children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            for child in children:
                visit(child)
            ancestors.discard(id(node))

    visit(root)


def _collect_key_lines(node: yaml.Node | None, prefix: KeyPath, first_line: int, out: dict[KeyPath, int]) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        key = str(key_node.value)
        out[prefix + (key,)] = first_line + key_node.start_mark.line
        _collect_key_lines(value_node, prefix + (key,), first_line, out)
