"""Load stage: the author's sources read and validated, nothing else.

``site.toml`` becomes a :class:`~site_builder.load.config.SiteConfig`, every
``content/`` file an article or page with checked front matter
(:mod:`.content`, :mod:`.frontmatter`), and the files published as they are
(``static/``, article folders) are gathered by :mod:`.assets`. Every problem
carries its file and line.
"""
