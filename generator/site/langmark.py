"""Chinese inside other text marked with its language, so screen readers and fonts follow it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from generator.core.markup import HAN, written_in_han

# CJK punctuation and full-width forms, Chinese even alone ("full-width ，（）"); the middle
# dot only inside a run of Han (it is English punctuation too).
_PUNCT = "\u3000-\u303f\uff00-\uffef"
RUN_RE = re.compile(f"[{HAN}{_PUNCT}](?:[{HAN}{_PUNCT}\u00b7]*[{HAN}{_PUNCT}])?")
# Elements whose text is not shown as such, and a lang attribute (its tag found from there).
_RAW_RE = re.compile(r"<(script|style|textarea|title)\b.*?</\1\s*>", re.S | re.I)
_LANG_RE = re.compile(r"\slang\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))", re.I)
_NAME_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
NO_BREAK = 16  # a run this short (a name, a term) is kept on one line


def _in_tag(html: str, at: int) -> bool:
    """Whether ``at`` is inside a tag (an attribute's value), not in text."""
    return html.rfind("<", 0, at) > html.rfind(">", 0, at)


def _element_end(html: str, name: str, start: int) -> int:
    """Where the element whose start tag ends at ``start`` ends (its end tag's end)."""
    depth = 1
    pattern = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*>", re.I)
    for m in pattern.finditer(html, start):
        if m.group(1):
            depth -= 1
            if depth == 0:
                return m.end()
        elif not m.group(0).endswith("/>"):
            depth += 1
    return len(html)


def _lang_attributes(html: str) -> Iterator[re.Match[str]]:
    """``_LANG_RE.finditer(html)``, in a third of the time on a whole page.

    A match starts at white space followed by "lang" in any case. Python's regular
    expressions jump ahead quickly only to a literal written in one case, so the candidates
    are found in ``html.lower()``, whose indices are those of ``html`` when lowering kept its
    length (no character of "lang" comes from lowering any other). Each is matched where it
    stands, as finditer would, resuming after the last match.
    """
    lowered = html.lower()
    if len(lowered) != len(html):  # a character that lowers to two ("İ"): indices differ
        yield from _LANG_RE.finditer(html)
        return
    resume = 0
    at = lowered.find("lang", 1)
    while at != -1:
        if at - 1 >= resume and (m := _LANG_RE.match(html, at - 1)):
            yield m
            resume = m.end()
        at = lowered.find("lang", max(at + 1, resume + 1))


def _languages(html: str) -> list[tuple[int, int, bool]]:
    """Each element with a lang attribute: where it starts and ends, and if it is Chinese."""
    found = []
    for m in _lang_attributes(html):
        tag_start = html.rfind("<", 0, m.start())
        name = _NAME_RE.match(html, tag_start) if _in_tag(html, m.start()) else None
        if name is None:
            continue
        tag_end = html.find(">", m.end())
        value = next(g for g in m.groups() if g is not None)
        tag = name.group(1).lower()
        end = len(html) if tag == "html" else _element_end(html, tag, tag_end + 1)
        found.append((tag_start, end, written_in_han(value)))
    return found


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping (nested) spans as one, in order."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def mark_chinese(html: str, lang: str = "zh") -> str:
    """``html`` with each run of Han characters (or of CJK punctuation) in text whose
    language is not Chinese, or another language written in Han, wrapped in
    ``<span lang="zh">``; short runs are also kept from breaking across lines. Attributes,
    scripts, styles and titles are left as they are. Regular expressions find the runs and
    the elements with a language, so that a page costs about as much as reading it."""
    langs = _languages(html)
    if langs and langs[0][1] == len(html) and langs[0][2]:
        # A page in Chinese: only runs inside elements of another language can need a mark.
        runs = [
            m
            for a, b in _merged(x[:2] for x in langs if not x[2])
            for m in RUN_RE.finditer(html, a, b)
        ]
    else:
        runs = list(RUN_RE.finditer(html))
    if not runs:
        return html
    raw = [m.span() for m in _RAW_RE.finditer(html)]
    out: list[str] = []
    at = 0
    for m in runs:
        where = m.start()
        if _in_tag(html, where) or any(a <= where < b for a, b in raw):
            continue
        inner = max((x for x in langs if x[0] <= where < x[1]), default=None)
        if inner is not None and inner[2]:
            continue
        run = m.group(0)
        keep = ' class="record-nobreak"' if len(run) <= NO_BREAK else ""
        out.append(html[at:where])
        out.append(f'<span lang="{lang}"{keep}>{run}</span>')
        at = m.end()
    out.append(html[at:])
    return "".join(out)
