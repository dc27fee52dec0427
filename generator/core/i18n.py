"""The interface's own words in the reader's language: gettext catalogues, dates and numbers."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel import Locale
from babel.dates import format_interval, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from generator.core.dates import PartialDate, display_range

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

# The interface being rendered, per thread (a preview renders pages while its feeds are
# written in another); forked workers inherit it.
_current: ContextVar[str] = ContextVar("interface", default="en")
# Its catalogue, looked up once when the interface is entered: a page asks for hundreds of
# words, and checking the catalogue's file for each took 7 of 63 s in a profile of
# rendering 10,000 entries.
# None outside ``interface``: the words as written.
_catalogue: ContextVar[NullTranslations | None] = ContextVar("catalogue", default=None)
_AS_WRITTEN = NullTranslations()


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Mark ``message`` for the catalogue where it is defined; it is translated where shown."""
    return message


def translations(language: str) -> NullTranslations:
    """The catalogue of ``language`` (``generator/locale/<language>/LC_MESSAGES``), compiled
    from its .po file in memory, again when the file changes (``serve`` keeps running); none
    (the words as written) for English or a language without one."""
    po = catalogue_path(language)
    try:
        changed = po.stat().st_mtime_ns
    except OSError:
        return _AS_WRITTEN
    return _compiled(po, language, changed)


@functools.lru_cache(maxsize=8)
def _compiled(po: Path, language: str, changed: int) -> NullTranslations:
    with po.open("rb") as file:
        catalog = read_po(file, locale=babel_locale(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / babel_locale(language).replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def has_catalogue(language: str) -> bool:
    """Whether the interface can be shown in ``language``: English, or a catalogue exists."""
    return language.split("-")[0] == "en" or catalogue_path(language).is_file()


def available() -> list[str]:
    """The interface's languages: English and each catalogue's."""
    found = (p.parent.parent.name.replace("_", "-") for p in LOCALE_DIR.glob(f"*/*/{DOMAIN}.po"))
    return ["en", *sorted(found)]


def language_name(language: str, in_language: str | None = None) -> str:
    """A language's name in ``in_language`` (by default its own): "中文", "English", "英语"."""
    name = Locale.parse(language, sep="-").get_language_name(babel_locale(in_language or language))
    return name or language


@functools.cache
def babel_locale(language: str) -> str:
    """A BCP 47 tag as Babel names its locale: ``zh`` → ``zh``, ``zh-Hant`` → ``zh_Hant``."""
    return str(Locale.parse(language, sep="-"))


@functools.cache
def locale(language: str) -> Locale:
    """Babel's locale for a BCP 47 tag, made once: Babel's formatting functions parse a name
    they are given on every call (0.5 s of the dates of 10,000 entries in Chinese)."""
    return Locale.parse(babel_locale(language))


def current() -> str:
    """The interface language pages are being rendered in."""
    return _current.get()


@contextmanager
def interface(language: str) -> Iterator[None]:
    """Render in ``language`` until the block ends."""
    token = _current.set(language)
    catalogue = _catalogue.set(translations(language))
    try:
        yield
    finally:
        _catalogue.reset(catalogue)
        _current.reset(token)


def catalogue() -> NullTranslations | None:
    """The catalogue in use (``interface``); None outside one: the words as written."""
    return _catalogue.get()


def gettext(message: str) -> str:
    """``message`` in the current interface's language."""
    return (_catalogue.get() or _AS_WRITTEN).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message, as the current language counts ``n``."""
    return (_catalogue.get() or _AS_WRITTEN).ungettext(singular, plural, n)


def number(n: int | float) -> str:
    """``n`` with the current language's digit grouping: 1,234."""
    return _number(n, _current.get())


@functools.lru_cache(maxsize=4096)
def _number(n: int | float, language: str) -> str:
    return format_decimal(n, locale=locale(language))


def is_english() -> bool:
    return _current.get().split("-")[0] == "en"


def in_interface(language: str | None) -> bool:
    """Whether text in ``language`` is in the interface's language (``zh-Hans`` in ``zh``)."""
    return bool(language) and language.split("-")[0].lower() == _current.get().split("-")[0].lower()


# Dates at their precision, in the reader's language: ``format_date`` skeletons keep
# Chinese "2025年1月13日" and English "13 January 2025" each in its own order.
_SKELETONS = {"year": "y", "month": "yMMMM", "day": "yMMMMd"}


def when(d: PartialDate) -> str:
    """A date at its precision in the current language; English as ``PartialDate.display``."""
    return d.display() if is_english() else _when(d, _current.get())


def when_range(start: PartialDate, end: PartialDate | None) -> str:
    """A date or a range in the current language, as CLDR writes it: "2025年1月10日 – 17日"."""
    if is_english():
        return display_range(start, end)
    return _when_range(start, end, _current.get(), _catalogue.get() or _AS_WRITTEN)


# Babel reads CLDR's patterns on each call, and a timeline writes the same dates many times.
@functools.lru_cache(maxsize=16384)
def _when(d: PartialDate, language: str) -> str:
    where = locale(language)
    skeleton = _SKELETONS["day" if d.precision == "datetime" else d.precision]
    text = format_skeleton(skeleton, d.start, locale=where)
    if d.moment is not None:
        offset = d.display().rsplit(" ", 1)[-1]  # "UTC", "UTC+08:00": the same in any language
        text += f" {format_time(d.moment, 'HH:mm', locale=where)} {offset}"
    return text


@functools.lru_cache(maxsize=16384)  # per catalogue too: `serve` reads an edited one
def _when_range(
    start: PartialDate, end: PartialDate | None, language: str, catalogue: NullTranslations
) -> str:
    if end is None or end.text == start.text:
        return _when(start, language)
    if start.precision == end.precision and start.precision in ("year", "month", "day"):
        skeleton = _SKELETONS[start.precision]
        return format_interval(start.start, end.end, skeleton, locale=locale(language))
    return catalogue.ugettext(N_("%(start)s – %(end)s")) % {
        "start": _when(start, language),
        "end": _when(end, language),
    }
