"""Main-text extraction: boilerplate removed, the article's paragraphs kept in order."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from archive.exceptions import ExtractionError
from archive.extraction.body import extract_body
from archive.extraction.extract import extract_article

SITE = Path(__file__).parent / "site" / "extraction"

TITLE = "Volunteers Rebuild Village Footbridge in a Single Weekend"
PARAGRAPHS = [
    "When the old footbridge over the mill stream was closed in March, residents of the "
    "village were told a replacement would take at least two years to arrive.",
    "Instead, a group of retired engineers, two carpenters and a dozen teenagers from the "
    "sailing club decided to build one themselves, using oak donated by a local farm.",
    "The council agreed to inspect the work, and on Sunday evening a surveyor walked across "
    "the new span, jumped twice in the middle, and declared it sound.",
    "Children crossed it on their way to school the next morning. Several parents said it "
    "was the first time in months they had not had to drive the long way round.",
    "The group has since been asked to look at a collapsed stile on the coastal path, and "
    "says it will start work once the weather turns.",
]


def page(
    *,
    before: str = "",
    between: str = "",
    after: str = "",
    outside: str = "",
    head: str = "",
) -> str:
    """An article page: ``between`` goes after the 1st and 3rd paragraphs."""
    paragraphs = [f"<p>{p}</p>" for p in PARAGRAPHS]
    paragraphs.insert(3, between)
    paragraphs.insert(1, between)
    body = "\n".join(paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE} | Valley Post</title>
<meta property="og:title" content="{TITLE}">{head}</head>
<body>
<div class="site-header"><a href="/">Valley Post</a>
<ul class="menu"><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></div>
{outside}
<div class="container"><div class="content">
<article>
<h1>{TITLE}</h1>
<div class="byline">By Sam Hollis, June 2, 2026</div>
{before}
<div class="article-body">
{body}
</div>
{after}
</article>
</div></div>
<div class="site-footer"><p>Valley Post, 12 Market Street. All rights reserved.</p></div>
</body></html>"""


def assert_paragraphs_in_order(text: str, paragraphs: list[str] = PARAGRAPHS) -> None:
    positions = [text.find(p) for p in paragraphs]
    assert -1 not in positions, f"missing paragraph in {text!r}"
    assert positions == sorted(positions)


def assert_clean(text: str, *absent: str) -> None:
    assert_paragraphs_in_order(text)
    lowered = text.lower()
    for phrase in absent:
        assert phrase.lower() not in lowered, f"{phrase!r} left in {text!r}"
    assert TITLE not in text
    assert "Valley Post" not in text and "All rights reserved" not in text


def test_plain_article_is_its_paragraphs_and_nothing_else() -> None:
    article = extract_article(page())
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert article.page_type == "article"


#: boilerplate fragments, where they sit on the page (``page()``'s keywords), and the
#: phrases of theirs the clean text must not hold
BOILERPLATE = json.loads((SITE / "boilerplate.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(BOILERPLATE))
def test_boilerplate_is_dropped(case: str) -> None:
    fragments = BOILERPLATE[case]
    assert_clean(extract_article(page(**fragments["page"])).text, *fragments["absent"])


def test_headline_teasers_with_see_more_are_dropped() -> None:
    teasers = (
        f'<p><a href="/self">{TITLE}…see more</a></p>'
        f"<p>{TITLE[:40]}… See more</p>"
        f"<h2>{TITLE}</h2>"
    )
    article = extract_article(page(before=teasers))
    assert_clean(article.text, "see more")


def test_seed_like_viral_page() -> None:
    article = extract_article((SITE / "viral-seed.html").read_bytes())
    text = article.text
    assert "see more" not in text.lower()
    assert "Scroll to Top" not in text
    assert "Lighthouse Keeper's Cat Rescues Stranded Kayaker" not in text
    assert "Advertisement" not in text
    assert text.startswith("Nobody on the harbour wall believed the old keeper")
    assert text.endswith("the cat has shown no interest in it whatsoever.")
    assert text.count("\n\n") == 4  # five paragraphs
    assert article.page_type == "article"


def test_tables_lists_headings_and_quotes_are_kept() -> None:
    article = extract_article((SITE / "table-and-lists.html").read_bytes())
    blocks = article.text.split("\n\n")
    assert blocks[0].startswith("The small coastal museum")
    for expected in (
        "The figures",
        "Season | Visitors | Change",
        "Summer | 9,870 | +120%",
        "What changed",
        "The shipwreck gallery, built around timbers raised from the bay.",
        "A late opening on Thursday evenings during the summer.",
        "We were hoping for a good year, but nobody expected queues out of the door in July.",
    ):
        assert expected in blocks
    assert blocks[-1].startswith("The museum plans to extend the gallery")
    assert "Visitor Numbers at the Coastal Museum" not in article.text
    assert "Morgan Ellis" not in article.text and "Harbour Gazette" not in article.text


def test_blocks_are_separated_by_one_blank_line_and_whitespace_collapsed() -> None:
    messy = page().replace(PARAGRAPHS[2], PARAGRAPHS[2].replace(" ", " \n\t  "))
    text = extract_article(messy).text
    blocks = text.split("\n\n")
    assert len(blocks) == len(PARAGRAPHS)
    for block in blocks:
        assert block == " ".join(block.split())
    assert blocks[2] == PARAGRAPHS[2]


def test_text_broken_by_line_breaks_becomes_blocks() -> None:
    html = page().replace(
        '<div class="article-body">',
        '<div class="article-body">First line of a poem, read at the opening,<br>'
        "and its second line, read by the youngest volunteer.<br><br>",
    )
    blocks = extract_article(html).text.split("\n\n")
    assert blocks[:2] == [
        "First line of a poem, read at the opening,",
        "and its second line, read by the youngest volunteer.",
    ]


def test_repeated_blocks_are_kept_once() -> None:
    pull_quote = f'<blockquote class="pull">{PARAGRAPHS[3]}</blockquote>'
    text = extract_article(page(after=pull_quote)).text
    assert text.count(PARAGRAPHS[3]) == 1
    assert_paragraphs_in_order(text)


def test_article_split_across_sibling_containers_is_joined() -> None:
    first = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3])
    second = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[3:])
    html = (
        f"<html><head><title>{TITLE}</title></head><body><div class='story'>"
        f"<div class='chunk'><div class='inner'>{first}</div></div>"
        "<div class='ad-slot'><span>Advertisement</span></div>"
        f"<div class='chunk'><div class='inner'><div class='deeper'>{second}</div></div></div>"
        "</div></body></html>"
    )
    assert extract_article(html).text == "\n\n".join(PARAGRAPHS)


def test_wrapper_with_a_furniture_like_class_is_still_read() -> None:
    html = page().replace('<div class="content">', '<div class="content-with-sidebar ad-margins">')
    assert extract_article(html).text == "\n\n".join(PARAGRAPHS)


def test_listing_page_is_a_listing() -> None:
    article = extract_article((SITE / "listing.html").read_bytes())
    assert article.page_type == "listing"


def test_extract_body_does_not_modify_the_soup() -> None:
    soup = BeautifulSoup(page(), "lxml")
    before = str(soup)
    body = extract_body(soup, title=TITLE)
    assert str(soup) == before
    assert body.blocks == len(PARAGRAPHS)
    assert body.link_density == 0.0


# --- malformed and hostile input ----------------------------------------------------


def test_empty_input_gives_an_empty_article() -> None:
    for value in (b"", "", "   \n ", b"<html></html>", "<p></p>"):
        article = extract_article(value)
        assert article.text == ""
        assert article.page_type == "empty"


def test_binary_input_raises_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        extract_article(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)


def test_truncated_page_keeps_what_arrived() -> None:
    html = page()
    cut = html[: html.index(PARAGRAPHS[3]) + 40]
    text = extract_article(cut.encode()).text
    assert_paragraphs_in_order(text, PARAGRAPHS[:3])
    assert text.endswith(PARAGRAPHS[3][:40])


def test_deeply_nested_page_is_read() -> None:
    depth = 10_000
    html = (
        f"<html><body>{'<div>' * depth}{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}"
        f"{'</div>' * depth}</body></html>"
    )
    assert extract_article(html).text == "\n\n".join(PARAGRAPHS)


def test_unclosed_elements_do_not_hang() -> None:
    for junk in ("<script>" * 50_000, "<!--" * 50_000, "<svg>" * 50_000, "<" * 200_000,
                 "<nav>" * 20_000, "<a>" * 20_000):
        start = time.monotonic()
        extract_article(page(before=junk))
        assert time.monotonic() - start < 5


def test_large_page_is_extracted_within_a_second_per_megabyte() -> None:
    teaser = (
        '<div class="teaser"><h3><a href="/n">A headline of some other story on the site</a>'
        "</h3><p>A short summary of that other story, as listed on the page.</p></div>"
    )
    furniture = '<div class="more-news">' + teaser * 2000 + "</div>"
    html = (page() + furniture * 30).encode()
    megabytes = len(html) / 1_000_000
    assert megabytes > 8
    start = time.process_time()
    article = extract_article(html)
    elapsed = time.process_time() - start
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert elapsed < megabytes


def test_headline_in_h1_is_dropped_even_when_the_metadata_title_differs() -> None:
    html = page().replace(f"<h1>{TITLE}</h1>", "<h1>Bridge Built by Volunteers Opens</h1>")
    html = html.replace('<div class="article-body">', '<div class="article-body">'
                        "<h1>Bridge Built by Volunteers Opens</h1>")
    text = extract_article(html).text
    assert "Bridge Built by Volunteers Opens" not in text
    assert text == "\n\n".join(PARAGRAPHS)


def test_related_heading_inside_the_article_drops_only_its_list() -> None:
    related = (
        "<h3>Read more</h3><ul>"
        '<li><a href="/c">School choir wins regional competition for the third year</a></li>'
        '<li><a href="/d">Flood defences to be tested along the estuary next month</a></li>'
        "</ul><h4>Trending now</h4>"
        '<p><a href="/e">Library extends opening hours after petition from readers</a></p>'
    )
    html = page().replace(f"<p>{PARAGRAPHS[4]}</p>", related + f"<p>{PARAGRAPHS[4]}</p>")
    assert extract_article(html).text == "\n\n".join(PARAGRAPHS)


def _steps_page() -> str:
    """A how-to whose lead sits in a container named as the body, and whose steps each sit
    in a container of their own, three levels below the common wrapper."""
    steps = "".join(
        f"<div class='step'><div class='step-inner'><div class='label'>Step {n}</div>"
        f"<div class='text'><p>{p}</p></div></div></div>"
        for n, p in enumerate(PARAGRAPHS[1:], start=1)
    )
    return (
        f"<html><head><title>{TITLE}</title></head><body>"
        "<div class='page'><ul class='menu'><li><a href='/'>Home</a></li></ul>"
        f"<div class='intro'><div class='wrap'><div class='article-content lead'>"
        f"<p>{PARAGRAPHS[0]}</p></div></div></div>{steps}</div></body></html>"
    )


def test_body_short_against_the_text_around_it_is_widened() -> None:
    text = extract_article(_steps_page()).text
    assert_paragraphs_in_order(text)
    assert "Step 3" in text
    assert "Home" not in text


def test_long_paragraph_repeated_in_its_own_role_is_kept_twice() -> None:
    repeated = f"<p>{PARAGRAPHS[0]}</p>" * 2 + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    html = f"<html><body><article><h1>{TITLE}</h1>{repeated}</article></body></html>"
    assert extract_article(html).text.count(PARAGRAPHS[0]) == 2


def _thread_page(*, article: str = "") -> str:
    """A discussion: every post marked up as a comment, each in a container of its own."""
    posts = "".join(
        f"<li class='comment'><div class='comment-author'>user{n}</div>"
        f"<div class='comment-text'><p>{p}</p></div></li>"
        for n, p in enumerate(PARAGRAPHS)
    )
    return (
        f"<html><head><title>{TITLE}</title></head><body><div class='thread'>"
        f"<h1>{TITLE}</h1>{article}<ol class='comment-list'>{posts}</ol></div></body></html>"
    )


def test_forum_thread_whose_posts_are_marked_as_comments_is_read() -> None:
    article = extract_article(_thread_page())
    assert_paragraphs_in_order(article.text)
    assert article.page_type == "article"


def test_comments_stay_out_when_the_page_has_an_article() -> None:
    lead = "<div class='entry-content'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + "</div>"
    text = extract_article(_thread_page(article=lead)).text
    assert text == "\n\n".join(PARAGRAPHS[:2])


def test_one_long_paragraph_of_prose_is_an_article() -> None:
    prose = " ".join(PARAGRAPHS)
    html = f"<html><head><title>{TITLE}</title></head><body><div><p>{prose}</p></div></body></html>"
    article = extract_article(html)
    assert article.text == prose
    assert article.page_type == "article"


def test_article_cut_into_body_containers_between_ads_is_joined() -> None:
    def part(paragraphs: list[str]) -> str:
        inner = "".join(f"<p>{p}</p>" for p in paragraphs)
        return (f"<div class='grid'><div class='cell'><div class='article__body'>{inner}"
                "</div></div></div>")

    ad = "<div class='ad-slot'><span>Advertisement</span></div>"
    html = (
        f"<html><head><title>{TITLE}</title></head><body><main><h1>{TITLE}</h1>"
        f"<section>{part(PARAGRAPHS[:3])}</section>{ad}"
        f"<section><div>{part(PARAGRAPHS[3:])}</div></section>"
        "<section class='more'><h2>More news</h2><ul><li><a href='/a'>Other story one here</a>"
        "</li><li><a href='/b'>Other story two here</a></li></ul></section></main></body></html>"
    )
    assert extract_article(html).text == "\n\n".join(PARAGRAPHS)


def test_link_marked_like_furniture_inside_a_paragraph_stays_in_its_sentence() -> None:
    first = (f"{PARAGRAPHS[0][:40]}<a class='meta-tag' href='/tag/bridge'>footbridge</a>"
             f"{PARAGRAPHS[0][40:]}")
    html = page().replace(f"<p>{PARAGRAPHS[0]}</p>", f"<p>{first}</p>")
    text = extract_article(html).text
    assert text.split("\n\n")[0] == PARAGRAPHS[0][:40] + "footbridge" + PARAGRAPHS[0][40:]


def _declared_page(article_body: str, markup: str) -> str:
    import json

    ld = json.dumps({"@type": "NewsArticle", "headline": TITLE, "articleBody": article_body})
    return (f"<html><head><title>{TITLE}</title><script type='application/ld+json'>{ld}"
            f"</script></head><body><div id='app'>{markup}</div></body></html>")


def test_declared_article_body_replaces_a_notice_rendered_in_its_place() -> None:
    declared = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    notice = "<p>Please enable JavaScript to read this article on our site, thank you.</p>"
    article = extract_article(_declared_page(declared, notice))
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert article.page_type == "article"


def test_markup_body_wins_over_a_declared_summary() -> None:
    markup = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    article = extract_article(_declared_page(PARAGRAPHS[0][:120], markup))
    assert article.text == "\n\n".join(PARAGRAPHS)


def test_section_headed_recommended_for_you_does_not_join_the_article() -> None:
    teaser = ("<li><div class='card'><h3>Another story of the week, told in a headline</h3>"
              "<p>A summary of that other story, long enough to read like a paragraph of "
              "prose, with commas, clauses and a full stop at its end, as summaries do.</p>"
              "<div class='source'>Evening Show</div></div></li>")
    story = "".join(
        f"<div class='wrap'><div class='inner'><p>{p}</p></div></div>" for p in PARAGRAPHS
    )
    html = (
        f"<html><head><title>{TITLE}</title></head><body><div class='page'>"
        f"<div class='story'><h1>{TITLE}</h1>{story}</div>"
        f"<div class='recs'><div class='head'><h2>Recommended for You</h2></div>"
        f"<ul>{teaser * 4}</ul></div></div></body></html>"
    )
    assert extract_article(html).text == "\n\n".join(PARAGRAPHS)
