"""Render stage: content, figures and assets in; every output file's bytes out.

:mod:`.pages` is the entry point (:func:`~site_builder.render.pages.render_site`);
Markdown and math live in :mod:`.markup`, Jinja in :mod:`.templating`, and
the site-wide files (tag pages, feed, sitemap, notebooks) in their own
modules. :mod:`.linkcheck` checks every reference in the finished pages.
Nothing here touches the output folder.
"""
