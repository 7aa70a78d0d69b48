"""The preview's build process: reads build requests on stdin, answers each with one JSON line on stdout.

``serve`` keeps one of these warm, so a rebuild does not pay for importing
numpy and friends, and starts a new one when the builder's own code changes,
so the next build runs the new code. A crash here costs one build, not the
server. Run as ``python -m site_builder.commands.preview_worker``; not a user command.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path


def build_once(root: str, out: str, include_drafts: bool, base_url: str) -> dict[str, object]:
    """One build, its outcome as plain data: ``ok``, and ``problems`` or what was built."""
    from site_builder.build import build
    from site_builder.options import BuildOptions
    from site_builder.problems import BuildFailed

    try:
        report = build(BuildOptions(root=Path(root), out=Path(out), include_drafts=include_drafts, base_url=base_url))
    except BuildFailed as failure:
        return {"ok": False, "problems": [problem_data(p.path, p.line, p.message) for p in failure.problems]}
    except Exception as error:  # noqa: BLE001 - shown in the overlay; the preview must survive a builder bug
        return {"ok": False, "problems": [problem_data("site_builder", None, f"internal error: {type(error).__name__}: {error}")]}
    return {"ok": True, "wrote": not getattr(report, "up_to_date", False), "pages": report.pages, "seconds": report.seconds,
            "notices": list(report.notices), "read": sorted(getattr(report, "extra_inputs", {}))}


def problem_data(path: str, line: int | None, message: str) -> dict[str, object]:
    return {"path": path, "line": line, "where": path if line is None else f"{path}:{line}", "message": message}


def main() -> None:
    from site_builder.parent_watch import exit_with_parent

    exit_with_parent(os.getppid())  # a server killed outright must not leave a build running on its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's; it closes our stdin to stop us
    # Anything the build or its child processes print goes to stderr; stdout carries only the answers.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    for line in sys.stdin:
        request = json.loads(line)
        answers.write(json.dumps(build_once(**request)) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
