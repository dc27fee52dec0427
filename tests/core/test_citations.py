"""Citation markers and sentences, as the validator and the pages read them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.core import citations, markup
from generator.core.markup import plain_text, render_inline, render_markdown


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Dark.[2] Back.[1, 3]", [(2,), (1, 3)]),
        ("See [the report](https://example.org) and [the law][1].", []),
        ("[1]: https://example.org is a reference definition", []),
        (r"An escaped \[2] is text.", []),
        ("Year [2025] is not a source number of three digits or fewer? It is: [12]", [(12,)]),
    ],
)
def test_markers(text: str, found: list[tuple[int, ...]]) -> None:
    assert [m.numbers for m in citations.markers(text)] == found


def test_sentences_keep_abbreviations_initials_and_chinese() -> None:
    text = (
        "The U.S. Supreme Court heard TikTok Inc. v. Garland on 10 Jan. 2025.[1] "
        'Donald J. Trump said "no."[2] 应用下架。[3]第二句。'
    )
    assert citations.sentences(text) == [
        "The U.S. Supreme Court heard TikTok Inc. v. Garland on 10 Jan. 2025.[1]",
        'Donald J. Trump said "no."[2]',
        "应用下架。[3]",
        "第二句。",
    ]
    assert citations.uncited(text) == ["第二句。"]


def test_list_items_and_paragraphs_end_sentences_and_headings_are_not_sentences() -> None:
    text = (
        "## Key points\n\nThe law:\n- bans apps[1]\n- 270 days[2]\n\nLast one\n\n[r]: https://a.b"
    )
    assert citations.sentences(text) == ["The law:", "bans apps[1]", "270 days[2]", "Last one"]


def test_markers_link_to_the_numbered_sources_only_when_rendered_for_an_entry() -> None:
    html = render_markdown("Dark.[1, 2]", ("../x/", ("One (AP)", "Two")))
    assert html == (
        '<p>Dark.<sup class="record-cite">\u2060[<a aria-label="source 1" href="../x/#source-1" '
        'title="One (AP)">1</a>, <a aria-label="source 2" href="../x/#source-2" '
        'title="Two">2</a>]</sup></p>'
    )
    assert render_markdown("Dark.[1]") == "<p>Dark.[1]</p>"
    assert 'href="#source-1"' in render_inline("Dark.[1]", ("", ("One",)))
    assert plain_text("Dark.[1] Back.[2]") == "Dark. Back."


def test_where_text_cites_nothing_a_numbered_reference_link_is_still_a_link() -> None:
    text = "See [1].\n\n[1]: https://example.org/x"
    assert render_markdown(text) == (
        '<p>See <a href="https://example.org/x" rel="nofollow noopener">1</a>.</p>'
    )


# Addresses citations may lead to: relative ones, absolute ones (a feed's), and ones with
# characters an attribute must escape or that make the address unsafe.
_BASES = st.one_of(
    st.text(alphabet="abz09._~/%-:?#&\"'<> ", max_size=12),
    st.builds(
        "{}://{}{}".format,
        st.sampled_from(["http", "https", "HTTPS", "javascript", "ftp"]),
        st.text(alphabet="ab09.-:@", min_size=1, max_size=10),
        st.text(alphabet='ab/%-._~?&"', max_size=10),
    ),
    st.just("//example.org/a/"),
)
_TEXTS = st.sampled_from(
    ["Said so.[1]", "Two.[1, 2] [the law](https://example.org/law)", "No marker.", "[3] first"]
)


@given(text=_TEXTS, base=_BASES)
def test_a_citation_address_put_in_after_converting_is_what_converting_with_it_gives(
    text: str, base: str
) -> None:
    # The text is converted once with a stand-in address (relative or absolute) when the
    # real one needs no escaping, and the real one put in its place.
    citing = (base, ("First (Outlet)", "Second"))
    assert str(render_markdown(text, citing)) == markup._convert_now(text, citing)
