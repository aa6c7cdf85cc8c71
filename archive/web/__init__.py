"""The read-only web interface: a JSON API and a page for people (``viral-archive serve``)."""

from archive.web.app import create_app

__all__ = ["create_app"]
