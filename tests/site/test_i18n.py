"""The interface's words are translated: every message the templates and code mark has a
translation in every catalogue, and no English is left unmarked in an interface template."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from generator.core import i18n
from generator.site import render

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "generator"
TEMPLATES = GENERATOR / "templates"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "count": (2, 3)}
LANGUAGES = [language for language in i18n.available() if language != "en"]


def marked() -> dict[str, set[str]]:
    """Every message marked for translation (its msgid, the plural's too) → where it is."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    found: dict[str, set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        GENERATOR, method_map, options_map, keywords=KEYWORDS
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.setdefault(text, set()).add(filename)
    return found


def catalogue(language: str):  # type: ignore[no-untyped-def]
    with i18n.catalogue_path(language).open("rb") as file:
        return read_po(file, locale=i18n.babel_locale(language))


def test_there_is_a_chinese_catalogue() -> None:
    assert "zh" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_translated(language: str) -> None:
    cat = catalogue(language)
    missing = []
    for msgid, where in sorted(marked().items()):
        message = cat.get(msgid)
        if message is None:  # a plural's second form is the key of its first
            message = next((m for m in cat if isinstance(m.id, tuple) and msgid in m.id), None)
        strings = message.string if message else None
        texts = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(texts):
            missing.append(f"{msgid!r} ({', '.join(sorted(where))})")
    assert not missing, (
        f"run `make messages`, then translate these in {i18n.catalogue_path(language)}:\n"
        + "\n".join(missing)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_only_what_is_marked(language: str) -> None:
    used = marked()
    stale = [
        repr(m.id)
        for m in catalogue(language)
        if m.id and (m.id[0] if m.pluralizable else m.id) not in used
    ]
    assert not stale, "no longer in the templates or code; run `make messages`:\n" + "\n".join(
        stale
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    problems = [
        f"{message.id!r}: {'; '.join(map(str, errors))}"
        for message, errors in catalogue(language).check()
    ]
    assert not problems, "\n".join(problems)


# --- no English left unmarked in a template ----------------------------------------------------

# The interface templates: what babel.cfg extracts from, less what is not read as words.
NOT_WORDS = ("sitemap", "events.json", "filters.json")
# Names that are the same in every language.
NAMES = {"RSS", "Atom", "JSON", "CSV", "APA", "BibTeX", "URL", "ID", "CC", "BY", "SPDX", "ListItem"}
HUMAN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
# Templates whose words are not marked yet (issue 31 in progress): this set only shrinks.
NOT_YET: set[str] = set()
# Names of things, the same in every language.
PHRASES = ("JSON Feed", "Material for MkDocs")


def interface_templates() -> list[str]:
    names = []
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not path.is_file() or name.startswith(("init/", "theme/assets/")):
            continue
        if not name.endswith((".j2", ".html")):  # a stylesheet, say
            continue
        if (
            "/init/" in name
            or name.endswith("skeleton.yaml.j2")
            or any(n in name for n in NOT_WORDS)
        ):
            continue
        names.append(name)
    return names


def unmarked_words(source: str) -> list[str]:
    """The English words of a template that no gettext call or trans block holds."""
    env = render.make_environment()
    text: list[str] = []
    depth = 0  # inside {% trans %} … {% endtrans %}
    tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    for i, (_line, kind, value) in enumerate(tokens):
        if kind == "name" and i and tokens[i - 1][1] == "block_begin":
            depth += (value == "trans") - (value == "endtrans")
        elif kind == "data" and not depth:
            text.append(value)
        elif kind in ("variable_begin", "block_begin") and not depth:
            text.append("\x00")
        elif kind == "string" and not depth and _prose(value[1:-1]) and not _in_call(tokens, i):
            text.append(f" {value[1:-1]} ")
    joined = "".join(text)
    joined = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", joined)
    joined = re.sub(r"(?s)<!--.*?-->", " ", joined)
    joined = re.sub(r"\b[a-z][\w-]*='[^']*'", " ", joined)  # an attribute a macro writes
    kept = []
    for tag in re.finditer(r"<[^>]*>", joined):
        for attr in HUMAN_ATTRIBUTES:
            kept += re.findall(rf'\s{attr}="([^"]*)"', tag.group())
    joined = re.sub(r"<[^>]*>", " ", joined) + " " + " ".join(kept)
    joined = re.sub(r"\]\([^)]*\)", "] ", joined)  # a Markdown link's target
    joined = re.sub(r"\[[^\]\s]*/[^\]\s]*\]", " ", joined)  # a link named by its path
    joined = re.sub(r"`[^`\n]*`", " ", joined)  # code: names and values, not words
    # attribute lists: { #id .class }, and { data-record-x } (a bare attribute's name)
    joined = re.sub(r"\{\s*(?:[:.#]|[a-z]+-[a-z-]+)[^}]*\}", " ", joined)
    # front matter: its keys, and values that are names (og_type: article; hide: - toc)
    joined = re.sub(r"(?m)(^|\x00)\s*[a-z_]+:(\s*[a-z_]+\s*$)?", " ", joined)
    joined = re.sub(r"(?m)^\s*- [a-z_]+\s*$", " ", joined)
    joined = re.sub(r"&[a-z]+;|&#\d+;", " ", joined)
    for phrase in PHRASES:
        joined = joined.replace(phrase, " ")
    return [w for w in re.findall(r"[A-Za-z][A-Za-z’']+", joined) if w not in NAMES]


def _prose(value: str) -> bool:
    """Whether a string in an expression reads as words, not a class, a key or markup."""
    if re.search(r"[=<>\"/_#{}%]|\w-\w", value) or not re.search(r"[A-Za-z]{2,}", value):
        return False
    if " " not in value and re.search(r"\w\.\w", value):  # an attribute's path: KIND.feed
        return False
    return " " in value.strip() or value[:1].isupper()


def _in_call(tokens: list, i: int) -> bool:
    """Whether the string at ``i`` is an argument of _, gettext, ngettext or count."""
    depth = 0
    for _line, kind, value in reversed(tokens[:i]):
        if kind == "rparen":
            depth += 1
        elif kind == "lparen":
            if depth == 0:
                continue
            depth -= 1
        elif kind in ("variable_begin", "block_begin"):
            return False
        elif kind == "name" and depth == 0 and value in KEYWORDS:
            return True
    return False


@pytest.mark.parametrize("name", interface_templates())
def test_no_english_is_left_unmarked(name: str) -> None:
    words = unmarked_words((TEMPLATES / name).read_text(encoding="utf-8"))
    if name in NOT_YET:
        assert words, f"{name} is marked now: take it out of NOT_YET"
        return
    assert not words, f"{name}: mark these for translation ({{{{ _('…') }}}}): {words}"


def test_the_check_finds_unmarked_words() -> None:
    source = (
        '<p title="Open it">Hello {{ name }}</p>{{ _("Marked") }}'
        "{% trans %}Also marked{% endtrans %}{{ m.x('Label here') }}[Go](x.md){: #a }"
    )
    assert unmarked_words(source) == ["Hello", "Label", "here", "Go", "Open", "it"]


def test_the_check_leaves_out_code_paths_and_attribute_names() -> None:
    source = (
        "See `tag:x` in [api/{{ k }}.json]({{ u }}) "
        '{{ rows|selectattr("KIND.feed")|list }}[Read more](x.md)'
    )
    assert unmarked_words(source) == ["See", "in", "Read", "more"]


def test_an_edited_catalogue_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `serve` keeps running while a translator edits the .po: its next build reads the new words,
    # and the preview watches the catalogues' folder.
    from generator.tools.serve import watched_paths

    po = tmp_path / "zh" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "Sources"\nmsgstr "来源"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    with i18n.interface("zh"):
        assert i18n.gettext("Sources") == "来源"
        po.write_text('msgid ""\nmsgstr ""\n\nmsgid "Sources"\nmsgstr "出处"\n', encoding="utf-8")
        os.utime(po, ns=(po.stat().st_atime_ns, po.stat().st_mtime_ns + 10**9))
        # A build reads the catalogue once, when it starts rendering in the language.
        assert i18n.gettext("Sources") == "来源"
    with i18n.interface("zh"):
        assert i18n.gettext("Sources") == "出处"
    monkeypatch.undo()
    assert i18n.LOCALE_DIR in watched_paths(tmp_path, tmp_path / "mkdocs.yml", tmp_path)
