"""Source URLs are URIs as RFC 3986 has them (non-ASCII letters allowed, as RFC 3987 does): a
raw quote, angle bracket, brace or bar is refused, as check-jsonschema with rfc3987 and the
Nu checker refuse it; its percent-encoded form passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.format.fields import URL_PATTERN
from generator.validate.record import collect

EVENT = """\
title: T
date: 2025-01-20
summary: S
sources:
  - url: '{url}'
    title: A
added: 2025-01-21
"""
BASE = "https://peoplenewstoday.com/news/en/2025/01/20/1085321.html.Drive-Away-"


@pytest.mark.parametrize("bad", ['"', "<", ">", "{", "}", "|", "\\", "^", "`"])
def test_a_character_rfc_3986_leaves_out_is_refused(tmp_path: Path, bad: str) -> None:
    url = f"{BASE}{bad}TikTok-Refugees{bad}.html"
    path = tmp_path / "events" / "2025-01-20-a.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(EVENT.format(url=url.replace("'", "''")), encoding="utf-8")
    messages = [p.message for p in collect(tmp_path).problems]
    assert len(messages) == 1 and "must be a full http:// or https:// URL" in messages[0]
    assert not re.search(URL_PATTERN, url)  # what an editor checks with the schema


@pytest.mark.parametrize(
    "good",
    [
        f"{BASE}%22TikTok-Refugees%22.html",
        "https://zh.wikipedia.org/wiki/小红书",
        "https://a.example/x?y=1&z=#f",
    ],
)
def test_encoded_and_non_ascii_urls_pass(tmp_path: Path, good: str) -> None:
    path = tmp_path / "events" / "2025-01-20-a.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(EVENT.format(url=good), encoding="utf-8")
    assert collect(tmp_path).problems == []
    assert re.search(URL_PATTERN, good)


def test_a_percent_sign_that_starts_no_code_is_refused_with_what_to_write(tmp_path: Path) -> None:
    path = tmp_path / "events" / "2025-01-20-a.yaml"
    path.parent.mkdir(parents=True)
    url = "https://example.org/50%-off"
    path.write_text(EVENT.format(url=url), encoding="utf-8")
    assert [p.message for p in collect(tmp_path).problems] == [
        "'sources[0].url': 'https://example.org/50%-off' must be a full http:// or https:// "
        "URL: a % in an address starts a code of two hexadecimal digits (%20 is a space); "
        "write a % sign itself as %25"
    ]
    assert not re.search(URL_PATTERN, url)
    assert re.search(URL_PATTERN, "https://example.org/50%25-off")
