"""URL identity: one article, one URL, however it was reached.

:func:`normalize_url` removes what only tracks the reader (``utm_*``, ``fbclid``, ...),
lower-cases scheme and host, drops default ports and fragments and sorts the query;
:func:`article_url` picks the URL an article is archived under (the page's own canonical
URL when it is on the same site, the fetched URL with any AMP marker removed otherwise).
:func:`listing_hint` tells tag, category, author and paging URLs from article URLs.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: query parameters that identify a campaign, a click or a reader, never the page
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "rb_clickid", "s_cid",
    "ref_src", "ref_url", "cmpid", "ncid", "ocid", "sr_share", "smid", "share",
    "utm", "amp", "outputtype",
})
#: prefixes of tracking parameter families
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)")
_AMP_SUFFIX = re.compile(r"\.amp(\.html?)$")
_LISTING_PATH = re.compile(
    r"/(?:tag|tags|topic|topics|category|categories|section|sections|author|authors|"
    r"archive|archives|search|feed)(?:/|$)|/page/\d+/?$|^/\d{4}/(?:\d{2}/?)?$",
    re.IGNORECASE,
)


def site_of(url: str) -> str:
    """The host (with a non-default port) of ``url``, lower-cased, without ``www.``."""
    netloc = urlsplit(url).netloc.lower().rsplit("@", 1)[-1]
    return netloc.removeprefix("www.")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """``url`` without tracking parameters, default port or fragment, query sorted.

    Scheme and host are lower-cased. The ``amp`` query flag counts as tracking here, so
    ``?amp=1`` and the plain URL are one; AMP paths are handled by :func:`strip_amp`.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:  # a malformed port: leave the URL for the fetch to reject
        return url.strip()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    cleaned = urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
    return canonicalize_url(cleaned, keep_fragments=False)


def is_amp_url(url: str) -> bool:
    """True when ``url`` looks like the AMP edition of a page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    query = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return (
        host.startswith("amp.")
        or bool(_AMP_SEGMENT.search(parts.path))
        or bool(_AMP_SUFFIX.search(parts.path))
        or "amp" in query
        or "outputtype" in query
    )


def strip_amp(url: str) -> str:
    """``url`` (normalised) with its AMP marker removed: the likely regular edition.

    Covers ``amp.`` hosts, ``/amp`` path segments, ``.amp.html`` endings and the
    ``?amp=1`` / ``?outputType=amp`` flags.
    """
    parts = urlsplit(normalize_url(url))
    netloc = parts.netloc
    if netloc.startswith("amp."):
        netloc = netloc[len("amp."):]
    path = _AMP_SUFFIX.sub(r"\1", _AMP_SEGMENT.sub("", parts.path))
    return urlunsplit((parts.scheme, netloc, path or "/", parts.query, ""))


def listing_hint(url: str) -> bool:
    """True when the URL's path says tag, category, author, archive or paging page."""
    return bool(_LISTING_PATH.search(urlsplit(url).path))


def article_url(fetched_url: str, declared_canonical: str | None) -> str:
    """The URL an article is archived under.

    The page's declared canonical URL wins when it is on the same site as the fetched
    page (a canonical pointing elsewhere is more often wrong than right; an AMP page's
    canonical, the regular edition, counts as the same site). Otherwise the fetched URL,
    normalised and with any AMP marker removed, is used.
    """
    if declared_canonical and urlsplit(declared_canonical).scheme in ("http", "https"):
        fetched_site = site_of(strip_amp(fetched_url))
        if site_of(declared_canonical) in (site_of(fetched_url), fetched_site):
            return strip_amp(declared_canonical)
    return strip_amp(fetched_url)
