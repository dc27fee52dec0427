"""Read the project's configuration: mkdocs.yml and the generator's section in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import yaml
from babel import Locale, UnknownLocaleError

from generator.core import i18n
from generator.core.errors import ConfigError


def repo_root() -> Path:
    """The knowledge base's folder: where the command runs, never where the tool is installed."""
    return Path.cwd()


def default_entries_dir() -> Path:
    return repo_root() / "entries"


class _TolerantLoader(yaml.SafeLoader):
    """Safe loader that keeps MkDocs' custom tags (``!ENV``, ``!relative``) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


@dataclass(frozen=True, kw_only=True)
class Licence:
    """The licence the open data is published under (``extra.record.data_licence``)."""

    name: str  # its identifier at the Open Definition / SPDX: "CC-BY-4.0"
    path: str  # the address of its text
    title: str  # as readers read it: "Creative Commons Attribution 4.0"

    def descriptor(self) -> dict[str, str]:
        """As Data Packages and the JSON files state it: ``{name, path, title}``."""
        return {"name": self.name, "path": self.path, "title": self.title}


@dataclass(frozen=True)
class SiteConfig:
    """What the generator needs from mkdocs.yml. ``raw`` is the whole file."""

    path: Path
    site_name: str
    site_url: str | None
    site_description: str
    copyright: str = ""  # the footer's line (mkdocs.yml's copyright)
    feed_limit: int = 50
    intro: str = ""  # Markdown: the home page's two or three sentences on what happened
    languages: tuple[str, ...] = ("en",)  # of the entries' text (BCP 47), the interface's first
    search_example: str = ""  # the search box's placeholder: words a reader might look for
    # Where readers report a mistake: each entry page links here, the entry's address added
    # as `entry=` (a GitHub issue form fills its field of that id from the URL).
    correction_form: str = ""
    data_licence: Licence | None = None  # of the open data; None: not stated (builds warn)
    share_image: str = ""  # the image shown with a shared link, by its path in the site
    share_image_alt: str = ""  # what it shows, for readers who cannot see it
    # The interface's languages (BCP 47): the first at the site's root, each other under
    # /<language>/; and the one this configuration renders (``for_interface``).
    interfaces: tuple[str, ...] = ("en",)
    interface: str = "en"
    # Settings written in another interface's language: {"zh": {"intro": …}}.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def for_interface(self, language: str) -> SiteConfig:
        """This configuration as the interface in ``language`` reads it (its own intro…)."""
        own = self.translations.get(language, {})
        return replace(
            self,
            interface=language,
            **{key: own[key] for key in TRANSLATED if key in own},
        )

    def interface_root(self, language: str | None = None) -> str:
        """Where an interface's pages are, relative to the site's root: "" or "zh/"."""
        language = language or self.interface
        return "" if language == self.interfaces[0] else f"{language}/"

    def correction_link(self, entry_url: str, title: str) -> str:
        """The correction form, pre-filled with the entry's address and a title naming it."""
        if not self.correction_form:
            return ""
        query = urlencode({"entry": entry_url, "title": f"[Correction] {title}"})
        return f"{self.correction_form}{'&' if '?' in self.correction_form else '?'}{query}"

    @property
    def root(self) -> Path:
        return self.path.parent

    def require_site_url(self) -> str:
        """The absolute base URL, ending in a slash; feeds and data cannot be built without it."""
        if not self.site_url:
            raise ConfigError(
                f"{self.path}: 'site_url' is not set. Feeds and the dataset need absolute links; "
                "add for example `site_url: https://example.org/record/` to mkdocs.yml"
            )
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"


# The settings an interface may have in its own language (``extra.record.translations``).
TRANSLATED = ("site_description", "copyright", "intro", "search_example")


def _interfaces(record: dict[str, Any], path: Path, languages: tuple[str, ...]) -> tuple[str, ...]:
    value = record.get("interfaces", [languages[0]])
    if isinstance(value, str):
        value = [value]
    where = f"{path}: extra.record.interfaces"
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of language codes, such as [en, zh]")
    if len(set(value)) != len(value):
        raise ConfigError(f"{where} names a language twice")
    for code in value:
        if not is_language(code):
            raise ConfigError(
                f"{where}: {code!r} is not a language code (BCP 47, such as en or zh)"
            )
        if not i18n.has_catalogue(code):
            raise ConfigError(
                f"{where}: the generator's interface has not been translated into {code!r}; "
                f"it has: {', '.join(i18n.available())}"
            )
    return tuple(value)


def _translations(
    record: dict[str, Any], path: Path, interfaces: tuple[str, ...]
) -> dict[str, dict[str, str]]:
    value = record.get("translations") or {}
    where = f"{path}: extra.record.translations"
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must map an interface's language to its settings")
    result: dict[str, dict[str, str]] = {}
    for language, settings in value.items():
        if language not in interfaces[1:]:
            raise ConfigError(
                f"{where}: {language!r} is not one of the other interfaces in "
                f"extra.record.interfaces ({', '.join(interfaces[1:]) or 'none'})"
            )
        if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
            raise ConfigError(f"{where}.{language} must map settings to text")
        unknown = sorted(set(settings) - set(TRANSLATED))
        if unknown:
            raise ConfigError(
                f"{where}.{language}: {', '.join(unknown)} cannot be translated here; "
                f"these can: {', '.join(TRANSLATED)}"
            )
        result[language] = dict(settings)
    return result


def _text(record: dict[str, Any], key: str, path: Path, what: str = "text (Markdown)") -> str:
    value = record.get(key) or ""
    if not isinstance(value, str):
        raise ConfigError(f"{path}: extra.record.{key} must be {what}")
    return value


def _form_url(record: dict[str, Any], path: Path) -> str:
    value = _text(record, "correction_form", path).strip()
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment):
        raise ConfigError(
            f"{path}: extra.record.correction_form must be a web address without a #fragment, "
            "such as https://github.com/OWNER/REPO/issues/new?template=correction.yml"
        )
    return value


def _languages(record: dict[str, Any], path: Path) -> tuple[str, ...]:
    value = record.get("languages", ["en"])
    if isinstance(value, str):
        value = [value]
    where = f"{path}: extra.record.languages"
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of language codes, such as [en, zh]")
    for code in value:
        if not is_language(code):
            raise ConfigError(
                f"{where}: {code!r} is not a language code (BCP 47, such as en, zh or zh-Hant)"
            )
    return tuple(value)


def is_language(code: str) -> bool:
    """Whether ``code`` names a language Babel knows (BCP 47: ``en``, ``zh-Hant``)."""
    try:
        Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


_LICENCE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
LICENCE_EXAMPLE = (
    "data_licence: {name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/, "
    "title: Creative Commons Attribution 4.0}"
)


def _licence(record: dict[str, Any], path: Path) -> Licence | None:
    value = record.get("data_licence")
    if value is None:
        return None
    where = f"{path}: extra.record.data_licence"
    if not isinstance(value, dict) or not set(value) <= {"name", "path", "title"}:
        raise ConfigError(
            f"{where} must be a mapping of name, path and title, for example `{LICENCE_EXAMPLE}`"
        )
    name, url, title = value.get("name"), value.get("path"), value.get("title", value.get("name"))
    if not isinstance(name, str) or not _LICENCE_ID_RE.match(name):
        raise ConfigError(
            f"{where}.name {name!r} is not a licence identifier; use its SPDX id, such as "
            "CC-BY-4.0, CC0-1.0 or ODbL-1.0"
        )
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{where}.path {url!r} is not an http(s) address; give the address of the "
            "licence's text, such as https://creativecommons.org/licenses/by/4.0/"
        )
    if not isinstance(title, str) or not title.strip():
        raise ConfigError(f"{where}.title must be text: the licence's name as readers read it")
    return Licence(name=name, path=url, title=title.strip())


def load_config(path: Path | None = None) -> SiteConfig:
    path = path or repo_root() / "mkdocs.yml"
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file; the site needs a mkdocs.yml") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    record = (raw.get("extra") or {}).get("record") or {}
    limit = record.get("feed_limit", 50)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ConfigError(f"{path}: extra.record.feed_limit must be a whole number above 0")
    if not raw.get("site_name"):
        raise ConfigError(
            f"{path}: 'site_name' is not set; give the site's name, as readers see it"
        )
    languages = _languages(record, path)
    interfaces = _interfaces(record, path, languages)
    return SiteConfig(
        path=path,
        site_name=str(raw["site_name"]),
        site_url=raw.get("site_url") or None,
        site_description=str(raw.get("site_description") or ""),
        copyright=str(raw.get("copyright") or ""),
        feed_limit=limit,
        intro=_text(record, "intro", path),
        languages=languages,
        search_example=_text(record, "search_example", path),
        correction_form=_form_url(record, path),
        data_licence=_licence(record, path),
        share_image=_text(record, "share_image", path, "a path, such as assets/share.png"),
        share_image_alt=_text(record, "share_image_alt", path, "text"),
        interfaces=interfaces,
        interface=interfaces[0],
        translations=_translations(record, path, interfaces),
        raw=raw,
    )
