"""What becomes of HTML written in an article's Markdown: omitted unless the site's author asks to keep it.

Markdown passes HTML through as it is: a ``<script>``, an ``onmouseover=``
attribute or an ``<iframe>`` in the text would reach every reader. Like Hugo
(whose Goldmark renderer drops raw HTML unless ``markup.goldmark.renderer.unsafe``
is set), the build omits it by default, leaving ``<!-- raw HTML omitted -->``
in its place so a reader of the page source sees that something was dropped:

- HTML blocks and inline tags (comments included) are replaced by that comment;
  the text between inline tags stays, as text;
- attributes written with ``{...}`` after an element (``attr_list``) lose
  event handlers (``on...=``) and ``style``; ids and classes stay;
- link and image targets with a scheme that runs code or embeds a document
  (``javascript:``, ``vbscript:``, ``data:`` except images in ``src``,
  ``file:``) become empty.

``raw_html = "keep"`` in ``site.toml`` publishes all of it as written, for a site
whose every author is trusted. Entities (``&amp;``) and autolinks are not raw
HTML and always work.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor

RAW_HTML_POLICIES = ("omit", "keep")
OMITTED = "<!-- raw HTML omitted -->"
_URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "poster", "cite", "data")
_DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)
_IMAGE_DATA = re.compile(r"^\s*data:image/(png|gif|jpeg|webp|avif);", re.IGNORECASE)  # never SVG: it can hold scripts


class OmitRawHtml(Extension):
    """Registers the processors that put :data:`OMITTED` where the source has HTML."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_OmittedBlocks(md), "html_block", 20)  # replaces the built-in one
        md.inlinePatterns.register(_OmittedInline(HTML_RE, md), "html", 90)


class _OmittedBlocks(HtmlBlockPreprocessor):
    """The built-in block extractor, with every block it stashed replaced by the omission comment."""

    def run(self, lines: list[str]) -> list[str]:
        stash = self.md.htmlStash.rawHtmlBlocks
        before = len(stash)
        result = super().run(lines)
        stash[before:] = [OMITTED] * (len(stash) - before)
        return result


class _OmittedInline(HtmlInlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # noqa: N802
        return self.md.htmlStash.store(OMITTED), m.start(0), m.end(0)


def strip_unsafe_attributes(element: etree.Element) -> None:
    """Drop event handlers and styles from ``element`` and empty its code-running URLs (see module docs)."""
    for name in list(element.attrib):
        lowered = name.lower()
        if lowered.startswith("on") or lowered == "style":
            del element.attrib[name]
        elif lowered in _URL_ATTRIBUTES:
            # As a browser reads it: entities decoded, and tabs, newlines and controls dropped ("java\tscript:").
            url = re.sub(r"[\x00-\x20]", "", html.unescape(element.attrib[name]))
            if _DANGEROUS_SCHEME.match(url) and not (lowered == "src" and _IMAGE_DATA.match(url)):
                element.set(name, "")
