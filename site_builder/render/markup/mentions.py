r"""Finding ``@key`` mentions in Markdown prose and hiding them from Markdown.

A mention is a citation (``[@cybenko1989]``, ``[see @nair2010, p. 3; @glorot2011]``,
or ``@cybenko1989`` in running text) or a cross-reference (``@eq-collapse``,
``@fig-relu``, ``@sec-activations``: a key that starts with one of
:data:`CROSSREF_PREFIXES`). Like math (:mod:`.math`), each is cut out of the
source before Markdown runs and replaced by a token of letters and digits; the
caller renders it once the whole page is known (figure numbers, say) and puts
the HTML back.

Where an ``@`` is *not* a mention:

* inside code (fenced blocks, code spans), HTML comments, HTML tags, autolinks
  (``<me@example.com>``), and links and images, text and destination alike
  (``[write @me](mailto:me@x.org)``): a link may not hold another link. An
  image's title may cite, as it becomes its figure's caption;
* inside math, which the caller has already replaced by tokens;
* after a letter, digit or one of ``. _ - @ / \`` (so ``me@example.com`` and
  ``https://host/@user`` stay text);
* written ``\@``, which is a literal ``@``.

A bracketed group is a citation only when every ``;``-separated part holds
exactly one ``@key``, and it is not a link (``[...](``, ``[...][``, ``[...]:``);
each part may have text before the key (``see``) and after it (``, p. 3``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CROSSREF_PREFIXES = ("eq-", "fig-", "sec-")
LITERAL_AT = "&#64;"  # what ``\@`` becomes: an entity Markdown keeps and browsers show as "@"
KEY = r"[A-Za-z0-9_]+(?:[:./+-][A-Za-z0-9_]+)*"  # inner punctuation only: "@key." ends at the key
_BARE = re.compile(r"@(" + KEY + r")")
_ITEM = re.compile(r"^\s*(?P<prefix>[^@;]*?)\s*@(?P<key>" + KEY + r")(?P<suffix>[^@;]*)$", re.DOTALL)
_FENCED_BLOCK = re.compile(r"^(?P<fence>~{3,}|`{3,})[^\n]*\n(?:.*?\n)?(?P=fence)[ ]*$", re.MULTILINE | re.DOTALL)
_BACKTICKS = re.compile(r"`+")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<![^<>]*>")
_AUTOLINK = re.compile(r"<[^<>\s]*[@:][^<>\s]*>")
_TITLE_START = re.compile(r"\s[\"']")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_NOT_BEFORE = set("._-@/\\`")
_TOKEN_PREFIX = "mentionplaceholder"


@dataclass(frozen=True)
class CitedItem:
    """One ``@key`` in a citation, with the words around it: ``see @key, p. 3`` -> ``see``, ``key``, ``p. 3``."""

    key: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Mention:
    """One mention found in the source.

    ``bracketed`` is true for ``[@key]`` (a parenthetical citation), false for
    a bare ``@key`` (narrative: the name reads as part of the sentence).
    ``offset`` is where it starts in the text given to :func:`protect_mentions`.
    """

    items: tuple[CitedItem, ...]
    bracketed: bool
    source: str
    offset: int
    token: str

    @property
    def is_crossref(self) -> bool:
        return self.items[0].key.startswith(CROSSREF_PREFIXES)


@dataclass(frozen=True)
class ProtectedMentions:
    """Markdown source with every mention replaced by its :class:`Mention` token."""

    text: str
    mentions: tuple[Mention, ...]


def protect_mentions(text: str) -> ProtectedMentions:
    """Replace every mention in ``text`` (already free of math) by a placeholder token (see module docs)."""
    prefix = _TOKEN_PREFIX
    while prefix in text:
        prefix += "x"
    scanner = _Scanner(text, prefix)
    position = 0
    for code in _FENCED_BLOCK.finditer(text):
        scanner.scan(position, code.start())
        scanner.copy_to(code.end())
        position = code.end()
    scanner.scan(position, len(text))
    return ProtectedMentions("".join(scanner.pieces), tuple(scanner.mentions))


def token_pattern(mentions: tuple[Mention, ...]) -> re.Pattern[str] | None:
    """A regex matching any of the mentions' tokens (``None`` when there are none)."""
    if not mentions:
        return None
    return re.compile(re.escape(mentions[0].token[:-5]) + r"\d{5}")


class _Scanner:
    """Walks prose left to right, copying text and swapping mentions for tokens."""

    def __init__(self, text: str, prefix: str) -> None:
        self.text = text
        self.prefix = prefix
        self.pieces: list[str] = []
        self.mentions: list[Mention] = []
        self.copied = 0  # text[copied:] is not yet in pieces

    def copy_to(self, end: int) -> None:
        self.pieces.append(self.text[self.copied : end])
        self.copied = end

    def replace(self, start: int, end: int, replacement: str) -> None:
        self.copy_to(start)
        self.pieces.append(replacement)
        self.copied = end

    def scan(self, start: int, end: int) -> None:
        text, i = self.text, start
        while i < end:
            char = text[i]
            if char == "`":
                i = _code_span_end(text, i, end)
            elif text.startswith("\\@", i):
                self.replace(i, i + 2, LITERAL_AT)
                i += 2
            elif char == "\\":
                i += 2
            elif char == "<":
                skipped = _AUTOLINK.match(text, i) or _HTML_TAG.match(text, i) or _comment(text, i)
                i = skipped.end() if skipped else i + 1
            elif char == "[":
                i = self._bracket(i, end)
            elif char == "@" and (i == start or not _word_before(text[i - 1])):
                i = self._bare(i)
            else:
                i += 1
        self.copy_to(end)

    def _bracket(self, i: int, end: int) -> int:
        """A citation group at ``[``, else step inside (a link's text may hold mentions, its destination not)."""
        close = _matching_bracket(self.text, i, end)
        if close is None:
            return i + 1
        follower = self.text[close + 1 : close + 2]
        if follower == "(":  # a link or image: an @ in its text or destination is literal (a link may not hold links)
            destination = _matching_paren(self.text, close + 1, end)
            if destination is None:
                return close + 1
            if i > 0 and self.text[i - 1] == "!":  # but an image's title, its figure's caption, may cite
                title = _TITLE_START.search(self.text, close + 2, destination - 1)
                if title is not None:
                    self.scan(title.start(), destination - 1)
            return destination
        if follower == "[":  # a reference link's text
            return close + 1
        inner = self.text[i + 1 : close]
        items = _citation_items(inner)
        is_image_or_note = i > 0 and self.text[i - 1] in "!^"
        if items is None or follower == ":" or is_image_or_note:
            return i + 1
        self._add(i, close + 1, items, bracketed=True)
        return close + 1

    def _bare(self, i: int) -> int:
        match = _BARE.match(self.text, i)
        if match is None:
            return i + 1
        self._add(i, match.end(), (CitedItem(match.group(1)),), bracketed=False)
        return match.end()

    def _add(self, start: int, end: int, items: tuple[CitedItem, ...], *, bracketed: bool) -> None:
        token = f"{self.prefix}{len(self.mentions):05d}"
        self.mentions.append(Mention(items, bracketed, self.text[start:end], start, token))
        self.replace(start, end, token)


def _citation_items(inner: str) -> tuple[CitedItem, ...] | None:
    """The parts of ``[...]`` if each holds one ``@key``, else ``None`` (it is not a citation)."""
    if "@" not in inner or "[" in inner or "]" in inner:
        return None
    items = []
    for part in inner.split(";"):
        match = _ITEM.match(part)
        if match is None:
            return None
        suffix = match.group("suffix").strip()
        items.append(CitedItem(match.group("key"), " ".join(match.group("prefix").split()), " ".join(suffix.removeprefix(",").split())))
    return tuple(items)


def _word_before(char: str) -> bool:
    return char.isalnum() or char in _NOT_BEFORE


def _matching_bracket(text: str, i: int, end: int) -> int | None:
    """Index of the ``]`` closing the ``[`` at ``i``, within one paragraph; ``None`` if unclosed."""
    depth = 0
    j = i
    while j < end:
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == "\n" and text[j + 1 : j + 2] == "\n":
            return None
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return None


def _matching_paren(text: str, i: int, end: int) -> int | None:
    """Index just past the ``)`` closing the ``(`` at ``i`` (a link destination), or ``None``."""
    depth = 0
    for j in range(i, end):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        elif text[j] == "\n" and text[j + 1 : j + 2] == "\n":
            return None
    return None


def _code_span_end(text: str, i: int, end: int) -> int:
    run = _BACKTICKS.match(text, i)
    assert run is not None
    for candidate in _BACKTICKS.finditer(text, run.end(), end):
        if len(candidate.group()) == len(run.group()):
            return candidate.end()
    return run.end()


def _comment(text: str, i: int) -> re.Match[str] | None:
    return _COMMENT.match(text, i)
