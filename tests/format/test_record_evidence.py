"""The record's evidence, as a reader and a fact-checker see it: real source titles, copies that
say whose copy they are, a citation on every sentence of every event summary, actors' facts
with their sources, and quotes in translation that say so."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from generator.core import citations
from generator.format.corpus import Corpus

# Words that an untitled source's placeholder title was made of.
PLACEHOLDER_RE = re.compile(
    r"title not shown|not shown|from the url|headline not known|\(title|todo", re.IGNORECASE
)
# Outlets whose own site's address does not spell their name (checked by hand).
OWN_SITES = {
    ("Jimu News", "www.ctdsb.net"),  # Jimu News is the Chutian Metropolis Daily's app
    ("Federal Register", "www.govinfo.gov"),  # the Government Publishing Office hosts it
    ("US Government Publishing Office", "www.govinfo.gov"),
    ("Tianshan Net", "english.ts.cn"),
    ("The Washington Post", "wapo.st"),  # the Post's own short links
    ("News.az", "news.az"),
}
_GENERIC = {
    "www",
    "com",
    "org",
    "net",
    "co",
    "uk",
    "cn",
    "gov",
    "edu",
    "news",
    "en",
    "english",
    "m",
}
_STOP = {"the", "of", "and", "for", "a", "on", "in"}


def _looks_like_outlets_site(publisher: str, host: str) -> bool:
    """Whether ``host`` spells ``publisher``'s name: whole, by a word, or by its initials."""
    name = publisher.split(" (")[0]
    words = re.findall(r"[a-z0-9]+", name.lower())
    whole = "".join(words)
    initials = "".join(w[0] for w in words if w not in _STOP)
    every_initial = "".join(w[0] for w in words)  # Voice of Nigeria: von
    for label in (x.replace("-", "") for x in host.lower().split(".") if x not in _GENERIC):
        if len(label) >= 3 and (label in whole or whole in label):
            return True
        if len(initials) >= 2 and (initials in label or every_initial in label):
            return True
        if any(len(w) >= 4 and w in label for w in words if w not in _STOP):
            return True
    return False


def test_no_source_has_a_placeholder_title(record_corpus: Corpus) -> None:
    found = [
        f"{e.id}: {s.title}"
        for e in record_corpus.entries.values()
        for s in e.sources
        if PLACEHOLDER_RE.search(s.title)
    ]
    assert found == []


def test_a_source_on_another_site_than_its_outlets_is_marked_as_a_copy(
    record_corpus: Corpus,
) -> None:
    found = []
    for e in record_corpus.entries.values():
        for s in e.sources:
            host = urlsplit(s.url).hostname or ""
            if s.copy or s.original_url or not s.publisher:
                continue
            own = (s.publisher.split(" (")[0], host) in OWN_SITES
            if not own and not _looks_like_outlets_site(s.publisher, host):
                found.append(f"{e.id}: {s.publisher} at {host}")
    assert found == []


def test_the_copy_check_tells_an_outlets_site_from_a_mirror() -> None:
    assert _looks_like_outlets_site("The Guardian", "www.theguardian.com")
    assert _looks_like_outlets_site("South China Morning Post", "www.scmp.com")
    assert _looks_like_outlets_site("Hindustan Times (Reuters)", "www.hindustantimes.com")
    assert _looks_like_outlets_site("Voice of Nigeria (Reuters)", "von.gov.ng")
    assert not _looks_like_outlets_site("The Guardian", "fight.588886.xyz")
    assert not _looks_like_outlets_site("Bloomberg", "g.dywpk.org.uk")


def test_every_sentence_of_every_event_summary_cites_a_source(record_corpus: Corpus) -> None:
    events = record_corpus.of("event")
    assert len(events) >= 50
    assert {
        e.id: citations.uncited(e.summary) for e in events if citations.uncited(e.summary)
    } == {}


def test_actors_that_state_facts_have_sources_and_cite_them(record_corpus: Corpus) -> None:
    found = [
        a.id
        for a in record_corpus.of("actor")
        if a.description
        and len(citations.sentences(a.description)) > 1
        and not (a.sources and list(citations.markers(a.description)))
    ]
    assert found == []


def test_quotes_known_only_in_translation_say_so(record_corpus: Corpus) -> None:
    rios = record_corpus.entries["quote-venus-rios-english-homework"]
    assert rios.original_lang and rios.original_lang.startswith("zh")
    assert rios.translated_by == "Rest of World"
