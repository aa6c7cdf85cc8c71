"""Why a page did not arrive: every failed request becomes a reason code and a sentence.

The codes are what the crawl record counts (``Crawl.error_reasons``, ``CrawlError.reason``)
and what the end-of-crawl summary groups by:

==================== =====================================================================
``dns_error``        the host name does not resolve
``connection_refused`` nothing listens at the host's port
``timeout``          the server did not answer in time
``tls_error``        the TLS handshake failed
``too_large``        the page (or its decompressed body) is over ``DOWNLOAD_MAXSIZE``
``redirect_loop``    redirects went round in a circle, or on past the redirect limit
``invalid_url``      the URL cannot be requested at all
``http_NNN``         the server answered with status NNN
``download_error``   any other failure of the download
==================== =====================================================================

and, counted apart as what a crawl left out on purpose (not errors):

==================== =====================================================================
``robots_disallowed`` robots.txt forbids the page
``links_capped``     a page had more links than a crawl follows from one page
``pages_capped``     the crawl reached its cap of pages
==================== =====================================================================

Scrapy's exception classes changed names across versions (Twisted's before 2.14, its own
since), so each kind lists both, by dotted path, and loads those that exist.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

#: what a crawl leaves out on purpose (politeness, caps): counted apart from the errors
SKIPPED_REASONS = frozenset({"robots_disallowed", "links_capped", "pages_capped"})
#: reasons that condemn the whole host for the rest of the crawl
HOST_REASONS = frozenset({"dns_error", "connection_refused"})


def _classes(*paths: str) -> tuple[type[BaseException], ...]:
    found = []
    for path in paths:
        module, _, name = path.rpartition(".")
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


_KINDS: tuple[tuple[str, str, tuple[type[BaseException], ...]], ...] = (
    ("dns_error", "the host name does not resolve",
     _classes("scrapy.exceptions.CannotResolveHostError", "twisted.internet.error.DNSLookupError")),
    ("connection_refused", "the connection was refused (nothing listens there)",
     _classes("scrapy.exceptions.DownloadConnectionRefusedError",
              "twisted.internet.error.ConnectionRefusedError")),
    ("timeout", "the server did not answer in time",
     _classes("scrapy.exceptions.DownloadTimeoutError", "twisted.internet.error.TimeoutError",
              "twisted.internet.error.TCPTimedOutError",
              "twisted.internet.defer.TimeoutError")),
    ("tls_error", "the TLS handshake failed",
     _classes("OpenSSL.SSL.Error", "twisted.internet.error.SSLError")),
    ("too_large", "the page is larger than DOWNLOAD_MAXSIZE",
     _classes("scrapy.exceptions.DownloadCancelledError")),
    ("invalid_url", "the URL cannot be requested",
     _classes("scrapy.exceptions.UnsupportedURLSchemeError")),
)


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A reason code (see the module docstring) and a sentence a person can act on."""

    reason: str
    detail: str


class HostUnreachable(IgnoreRequest):
    """A request not sent because its host already failed in this crawl."""

    def __init__(self, failure: PageFailure) -> None:
        super().__init__(f"{failure.detail} (the host failed earlier in this crawl)")
        self.failure = failure


def host_of(url: str) -> str:
    """The host (and port) a request goes to."""
    return urlsplit(url).netloc.lower()


def _ignored(exception: IgnoreRequest) -> PageFailure:
    # Scrapy says why it ignored a request only in the message; these are its wordings
    message = str(exception)
    if isinstance(exception, HostUnreachable):
        return exception.failure
    if message.startswith("Forbidden by robots.txt"):
        return PageFailure("robots_disallowed", "robots.txt forbids it")
    if "redirections" in message:
        return PageFailure("redirect_loop", "too many redirects (a redirect loop?)")
    if "DOWNLOAD_MAXSIZE" in message:
        return PageFailure("too_large", "its decompressed body is larger than DOWNLOAD_MAXSIZE")
    return PageFailure("download_error", message or "ignored by the crawler")


def classify(exception: BaseException) -> PageFailure:
    """The reason ``exception`` (the failure of a request) stands for."""
    if isinstance(exception, HttpError):
        status = exception.response.status
        return PageFailure(f"http_{status}", f"HTTP status {status}")
    if isinstance(exception, IgnoreRequest):
        return _ignored(exception)
    for reason, sentence, classes in _KINDS:
        if classes and isinstance(exception, classes):
            return PageFailure(reason, sentence)
    if isinstance(exception, ValueError):
        return PageFailure("invalid_url", str(exception) or "the URL cannot be requested")
    return PageFailure("download_error", str(exception) or type(exception).__name__)
