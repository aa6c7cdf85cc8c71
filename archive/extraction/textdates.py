"""Dates written in the page itself: microdata, ``<time>`` elements and visible text.

This works on the page's HTML text with regular expressions rather than on the parsed
tree: it is cheaper (only the few places holding a year are looked at), and it sees the
whole page, including headers and bylines that the body extractor's preparation may
cut before parsing. Each date found is scored by its context (see :func:`scan_dates`).
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from archive.extraction.dates import find_text_dates, parse_date

#: Where a date may be written: a plausible year, or a ".m.yy" ending. Loose on purpose
#: (a pattern starting with a literal is scanned fast); the text around is checked after.
_ANCHOR_YEAR = re.compile(r"(?:199|20[0-9])[0-9]")
_ANCHOR_SHORT = re.compile(r"\.[01]?[0-9]\.[0-9][0-9]")
_OPAQUE_NAMES = ("script", "style", "noscript", "template", "svg", "textarea", "select")
_OPAQUE_START = re.compile(r"<!--|<(" + "|".join(_OPAQUE_NAMES) + r")\b", re.I)
_CLOSE_TAGS = {name: re.compile(r"</" + name + r"\s*>", re.I) for name in _OPAQUE_NAMES}
_CHROME = re.compile(r"<(/?)(footer|nav|aside)\b", re.I)
_COMMENTS = re.compile(r"comments|commentlist|comment-list|respond|disqus_thread|kommentare")
_HEADING_START = re.compile(r"<[hH]([1-3])[\s>]")
_HEADING_END = re.compile(r"</[hH][1-3]\s*>")
_CLASS_ATTR = re.compile(r"\bclass\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_ID_ATTR = re.compile(r"\bid\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_TAG = re.compile(r"<[^>]*>")
# Start tags are matched up to the next "<" or ">" ([^<>]), so that openers without
# their ">" do not each scan the rest of the page.
_OPEN_TAG_HINT = re.compile(
    r"<([a-z][a-z0-9]*)\b[^<>]*?\b(?:class|id|itemprop)\s*=\s*[\"']?([^\"'<>]*)", re.I
)
_TIME_TAG = re.compile(r"<time\b([^<>]*)>([^<]{0,100})", re.I)
_DATE_ATTRS = re.compile(
    r"\b(datetime|content|title|data-datetime|data-date)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|"
    r"([^\s>]+))", re.I,
)
_ITEMPROP = re.compile(
    r"itemprop\s*=\s*[\"']?(datePublished|dateCreated|dateModified)(?![\w-])"
)
#: hAtom class names; the ``class=`` before them is checked in a window after (a pattern
#: starting at ``class=`` and running to the name costs a scan per ``class=``).
_HATOM_BEFORE = frozenset("\"' =")
_HATOM_AFTER = frozenset(" \"'>")
_HATOM_CLASS = re.compile(r"class=[\"']?(?:[^\"'<>]* )?$")
_HATOM_WINDOW = 300
_HATOM_CLASSES = frozenset({"published", "updated", "dt-published", "dt-updated"})
_PUB_CUE = re.compile(
    r"(?:veröffentlicht|publiziert|erschienen|erstellt|eingestellt|gepostet|datum|"
    r"published|posted|written|created|dated|date|"
    r"publié|mis en ligne|posté|publicado|pubblicato|gepubliceerd|geplaatst|"
    r"opublikowano|publicerad|publiceret|publisert|julkaistu|yayınlanma)\W{0,3}"
    r"(?:\w{2,3}\W{1,3})?$",
    re.I,
)
_MOD_CUE = re.compile(
    r"(?:aktualisiert|geändert|zuletzt|\bstand|updated|modified|last edited|revised|"
    r"mis à jour|modifié|actualizado|aggiornato|bijgewerkt|atualizado|"
    r"zaktualizowano|uppdaterad|opdateret|oppdatert|güncellen\w*)\b[^0-9]{0,15}$",
    re.I,
)
_OTHER_CUE = re.compile(
    r"(?:registriert|registered|joined|member since|mitglied seit|dabei seit|geboren|born|"
    r"inscrit|miembro desde|deadline|frist|bis zum|until|gültig|valid|"
    r"geöffnet|öffnungszeiten|termin|event|veranstaltung)\b[^0-9]{0,15}$",
    re.I,
)
_GOOD_HINT = re.compile(
    r"(?i)date|time|publi|posted|meta|byline|entry|info|dateline|datum|zeit|stamp|header|author|"
    r"calendar"
)
_BAD_HINT = re.compile(
    r"comment|sidebar|widget|footer|related|recent|archiv|teaser|event|share|"
    r"menu|nav|popular|trending|reply|respond|kommentar|weather|ticker|cookie|"
    r"copyright|termin|veranstaltung|agenda|teaser-list|more-",
    re.I,
)
_MODIFIED_HINT = re.compile(r"updat|modif|aktualis|edited|revis", re.I)
_MAX_ANCHORS = 3000
#: At most this many ``<time>`` elements, microdata and hAtom elements are read.
_MAX_TIMES = 1000
_MAX_MICRODATA = 50
_MAX_HATOM = 200
#: At most this many places where a word names the comments or an hAtom class are looked
#: at (the word may be in the text, many times).
_MAX_CANDIDATES = 2000
#: Date attributes are read from this many characters of a start tag.
_MAX_ATTRS = 2000
#: The score of dates that are neither publication nor modification dates.
_NOT_A_DATE = -1000
#: How far around the headline (in characters) its own date is looked for.
_WINDOW_BEFORE = 6000
_WINDOW_AFTER = 12000
_NEAR_HEADLINE = 30


@dataclass(slots=True)
class DatedSpot:
    """One date found in the page, with its score and offset."""

    value: datetime
    #: ``None`` when the date is not a publication date (after "updated"...)
    score: int | None
    offset: int
    kind: str  # "time" or "text"
    #: within a few elements of the headline
    near_headline: bool = False


def _opaque_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of comments and of elements whose content is never visible text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _OPAQUE_START.search(text, pos)
        if m is None:
            return spans
        if m.group(1) is None:
            end = text.find("-->", m.end())
            end = len(text) if end < 0 else end + 3
        else:
            close = _CLOSE_TAGS[m.group(1).lower()].search(text, m.end())
            end = len(text) if close is None else close.end()
        spans.append((m.start(), end))
        pos = end


def _chrome_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the outermost ``footer``, ``nav`` and ``aside`` elements."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for m in _CHROME.finditer(text):
        if m.group(1):
            if depth:
                depth -= 1
                if depth == 0:
                    spans.append((start, m.end()))
        else:
            if depth == 0:
                start = m.start()
            depth += 1
    if depth:
        spans.append((start, len(text)))
    return spans


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


class _Page:
    """Offsets of the parts of a page that change how a date there is read."""

    def __init__(self, html: str, headline: str | None) -> None:
        self.html = html
        self.opaque = _opaque_spans(html)
        self.opaque_starts = [s for s, _ in self.opaque]
        self._chrome: list[tuple[int, int]] | None = None
        self._chrome_starts: list[int] = []
        self._comments_from: int | None = None
        self.headline_at = self._headline(headline)
        #: days written in the headline itself (an event's date, not the article's)
        self.headline_days = {v.date() for _, v in find_text_dates(headline or "")}

    def _comments_start(self) -> int:
        """Offset of the first element whose id or class names the comments section."""
        html = self.html
        candidates = 0
        for m in _COMMENTS.finditer(html, max(0, self.headline_at)):
            if html[m.start() - 1] not in "\"' =" or html[m.end():m.end() + 1] not in "\"' >":
                continue
            candidates += 1
            if candidates > _MAX_CANDIDATES:
                break
            element = _element_at(html, m.start())
            if element is None or self.hidden(m.start()):
                continue
            tokens = _attr_tokens(element[0], _ID_ATTR) | _attr_tokens(element[0], _CLASS_ATTR)
            if m.group(0) in tokens:
                return m.start()
        return len(html)

    def _headline(self, headline: str | None) -> int:
        """Offset of the heading holding the article's title; else of the first ``h1``."""
        first_h1 = -1
        wanted = re.sub(r"\W+", "", (headline or "").lower())
        for n, m in enumerate(_HEADING_START.finditer(self.html)):
            if n > 300:
                break
            if self.hidden(m.start()):
                continue
            end = _HEADING_END.search(self.html, m.end(), m.end() + 3000)
            if end is None:
                continue
            if first_h1 < 0 and m.group(1) == "1":
                first_h1 = m.start()
            inner = self.html[m.end():end.start()]
            text = re.sub(r"\W+", "", html_lib.unescape(_TAG.sub("", inner)).lower())
            if len(wanted) >= 10 and len(text) >= 10 and (wanted in text or text in wanted):
                return m.start()
        return first_h1

    def hidden(self, pos: int) -> bool:
        return _inside(self.opaque, self.opaque_starts, pos)

    def near_headline(self, pos: int) -> int:
        """2 within a few elements of the headline, 1 a little further below it, else 0."""
        if self.headline_at < 0:
            return 0
        lo, hi = sorted((self.headline_at, pos))
        distance = self.html.count("<", lo, hi) if hi - lo < 20000 else 10**6
        if distance <= _NEAR_HEADLINE:
            return 2
        if distance <= 3 * _NEAR_HEADLINE and pos > self.headline_at:
            return 1
        return 0

    def score(self, pos: int, before: str, own_hint: str = "", is_time: bool = False
              ) -> int | None:
        """The context score of a date at ``pos``; ``None`` when it is not a publication
        date (a modification date, a registration date...)."""
        if _MOD_CUE.search(before[-40:]) or _MODIFIED_HINT.search(own_hint):
            return None
        if _OTHER_CUE.search(before[-40:]):
            return _NOT_A_DATE
        score = 0
        if _PUB_CUE.search(before[-30:]):
            score += 3
        hints = own_hint + " " + " ".join(
            h for _, h in _OPEN_TAG_HINT.findall(self.html, max(0, pos - 400), pos)[-3:]
        )
        if is_time or _GOOD_HINT.search(hints):
            score += 2
        if _BAD_HINT.search(hints):
            score -= 3
        if self._chrome is None:
            self._chrome = _chrome_spans(self.html)
            self._chrome_starts = [s for s, _ in self._chrome]
        if _inside(self._chrome, self._chrome_starts, pos):
            score -= 2
        if self._comments_from is None:
            self._comments_from = self._comments_start()
        if pos >= self._comments_from:
            score -= 3
        return score + self.near_headline(pos)

    def text_before(self, pos: int, length: int = 60) -> str:
        chunk = self.html[max(0, pos - 400):pos]
        if chunk.find(">") < chunk.find("<") or "<" not in chunk:
            chunk = chunk[chunk.find(">") + 1:]
        return " ".join(html_lib.unescape(_TAG.sub(" ", chunk)).split())[-length:]


def _attr_date(attrs: str) -> datetime | None:
    for m in _DATE_ATTRS.finditer(attrs[:_MAX_ATTRS]):
        value = parse_date(html_lib.unescape(m.group(2) or m.group(3) or m.group(4) or ""))
        if value is not None:
            return value
    return None


def _attr_tokens(tag: str, pattern: re.Pattern[str]) -> set[str]:
    """The space-separated values of one attribute of a start tag, lower-cased."""
    m = pattern.search(tag)
    if m is None:
        return set()
    return set((m.group(1) or m.group(2) or m.group(3) or "").lower().split())


def _element_at(html: str, pos: int) -> tuple[str, str] | None:
    """The start tag around offset ``pos`` (inside it) and the text right after it."""
    lt = html.rfind("<", max(0, pos - 2000), pos)
    gt = html.find(">", pos, pos + 2000)
    if lt < 0 or gt < 0 or html.find(">", lt, pos) >= 0:
        return None
    text_end = html.find("<", gt, gt + 200)
    return html[lt:gt + 1], html[gt + 1:text_end if text_end >= 0 else gt + 101][:100]


def microdata_dates(html: str) -> tuple[datetime | None, datetime | None]:
    """``itemprop="datePublished"`` / ``dateModified`` and hAtom ``published`` /
    ``updated`` elements, wherever they are in the page."""
    published = modified = None
    for n, m in enumerate(_ITEMPROP.finditer(html)):
        if n >= _MAX_MICRODATA:
            break
        element = _element_at(html, m.start())
        if element is None:
            continue
        tag, text = element
        value = _attr_date(tag) or parse_date(html_lib.unescape(text))
        if value is None:
            continue
        if m.group(1) == "dateModified":
            modified = modified or value
        elif published is None:
            published = value
    if published is None:
        found = 0
        for n, (start, word) in enumerate(_hatom_words(html)):
            if n >= _MAX_CANDIDATES or found >= _MAX_HATOM:
                break
            if not _HATOM_CLASS.search(html, max(0, start - _HATOM_WINDOW), start):
                continue
            found += 1
            element = _element_at(html, start)
            if element is None:
                continue
            tag, text = element
            if not _attr_tokens(tag, _CLASS_ATTR) & _HATOM_CLASSES:
                continue
            value = _attr_date(tag) or parse_date(html_lib.unescape(text))
            if value is None:
                continue
            if word == "updated":
                modified = modified or value
            elif published is None:
                published = value
    return published, modified


def _hatom_words(html: str) -> list[tuple[int, str]]:
    """Where "published"/"updated" (or "dt-...") stand as a whole attribute word, in order.

    ``str.find`` rather than a regular expression: a pattern opening with a lookbehind is
    tried at every offset of the page, ten times slower on a megabyte.
    """
    places: list[tuple[int, str]] = []
    for word in ("published", "updated"):
        pos = html.find(word)
        while pos >= 0 and len(places) < 2 * _MAX_CANDIDATES:
            start = pos - 3 if html.startswith("dt-", pos - 3) else pos
            end = pos + len(word)
            if start > 0 and html[start - 1] in _HATOM_BEFORE and html[end:end + 1] in _HATOM_AFTER:
                places.append((start, word))
            pos = html.find(word, end)
    places.sort()
    return places


def scan_dates(
    html: str, headline: str | None = None, prefer_dmy: bool = True,
    near_headline_only: bool = False,
) -> tuple[list[DatedSpot], datetime | None]:
    """Score every ``<time>`` element and every date in the visible text.

    A publication cue just before the date ("veröffentlicht am", "posted on") gives +3,
    being a ``<time>`` or having a date-like class on the element or its near ancestors
    +2,
    lying within a few elements of the headline ``<h1>`` +2 (+1 further below it);
    a class naming comments, sidebars, related links... gives -3, lying in ``footer``,
    ``nav`` or ``aside`` -2, in the comments -3. Dates after a modification cue
    ("aktualisiert", "updated") are not publication dates: the first is returned apart;
    dates after other cues ("registriert", "member since", "bis zum") are skipped.

    With ``near_headline_only``, only the surroundings of the headline are looked at
    (cheap); nothing is found then when no headline is.
    """
    page = _Page(html, headline)
    spots: list[DatedSpot] = []
    modified: datetime | None = None
    if near_headline_only:
        if page.headline_at < 0:
            return spots, None
        lo, hi = max(0, page.headline_at - _WINDOW_BEFORE), page.headline_at + _WINDOW_AFTER
    else:
        lo, hi = 0, len(html)
    _scan_region(page, lo, min(hi, len(html)), prefer_dmy, spots)
    for spot in spots:
        if spot.score is None:
            modified = modified or spot.value
    return [s for s in spots if s.score is not None and s.score != _NOT_A_DATE], modified


def _scan_region(
    page: _Page, lo: int, hi: int, prefer_dmy: bool, spots: list[DatedSpot]
) -> None:
    """Add the dated spots of ``html[lo:hi]`` outside scripts and comments to ``spots``."""
    html = page.html
    for m in islice(_TIME_TAG.finditer(html, lo, hi), _MAX_TIMES):
        if page.hidden(m.start()):
            continue
        value = _attr_date(m.group(1)) or parse_date(html_lib.unescape(m.group(2)))
        if value is None:
            continue
        own = " ".join(h for _, h in _OPEN_TAG_HINT.findall(m.group(0)))
        if "pubdate" in m.group(1).lower():
            own += " published"
        score = page.score(m.start(), page.text_before(m.start()), own, is_time=True)
        near = page.near_headline(m.start()) == 2
        spots.append(DatedSpot(value, score, m.start(), "time", near))
    done: set[int] = set()
    # The first anchors of each kind: together they hold the page's first anchors.
    anchors = [m.start() for m in islice(_ANCHOR_YEAR.finditer(html, lo, hi), _MAX_ANCHORS)]
    anchors += [m.start() for m in islice(_ANCHOR_SHORT.finditer(html, lo, hi), _MAX_ANCHORS)]
    anchors = sorted(anchors)[:_MAX_ANCHORS]
    for pos in anchors:
        gt = html.rfind(">", max(0, pos - 1000), pos)
        start = gt + 1
        if gt < 0 or start in done or html.find("<", start, pos) >= 0 or page.hidden(pos):
            continue  # inside a tag or a script, or in a very long text
        done.add(start)
        end = html.find("<", pos, pos + 1000)
        if end < 0:
            continue
        segment = html[start:end]
        if "&" in segment:
            segment = html_lib.unescape(segment)
        for offset, value in find_text_dates(segment, prefer_dmy):
            before = page.text_before(start) + " " + segment[:offset]
            score = page.score(start, before.rstrip())
            if score is not None and value.date() in page.headline_days:
                score -= 3
            near = page.near_headline(start) == 2
            spots.append(DatedSpot(value, score, start, "text", near))


def best_spot(spots: list[DatedSpot]) -> DatedSpot | None:
    """The highest-scoring date; among equals a ``<time>``, then the earliest."""
    best: DatedSpot | None = None
    for spot in spots:
        if best is None or _rank(spot) > _rank(best):
            best = spot
    return best


def _rank(spot: DatedSpot) -> tuple[int, int, int]:
    return (spot.score or 0, spot.kind == "time", -spot.offset)
