"""site_builder: turns Markdown articles with LaTeX and declared experiments into a static site."""

__version__ = "0.1.0"
