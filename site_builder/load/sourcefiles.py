"""Reading an author's text files, with a useful message when one is not UTF-8."""

from __future__ import annotations

from pathlib import Path

from site_builder.problems import BuildFailed, Problem


def read_utf8(path: Path, shown_as: str) -> str:
    """The text of ``path``; a file that is not UTF-8 is a problem at the line of the first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise BuildFailed([Problem(shown_as, line, f"not valid UTF-8 (byte 0x{byte:02x}); save the file with UTF-8 encoding")]) from None
