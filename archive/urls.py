"""URL identity: one article, one URL, however it was reached."""

from __future__ import annotations

from urllib.parse import urlsplit

from w3lib.url import canonicalize_url


def site_of(url: str) -> str:
    """The host (with a non-default port) of ``url``, lower-cased, without ``www.``."""
    netloc = urlsplit(url).netloc.lower().rsplit("@", 1)[-1]
    return netloc.removeprefix("www.")


def normalize_url(url: str) -> str:
    """``url`` with a lower-case host, sorted query arguments and no fragment."""
    return canonicalize_url(url.strip(), keep_fragments=False)


def article_url(fetched_url: str, declared_canonical: str | None) -> str:
    """The URL an article is archived under.

    The page's declared canonical URL wins when it is on the same site as the fetched
    page (a canonical pointing elsewhere is more often wrong than right); otherwise the
    fetched URL is used.
    """
    if declared_canonical and site_of(declared_canonical) == site_of(fetched_url):
        scheme = urlsplit(declared_canonical).scheme
        if scheme in ("http", "https"):
            return normalize_url(declared_canonical)
    return normalize_url(fetched_url)
