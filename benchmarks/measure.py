"""Timing a tool over a corpus: outputs, exceptions and the time of the calls only."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from rich.console import Console

from benchmarks.tools import Tool, reset_caches

T = TypeVar("T")
F = TypeVar("F")


class Page(Protocol):
    """What a timed pass needs of a page."""

    @property
    def id(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def html(self) -> bytes: ...


@dataclass(slots=True)
class Failure:
    """An exception a tool raised on one page."""

    page: str
    error: str
    message: str


@dataclass(slots=True)
class Pass(Generic[T]):
    """The outputs of one tool over a corpus (``None`` where it raised) and its time."""

    outputs: list[T | None]
    seconds: float
    failures: list[Failure]


def timed_pass(extract: Callable[[bytes, str], T], pages: Sequence[Page]) -> Pass[T]:
    """Run ``extract`` on every page, timing the calls only; exceptions are recorded."""
    outputs: list[T | None] = []
    failures: list[Failure] = []
    seconds = 0.0
    for page in pages:
        html, url = page.html, page.url
        output: T | None = None
        start = time.perf_counter()
        try:
            output = extract(html, url)
        except Exception as exc:  # one page must not end the run
            failures.append(Failure(page.id, type(exc).__name__, str(exc)[:200]))
        seconds += time.perf_counter() - start
        outputs.append(output)
    return Pass(outputs, seconds, failures)


def warm_up(extract: Callable[[bytes, str], object], pages: Sequence[Page]) -> None:
    """Extract ``pages`` untimed, ignoring errors (imports, lazily built tables)."""
    for page in pages:
        try:
            extract(page.html, page.url)
        except Exception:  # failures are counted in the timed pass
            continue


def measure(
    extract: Callable[[bytes, str], T], pages: Sequence[Page], warmup: int, repeat: int
) -> Pass[T]:
    """The outputs of the first timed pass, with the best time of ``repeat`` passes."""
    reset_caches()
    warm_up(extract, pages[:warmup])
    best: Pass[T] | None = None
    for _ in range(max(1, repeat)):
        reset_caches()
        result = timed_pass(extract, pages)
        if best is None:
            best = result
        else:
            best.seconds = min(best.seconds, result.seconds)
    assert best is not None
    return best


def load_tools(
    tools: Sequence[Tool[F]], wanted: set[str] | None, console: Console
) -> list[tuple[Tool[F], F]]:
    """Import the wanted tools; a tool that is not installed is skipped with a notice."""
    loaded: list[tuple[Tool[F], F]] = []
    for tool in tools:
        if wanted is not None and tool.key not in wanted:
            continue
        try:
            loaded.append((tool, tool.load()))
        except ImportError as exc:
            console.print(f"[yellow]skipping {tool.label}: {exc}[/yellow]")
    return loaded


def ratio(seconds: float, reference: float | None) -> float | None:
    """``seconds / reference``, or ``None`` without a reference time."""
    return seconds / reference if reference else None
