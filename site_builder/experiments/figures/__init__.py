"""Figure drawing: arrays and training results in, PNG and GIF bytes out.

Nothing here knows about networks or specs; :mod:`site_builder.experiments.produce`
runs the experiment and hands the arrays over, as a :class:`.runs.TrainingResult`.
Every figure shares the look defined in :mod:`.style`; animations are encoded by
:mod:`.encode` and come with a poster frame (:mod:`.animation`, :mod:`.neurons`),
and :mod:`.frames` writes the data the page's player draws from.

This package imports nothing on its own: importing :mod:`.runs` (numpy only)
must not load matplotlib, so that a build whose figures all come from the
cache never pays for it.
"""
