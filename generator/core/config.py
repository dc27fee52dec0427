"""Read the project's configuration: mkdocs.yml and the generator's section in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError

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


@dataclass(frozen=True)
class SiteConfig:
    """What the generator needs from mkdocs.yml. ``raw`` is the whole file."""

    path: Path
    site_name: str
    site_url: str | None
    site_description: str
    feed_limit: int = 50
    intro: str = ""  # Markdown: the home page's two or three sentences on what happened
    languages: tuple[str, ...] = ("en",)  # of the entries' text (BCP 47), the interface's first
    search_example: str = ""  # the search box's placeholder: words a reader might look for
    share_image: str = ""  # the image shown with a shared link, by its path in the site
    share_image_alt: str = ""  # what it shows, for readers who cannot see it
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def language_names(self) -> str:
        """The entries' languages as a reader reads them: "English or Chinese"."""
        names = list(dict.fromkeys(_language_name(code) for code in self.languages))
        return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)

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


def _text(record: dict[str, Any], key: str, path: Path, what: str = "text (Markdown)") -> str:
    value = record.get(key) or ""
    if not isinstance(value, str):
        raise ConfigError(f"{path}: extra.record.{key} must be {what}")
    return value


def _language_name(code: str) -> str:
    return Locale.parse(code, sep="-").get_language_name("en") or code


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
    return SiteConfig(
        path=path,
        site_name=str(raw["site_name"]),
        site_url=raw.get("site_url") or None,
        site_description=str(raw.get("site_description") or ""),
        feed_limit=limit,
        intro=_text(record, "intro", path),
        languages=_languages(record, path),
        search_example=_text(record, "search_example", path),
        share_image=_text(record, "share_image", path, "a path, such as assets/share.png"),
        share_image_alt=_text(record, "share_image_alt", path, "text"),
        raw=raw,
    )
