"""Generated pages that need no Markdown pass: headings over HTML blocks, converted here."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, strip_tags, unique
from markdown.util import BLOCK_LEVEL_ELEMENTS

# Python-Markdown's tab length and its whitespace normalisation (NormalizeWhitespace).
_TAB_LENGTH = 4
_BLANK_WITH_SPACES_RE = re.compile(r"(?<=\n) +\n")

_HEADING_RE = re.compile(r"(#{1,6}) +(\S.*?) *")
# Heading text whose inline Markdown is only backslash escapes (of characters that need no
# HTML escaping) and entities: what the `md` filter writes; and <span> tags with plain
# attributes, which mark text in another language than the interface's. Anything else falls
# back.
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_PLAIN_TEXT_RE = re.compile(
    r"(?:\\[\\`*_{}\[\]()#+\-.!]|&(?:[a-zA-Z0-9]+|#[0-9]+|#[xX][0-9a-fA-F]+);"
    r'|<span(?: [a-z-]+="[A-Za-z0-9 _-]*")*>|</span>|[^\\&<>*_`\[\]!{}#])+'
)
_ATTR_LIST_RE = re.compile(r" +\{:?([^}\n]*)\} *$")
_ATTR_TOKEN_RE = re.compile(r'#([A-Za-z0-9_-]+)|([a-z][a-z0-9-]*)(?:="([A-Za-z0-9_.-]*)")?')
_BLOCK_START_RE = re.compile(r"<([a-z][a-z0-9]*)(?=[\s>])")
# Elements whose end the block scan could not find by counting tags: void or raw-text ones.
_NOT_COUNTABLE = frozenset({"hr", "script", "style", "textarea", "math", "html", "body"})
_BLOCK_TAGS = frozenset(BLOCK_LEVEL_ELEMENTS) - _NOT_COUNTABLE
# Ids in raw HTML, which MkDocs collects with an HTML parser (attribute values unescaped).
_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*)?>")
_ATTR_RE = re.compile(r"""\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)\"""")

PERMALINK = '<a class="headerlink" href="#{id}" title="Permanent link">&para;</a>'


@dataclass
class Converted:
    """What MkDocs' Page.render sets, for a page converted here."""

    content: str
    toc_tokens: list[dict[str, Any]]
    title: str | None
    anchor_ids: set[str] = field(default_factory=set)


def convert(markdown: str) -> Converted | None:
    """The page as MkDocs would render it, or None if it is not only headings and HTML."""
    if "\x02" in markdown or "\x03" in markdown:
        return None  # Python-Markdown's placeholders
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").expandtabs(_TAB_LENGTH)
    lines = _BLANK_WITH_SPACES_RE.sub("\n", text + "\n\n").split("\n")
    out: list[str] = []
    tokens: list[dict[str, Any]] = []
    used = _explicit_ids(lines)
    counters: dict[str, int] = {}
    anchors: set[str] = set()
    title: str | None = None
    first = True
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line:
            i += 1
            continue
        if i > 0 and lines[i - 1]:
            return None  # a block that does not follow a blank line
        if line.startswith("#"):
            heading = _heading(line, used, counters)
            if heading is None:
                return None
            html_text, token = heading
            out.append(html_text + "\n")
            tokens.append(token)
            anchors.add(token["id"])
            if first and token["level"] == 1:
                title = token["name"]
            i += 1
        elif line.startswith("<"):
            end = _block_end(lines, i)
            # Elements on consecutive lines are one raw block for Python-Markdown.
            while end is not None and lines[end + 1]:
                end = _block_end(lines, end + 1)
            if end is None:
                return None
            block = "\n".join(lines[i : end + 1])
            out.append(block + "\n\n")
            anchors.update(_raw_anchor_ids(block))
            i = end + 1
        else:
            return None
        first = False
    tokens = nest_toc_tokens(tokens)
    return Converted("".join(out).strip(), tokens, title, anchors)


def _heading(
    line: str, used: set[str], counters: dict[str, int]
) -> tuple[str, dict[str, Any]] | None:
    match = _HEADING_RE.fullmatch(line)
    if match is None:
        return None
    text, attrs = _heading_attrs(match.group(2))
    # Python-Markdown strips every kind of whitespace from a heading's ends (str.strip).
    if attrs is None or text != text.strip() or not _PLAIN_TEXT_RE.fullmatch(text):
        return None
    level = len(match.group(1))
    inner = _ESCAPE_RE.sub(r"\1", text)
    name = strip_tags(inner)
    if "id" not in attrs:
        attrs["id"] = unique(slugify(html.unescape(name), "-"), used, counters)
    anchor = attrs["id"]
    token = {"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": ""}
    # Python-Markdown's serializer writes attributes sorted, a value-less one bare.
    shown = "".join(
        f" {key}" if value is None else f' {key}="{value}"' for key, value in sorted(attrs.items())
    )
    permalink = PERMALINK.format(id=anchor)
    return f"<h{level}{shown}>{inner}{permalink}</h{level}>", token


def _heading_attrs(text: str) -> tuple[str, dict[str, str | None] | None]:
    """Heading text without its ``{ #id key="value" key }`` (attr_list), and those attributes;
    None for attributes this module does not reproduce (classes, quoting, odd characters)."""
    match = _ATTR_LIST_RE.search(text)
    if match is None:
        return text, {}
    attrs: dict[str, str | None] = {}
    for token in match.group(1).split():
        if simple := _ATTR_TOKEN_RE.fullmatch(token):
            anchor, key, value = simple.groups()
            if anchor:
                attrs["id"] = anchor
            elif value is None or value != key:
                attrs[key] = value
            else:
                return text, None
        else:
            return text, None
    return text[: match.start()], attrs


def _explicit_ids(lines: list[str]) -> set[str]:
    """Ids that headings set themselves: the TOC counts them as taken from the start."""
    ids = set()
    for line in lines:
        if line.startswith("#") and "{" in line:
            heading = _HEADING_RE.fullmatch(line)
            attrs = _heading_attrs(heading.group(2))[1] if heading else None
            if attrs and "id" in attrs:
                ids.add(attrs["id"])
    return ids


def _block_end(lines: list[str], start: int) -> int | None:
    """The index of the line that closes the HTML element opened on ``lines[start]``."""
    match = _BLOCK_START_RE.match(lines[start])
    if match is None or match.group(1) not in _BLOCK_TAGS:
        return None
    tag = match.group(1)
    opens = re.compile(rf"<{tag}(?=[\s>])")
    closes = re.compile(rf"</{tag}>")
    depth = 0
    for i in range(start, len(lines)):
        line = lines[i]
        depth += len(opens.findall(line)) - len(closes.findall(line))
        if depth <= 0:
            if depth < 0 or not line.endswith(f"</{tag}>"):
                return None
            return i
    return None


def _raw_anchor_ids(block: str) -> set[str]:
    """The ``id`` of any element and the ``name`` of any ``<a>``, as MkDocs collects them."""
    found = set()
    for tag, attrs in _TAG_RE.findall(block):
        if not attrs:
            continue
        for key, value in _ATTR_RE.findall(attrs):
            key = key.lower()
            if key == "id" or (key == "name" and tag.lower() == "a"):
                found.add(html.unescape(value))
    return found
