"""Child processes that end when the process that started them dies, however it dies.

A build killed with SIGKILL (as the kernel's out-of-memory killer does) runs
no clean-up code, so its experiment workers would be orphaned and live on.
:func:`exit_with_parent`, called first thing in each child, makes the child
follow its parent: on Linux the kernel sends it SIGKILL when the parent dies
(``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread notices that the
parent is gone (the child is handed to another process, so ``getppid()``
changes) and exits.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL_SECONDS = 0.5


def exit_with_parent(parent: int) -> None:
    """Make this process exit as soon as process ``parent`` (the one that started it) is gone."""
    if not _kernel_kills_orphans():
        threading.Thread(target=_watch, args=(parent,), name="exit-with-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)


def _kernel_kills_orphans() -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; False where that cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
