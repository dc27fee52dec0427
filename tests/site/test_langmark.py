"""Chinese inside other text gets its language (generator/site/langmark.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.site import langmark
from generator.site.langmark import NO_BREAK, mark_chinese

SHORT = '<span lang="zh" class="record-nobreak">'


def test_a_chinese_name_in_english_text_is_marked_and_kept_whole() -> None:
    html = '<html lang="en"><p>Xiaohongshu (小红书) and ZOL（中关村在线）</p></html>'
    assert mark_chinese(html) == (
        f'<html lang="en"><p>Xiaohongshu ({SHORT}小红书</span>) and '
        f"ZOL{SHORT}（中关村在线）</span></p></html>"
    )


def test_a_long_run_is_marked_but_may_break() -> None:
    long = "这是一个很长的中文句子，它可以在任何地方换行，因为它很长。"
    assert len(long) > NO_BREAK
    assert mark_chinese(f"<p>{long}</p>") == f'<p><span lang="zh">{long}</span></p>'


def test_chinese_punctuation_alone_is_chinese_but_a_middle_dot_is_not() -> None:
    assert mark_chinese("<p>full-width ，（）</p>") == f"<p>full-width {SHORT}，（）</span></p>"
    assert mark_chinese("<p>Atom · RSS</p>") == "<p>Atom · RSS</p>"
    assert mark_chinese("<p>胡锡进·评论</p>") == f"<p>{SHORT}胡锡进·评论</span></p>"


def test_text_already_in_a_han_language_is_left_alone() -> None:
    for lang in ("zh", "zh-Hant", "ZH-hans", "ja", "yue"):
        html = f'<p lang="en">x <span lang="{lang}">已经<b>标</b>明</span> y</p>'
        assert mark_chinese(html) == html
    # ...but not once its element has ended
    html = '<div lang="zh"><div>内</div></div><p>外</p>'
    assert mark_chinese(html) == f'<div lang="zh"><div>内</div></div><p>{SHORT}外</span></p>'


def test_an_english_element_inside_a_chinese_one_is_english() -> None:
    html = '<div lang="zh">中文 <span lang="en">English 小红书</span></div>'
    assert mark_chinese(html) == (
        f'<div lang="zh">中文 <span lang="en">English {SHORT}小红书</span></span></div>'
    )


def test_attributes_scripts_styles_and_titles_are_not_text() -> None:
    html = (
        '<head><title>小红书</title><style>p::after{content:"小"}</style></head>'
        "<input placeholder=\"Kagan, 坦克人\" title='小红书'>"
        '<script>var a = "小红书";</script>'
    )
    assert mark_chinese(html) == html


def test_a_page_without_chinese_is_returned_as_it_is() -> None:
    html = "<p>Nothing to mark</p>"
    assert mark_chinese(html) is html


def test_a_page_in_chinese_marks_only_the_chinese_inside_its_english() -> None:
    # The Chinese interface (issue 31): an English quote there still names 天安門 as Chinese.
    page = (
        '<html lang="zh"><p>中文<span lang="en">Tian 天安門 x <i lang="zh">中</i></span>好</p>'
        "</html>"
    )
    assert mark_chinese(page) == (
        '<html lang="zh"><p>中文<span lang="en">Tian <span lang="zh" class="record-nobreak">'
        '天安門</span> x <i lang="zh">中</i></span>好</p></html>'
    )


# Pieces of text that make and unmake lang attributes, in several cases, one after another
# or overlapping ("lang=lang=x"), and a character that lowers to two.
_PIECES = st.sampled_from(
    [
        ' lang="zh"',
        " LANG=en",
        " lAnG = 'a b'",
        "\u3000Lang=x",
        "lang",
        " ",
        "=",
        '"',
        "'",
        ">",
        "<p",
        "x",
        "İ",
    ]
)


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_lang_attributes_are_found_as_the_regular_expression_finds_them(html: str) -> None:
    fast = [(m.span(), m.groups()) for m in langmark._lang_attributes(html)]
    assert fast == [(m.span(), m.groups()) for m in langmark._LANG_RE.finditer(html)]
