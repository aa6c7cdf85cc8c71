"""The services some tests need (PostgreSQL, Redis, Chromium): skip, or fail in CI.

A test that needs a service calls :func:`require_service`. Where the service is missing
the test is skipped with the reason, except when ``VIRAL_ARCHIVE_REQUIRE_SERVICES=1``
(CI sets it): there a missing service is a failure, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import socket

import pytest

REQUIRE_ENV = "VIRAL_ARCHIVE_REQUIRE_SERVICES"


def services_required() -> bool:
    """True when missing services must fail tests instead of skipping them."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def require_service(name: str, reachable: bool, why: str) -> None:
    """Skip (or, with ``$VIRAL_ARCHIVE_REQUIRE_SERVICES=1``, fail) unless ``reachable``."""
    if reachable:
        return
    message = f"{name} is not available: {why}"
    if services_required():
        pytest.fail(f"{message} (required because {REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(message)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
