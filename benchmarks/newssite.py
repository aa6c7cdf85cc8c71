"""A generated news site of N article pages, written to a folder at test/benchmark time.

``index.html`` links to listing pages (``section/K.html``, ``PER_LISTING`` articles each);
every article page links back to its listing, to its neighbours and to two other
articles, so workers meet most URLs several times (the duplicate filter has work to
do). Text is varied from seeded random choices of sentences, so pages differ and the
extractor sees article-sized bodies (~450 words).
"""

from __future__ import annotations

import html
import random
from collections.abc import Sequence
from pathlib import Path

PER_LISTING = 50

_SUBJECTS = ["The city council", "A local bakery", "Researchers at the university",
             "The river authority", "A group of volunteers", "The regional museum",
             "Commuters on the northern line", "The school board", "A retired teacher",
             "Farmers in the valley", "The football club", "Night-shift nurses"]
_VERBS = ["announced", "questioned", "celebrated", "postponed", "reviewed", "defended",
          "criticised", "launched", "completed", "rejected"]
_OBJECTS = ["a plan to reopen the old bridge", "new rules for street parking",
            "a study of urban foxes", "the budget for public libraries",
            "a festival of winter lights", "repairs to the harbour wall",
            "a campaign against food waste", "the timetable for night buses",
            "a proposal for more cycle lanes", "an exhibition of early photographs"]
_DETAILS = ["Officials said the decision followed months of consultation.",
            "Residents gave the news a mixed reception at Tuesday's meeting.",
            "The cost is expected to be shared between three departments.",
            "Critics argue that the timetable is far too optimistic.",
            "A spokesperson declined to say when work would begin.",
            "Local businesses welcomed the move but asked for clearer guidance.",
            "Figures published last week showed a steady rise since spring.",
            "The plan will be reviewed again after the summer holidays."]


def _paragraph(rng: random.Random) -> str:
    sentences = [f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."]
    sentences += rng.sample(_DETAILS, 4)
    return " ".join(sentences)


def article_path(number: int) -> str:
    return f"news/{number:05d}.html"


def _article(number: int, total: int, rng: random.Random,
             paragraphs: Sequence[str] | None = None) -> str:
    title = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} ({number})"
    if paragraphs is None:
        paragraphs = [_paragraph(rng) for _ in range(6)]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    listing = number // PER_LISTING
    related = [rng.randrange(total) for _ in range(2)]
    neighbours = [n for n in (number - 1, number + 1) if 0 <= n < total]
    links = "".join(f'<li><a href="/{article_path(n)}">Article {n}</a></li>'
                    for n in neighbours + related)
    day = 1 + number % 28
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | The Ledger</title>
<meta property="og:site_name" content="The Generated Ledger">
<meta property="article:published_time" content="2026-03-{day:02d}T09:00:00Z"></head>
<body><header><a href="/">The Generated Ledger</a> <a href="/section/{listing}.html">More news</a>
</header>
<main><article><h1>{html.escape(title)}</h1>
<p class="byline">By Staff Reporter ·
<time datetime="2026-03-{day:02d}">March {day}, 2026</time></p>
{body}
</article></main>
<aside><h2>Related</h2><ul>{links}</ul></aside>
<footer>© The Generated Ledger</footer></body></html>
"""


def _listing(number: int, total: int) -> str:
    first = number * PER_LISTING
    items = "".join(f'<li><a href="/{article_path(n)}">Story {n}</a></li>'
                    for n in range(first, min(first + PER_LISTING, total)))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>News, page {number}</title></head>
<body><h1>News, page {number}</h1><ul>{items}</ul><a href="/">Home</a></body></html>
"""


def write_news_site(folder: Path, articles: int, *, seed: int = 7,
                    bodies: Sequence[Sequence[str]] | None = None) -> list[str]:
    """Write the site into ``folder``; returns the article paths (``news/00000.html``...).

    ``bodies`` (one list of paragraphs per article) replaces the generated text: the
    generated paragraphs share their detail sentences, so every article is a near-copy
    of every other (one story of all, the worst case for the stories benchmark)."""
    rng = random.Random(seed)
    (folder / "news").mkdir(parents=True, exist_ok=True)
    (folder / "section").mkdir(exist_ok=True)
    listings = (articles + PER_LISTING - 1) // PER_LISTING
    for number in range(listings):
        (folder / f"section/{number}.html").write_text(_listing(number, articles), "utf-8")
    index = "".join(f'<li><a href="/section/{n}.html">News, page {n}</a></li>'
                    for n in range(listings))
    (folder / "index.html").write_text(
        f"<!doctype html><html><head><title>The Generated Ledger</title></head>"
        f"<body><h1>The Generated Ledger</h1><ul>{index}</ul></body></html>", "utf-8"
    )
    paths = []
    for number in range(articles):
        path = article_path(number)
        paragraphs = bodies[number] if bodies is not None else None
        (folder / path).write_text(_article(number, articles, rng, paragraphs), "utf-8")
        paths.append(path)
    return paths
