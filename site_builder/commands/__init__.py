"""The commands an author runs: each parses its options, calls one function and returns an exit code.

:mod:`.cli` is the entry point (``site-builder`` and ``python -m site_builder``);
the other modules are one command each.
"""
