"""A small real archive for the web tests: a few articles, one edited, one hostile."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archive.core.article import Article
from archive.extraction.reading import FetchedPage
from archive.storage.writer import store_article
from db import open_engine, session_factory

XSS_TITLE = "<script>alert(1)</script> Otter <img src=x onerror=alert(1)>"
XSS_TEXT = (
    "An otter story with a payload: <script>alert(1)</script> and "
    "<img src=x onerror=alert(1)> in its text.\n\nA second paragraph about the otter."
)


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


#: (url, title, text, published, language, site name)
ARTICLES = [
    ("https://riverside.example/news/otter-returns", "Otter returns to city river",
     "An otter was seen in the city river for the first time in decades.\n\n"
     "Volunteers counted tracks on both banks.", "2026-03-02", "en", "Riverside News"),
    ("https://riverside.example/news/otter-pups", "Otter pups seen near the weir",
     "Two otter pups were filmed near the weir.", "2026-03-20", "en", "Riverside News"),
    ("https://ledger.example/world/bridge-reopens", "Bridge reopens after repairs",
     "The old bridge reopened after two years of repairs.", "2026-04-10", "en", "Daily Ledger"),
    ("https://ledger.example/world/rathaus", "Vier-Tage-Woche im Rathaus",
     "Das Rathaus testet die Vier-Tage-Woche; der Otter im Wappen bleibt.", "2026-02-15",
     "de", "Daily Ledger"),
    ("https://quill.example/posts/xss", XSS_TITLE, XSS_TEXT, "2026-01-05", "en", None),
]
#: the second state of the otter pups article: the first is kept as a version
EDITED = ("https://riverside.example/news/otter-pups", "Otter pups seen near the old weir",
          "Two otter pups were filmed near the old weir at dawn.")


def make_archive(path: Path) -> str:
    """Write the sample archive to ``path`` (a new SQLite file) and return its URL."""
    url = f"sqlite:///{path}"
    fill_archive(url)
    return url


def fill_archive(url: str) -> None:
    """Store the sample articles into the (new, empty) archive at ``url``."""
    engine = open_engine(url)
    sessions = session_factory(engine)
    fetched = _day("2026-04-20")
    with sessions.begin() as session:
        for page_url, title, text, published, language, site in ARTICLES:
            page = FetchedPage(url=page_url, status=200, headers={}, body=b"<html></html>",
                               fetched_at=fetched)
            article = Article(text=text, title=title, published=_day(published),
                              date_source="meta", language=language, site_name=site,
                              authors=["Sam Reporter"], page_type="article")
            store_article(session, article, page)
    with sessions.begin() as session:
        page_url, title, text = EDITED
        page = FetchedPage(url=page_url, status=200, headers={}, body=b"<html></html>",
                           fetched_at=_day("2026-04-21"))
        store_article(session, Article(text=text, title=title, published=_day("2026-03-20"),
                                       language="en", site_name="Riverside News",
                                       page_type="article"), page)
    engine.dispose()


#: one story run by three sources: (url, title, paragraphs, published, site name); the
#: copies change the headline, drop or move a paragraph and change a few words
STORY_PARAGRAPHS = [
    "A lighthouse keeper on the northern coast has rescued a family of seals stranded by a "
    "winter storm, carrying three pups across the rocks to the water over two nights.",
    "The keeper, who has tended the light for thirty years, said the pups had been washed "
    "into a tidal pool far from the colony and could not climb back over the ledge.",
    "Wildlife officers praised the rescue but reminded visitors that seals should be "
    "watched from a distance, and that a stranded animal should be reported to the "
    "coastguard rather than touched.",
    "Local schoolchildren have since painted a mural of the keeper and the seals on the "
    "harbour wall, and the village council plans to name the new ferry after him.",
]
STORY = [
    ("https://riverside.example/news/keeper-saves-seals", "Lighthouse keeper saves seal pups",
     STORY_PARAGRAPHS, "2026-05-04T08:00:00", "Riverside News"),
    ("https://ledger.example/world/seal-rescue", "You won't believe who saved these seals",
     [STORY_PARAGRAPHS[1], STORY_PARAGRAPHS[0], STORY_PARAGRAPHS[2]],
     "2026-05-04T15:30:00", "Daily Ledger"),
    ("https://quill.example/posts/seals", "Hero keeper carries seal pups to the sea",
     [p.replace("winter storm", "fierce winter storm").replace("thirty", "31")
      for p in STORY_PARAGRAPHS[:3]] + [STORY_PARAGRAPHS[3]],
     "2026-05-06T09:00:00", None),
]


def make_story_archive(path: Path) -> str:
    """The sample archive of :func:`make_archive` plus one story run by its three
    sources (:data:`STORY`), in a new SQLite file; returns its URL."""
    url = make_archive(path)
    fill_story(url)
    return url


def fill_story(url: str) -> None:
    """Store the three copies of :data:`STORY` into the archive at ``url``."""
    engine = open_engine(url)
    sessions = session_factory(engine)
    for page_url, title, paragraphs, published, site in STORY:
        with sessions.begin() as session:
            page = FetchedPage(url=page_url, status=200, headers={}, body=b"<html></html>",
                               fetched_at=_day("2026-05-07"))
            store_article(session, Article(
                text="\n\n".join(paragraphs), title=title,
                published=datetime.fromisoformat(published).replace(tzinfo=UTC),
                date_source="meta", language="en", site_name=site, page_type="article",
            ), page)
    engine.dispose()
