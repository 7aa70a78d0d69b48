"""Running experiments on a Dask cluster: an existing engine for course sites with hundreds of figures.

Dask's client offers a :class:`concurrent.futures.Executor`, which is all the
experiment runner needs; nothing else in the build knows about Dask.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from site_builder.problems import BuildFailed, Problem


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor submitting to the Dask scheduler at ``address``; the client closes on exit."""
    try:
        from distributed import Client
    except ImportError:
        raise BuildFailed([Problem("command line", None, "--executor dask needs Dask: pip install 'site-builder[dask]'")]) from None
    try:
        client = Client(address, timeout="10s")
    except OSError as error:
        raise BuildFailed([Problem("command line", None, f"cannot reach the Dask scheduler at {address}: {error}")]) from None
    try:
        yield client.get_executor()
    finally:
        client.close()
