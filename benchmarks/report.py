"""The tables the extraction benchmark prints."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from benchmarks.bodies import BodyResult, OursExtras
from benchmarks.dates import DateResult
from benchmarks.failures import PageFigures
from benchmarks.measure import Failure


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def bodies_table(corpus: str, results: Sequence[BodyResult]) -> Table:
    """One corpus' body figures, one row per tool."""
    table = Table(title=f"Article bodies: {corpus}")
    for name in ("tool", "P", "R", "F1", "ref F1", "empty", "errors", "time s", "ms/page",
                 "÷ trafilatura"):
        table.add_column(name, justify="left" if name == "tool" else "right")
    for r in results:
        table.add_row(
            r.label, _num(r.precision), _num(r.recall), _num(r.f1), _num(r.reference_f1),
            str(r.empty), str(len(r.failures)), f"{r.seconds:.2f}",
            f"{1000 * r.seconds / r.pages:.1f}" if r.pages else "—", _times(r.time_ratio),
        )
    return table


def extras_table(extras: Sequence[OursExtras]) -> Table:
    """Ours beyond the text: titles, dates, defects, per corpus; peers' titles too."""
    table = Table(title="Ours: titles, dates and defects")
    for name in ("corpus", "titles exact (site)", "peers' titles", "teaser-tail titles",
                 "days right", "defects"):
        table.add_column(name, justify="left" if name == "corpus" else "right")
    for e in extras:
        peers = ", ".join(f"{k} {v}" for k, v in e.peer_titles.items()) or "—"
        table.add_row(
            e.corpus, f"{e.titles_exact}/{e.titles}" if e.titles else "—", peers,
            str(e.teaser_titles), f"{e.dates_right}/{e.dates}" if e.dates else "—",
            str(len(e.defects)) + (f" ({', '.join(e.defects[:5])})" if e.defects else ""),
        )
    return table


def dates_table(results: Sequence[DateResult]) -> Table:
    """The publication-dates figures, one row per tool."""
    table = Table(title="Publication dates (publication-dates corpus)")
    for name in ("tool", "accuracy", "precision", "recall", "given", "errors", "time s",
                 "ms/page", "÷ htmldate"):
        table.add_column(name, justify="left" if name == "tool" else "right")
    for r in results:
        table.add_row(
            r.label, _num(r.accuracy), _num(r.precision), _num(r.recall),
            f"{r.given}/{r.pages}", str(len(r.failures)), f"{r.seconds:.2f}",
            f"{1000 * r.seconds / r.pages:.1f}" if r.pages else "—", _times(r.time_ratio),
        )
    return table


def sources_table(result: DateResult) -> Table:
    """Where a tool's dates came from, and how often they were right."""
    table = Table(title=f"{result.label}: dates by source")
    for name in ("source", "given", "correct", "precision"):
        table.add_column(name, justify="left" if name == "source" else "right")
    for source, counts in result.by_source.items():
        table.add_row(source, str(counts["given"]), str(counts["correct"]),
                      _num(counts["correct"] / counts["given"]))
    return table


def failures_table(title: str, failures: Sequence[Failure]) -> Table:
    """The pages on which a tool raised."""
    table = Table(title=title)
    for name in ("page", "exception", "message"):
        table.add_column(name)
    for failure in failures:
        table.add_row(failure.page, failure.error, failure.message[:80])
    return table


def worst_table(corpus: str, rows: Sequence[PageFigures]) -> Table:
    """Our worst pages on one corpus, with the kind of failure."""
    table = Table(title=f"Ours on {corpus}: the {len(rows)} pages with the lowest F1")
    for name in ("id / url", "P", "R", "F1", "chars / true", "failure"):
        table.add_column(name, justify="left" if name in ("id / url", "failure") else "right")
    for row in rows:
        label = row.id if not row.url else f"{row.id}\n[dim]{row.url}[/dim]"
        table.add_row(label, _num(row.precision, 2), _num(row.recall, 2), _num(row.f1, 2),
                      f"{row.chars}/{row.true_chars}", row.kind)
    return table


def print_report(
    console: Console, bodies: Sequence[BodyResult], extras: Sequence[OursExtras],
    dates: Sequence[DateResult],
) -> None:
    """Print every table of the run."""
    corpora = list(dict.fromkeys(r.corpus for r in bodies))
    for corpus in corpora:
        console.print(bodies_table(corpus, [r for r in bodies if r.corpus == corpus]))
    if bodies:
        console.print("ref F1: the F1 the corpus README reports for that peer (all pages). "
                      "empty: pages with no text, left out of P as the README says. "
                      "÷ trafilatura: time relative to trafilatura's (defaults); a subset "
                      "of pages shows its whole pass's time.", highlight=False)
    for body in bodies:
        if body.tool == "ours" and body.failures and "(" not in body.corpus:
            console.print(failures_table(f"Ours raised on these {body.corpus} pages",
                                         body.failures))
    if extras:
        console.print(extras_table(extras))
        for e in extras:
            if e.worst:
                console.print(worst_table(e.corpus, e.worst))
    if dates:
        console.print(dates_table(dates))
    for result in dates:
        if result.by_source:
            console.print(sources_table(result))
        if result.tool == "ours" and result.failures:
            console.print(failures_table("Ours raised on these publication-dates pages",
                                         result.failures))
