"""Ready citations of an entry: APA (7th edition, a web page by a group author) and BibTeX."""

from __future__ import annotations

import re

from generator.core.config import SiteConfig
from generator.core.markup import strip_control_chars
from generator.format.model import Entry

# BibTeX's special characters, and how to write each as text.
_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def permalink(entry: Entry, config: SiteConfig) -> str:
    """The entry's permanent, absolute address (relative when the site has no site_url)."""
    if not config.site_url:
        return "/" + entry.url
    return config.require_site_url() + entry.url


def apa(entry: Entry, config: SiteConfig) -> str:
    """``Site. (2026, November 25). Title. https://…``: the author is the site, which APA
    then leaves out as the site's name; the date is the day the entry last changed."""
    day = entry.last_modified
    when = f"{day.year}, {day:%B} {day.day}"
    title = _one_line(entry.title)
    end = "" if title.endswith(("?", "!", ".")) else "."
    return f"{_one_line(config.site_name)}. ({when}). {title}{end} {permalink(entry, config)}"


def bibtex(entry: Entry, config: SiteConfig) -> str:
    """A ``@misc`` record, with the title's case kept as written (double braces)."""
    day = entry.last_modified
    key = re.sub(r"[^a-z0-9]+", "-", config.site_name.lower()).strip("-") or "record"
    fields = [
        ("author", "{" + _escape(config.site_name) + "}"),
        ("title", "{" + _escape(entry.title) + "}"),
        ("year", str(day.year)),
        ("month", _MONTHS[day.month - 1]),
        ("url", permalink(entry, config)),
        ("note", f"{entry.KIND.label}, last updated {day.isoformat()}"),
    ]
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{key}:{entry.id},\n{body}\n}}"


def _one_line(text: str) -> str:
    return " ".join(strip_control_chars(text).split())


def _escape(text: str) -> str:
    return _BIBTEX_RE.sub(lambda m: _BIBTEX[m.group()], _one_line(text))
