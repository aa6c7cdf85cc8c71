"""Naming a contact in the User-Agent, so site owners can reach whoever runs the crawler."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler


def user_agent_with_contact(user_agent: str, contact: str) -> str:
    """``user_agent`` with ``contact`` added: inside its final parenthesis when it has one.

    ``"bot/1 (research; +https://x)"`` and ``"mailto:me@example.org"`` give
    ``"bot/1 (research; +https://x; +mailto:me@example.org)"``.
    """
    contact = contact.strip()
    if user_agent.endswith(")"):
        return f"{user_agent[:-1]}; +{contact})"
    return f"{user_agent} (+{contact})"


class ContactUserAgentMiddleware:
    """Sends ``USER_AGENT`` with ``ARCHIVE_CONTACT`` added on every request.

    Runs before Scrapy's ``UserAgentMiddleware``, which then leaves the header alone.
    Without a contact it sends ``USER_AGENT`` as it is (the crawl's summary says so).
    """

    def __init__(self, user_agent: str) -> None:
        self.user_agent = user_agent

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContactUserAgentMiddleware:
        contact = crawler.settings.get("ARCHIVE_CONTACT")
        user_agent = crawler.settings.get("USER_AGENT")
        return cls(user_agent_with_contact(user_agent, contact) if contact else user_agent)

    def process_request(self, request: Request) -> None:
        request.headers.setdefault(b"User-Agent", self.user_agent.encode("latin-1", "replace"))
