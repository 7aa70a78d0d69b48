"""Reading an author's text files: a useful message when one is not UTF-8, too large, or holds control characters."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.problems import BuildFailed, Problem

MAX_SOURCE_BYTES = 1_000_000
"""Largest article, page or ``site.toml`` read, in bytes (1 MB; the example article is 18 KB). A build's
time and memory grow with it (a 1 MB article of dense math builds in well under a minute), so a
larger file is refused before it is read; split a long text into several articles."""

# C0 and C1 control characters (and DEL), except the tab, line feed, form feed and carriage
# return that HTML counts as white space: a page may not contain them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
MAX_REPORTED = 10  # control-character lines reported per file; the rest are summed up


def read_utf8(path: Path, shown_as: str) -> str:
    """The text of ``path``; a file that is not UTF-8 is a problem at the line of the first bad byte."""
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise BuildFailed([Problem(shown_as, None, f"the file is {size:,} bytes; a source file may have at most {MAX_SOURCE_BYTES:,} "
                                                   "bytes (1 MB), so split it into several articles or pages")])
    data = path.read_bytes()[: MAX_SOURCE_BYTES + 1]  # it may have grown since: still read no more
    if len(data) > MAX_SOURCE_BYTES:
        raise BuildFailed([Problem(shown_as, None, f"the file has more than {MAX_SOURCE_BYTES:,} bytes (1 MB); split it into several articles or pages")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise BuildFailed([Problem(shown_as, line, f"not valid UTF-8 (byte 0x{byte:02x}); save the file with UTF-8 encoding")]) from None


def control_character_problems(text: str, shown_as: str, first_line: int) -> list[Problem]:
    """A problem for each line of ``text`` (which starts at file line ``first_line``) holding a control character.

    NUL and the other control characters cannot appear in an HTML page; front
    matter refuses them already (YAML does), and so does the body.
    """
    problems: list[Problem] = []
    counted, line, last = 0, first_line, None
    for match in _CONTROL.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if line == last:
            continue
        last = line
        if len(problems) == MAX_REPORTED:
            problems.append(Problem(shown_as, line, "more lines hold control characters; remove them all (the file may not be text)"))
            break
        code = ord(match.group())
        name = "NUL" if code == 0 else f"U+{code:04X}"
        problems.append(Problem(shown_as, line, f"the text contains the control character {name}, which cannot appear in a web page; remove it"))
    return problems
