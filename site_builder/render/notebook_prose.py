"""The article's own words for its notebook: each figure's section, caption and paragraph, as plain Markdown.

:func:`article_prose` reads an article's Markdown source and, for every figure
it shows, finds

* the heading it appears under (the notebook's section heading, in words);
* its number on the page ("Figure 3", when the image carries ``{#fig-...}``);
* its caption (the image's title) and alt text;
* one paragraph of the article about it: the first that cross-references it
  (``@fig-label``), else the paragraph right after it in its section, else
  the one right before it.

The text is turned into Markdown a notebook renders as the page reads: math
stays ``$...$`` (Jupyter renders it), ``{{ figure(...) }}`` quotes become the
run's values exactly as on the page, citations read as on the page ("Nair and
Hinton (2010)") with the works listed at the end, cross-references read
"Figure 2" or "Equation (1)", a sidenote becomes a parenthesis, and raw HTML,
footnote marks and ``{...}`` attributes are dropped. Links to other pages of
the site become links to the published page when the site has a real address,
else plain words (a downloaded notebook has no site beside it).

Pure: the same source, numbers and bibliography give the same text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from site_builder.load.bibliography import Bibliography
from site_builder.render.markup import crossrefs
from site_builder.load.bibliography import BibEntry
from site_builder.render.markup.citations import Citations, cited_works, citation_text, format_reference
from site_builder.render.markup.figure_numbers import quote_numbers
from site_builder.render.markup.math import LITERAL_DOLLAR, MathSpan, protect_math, token_pattern
from site_builder.render.markup.mentions import LITERAL_AT, Mention, protect_mentions
from site_builder.render.markup.mentions import token_pattern as mention_pattern


@dataclass(frozen=True)
class FigureProse:
    """What the article says about one figure, as notebook Markdown (empty strings where it says nothing)."""

    name: str  # the figure's file name, as declared
    section: str  # the heading it appears under, in words ("" before the first heading)
    number: int | None  # "Figure N" on the page, for a labelled figure
    caption: str
    alt: str
    paragraph: str


@dataclass(frozen=True)
class ArticleProse:
    """Every shown figure's prose in the order the article shows them, and the works that prose cites."""

    figures: tuple[FigureProse, ...]
    references: tuple[str, ...]  # one Markdown line per cited work, in the site's citation style's order

    def of(self, name: str) -> FigureProse | None:
        return next((figure for figure in self.figures if figure.name == name), None)


NO_PROSE = ArticleProse((), ())

_FENCE = re.compile(r"^(?P<fence>~{3,}|`{3,})[^\n]*\n(?:.*?\n)?(?P=fence)[ ]*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(?P<title>.*?)[ \t]*#*[ \t]*$")
_ATTRIBUTES = re.compile(r"[ \t]*\{[:#.][^{}\n]*\}")
_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]\n]*(?:\n[^\]\n]+)*)\]\(\s*<?(?P<src>[^\s)>]+)>?(?:\s+(?:\"(?P<dq>(?:[^\"\\]|\\.)*)\"|'(?P<sq>(?:[^'\\]|\\.)*)'))?\s*\)"
    r"(?P<attributes>\{[^{}\n]*\})?"
)
_FIGURE_LABEL = re.compile(r"#(" + crossrefs.FIGURE + crossrefs.LABEL + r")")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\(\s*<?(?P<href>[^\s)>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\](?!:)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_PROSE = re.compile(r"^(?:[-*+][ \t]|\d+[.)][ \t]|>|\||\[\^[^\]]+\]:|[ \t]{4}|<)")


@dataclass(frozen=True)
class _Block:
    kind: str  # "heading", "code", "prose" (a paragraph, or a line run holding images), "other"
    text: str  # math- and mention-protected source


def article_prose(
    body: str,
    figure_names: Sequence[str],
    *,
    numbers: Mapping[str, Mapping[str, object]] | None = None,
    bibliography: Bibliography | None = None,
    citation_style: str = "author-year",
    page_url: str | None = None,
) -> ArticleProse:
    """The prose of every figure in ``figure_names`` that ``body`` shows, in the order it shows them.

    ``numbers`` are the figures' measured numbers by name (what ``{{ figure(...) }}``
    quotes), ``bibliography`` what the article may cite, ``page_url`` the
    article's published address (``None`` when the site has none).
    """
    protected = protect_math(body)
    equations = crossrefs.label_equations(protected.text, protected.spans)
    quoted, _ = quote_numbers(equations.text, numbers or {}, escape=lambda value: value)  # a bad quote is the page's problem
    mentioned = protect_mentions(quoted)
    blocks = _blocks(mentioned.text)

    found = _find_figures(blocks, set(figure_names))
    targets = {label: crossrefs.equation_target(label, number) for label, number in equations.numbers.items()}
    targets |= {f.label: crossrefs.figure_target(f.label, f.number) for f in found if f.label and f.number}
    targets |= _section_targets(blocks)
    keys = [item.key for m in mentioned.mentions if not m.is_crossref for item in m.items if bibliography and item.key in bibliography.entries]
    citations = cited_works(keys, bibliography, citation_style) if bibliography else None
    text = _Text(protected.spans, mentioned.mentions, targets, citations, page_url)

    figures = []
    cited: set[str] = set()
    for figure in found:
        paragraph = _paragraph_about(blocks, figure, mentioned.mentions)
        pieces = [figure.caption, paragraph]
        cited |= {item.key for piece in pieces for m in text.mentions_in(piece) if not m.is_crossref for item in m.items}
        figures.append(FigureProse(figure.name, text.inline(figure.section), figure.number, text.inline(figure.caption),
                                   text.inline(figure.alt), text.inline(_without_images(paragraph))))
    references = tuple(
        _markdown_reference(work.entry) for work in (citations.ordered() if citations else []) if work.entry.key in cited
    )
    return ArticleProse(tuple(figures), references)


@dataclass(frozen=True)
class _Found:
    name: str
    section: str
    number: int | None
    label: str | None
    caption: str
    alt: str
    block: int  # index of the block that shows it


def _blocks(text: str) -> list[_Block]:
    """The source cut into blocks: fenced code, headings, and runs of non-blank lines."""
    blocks: list[_Block] = []
    position = 0
    for fence in _FENCE.finditer(text):
        blocks += _line_blocks(text[position : fence.start()])
        blocks.append(_Block("code", fence.group()))
        position = fence.end()
    return blocks + _line_blocks(text[position:])


def _line_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines: list[str] = []

    def close() -> None:
        if lines:
            joined = "\n".join(lines)
            blocks.append(_Block("other" if _NOT_PROSE.match(joined) else "prose", joined))
            lines.clear()

    for line in text.split("\n"):
        if not line.strip():
            close()
        elif _HEADING.match(line) and not lines:
            blocks.append(_Block("heading", line))
        else:
            lines.append(line)
    close()
    return blocks


def _heading_title(block: _Block) -> str:
    match = _HEADING.match(block.text)
    assert match is not None
    return _ATTRIBUTES.sub("", match["title"]).strip()


def _find_figures(blocks: list[_Block], names: set[str]) -> list[_Found]:
    """Each declared figure at its first showing, numbered as the page numbers labelled lone images."""
    found: dict[str, _Found] = {}
    section, numbered = "", 0
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            section = _heading_title(block)
            continue
        if block.kind == "code":
            continue
        images = list(_IMAGE.finditer(block.text))
        alone = len(images) == 1 and not _IMAGE.sub("", block.text).strip()
        for image in images:
            label_match = _FIGURE_LABEL.search(image["attributes"] or "")
            label = label_match.group(1) if label_match else None
            number = None
            if label and alone:
                numbered += 1
                number = numbered
            name = _figure_name(image["src"])
            if name in names and name not in found:
                caption = image["dq"] if image["dq"] is not None else image["sq"] or ""
                found[name] = _Found(name, section, number, label, _unescape_title(caption), " ".join(image["alt"].split()), index)
    return list(found.values())


def _figure_name(src: str) -> str:
    """``./fit.gif`` and ``fit.gif`` both name the figure ``fit.gif``."""
    return src.split("#", 1)[0].split("?", 1)[0].removeprefix("./")


def _unescape_title(title: str) -> str:
    return re.sub(r"\\(.)", r"\1", title)


def _section_targets(blocks: list[_Block]) -> dict[str, crossrefs.Target]:
    targets = {}
    for block in blocks:
        if block.kind == "heading":
            label = re.search(r"\{#(" + crossrefs.SECTION + crossrefs.LABEL + r")\}", block.text)
            if label:
                targets[label.group(1)] = crossrefs.section_target(label.group(1), _heading_title(block))
    return targets


def _paragraph_about(blocks: list[_Block], figure: _Found, mentions: tuple[Mention, ...]) -> str:
    """The article's paragraph about a figure; see the module docs for the order in which they are tried.

    A paragraph that ends with a colon takes the list after it along.
    """
    shown = blocks[figure.block]
    if shown.kind == "prose" and _without_images(shown.text).strip():
        return shown.text  # the image sits inside a paragraph: that paragraph is about it
    tokens = [m.token for m in mentions if m.is_crossref and m.items[0].key == figure.label]
    start, end = _section_of(blocks, figure.block)
    referencing = [i for i, b in enumerate(blocks) if b.kind == "prose" and any(t in b.text for t in tokens) and _without_images(b.text).strip()]
    after = next((i for i in range(figure.block + 1, end) if _is_text(blocks[i]) or _IMAGE.search(blocks[i].text)), None)
    after = after if after is not None and _is_text(blocks[after]) else None
    before = next((i for i in range(figure.block - 1, start - 1, -1) if _is_text(blocks[i]) or _IMAGE.search(blocks[i].text)), None)
    before = before if before is not None and _is_text(blocks[before]) else None
    in_section = [i for i in referencing if start <= i < end]
    for choice in (in_section[:1], [after], [before], referencing[:1]):
        if choice and choice[0] is not None:
            return _with_its_list(blocks, choice[0])
    return ""


def _section_of(blocks: list[_Block], index: int) -> tuple[int, int]:
    """The block range of the section (from one heading to the next) that holds block ``index``."""
    start = next((i + 1 for i in range(index, -1, -1) if blocks[i].kind == "heading"), 0)
    end = next((i for i in range(index, len(blocks)) if blocks[i].kind == "heading"), len(blocks))
    return start, end


def _is_text(block: _Block) -> bool:
    return block.kind == "prose" and not _IMAGE.search(block.text)


def _with_its_list(blocks: list[_Block], index: int) -> str:
    text = blocks[index].text
    if text.rstrip().endswith(":") and index + 1 < len(blocks) and re.match(r"[-*+][ \t]|\d+[.)][ \t]", blocks[index + 1].text):
        return text + "\n\n" + blocks[index + 1].text
    return text


def _without_images(text: str) -> str:
    return _IMAGE.sub("", text)


class _Text:
    """Protected Markdown back to notebook Markdown: math as written, mentions as words, no HTML."""

    def __init__(self, spans: tuple[MathSpan, ...], mentions: tuple[Mention, ...], targets: Mapping[str, crossrefs.Target],
                 citations: Citations | None, page_url: str | None) -> None:
        self._math = {span.token: span.source for span in spans}
        self._math_pattern = token_pattern(spans)
        self._mentions = {m.token: m for m in mentions}
        self._mention_pattern = mention_pattern(mentions)
        self._targets = targets
        self._citations = citations
        self._page_url = page_url

    def mentions_in(self, text: str) -> list[Mention]:
        if self._mention_pattern is None:
            return []
        return [self._mentions[m.group()] for m in self._mention_pattern.finditer(text) if m.group() in self._mentions]

    def inline(self, text: str) -> str:
        """``text`` as the notebook shows it (see the module docs)."""
        text = _COMMENT.sub("", text)
        text = _ATTRIBUTES.sub("", text)
        text = _FOOTNOTE_MARK.sub("", text)
        text = _sidenotes_as_parentheses(text)
        text = _LINK.sub(self._link, text)
        text = _HTML_TAG.sub("", text)
        if self._mention_pattern is not None:
            text = self._mention_pattern.sub(lambda m: self._mention(m.group()), text)
        if self._math_pattern is not None:
            text = self._math_pattern.sub(lambda m: self._math.get(m.group(), m.group()), text)
        text = text.replace(LITERAL_AT, "@").replace(LITERAL_DOLLAR, r"\$")
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))

    def _mention(self, token: str) -> str:
        mention = self._mentions.get(token)
        if mention is None:
            return token
        key = mention.items[0].key
        if mention.is_crossref:
            target = self._targets.get(key)
            if target is None:
                return mention.source
            if key.startswith(crossrefs.FIGURE):
                return target.text  # the notebook's sections carry the same numbers
            return f"[{target.text}]({self._page_url}#{target.label})" if self._page_url else f"{target.text} in the article"
        if self._citations is None or not all(item.key in self._citations.works for item in mention.items):
            return mention.source
        return citation_text(mention, self._citations)

    def _link(self, match: re.Match[str]) -> str:
        words, href = match["text"], match["href"]
        if _SCHEME.match(href) or href.startswith("//"):
            return match.group()
        if self._page_url is None:
            return words
        if href.startswith("#"):
            return f"[{words}]({self._page_url}{href})"
        return f"[{words}]({urljoin(self._page_url, _as_page_url(href))})"


def _as_page_url(href: str) -> str:
    """A link to a source file as the address of its page: ``../about.md`` -> ``../about.html``, ``x/index.md`` -> ``x/``."""
    path, hash_mark, fragment = href.partition("#")
    if path.endswith("/index.md"):
        path = path[: -len("index.md")]
    elif path.endswith(".md"):
        path = path[: -len(".md")] + ".html"
    return path + hash_mark + fragment


def _sidenotes_as_parentheses(text: str) -> str:
    """``word.^[A remark.]`` -> ``word. (A remark.)``: a notebook has no margin."""
    out, i = [], 0
    while True:
        start = text.find("^[", i)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        depth, end = 0, None
        for j in range(start + 1, len(text)):
            if text[j] == "[":
                depth += 1
            elif text[j] == "]":
                depth -= 1
                if depth == 0:
                    end = j
                    break
        if end is None:
            out.append(text[i:])
            return "".join(out)
        out += [text[i:start], " (", text[start + 2 : end].strip(), ")"]
        i = end + 1


def _markdown_reference(entry: BibEntry) -> str:
    """A reference list entry as Markdown: italics as ``*...*``, links as bare URLs."""
    text = format_reference(entry)
    text = re.sub(r"</?i>", "*", text)
    text = re.sub(r"<a [^>]*>([^<]*)</a>", r"\1", text)
    return html.unescape(_HTML_TAG.sub("", text))
