"""Turn entry text (Markdown, never raw HTML) into safe HTML or plain text."""

from __future__ import annotations

import contextlib
import html
import os
import re
import secrets
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator
from functools import lru_cache

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from generator.core import citations

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
# C0 and C1 control characters other than tab, newline and carriage return, DEL, and the
# line and paragraph separators (U+2028, U+2029) and non-characters U+FFFE, U+FFFF. They are
# invalid in XML 1.0 (so in feeds) and never meaningful in entry text; NEL, LS and PS also end
# a line for YAML and for Python's str.splitlines, so one could split a page's front matter.
# And the bidirectional embeddings, overrides and isolates (BIDI_CONTROLS): U+202E shows the
# text after it right to left, the site's own text included (the site's name after a title).
# The validator refuses them all (generator.validate); renderers strip them as a second line.
BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"  # a [class]
CONTROL_CHARS = (  # a [class]
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff" + BIDI_CONTROLS
)
CONTROL_CHARS_RE = re.compile(f"[{CONTROL_CHARS}]")
BIDI_CONTROLS_RE = re.compile(f"[{BIDI_CONTROLS}]")
# Han characters: the CJK unified ideographs, their extension A and B+ planes, compatibility.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"  # a [class]
HAN_RE = re.compile(f"[{HAN}]")
_LATIN_RE = re.compile(r"[A-Za-z]")
# Languages written in Chinese characters, in whole or in part (BCP 47 primary subtags).
HAN_LANGUAGES = ("zh", "yue", "lzh", "wuu", "hak", "nan", "gan", "cmn", "ja", "ko")


def written_in_han(lang: str) -> bool:
    """Whether text tagged ``lang`` (``zh-Hant``, ``ja``) may be written in Han characters."""
    return lang.lower().split("-")[0] in HAN_LANGUAGES


def mostly_han(text: str) -> bool:
    """Whether ``text`` has more Han characters than Latin letters: Chinese, not English text
    that quotes a Chinese name."""
    return len(HAN_RE.findall(text)) > len(_LATIN_RE.findall(text))


def is_safe_url(url: str) -> bool:
    """True for http(s)/mailto URLs and for relative links; False for javascript:, data:, …"""
    m = _SCHEME_RE.match(url_as_browser_reads(url))
    return m is None or m.group(1).lower() in SAFE_SCHEMES


def url_as_browser_reads(url: str) -> str:
    """The URL a browser acts on: entities decoded (Markdown keeps "&#106;" in an href as
    written, and the browser decodes it to "j"), then tabs, newlines and other control
    characters removed, which browsers ignore inside a scheme ("java\tscript:")."""
    previous = None
    while previous != url:  # "&amp;#106;" decodes in two steps
        previous, url = url, html.unescape(url)
    return re.sub(r"[\x00-\x20\x7f]", "", url)


# What HTML would read as a tag or a comment in plain text ("a < b" is not one).
_TAG_RE = re.compile(r"<(?:[A-Za-z/!?][^>]*)>")


def strip_tags(text: str) -> str:
    """Plain text with anything HTML would read as a tag removed, for places that some
    programs read as HTML, such as a feed item's title."""
    if "<" not in text:
        return text
    while True:  # again, for a tag that removing others makes: "<<b>img …>"
        text, removed = _TAG_RE.subn("", text)
        if not removed:
            return re.sub(r"\s+", " ", text).strip()


def strip_control_chars(text: str) -> str:
    return CONTROL_CHARS_RE.sub("", text)


def yaml_quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar of printable ASCII only.

    Everything else is written as a YAML escape (``\\x85``, ``\\u2028``, ``\\U0001f600``), so
    no character of the text can end the scalar, the line or the document, whatever YAML
    parser reads it: the front matter of a page always parses back to exactly ``text``.
    """
    return '"' + _YAML_ESCAPED_RE.sub(_yaml_escape, text) + '"'


# What yaml_quote escapes: the quote, the backslash, and all but printable ASCII.
_YAML_ESCAPED_RE = re.compile(r'["\\]|[^\x20-\x7e]')


def _yaml_escape(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if ch in '"\\':
        return "\\" + ch
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


# An absolute or protocol-relative address: a request to another site.
_EXTERNAL = ("http://", "https://", "//")


class _SafeLinks(Treeprocessor):
    """Neutralise links and images whose scheme is not http(s)/mailto, and turn images into
    links: an image from another host would be fetched by every reader of every page and
    feed (a tracking pixel), and the site makes no third-party requests. The validator
    refuses images; this is the second line."""

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value is not None and not is_safe_url(value):
                    del el.attrib[attr]
            if el.tag == "img":
                src, alt = el.get("src"), el.get("alt") or "image"
                el.attrib.clear()
                el.tag = "a" if src else "span"
                el.text = alt
                if src:
                    el.set("href", src)
            if el.tag == "a" and el.get("href", "").lstrip().startswith(_EXTERNAL):
                el.set("rel", "nofollow noopener")


# Where citation markers lead: the entry page's address ("" on the page itself) and the title
# of each source, shown when a pointer rests on the marker.
Citing = tuple[str, tuple[str, ...]]


class _Citations(InlineProcessor):
    """``[2]`` and ``[1, 3]`` → links to the numbered sources (``#source-2``), when the text
    is rendered for an entry (``_Render.citing``); otherwise left as written."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(citations.MARKER_RE.pattern, md)
        self.citing: Citing | None = None

    def handleMatch(  # noqa: N802 (Markdown's API)
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        if self.citing is None:  # not a citation here: other patterns may read it
            return None, None, None
        base, titles = self.citing
        sup = etree.Element("sup", {"class": "record-cite"})
        sup.text = "\u2060["  # a word joiner: the marker never starts a line of its own
        numbers = citations.numbers(m)
        for i, n in enumerate(numbers):
            a = etree.SubElement(sup, "a", {"href": f"{base}#source-{n}"})
            a.set("aria-label", f"source {n}")
            if 1 <= n <= len(titles):
                a.set("title", titles[n - 1])
            a.text = str(n)
            a.tail = ", " if i < len(numbers) - 1 else "]"
        return sup, m.start(0), m.end(0)


class _NoRawHtml(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Without these two, Python-Markdown passes <tags> through; with them removed the
        # text is escaped and shown literally.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)
        # Before links and references (170 and below), after backslash escapes (180).
        md.inlinePatterns.register(_Citations(md), "citations", 175)


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_NoRawHtml(), "sane_lists"], output_format="html")


# A page's address as citations link to it, when it needs no escaping in an attribute: the
# text is converted once with a stand-in address of the same kind, relative or absolute
# (``_SafeLinks`` gives only an absolute one ``rel``), put in its place after, so that it is
# not converted again for each page or feed that shows it.
_PLAIN_RELATIVE_RE = re.compile(r"(?!//)[A-Za-z0-9._~/%-]*")
_PLAIN_ABSOLUTE_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/%-]*)?")
_TOKEN = secrets.token_hex(16)
_STAND_IN = f"cite-{_TOKEN}"
_STAND_IN_ABSOLUTE = f"https://cite-{_TOKEN}.invalid/"


def _render(text: str, citing: Citing | None = None) -> str:
    if citing is None:
        return _convert(text, None)
    base, titles = citing
    if _PLAIN_RELATIVE_RE.fullmatch(base):
        stand_in = _STAND_IN
    elif _PLAIN_ABSOLUTE_RE.fullmatch(base):
        stand_in = _STAND_IN_ABSOLUTE
    else:
        return _convert(text, citing)
    out = _convert(text, (stand_in, titles))
    return out.replace(f'href="{stand_in}#', f'href="{base}#')


# Every text converted, for its page, the timeline, tag pages and feeds, in both interfaces:
# sized for a whole corpus (at 10,000 entries a 4,096 cache converted each text several
# times). Forked workers that render pages send back what they converted (``learned``), so
# that the next interface's workers and the feeds find it here.
_MEMO_SIZE = 65536
_Converted = tuple[tuple[str, Citing | None], str]
_converted: dict[tuple[str, Citing | None], str] = {}
_sharing = False  # whether processes forked now keep what they convert, for their parent
_learned: list[_Converted] | None = None  # in such a process: what it converted since


def _convert(text: str, citing: Citing | None = None) -> str:
    key = (text, citing)
    out = _converted.get(key)
    if out is None:
        out = _convert_now(text, citing)
        if len(_converted) >= _MEMO_SIZE:  # the older half goes (dicts keep their order)
            for old in list(_converted)[: _MEMO_SIZE // 2]:
                del _converted[old]
        _converted[key] = out
        if _learned is not None:
            _learned.append((key, out))
    return out


def _forked() -> None:
    global _learned
    _learned = [] if _sharing else None


os.register_at_fork(after_in_child=_forked)


@contextlib.contextmanager
def shared_by_workers() -> Iterator[None]:
    """While this lasts, processes forked from this one keep what they convert (``learned``)."""
    global _sharing
    _sharing = True
    try:
        yield
    finally:
        _sharing = False


def learned() -> list[_Converted]:
    """In a process forked within ``shared_by_workers``, what it has converted since it last
    said (or since the fork), for ``learn`` in its parent; elsewhere, nothing."""
    global _learned
    if _learned is None:
        return []
    said, _learned = _learned, []
    return said


def learn(items: Iterable[_Converted]) -> None:
    """Add what a forked worker converted (``learned``) to this process's memo."""
    for key, out in items:
        if key not in _converted and len(_converted) < _MEMO_SIZE:
            _converted[key] = out


def _convert_now(text: str, citing: Citing | None) -> str:
    md = _markdown()
    md.reset()
    md.inlinePatterns["citations"].citing = citing  # type: ignore[attr-defined]
    try:
        return md.convert(strip_control_chars(text))
    except RecursionError:
        # Python-Markdown nests lists by recursion; the validator bounds the depth, so only
        # unvalidated text gets here. Shown as escaped text rather than crashing the build;
        # the instance is left half-way through a parse, so it is replaced.
        _markdown.cache_clear()
        return f"<p>{html.escape(strip_control_chars(text))}</p>"


def render_markdown(text: str | None, citing: Citing | None = None) -> Markup:
    """Entry Markdown → safe HTML (raw HTML escaped, unsafe link schemes removed); with
    ``citing``, its citation markers link to the entry's sources."""
    if not text:
        return Markup("")
    return Markup(_render(text, citing))


def render_inline(text: str | None, citing: Citing | None = None) -> Markup:
    """Like render_markdown, without the wrapping paragraph, for one-line fields."""
    out = str(render_markdown(text, citing))
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return Markup(out)


def plain_text(text: str | None) -> str:
    """Entry Markdown → plain text (for feed summaries, meta descriptions, search snippets)."""
    if not text:
        return ""
    rendered = _render(citations.strip_markers(text))
    no_tags = re.sub(r"<[^>]+>", "", rendered)
    # Stripped after unescaping too: "&#x85;" in the text decodes to a control character.
    return re.sub(r"\s+", " ", strip_control_chars(html.unescape(no_tags))).strip()


# The characters Python-Markdown unescapes after a backslash (Markdown.ESCAPED_CHARS); a
# backslash before any other character would be shown literally.
_MD_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
# Written as entities: they could open a tag or an entity, or split a table cell.
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "|": "&#124;"}


def escape_markdown(text: str | None) -> str:
    """Plain text (a title, a name) → Markdown that renders as exactly that text.

    HTML-sensitive characters become entities and Markdown punctuation is backslash-escaped,
    so nothing in the text can open a tag, a link or emphasis.
    """
    if not text:
        return ""
    text = strip_control_chars(text).replace("\r", " ").replace("\n", " ")
    out = []
    for ch in text:
        if ch in _MD_ENTITIES:
            out.append(_MD_ENTITIES[ch])
        elif ch in _MD_ESCAPABLE:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a
# leading apostrophe makes it text. Tab and carriage return count too (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# And a spreadsheet that splits a line on another character than the comma (";" where the
# comma is the decimal mark, a tab, "|"), or reads a line break inside a value as the end of
# a row, starts a cell after each of them: there too, after any spaces, a formula is guarded.
_CELL_START_RE = re.compile(
    r"(?:^|(?<=[,;\t|\r\n]))( *)(?=[" + re.escape("".join(FORMULA_PREFIXES)) + "])"
)


# Any of them: only then can a cell start a formula (a quick test before _CELL_START_RE's).
_FORMULA_CHAR_RE = re.compile("[" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def csv_cell(value: str | None) -> str:
    """Text safe to open in a spreadsheet, however it splits a line into cells: no control
    characters, and no cell that starts a formula."""
    if not value:
        return ""
    text = strip_control_chars(value)
    return _CELL_START_RE.sub(r"\1'", text) if _FORMULA_CHAR_RE.search(text) else text
