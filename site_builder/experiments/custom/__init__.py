"""Figures from the author's own Python code (``kind: python``).

* :mod:`.sources`: what decides such a figure. The script, every project
  module it imports (found from its import statements, transitively, so the
  author keeps no list) and the declared input files, read once and hashed
  for the cache key.
* :mod:`.run`: running ``function(params, rng)`` in a process of its own, on a
  private copy of exactly those files, with a time limit; reads of project
  files that were not declared are caught there, and errors point at the
  author's own lines.
* :mod:`.results`: what the code returned (a Figure, or frames), checked and
  turned into the same files a built-in figure gets (PNG; GIF, poster and
  player data).

The code is the author's own, run with the author's rights, as a Makefile
is; nothing runs code that an article does not declare.
"""
