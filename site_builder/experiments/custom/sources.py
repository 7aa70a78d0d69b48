"""What decides a custom figure: its script, the project modules it imports, and its declared inputs.

Observable Framework's data loaders, Quarto's freeze and jupyter-cache all
miss some of this (a changed helper module, a changed data file), so their
caches go stale. Here the key is complete by construction: the script's
import statements are read (``ast``, without running anything), each import
that resolves to a file of the project is followed in turn, and every such
file's bytes, with every declared input's, become part of the figure's cache
key. An import that is not a project file (numpy, the standard library) is
covered by the library versions in the key instead.

Modules are looked up as the run will find them: in the script's folder, then
in the project's ``experiments/`` folder.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from site_builder.experiments.specs import PythonSpec

EXPERIMENTS_DIR = "experiments"
MAX_SOURCE_BYTES = 64 * 1024 * 1024  # the script, its modules and its inputs together


@dataclass(frozen=True)
class SourceProblem(Exception):
    """A file of a custom figure that cannot be used; ``path`` is relative to the project."""

    path: str
    line: int | None
    message: str


@dataclass(frozen=True)
class CustomSources:
    """Every file a custom figure's run may use, by path relative to the project."""

    script: str
    code: Mapping[str, bytes]  # the script and each project module it imports, transitively
    inputs: Mapping[str, bytes]  # the declared data files

    @property
    def size(self) -> int:
        return sum(map(len, self.code.values())) + sum(map(len, self.inputs.values()))


def gather_sources(spec: PythonSpec, root: Path) -> CustomSources:
    """Read the script of ``spec`` (already located, see :mod:`site_builder.load.content`), what it imports and its inputs.

    Raises :class:`SourceProblem` for a file that is not UTF-8 Python, a
    syntax error, or sources past :data:`MAX_SOURCE_BYTES`.
    """
    search = (PurePosixPath(spec.script).parent.as_posix(), EXPERIMENTS_DIR)
    code: dict[str, bytes] = {}
    pending = [spec.script]
    while pending:
        path = pending.pop()
        if path in code:
            continue
        code[path] = _read(root, path)
        tree = _parse(path, code[path])
        pending += [found for found in _local_imports(tree, path, root, search) if found not in code]
    inputs = {path: _read(root, path) for path in spec.inputs}
    sources = CustomSources(spec.script, dict(sorted(code.items())), inputs)
    if sources.size > MAX_SOURCE_BYTES:
        raise SourceProblem(spec.script, None, f"the script, its modules and its inputs come to {sources.size // 2**20} MB, more than the {MAX_SOURCE_BYTES // 2**20} MB a figure may read; read a smaller sample of the data")
    return sources


def _read(root: Path, path: str) -> bytes:
    try:
        return (root / path).read_bytes()
    except OSError as error:
        raise SourceProblem(path, None, f"cannot read this file: {error.strerror or error}") from None


def _parse(path: str, data: bytes) -> ast.Module:
    try:
        return ast.parse(data, filename=path)
    except SyntaxError as error:
        raise SourceProblem(path, error.lineno, f"SyntaxError: {error.msg}") from None
    except ValueError as error:  # null bytes, or source that is not UTF-8
        raise SourceProblem(path, None, f"not Python source ({error}); save it as UTF-8 text") from None


def _local_imports(tree: ast.Module, path: str, root: Path, search: tuple[str, ...]) -> Iterator[str]:
    """Project files that the imports in ``tree`` (the module at ``path``) resolve to."""
    package = PurePosixPath(path).parent.as_posix() if PurePosixPath(path).name == "__init__.py" else None
    for node in _import_statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _resolve(alias.name.split("."), root, search)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _relative_base(path, package, node.level)
                if base is None:
                    continue
                parts = node.module.split(".") if node.module else []
                yield from _resolve_in(base, parts, root)
                for alias in node.names:  # from . import sibling
                    yield from _resolve_in(base, [*parts, alias.name], root, whole_only=True)
            elif node.module:
                parts = node.module.split(".")
                yield from _resolve(parts, root, search)
                for alias in node.names:  # from package import submodule
                    yield from _resolve([*parts, alias.name], root, search, whole_only=True)


def _import_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every import statement in ``tree``, nested ones included; expressions (most of a module) are not entered."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        else:
            pending += [child for child in ast.iter_child_nodes(node) if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case))]


def _relative_base(path: str, package: str | None, level: int) -> str | None:
    """The folder a relative import of ``level`` dots starts from, inside the module's package."""
    folder = PurePosixPath(package) if package is not None else PurePosixPath(path).parent
    for _ in range(level - 1):
        if folder == PurePosixPath("."):
            return None
        folder = folder.parent
    return folder.as_posix()


def _resolve(parts: list[str], root: Path, search: tuple[str, ...], *, whole_only: bool = False) -> Iterator[str]:
    """The files of ``a.b.c`` in the first search folder that holds ``a``, as Python would find them."""
    for folder in search:
        if _module_file(root, folder, parts[:1]):
            yield from _resolve_in(folder, parts, root, whole_only=whole_only)
            return


def _resolve_in(folder: str, parts: list[str], root: Path, *, whole_only: bool = False) -> Iterator[str]:
    """``folder/a/__init__.py``, ``folder/a/b.py``...: each prefix of ``parts`` that is a module file."""
    prefixes = [parts] if whole_only else [parts[:n] for n in range(1, len(parts) + 1)]
    for prefix in prefixes:
        found = _module_file(root, folder, prefix)
        if found:
            yield found


def _module_file(root: Path, folder: str, parts: list[str]) -> str | None:
    if not parts:
        candidate = f"{folder}/__init__.py"
        return candidate if _inside(root, candidate) else None
    base = "/".join([folder, *parts]) if folder not in ("", ".") else "/".join(parts)
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if _inside(root, candidate):
            return candidate
    return None


def _inside(root: Path, relative: str) -> bool:
    path = root / relative
    return path.is_file() and path.resolve().is_relative_to(root.resolve())
