"""Markdown with build-time math: an article body in, HTML plus its outline and links out.

:func:`render_markdown` is pure apart from the math renderer it is given:

1. cut the math out of the source (:mod:`site_builder.render.markup.math`) and
   render every formula, collecting every LaTeX error as a :class:`Problem`;
2. run Python-Markdown (tables, fenced code highlighted by Pygments with CSS
   classes, footnotes, heading ids with permalinks, ``attr_list``, and a
   trailing backslash as a hard line break);
3. in the element tree: record every link and image the author wrote, rewrite
   local URLs, turn a lone image into a ``<figure>``, give an animation with a
   poster frame a ``<picture>`` that shows the still when its media query
   matches (reduced motion, say), label the permalinks;
4. put the rendered math back in place of its tokens.

HTML classes the stylesheet styles (see :data:`CSS_CLASSES`).
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.inlinepatterns import SubstituteTagInlineProcessor
from markdown.treeprocessors import Treeprocessor

from site_builder.load.bibliography import EMPTY, Bibliography
from site_builder.render.markup import crossrefs
from site_builder.render.markup.asides import PRINT_NOTES_CLASS, SidenoteProcessor, UnknownCallout, make_callouts, number_sidenotes
from site_builder.render.markup.citations import AUTHOR_YEAR, Citations, cited_works, citation_html, citation_text, reference_list_html
from site_builder.render.markup.katex import KatexError, MathRenderer
from site_builder.render.markup.raw_html import OmitRawHtml, strip_unsafe_attributes
from site_builder.render.markup.figure_numbers import quote_numbers
from site_builder.render.markup.math import MAX_FORMULAS, MathSpan, protect_math, token_pattern
from site_builder.render.markup.mentions import Mention, protect_mentions
from site_builder.render.markup.mentions import token_pattern as mention_pattern
from site_builder.problems import BuildFailed, Problem

CSS_CLASSES: dict[str, str] = {
    "math-display": "wrapper of display math (<div>, or <span> inside a paragraph): "
    "give it display:block; overflow-x:auto so long formulas scroll on phones",
    "katex / katex-display": "KaTeX's own markup, styled by katex.min.css",
    "headerlink": "permalink <a> at the end of each heading; show it on heading hover/focus",
    "codehilite": "<div> around highlighted code blocks; token classes from highlight_css()",
    "footnote": "<div> holding the footnotes at the end (an <hr> and an <ol>)",
    "footnote-ref / footnote-backref": "the <a> to a footnote and the ↩ back from it",
    "figure / figcaption": "elements (not classes) for images alone in their paragraph",
    "picture": "element (not a class) around an animation that has a still (see Still)",
    "figure-image": "<img> of a figure the build drew (drawn on white): the theme shows it inverted, hues kept, in the dark theme",
    "citation / citation__link": "<span> around a citation in the text, and each <a> in it to a reference",
    "references__list (--author-year, --numeric) / references__back / references__link": "the <ol> of references (see citations.py), the ↩ back to each citation, a DOI or URL",
    "crossref": "<a> of a cross-reference (@eq-..., @fig-..., @sec-...)",
    "figure__number": "<span> opening a numbered figure's caption (\"Figure 2.\")",
    "sidenote / sidenote-toggle / sidenote-mark / sidenote__number / sidenote__paragraph": "a ^[side note] or footnote (<span role=note>), the checkbox and <label> that open it on phones, its number in the note, a second paragraph of it",
    "sidenote-ref": "<sup> of a second reference to a note, or of a footnote that stays at the end",
    "sidenotes-print / sidenotes-print__title": "the notes again, for print only (aria-hidden; hide it on screens)",
    "callout callout--note|tip|important|warning|caution / callout__title": "a !!! kind or > [!KIND] block (<div role=note>) and its title",
    "figure__note": "<span> (in <noscript>) ending a swept figure's caption: it can be explored with JavaScript on",
}
REDUCED_MOTION = "(prefers-reduced-motion: reduce)"


@dataclass(frozen=True)
class Still:
    """A still image (an animation's poster frame) that browsers show instead of the animation when ``media`` matches."""

    url: str  # output URL, relative to the page
    media: str = REDUCED_MOTION
PERMALINK_TEXT = "#"
GENERATED_LINK_CLASSES = frozenset({"headerlink", "footnote-ref", "footnote-backref"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MATHML = re.compile(r"<math\b.*?</math>", re.DOTALL)
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL)


@dataclass(frozen=True)
class TocEntry:
    """A heading: its level (1-6), its id, and its title as plain text."""

    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class Reference:
    """A link or image target as the author wrote it, with its line in the file."""

    kind: str  # "link" | "image"
    target: str
    line: int


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    toc: tuple[TocEntry, ...]
    references: tuple[Reference, ...]
    math_count: int
    references_html: str = ""  # the <ol> of works the text cites (empty when it cites none)


@dataclass(frozen=True)
class _RenderedMath:
    """A formula's HTML, and the plain text used where HTML cannot go (attributes, TOC)."""

    span: MathSpan
    html: str
    text: str
    slug: str
    anchor: str | None = None  # the label of a numbered equation: the id of its wrapper
    number: int | None = None  # its number, shown at the right of the formula


def render_markdown(
    text: str,
    *,
    path: str,
    first_line: int = 1,
    math: MathRenderer,
    rewrite_url: Callable[[str], str] | None = None,
    image_size: Callable[[str], tuple[int, int] | None] | None = None,
    poster: Callable[[str], Still | None] | None = None,
    drawn: Callable[[str], bool] | None = None,
    raw_html: str = "omit",
    bibliography: Bibliography = EMPTY,
    citation_style: str = AUTHOR_YEAR,
    strict: bool = True,
    figure_numbers: Mapping[str, Mapping[str, object]] | None = None,
    caption_note: Callable[[str], str | None] | None = None,
) -> RenderedMarkdown:
    """Render an article body to HTML; raise :class:`BuildFailed` with every problem in it.

    ``first_line`` is the file line where ``text`` starts, so problems and
    references carry real file lines. ``rewrite_url`` maps local link hrefs
    and image srcs to output URLs (never fragment-only or ``scheme:`` URLs);
    ``image_size`` gets an image's src *as written* and returns its pixel
    ``(width, height)`` or ``None``. ``poster`` gets an image's src as written
    and returns the :class:`Still` to show instead of it (to readers who prefer
    reduced motion, say), or ``None``; the image then goes into a
    ``<picture>`` with that still as a source for the still's media query.
    ``drawn`` gets an image's src as written and says whether the build drew
    it (a declared figure): those get the class ``figure-image``.
    ``raw_html`` is the site's policy for HTML in the source, ``"omit"`` or
    ``"keep"`` (see :mod:`site_builder.render.markup.raw_html`).
    Citations (``[@key]``, ``@key``) are looked up in ``bibliography`` and
    read as ``citation_style`` says (see :mod:`.citations`); cross-references
    (``@eq-...``, ``@fig-...``, ``@sec-...``) as :mod:`.crossrefs` says.
    Every problem is collected before it raises. With ``strict`` false it
    never raises: what does not resolve is left as it was written (for a
    pass that only checks links). ``figure_numbers`` holds each declared
    figure's measured numbers, which ``{{ figure("NAME").field }}`` quotes
    (see :mod:`.figure_numbers`). ``caption_note`` gets a local image's src
    as written and returns text that only readers without JavaScript need (a
    swept figure's "can be explored with JavaScript on"), or ``None``; a
    figure's caption then ends with it, in ``<noscript>``.
    """
    protected = protect_math(text)
    if len(protected.spans) > MAX_FORMULAS:
        line = first_line + protected.spans[MAX_FORMULAS].line - 1
        raise BuildFailed([Problem(path, line, f"this is formula {MAX_FORMULAS + 1:,} of the page, and a page may hold at most {MAX_FORMULAS:,}; split it into several articles")])
    equations = crossrefs.label_equations(protected.text, protected.spans)
    lines = _LineFinder(equations.text, protected.spans, first_line)
    problems = [Problem(path, lines.line(offset), message) for offset, message in equations.problems]
    quoted, quote_problems = quote_numbers(equations.text, figure_numbers or {})
    problems += [Problem(path, lines.line(q.offset), q.message) for q in quote_problems]
    lines = _LineFinder(quoted, protected.spans, first_line)  # a quote never spans lines: only offsets within one moved
    mentioned = protect_mentions(quoted)
    citations, citation_problems = _cite(mentioned.mentions, bibliography, citation_style, path, lines)
    problems += citation_problems
    formulas, latex_problems = _render_formulas(protected.spans, math, path, first_line, equations)
    problems += latex_problems
    tree = _ArticleTree(formulas, rewrite_url, image_size, poster, keep_raw_html=raw_html == "keep", drawn=drawn, caption_note=caption_note)
    md = _make_markdown(tree, formulas)
    body = md.convert(mentioned.text)
    problems += _tree_problems(tree, text, path, first_line)
    targets = _targets(equations.numbers, tree.figure_numbers, md.toc_tokens, formulas)
    problems += [
        Problem(path, lines.line(m.offset), message)
        for m in mentioned.mentions if m.is_crossref and (message := crossrefs.crossref_problem(m, targets)) is not None
    ]
    if problems and strict:
        raise BuildFailed(problems)
    mentions = _RenderedMentions(mentioned.mentions, citations, targets)
    html = mentions.insert(_insert_math(body, formulas))
    return RenderedMarkdown(
        html=html,
        toc=tuple(_toc_entries(md.toc_tokens, formulas, mentions)),
        references=tuple(_locate_references(tree.written, text, first_line)),
        math_count=len(protected.spans),
        references_html=reference_list_html(citations, mentions.times),
    )


class _LineFinder:
    """File lines of offsets in math-protected text (a multi-line formula is one token there)."""

    def __init__(self, text: str, spans: tuple[MathSpan, ...], first_line: int) -> None:
        self._text = text
        self._first_line = first_line
        pattern = token_pattern(spans)
        newlines = {span.token: span.source.count("\n") for span in spans}
        self._swallowed = [(m.start(), newlines[m.group()]) for m in pattern.finditer(text) if m.group() in newlines] if pattern else []

    def line(self, offset: int) -> int:
        hidden = sum(count for start, count in self._swallowed if start < offset)
        return self._first_line + self._text.count("\n", 0, offset) + hidden


def _tree_problems(tree: _ArticleTree, source: str, path: str, first_line: int) -> list[Problem]:
    """Unknown callouts and misplaced labels, at the line of the n-th time the source spells them."""
    seen: dict[str, int] = {}
    problems = []
    for callout in tree.unknown_callouts:
        seen[callout.marker] = seen.get(callout.marker, 0) + 1
        found = list(callout.line_pattern.finditer(source))
        line = first_line + source.count("\n", 0, found[seen[callout.marker] - 1].start()) if len(found) >= seen[callout.marker] else first_line
        problems.append(Problem(path, line, callout.message()))
    for label, occurrence, message in tree.label_problems:
        problems.append(Problem(path, _line_of(source, "{#" + label + "}", first_line, occurrence), message))
    return problems


def _line_of(source: str, needle: str, first_line: int, occurrence: int = 1) -> int:
    """File line of the ``occurrence``-th ``needle`` in ``source`` (the first line if it is not there)."""
    found = -1
    for _ in range(occurrence):
        found = source.find(needle, found + 1)
        if found < 0:
            return first_line
    return first_line + source.count("\n", 0, found)


def _cite(mentions: tuple[Mention, ...], bibliography: Bibliography, style: str, path: str, lines: _LineFinder) -> tuple[Citations, list[Problem]]:
    """The works the text cites, and a problem for each citation of a key the bibliography lacks."""
    keys: list[str] = []
    problems = []
    for mention in mentions:
        if mention.is_crossref:
            continue
        for item in mention.items:
            if item.key in bibliography.entries:
                keys.append(item.key)
            elif not bibliography:
                problems.append(Problem(path, lines.line(mention.offset), f"'{mention.source}' cites '{item.key}', but this page has no bibliography; set 'bibliography' in site.toml or the front matter, or write \\@ for a literal @"))
            else:
                hint = crossrefs.did_you_mean(item.key, bibliography.entries)
                problems.append(Problem(path, lines.line(mention.offset), f"'{mention.source}' cites '{item.key}', which is not in the bibliography{hint}; add it to the .bib file or correct the key (write \\@ for a literal @)"))
    return cited_works(keys, bibliography, style), problems


def _targets(equations: Mapping[str, int], figures: dict[str, int], toc_tokens: list[dict], formulas: dict[str, _RenderedMath]) -> dict[str, crossrefs.Target]:
    """Everything on the page a cross-reference can name, by label."""
    targets = {label: crossrefs.equation_target(label, number) for label, number in equations.items()}
    targets |= {label: crossrefs.figure_target(label, number) for label, number in figures.items()}
    for token in _flatten(toc_tokens):
        if str(token["id"]).startswith(crossrefs.SECTION):
            targets[str(token["id"])] = crossrefs.section_target(str(token["id"]), _plain_title(token["name"], formulas))
    return targets


class _RenderedMentions:
    """Puts citations and cross-references in place of their tokens, once the page's numbers are known.

    Citation links are numbered per key in the order the HTML shows them
    (``#cite-<key>-1``, ``-2``...), and :attr:`times` counts them, so each
    reference can link back to every place that cites it.
    """

    def __init__(self, mentions: tuple[Mention, ...], citations: Citations, targets: dict[str, crossrefs.Target]) -> None:
        self._pattern = mention_pattern(mentions)
        self._mentions = {m.token: m for m in mentions}
        self._citations = citations
        self._targets = targets
        self.times: dict[str, int] = {}

    def insert(self, body: str) -> str:
        """Tokens in prose become HTML, in attributes plain text, in code blocks their source again."""
        if self._pattern is None:
            return body
        body, print_copy = _split_print_copy(body)
        pieces: list[str] = []
        position = 0
        for pre in _PRE_BLOCK.finditer(body):
            pieces += [self._in_prose(body[position : pre.start()]), self._sub(pre.group(), lambda m: html_lib.escape(m.source, quote=False))]
            position = pre.end()
        pieces.append(self._in_prose(body[position:]))
        # The notes' copy for print: its citations are text, so no link id is there twice.
        pieces.append(self._sub(print_copy, lambda m: html_lib.escape(self._text(m), quote=False)))
        return "".join(pieces)

    def text(self, value: str) -> str:
        """``value`` with each token as plain text (for the table of contents)."""
        return value if self._pattern is None else self._sub(value, self._text)

    def _in_prose(self, chunk: str) -> str:
        chunk = _ATTRIBUTE.sub(lambda tag: self._sub(tag.group(), lambda m: html_lib.escape(self._text(m))), chunk)
        return self._sub(chunk, self._html)

    def _resolves(self, mention: Mention) -> bool:
        if mention.is_crossref:
            return mention.items[0].key in self._targets
        return all(item.key in self._citations.works for item in mention.items)

    def _html(self, mention: Mention) -> str:
        if not self._resolves(mention):
            return html_lib.escape(mention.source, quote=False)
        if mention.is_crossref:
            return crossrefs.crossref_html(mention, self._targets)
        return citation_html(mention, self._citations, self._next_occurrence)

    def _text(self, mention: Mention) -> str:
        if not self._resolves(mention):
            return mention.source
        if mention.is_crossref:
            return crossrefs.crossref_text(mention, self._targets)
        return citation_text(mention, self._citations)

    def _next_occurrence(self, key: str) -> int:
        self.times[key] = self.times.get(key, 0) + 1
        return self.times[key]

    def _sub(self, value: str, replace: Callable[[Mention], str]) -> str:
        assert self._pattern is not None
        return self._pattern.sub(lambda m: replace(self._mentions[m.group()]) if m.group() in self._mentions else m.group(), value)


_ATTRIBUTE = re.compile(r'<[A-Za-z][^<>]*="[^<>]*>')
_PRINT_COPY = f'<div aria-hidden="true" class="{PRINT_NOTES_CLASS}">'


def _split_print_copy(body: str) -> tuple[str, str]:
    """The body before the notes' print copy (the last thing in it, see :mod:`.asides`), and that copy."""
    start = body.rfind(_PRINT_COPY)
    return (body, "") if start < 0 else (body[:start], body[start:])


# --- math -----------------------------------------------------------------------


def _render_formulas(
    spans: tuple[MathSpan, ...], math: MathRenderer, path: str, first_line: int, equations: crossrefs.LabelledEquations | None = None
) -> tuple[dict[str, _RenderedMath], list[Problem]]:
    """Render every span (each distinct formula once); a formula KaTeX rejects is a problem, and stays as its source.

    A labelled equation keeps its label and number, for its wrapper (see :func:`_math_html`).
    """
    cache: dict[tuple[str, bool], str | KatexError] = {}
    rendered: dict[str, _RenderedMath] = {}
    problems: list[Problem] = []
    labels = equations.labels if equations is not None else {}
    for span in spans:
        anchor = labels.get(span.token)
        key = (span.tex, span.display)
        if key not in cache:
            try:
                cache[key] = math.render(span.tex, display=span.display)
            except KatexError as error:
                cache[key] = error
        result = cache[key]
        if isinstance(result, KatexError):
            problems.append(latex_problem(span, result, path, first_line))
            result = html_lib.escape(span.source, quote=False)
        number = equations.numbers[anchor] if anchor and equations else None
        rendered[span.token] = _RenderedMath(span, result, _math_text(result, span), _math_slug(span), anchor, number)
    return rendered, problems


def latex_problem(span: MathSpan, error: KatexError, path: str, first_line: int) -> Problem:
    """``LaTeX error: <KaTeX's message> in $<formula>$`` at the line where KaTeX stopped."""
    line = first_line + span.line - 1
    message = error.raw_message
    if error.position is not None:
        line += span.tex.count("\n", 0, error.position)  # multi-line display math
        message += f" at position {error.position + 1}"
    formula = " ".join(span.source.split())
    return Problem(path, line, f"LaTeX error: {message} in {formula}")


def _math_text(html: str, span: MathSpan) -> str:
    """Plain text of a rendered formula (its MathML without the TeX annotation), else its source."""
    mathml = _MATHML.search(html)
    if mathml is None:
        return span.source
    text = html_lib.unescape(_TAG.sub("", _ANNOTATION.sub("", mathml.group())))
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")  # e.g. U+2061 after \tanh
    return " ".join(visible.split()) or span.source


def _math_slug(span: MathSpan) -> str:
    """Words of the TeX for heading ids: ``\\sigma(x)`` -> ``sigma x``."""
    return " ".join(re.findall(r"[A-Za-z0-9]+", span.tex))


def _replace_tokens(text: str, formulas: dict[str, _RenderedMath], field: str) -> str:
    if not formulas:
        return text
    pattern = token_pattern((next(iter(formulas.values())).span,))  # every token shares one prefix
    assert pattern is not None
    return pattern.sub(lambda m: getattr(formulas[m.group()], field) if m.group() in formulas else m.group(), text)


def _insert_math(body: str, formulas: dict[str, _RenderedMath]) -> str:
    """Put the formulas' HTML in place of their tokens (code blocks get the source back)."""
    if not formulas:
        return body
    token = token_pattern(tuple(f.span for f in formulas.values()))
    assert token is not None
    alone = re.compile(r"<p>\s*(" + token.pattern + r")\s*</p>")

    def in_prose(chunk: str) -> str:
        chunk = alone.sub(lambda m: _math_html(formulas[m.group(1)], own_paragraph=True), chunk)
        return token.sub(lambda m: _math_html(formulas[m.group()], own_paragraph=False), chunk)

    def in_code(chunk: str) -> str:  # an indented code block the math scanner took for prose
        return token.sub(lambda m: html_lib.escape(formulas[m.group()].span.source, quote=False), chunk)

    pieces: list[str] = []
    position = 0
    for pre in _PRE_BLOCK.finditer(body):
        pieces += [in_prose(body[position : pre.start()]), in_code(pre.group())]
        position = pre.end()
    pieces.append(in_prose(body[position:]))
    return "".join(pieces)


def _math_html(formula: _RenderedMath, *, own_paragraph: bool) -> str:
    if not formula.span.display:
        return f"<p>{formula.html}</p>" if own_paragraph else formula.html
    tag = "div" if own_paragraph else "span"  # a <div> may not sit inside a <p>
    if formula.anchor is None or formula.number is None:
        return f'<{tag} class="math-display">{formula.html}</{tag}>'
    number = crossrefs.equation_number_html(formula.number)
    return f'<{tag} class="math-display math-display--numbered" id="{html_lib.escape(formula.anchor)}">{formula.html}{number}</{tag}>'


# --- Markdown -------------------------------------------------------------------


def _make_markdown(tree: _ArticleTree, formulas: dict[str, _RenderedMath]) -> markdown.Markdown:
    def heading_slug(value: str, separator: str) -> str:
        return slugify(_replace_tokens(value, formulas, "slug"), separator)

    return markdown.Markdown(
        output_format="html",
        extensions=["tables", "fenced_code", "codehilite", "footnotes", "toc", "attr_list", "admonition", _ArticleExtension(tree),
                    *([] if tree.keep_raw_html else [OmitRawHtml()])],
        extension_configs={
            "codehilite": {"css_class": "codehilite", "guess_lang": False, "use_pygments": True},
            "toc": {"permalink": PERMALINK_TEXT, "permalink_class": "headerlink", "marker": "", "slugify": heading_slug},
        },
    )


class _ArticleExtension(Extension):
    def __init__(self, tree: _ArticleTree) -> None:
        super().__init__()
        self._tree = tree

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # A backslash before a newline is a hard break (CommonMark); code spans are matched first.
        # The newline goes too: the prettifier puts one after every <br>.
        md.inlinePatterns.register(SubstituteTagInlineProcessor(r"\\\n", "br"), "backslash_break", 95)
        # After code spans (190), before links and emphasis, which then apply inside the note.
        md.inlinePatterns.register(SidenoteProcessor(md), "sidenote", 175)
        md.treeprocessors.register(_TreeAdapter(md, self._tree), "article", 4)  # after toc (5)


class _TreeAdapter(Treeprocessor):
    def __init__(self, md: markdown.Markdown, tree: _ArticleTree) -> None:
        super().__init__(md)
        self._tree = tree

    def run(self, root: etree.Element) -> None:
        headings = {token["id"]: token["name"] for token in _flatten(getattr(self.md, "toc_tokens", []))}
        self._tree.process(root, headings)


class _ArticleTree:
    """The article-specific pass over the element tree; remembers the targets the author wrote."""

    def __init__(
        self,
        formulas: dict[str, _RenderedMath],
        rewrite_url: Callable[[str], str] | None,
        image_size: Callable[[str], tuple[int, int] | None] | None,
        poster: Callable[[str], Still | None] | None = None,
        *,
        keep_raw_html: bool = False,
        drawn: Callable[[str], bool] | None = None,
        caption_note: Callable[[str], str | None] | None = None,
    ) -> None:
        self.keep_raw_html = keep_raw_html
        self._drawn = drawn
        self._caption_note = caption_note
        self._notes: dict[etree.Element, str] = {}  # <img> -> what its caption says to readers without scripts
        self._formulas = formulas
        self._rewrite_url = rewrite_url
        self._image_size = image_size
        self._poster = poster
        self._posters: dict[etree.Element, Still] = {}  # <img> -> the still shown instead of it
        self.written: list[tuple[str, str]] = []  # (kind, target) in document order
        self.figure_numbers: dict[str, int] = {}  # label -> number, for labelled figures
        self.label_problems: list[tuple[str, int, str]] = []  # (label, which use of it: 1, 2..., message)
        self.unknown_callouts: list[UnknownCallout] = []

    def process(self, root: etree.Element, headings: dict[str, str]) -> None:
        if not self.keep_raw_html:
            for element in root.iter():
                strip_unsafe_attributes(element)
        for element in root.iter():
            if element.tag == "a":
                self._link(element, headings)
            elif element.tag == "img":
                self._image(element)
        for parent, paragraph in list(_lone_image_paragraphs(root)):
            _make_figure(parent, paragraph)
        self._check_labels(root)
        self._number_figures(root)
        for figure in root.iter("figure"):
            note = next((self._notes[img] for img in figure.iter("img") if img in self._notes), None)
            if note is not None:
                _add_caption_note(figure, note)
        number_sidenotes(root)
        self.unknown_callouts = make_callouts(root)
        for holder, img in [(element, child) for element in root.iter() for child in element if child in self._posters]:
            _wrap_in_picture(holder, img, self._posters[img])
        for element in root.iter():  # HTML cannot go into attributes: formulas become text there
            for name, value in element.attrib.items():
                element.set(name, _replace_tokens(value, self._formulas, "text"))

    def _check_labels(self, root: etree.Element) -> None:
        """Labels on what cannot carry them, a section label used twice, and ``{#...}`` left as text.

        Counts each label's uses in document order (figure labels on images
        included, so :meth:`_number_figures` reports theirs at the right line).
        """
        seen: dict[str, int] = {}
        sections: set[str] = set()
        for element in root.iter():
            label = element.get("id", "")
            if label.startswith(crossrefs.CROSSREF_KINDS):
                seen[label] = seen.get(label, 0) + 1
                message = crossrefs.misplaced_label_problem(label, str(element.tag))
                if message is not None:
                    self.label_problems.append((label, seen[label], message))
                    element.attrib.pop("id")
                elif label.startswith(crossrefs.SECTION):
                    if label in sections:
                        self.label_problems.append((label, seen[label], f"label '{label}' is used twice on this page; give each section its own"))
                    sections.add(label)
            texts = (element.tail,) if element.tag in ("code", "pre") else (element.text, element.tail)
            for text in texts:
                for stray in crossrefs.STRAY_LABEL.finditer(text or ""):
                    seen[stray.group(1)] = seen.get(stray.group(1), 0) + 1
                    self.label_problems.append((stray.group(1), seen[stray.group(1)], crossrefs.stray_label_problem(stray.group(1))))

    def _number_figures(self, root: etree.Element) -> None:
        """Labelled figures (``{#fig-...}`` on the image) get the label as id and "Figure N." in the caption."""
        figures = {img: figure for figure in root.iter("figure") for img in figure.iter("img")}
        seen: dict[str, int] = {}
        for img in [element for element in root.iter("img") if element.get("id", "").startswith(crossrefs.FIGURE)]:
            label = img.attrib.pop("id")
            seen[label] = seen.get(label, 0) + 1
            if img not in figures:
                self.label_problems.append((label, seen[label], f"figure label '{label}' is on an image inside text; put the image alone in its paragraph to make it a figure"))
            elif label in self.figure_numbers:
                self.label_problems.append((label, seen[label], f"label '{label}' is used twice on this page; give each figure its own"))
            else:
                self.figure_numbers[label] = len(self.figure_numbers) + 1
                _number_caption(figures[img], label, self.figure_numbers[label])

    def _link(self, a: etree.Element, headings: dict[str, str]) -> None:
        classes = set(a.get("class", "").split())
        if "headerlink" in classes:
            title = _plain_title(headings.get(a.get("href", "")[1:], ""), self._formulas)
            a.set("aria-label", f"Permalink to “{title}”" if title else "Permalink")
        if classes & GENERATED_LINK_CLASSES or a.get("href") is None:
            return
        self.written.append(("link", a.get("href", "")))
        a.set("href", self._rewrite(a.get("href", "")))

    def _image(self, img: etree.Element) -> None:
        src = img.get("src", "")
        self.written.append(("image", src))
        size = self._image_size(src) if self._image_size is not None else None
        img.set("src", self._rewrite(src))
        still = self._poster(src) if self._poster is not None and is_local_url(src) else None
        if still is not None:
            self._posters[img] = still
        note = self._caption_note(src) if self._caption_note is not None and is_local_url(src) else None
        if note is not None:
            self._notes[img] = note
        if size is not None:
            img.set("width", str(size[0]))
            img.set("height", str(size[1]))
        if self._drawn is not None and is_local_url(src) and self._drawn(src):
            img.set("class", " ".join(filter(None, [img.get("class"), "figure-image"])))
        img.set("loading", "lazy")
        img.set("decoding", "async")

    def _rewrite(self, url: str) -> str:
        if self._rewrite_url is None or not is_local_url(url):
            return url
        return self._rewrite_url(url)


def is_local_url(url: str) -> bool:
    """True for a URL the build may rewrite: not empty, not ``#fragment``-only, no scheme, not ``//host``."""
    return bool(url) and not url.startswith(("#", "//")) and not _SCHEME.match(url)


def _lone_image_paragraphs(root: etree.Element) -> Iterator[tuple[etree.Element, etree.Element]]:
    for parent in root.iter():
        for child in parent:
            if child.tag == "p" and len(child) == 1 and child[0].tag == "img":
                if not (child.text or "").strip() and not (child[0].tail or "").strip():
                    yield parent, child


def _make_figure(parent: etree.Element, paragraph: etree.Element) -> None:
    """``<p><img title=T></p>`` -> ``<figure><img><figcaption>T</figcaption></figure>``."""
    img = paragraph[0]
    figure = etree.Element("figure", dict(paragraph.attrib))
    figure.text, figure.tail = "\n", paragraph.tail
    img.tail = "\n"
    figure.append(img)
    title = img.attrib.pop("title", None)
    if title:
        caption = etree.SubElement(figure, "figcaption")
        caption.text, caption.tail = title, "\n"
    index = list(parent).index(paragraph)
    parent.remove(paragraph)
    parent.insert(index, figure)


def _number_caption(figure: etree.Element, label: str, number: int) -> None:
    """``<figure id=label>`` whose caption opens with ``<span class="figure__number">Figure N.</span>``."""
    figure.set("id", label)
    caption = figure.find("figcaption")
    if caption is None:
        caption = etree.SubElement(figure, "figcaption")
        caption.tail = "\n"
    mark = etree.Element("span", {"class": "figure__number"})
    mark.text = crossrefs.figure_number_text(number)
    mark.tail = " " + (caption.text or "") if caption.text else None
    caption.text = None
    caption.insert(0, mark)


def _add_caption_note(figure: etree.Element, note: str) -> None:
    """End ``figure``'s caption (made if missing) with ``<noscript><span class="figure__note">note</span></noscript>``."""
    caption = figure.find("figcaption")
    if caption is None:
        caption = etree.SubElement(figure, "figcaption")
        caption.tail = "\n"
    noscript = etree.SubElement(caption, "noscript")
    span = etree.SubElement(noscript, "span", {"class": "figure__note"})
    span.text = (" " if (caption.text or len(caption) > 1) else "") + note


def _wrap_in_picture(parent: etree.Element, img: etree.Element, still: Still) -> None:
    """``<img>`` -> ``<picture><source media=still.media srcset=still.url><img></picture>``, in place.

    Browsers show the first ``<source>`` whose media query matches, else the
    ``<img>``; its alt text, size and caption stay with the ``<img>``. No
    whitespace inside: ``<picture>`` is inline, so it could show as a space.
    """
    picture = etree.Element("picture")
    picture.tail, img.tail = img.tail, None
    etree.SubElement(picture, "source", {"media": still.media, "srcset": _srcset_url(still.url)})
    index = list(parent).index(img)
    parent.remove(img)
    picture.append(img)
    parent.insert(index, picture)


def _srcset_url(url: str) -> str:
    """``url`` made safe for ``srcset``, where spaces separate descriptors and commas candidates."""
    return url.replace(" ", "%20").replace(",", "%2C")


def _flatten(tokens: list[dict]) -> Iterator[dict]:
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))


def _plain_title(name: str, formulas: dict[str, _RenderedMath]) -> str:
    return " ".join(_replace_tokens(html_lib.unescape(name), formulas, "text").split())


def _toc_entries(tokens: list[dict], formulas: dict[str, _RenderedMath], mentions: _RenderedMentions) -> Iterator[TocEntry]:
    for token in _flatten(tokens):
        yield TocEntry(level=int(token["level"]), anchor=str(token["id"]), title=mentions.text(_plain_title(token["name"], formulas)))


# --- references -----------------------------------------------------------------


def _locate_references(written: list[tuple[str, str]], source: str, first_line: int) -> Iterator[Reference]:
    """Give each target the line where the source spells it, searching on from the previous one."""
    cursor = 0
    counted, lines = 0, 0  # lines = source.count("\n", 0, counted), kept up as the targets move on
    for kind, target in written:
        found = _find_target(source, target, cursor)
        if found is None:
            found = _find_target(source, target, 0)
        if found is not None:
            cursor = found
        offset = found if found is not None else 0
        if offset < counted:
            counted, lines = 0, 0
        lines += source.count("\n", counted, offset)
        counted = offset
        yield Reference(kind, target, first_line + lines)


def _find_target(source: str, target: str, start: int) -> int | None:
    """Offset of ``target`` as a Markdown/HTML URL (``](t``, ``]: t``, ``<t``, ``="t``), else anywhere."""
    escaped = re.escape(target)
    as_url = re.compile(r"(?:\]\(\s*<?|\]:[ \t]*<?|<|=[\"']?)" + escaped)
    match = as_url.search(source, start)
    if match is not None:
        return match.end() - len(target)
    plain = source.find(target, start)
    return None if plain < 0 or not target else plain
