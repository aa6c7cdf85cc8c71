"""Which links a crawl follows: a page's links, within hosts and their subdomains."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from scrapy.link import Link
from scrapy.linkextractors import LinkExtractor


def in_domains(url: str, domains: Iterable[str]) -> bool:
    """Whether ``url`` is an http(s) URL on one of ``domains`` or a subdomain of one.

    A domain given with a port (``127.0.0.1:8080``) matches that host and port only;
    one without matches its host on any port.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    host, netloc = (parts.hostname or "").lower(), parts.netloc.lower().rsplit("@", 1)[-1]
    for domain in domains:
        domain = domain.lower()
        if netloc == domain or host == domain or host.endswith("." + domain):
            return True
    return False


def page_links(response: Response, extractor: LinkExtractor) -> list[Link]:
    """The links of an HTML page (none for any other response)."""
    if not isinstance(response, TextResponse):
        return []
    return list(extractor.extract_links(response))
