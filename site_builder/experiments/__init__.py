"""Experiments stage: figure declarations into specs, and each spec into figure files.

:mod:`.specs` parses declarations, :mod:`.runner` makes every figure (from
:mod:`.cache`, or in a process pool or on Dask), and :mod:`.produce` is where
a run meets its drawing. Below them sit two packages that know nothing of
the site: :mod:`.nn`, the numpy networks, and :mod:`.figures`, the drawing.
"""
