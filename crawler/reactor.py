"""Twisted's reactor in a background thread, so a process can run crawl after crawl.

Scrapy runs on Twisted, whose reactor cannot be restarted once stopped. The
``viral-archive`` command (and the tests, and later the scheduler) instead start it once,
in a daemon thread, and hand it work with :func:`call_in_reactor`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.python.failure import Failure

T = TypeVar("T")
_lock = threading.Lock()


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor


def ensure_reactor_running() -> None:
    """Start the reactor in a daemon thread unless it already runs."""
    with _lock:
        reactor = _reactor()
        if reactor.running:
            return
        started = threading.Event()
        reactor.callWhenRunning(started.set)
        thread = threading.Thread(
            target=reactor.run,
            kwargs={"installSignalHandlers": False},
            name="twisted-reactor",
            daemon=True,
        )
        thread.start()
        if not started.wait(10):
            raise RuntimeError("the Twisted reactor did not start")


def call_in_reactor(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
    """Run ``function`` in the reactor thread; its (Deferred) result arrives in the Future."""
    ensure_reactor_running()
    future: Future[Any] = Future()

    def on_failure(failure: Failure) -> None:
        future.set_exception(failure.value)

    def run() -> None:
        deferred = maybeDeferred(function, *args, **kwargs)
        deferred.addCallbacks(future.set_result, on_failure)

    _reactor().callFromThread(run)
    return future


def deferred_of(future: Future[T]) -> Deferred[T]:
    """A Deferred, fired in the reactor thread, with the result of ``future`` (which
    completes in another thread or process)."""
    deferred: Deferred[T] = Deferred()

    def fire(done: Future[T]) -> None:
        exception = done.exception()
        if exception is not None:
            deferred.errback(Failure(exception))
        else:
            deferred.callback(done.result())

    future.add_done_callback(lambda done: _reactor().callFromThread(fire, done))
    return deferred
