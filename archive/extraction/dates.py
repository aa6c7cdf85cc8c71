"""Parsing dates as pages write them: ISO 8601, timestamps, RFC 2822, numeric and
spelled-out dates in several languages, dates in URLs.

Everything returns timezone-aware datetimes (UTC when the string gives no offset; an
offset that is given is kept, so ``.date()`` is the day the page meant) or ``None``,
and never raises. Dates before :data:`MIN_DATE` or more than a day in the future are
rejected as implausible.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

#: The earliest publication date taken as plausible.
MIN_DATE = datetime(1995, 1, 1, tzinfo=UTC)

# Month names (and their usual abbreviations, genitive forms) in the languages most
# common on news sites. Keys are lower-cased, without a trailing dot.
_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio",
     "gen", "janeiro", "januari", "stycznia", "styczeń", "января", "январь", "ledna",
     "leden", "ocak", "tammikuuta", "januára", "január", "ianuarie", "siječnja"),
    ("february", "feb", "febr", "februar", "feber", "février", "fevrier", "févr", "fevr",
     "febrero", "febbraio", "fevereiro", "fev", "februari", "lutego", "luty", "февраля",
     "февраль", "února", "únor", "şubat", "helmikuuta", "februára", "február",
     "februarie", "veljače"),
    ("march", "mar", "märz", "maerz", "mär", "mars", "marzo", "março", "marco", "maart",
     "mrt", "marca", "marzec", "марта", "март", "března", "březen", "mart", "maaliskuuta",
     "marec", "március", "martie", "ožujka"),
    ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień",
     "апреля", "апрель", "dubna", "duben", "nisan", "huhtikuuta", "apríla", "április",
     "aprilie", "travnja"),
    ("may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "maja", "мая", "май",
     "května", "květen", "mayıs", "toukokuuta", "mája", "május", "svibnja"),
    ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwca",
     "czerwiec", "июня", "июнь", "června", "červen", "haziran", "kesäkuuta", "júna",
     "június", "iunie", "lipnja"),
    ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lipca",
     "lipiec", "июля", "июль", "července", "červenec", "temmuz", "heinäkuuta", "júla",
     "július", "iulie", "srpnja"),
    ("august", "aug", "août", "aout", "agosto", "ago", "augustus", "augusti", "sierpnia",
     "sierpień", "августа", "август", "srpna", "srpen", "ağustos", "elokuuta", "augusztus",
     "kolovoza"),
    ("september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro",
     "września", "wrzesień", "сентября", "сентябрь", "září", "eylül", "syyskuuta",
     "septembra", "szeptember", "septembrie", "rujna"),
    ("october", "oct", "okt", "oktober", "octobre", "octubre", "ottobre", "ott", "outubro",
     "out", "października", "październik", "октября", "октябрь", "října", "říjen", "ekim",
     "lokakuuta", "októbra", "október", "octombrie", "listopada"),
    ("november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopad",
     "ноября", "ноябрь", "listopadu", "kasım", "marraskuuta", "novembra", "noiembrie",
     "studenoga"),
    ("december", "dec", "dez", "dezember", "décembre", "decembre", "déc", "diciembre",
     "dic", "dicembre", "dezembro", "desember", "grudnia", "grudzień", "декабря",
     "декабрь", "prosince", "prosinec", "aralık", "joulukuuta", "decembra", "december",
     "decembrie", "prosinca"),
)
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(_MONTH_NAMES, 1):
    for _name in _names:
        # "listopada" is October in Croatian but November in Polish: the first wins.
        MONTHS.setdefault(_name, _number)

_MONTH_WORD = r"[^\W\d_]{3,}\.?"
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_YEAR = r"(?:19[9][0-9]|20[0-9][0-9])"

#: Spelled-out and numeric day-precise dates inside running text.
TEXT_DATE = re.compile(
    rf"(?<![\w.])(?P<d1>{_DAY})(?:\.|st|nd|rd|th|er|º)?\s?(?:de |of |-)?\s?"
    rf"(?P<m1>{_MONTH_WORD})[,.]?\s?(?:de |del |-)?\s?(?P<y1>{_YEAR})(?!\d)"
    rf"|(?<![\w])(?P<m2>{_MONTH_WORD})\s(?P<d2>{_DAY})(?:st|nd|rd|th)?\.?,?\s(?P<y2>{_YEAR})(?!\d)"
    rf"|(?<![\d.])(?P<y3>{_YEAR})\s?(?P<s3>[-/.])\s?(?P<m3>[01]?\d)\s?(?P=s3)\s?(?P<d3>[0-3]?\d)"
    rf"(?![\d])"
    rf"|(?<![\d.])(?P<d4>{_DAY})\.\s?(?P<m4>[01]?\d)\.\s?(?P<y4>{_YEAR}|\d\d)(?![\d])"
    rf"|(?<![\d/])(?P<a5>\d{{1,2}})(?P<s5>[/-])(?P<b5>\d{{1,2}})(?P=s5)(?P<y5>{_YEAR}|\d\d)(?![\d/])"
    rf"|(?P<y6>{_YEAR})\s?[年년]\s?(?P<m6>[01]?\d)\s?[月월]\s?(?P<d6>[0-3]?\d)\s?[日일]",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(
    r"(?i)[,\s]*(?:(?:um|at|à|a las|alle|o|om|kl\.?|-|—|–|\|)\s*)?"
    r"(?P<h>[012]?\d)[:h.](?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?\s?(?P<ap>[ap]\.?m\.?)?"
)
_ISO_PREFIX = re.compile(
    r"^\s*(?P<y>\d{4})-?(?P<m>\d\d)-?(?P<d>\d\d)"
    r"(?:[T\s_]+(?P<H>\d\d):?(?P<M>\d\d)(?::?(?P<S>\d\d)(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)?",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"^\s*(\d{10})(\d{3})?(?:\.\d+)?\s*$")
_URL_DATE = re.compile(
    rf"(?<![\d])(?P<y>{_YEAR})(?P<s>[/_.-])?(?P<m>0[1-9]|1[0-2]|(?<=[/_.-])[1-9](?=[/_.-]))"
    rf"(?(s)[/_.-]|)(?P<d>0[1-9]|[12]\d|3[01]|(?<=[/_.-])[1-9])(?![\d])"
)
_URL_DMY = re.compile(
    rf"(?<![\d])(?P<d>0[1-9]|[12]\d|3[01])(?P<s>[_.-])(?P<m>0[1-9]|1[0-2])(?P=s)(?P<y>{_YEAR})"
    r"(?![\d])"
)
_URL_MONTH = re.compile(rf"/(?P<y>{_YEAR})/(?P<m>0?[1-9]|1[0-2])/")
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/[^/]*/", re.IGNORECASE)


def now() -> datetime:
    """The current time in UTC (a function so that tests can rely on a moving bound)."""
    return datetime.now(UTC)


def plausible(value: datetime | None) -> datetime | None:
    """``value`` when it lies between :data:`MIN_DATE` and tomorrow, else ``None``."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        if value < MIN_DATE or value > now() + timedelta(days=1):
            return None
    except (OverflowError, ValueError):
        return None
    return value


def _tz(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return UTC
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
    tz: timezone = UTC,
) -> datetime | None:
    try:
        return plausible(datetime(year, month, day, hour, minute, second, tzinfo=tz))
    except (ValueError, OverflowError):
        return None


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        year += 2000 if year < 70 else 1900
    return year


def parse_iso(text: str) -> datetime | None:
    """Parse an ISO-8601-like date or datetime (``2020-01-05``, ``20200105T1030Z``,
    ``2020-01-05 10:30:00 +0100``); only the leading date part needs to match."""
    m = _ISO_PREFIX.match(text)
    if m is None:
        return None
    if text[m.end():m.end() + 1].isdigit():
        return None
    hour = int(m["H"] or 0)
    minute = int(m["M"] or 0)
    second = int(m["S"] or 0)
    if hour == 24 and minute == 0:
        hour = 23
        minute = second = 59
    if hour > 23:
        hour = minute = second = 0
    return _build(int(m["y"]), int(m["m"]), int(m["d"]), hour, minute, second, _tz(m["tz"]))


def parse_timestamp(text: str) -> datetime | None:
    """A Unix timestamp in seconds (10 digits) or milliseconds (13 digits)."""
    m = _TIMESTAMP.match(text)
    if m is None:
        return None
    try:
        return plausible(datetime.fromtimestamp(int(m[1]), UTC))
    except (ValueError, OverflowError, OSError):
        return None


def _from_match(m: re.Match[str], text: str, prefer_dmy: bool) -> datetime | None:
    """A datetime from one :data:`TEXT_DATE` match, with the time of day following it."""
    if m["y1"]:
        month = MONTHS.get(m["m1"].rstrip(".").lower())
        day, year = int(m["d1"]), int(m["y1"])
    elif m["y2"]:
        month = MONTHS.get(m["m2"].rstrip(".").lower())
        day, year = int(m["d2"]), int(m["y2"])
    elif m["y3"]:
        year, month, day = int(m["y3"]), int(m["m3"]), int(m["d3"])
    elif m["y4"]:
        day, month, year = int(m["d4"]), int(m["m4"]), _year(m["y4"])
    elif m["y5"]:
        a, b, year = int(m["a5"]), int(m["b5"]), _year(m["y5"])
        if a > 12 or (prefer_dmy and b <= 12):
            day, month = a, b
        else:
            month, day = a, b
    else:
        year, month, day = int(m["y6"]), int(m["m6"]), int(m["d6"])
    if not month:
        return None
    hour = minute = second = 0
    t = _TIME_OF_DAY.match(text, m.end())
    if t is not None:
        hour, minute, second = int(t["h"]), int(t["mi"]), int(t["s"] or 0)
        ap = (t["ap"] or "").lower()
        if ap.startswith("p") and hour < 12:
            hour += 12
        elif ap.startswith("a") and hour == 12:
            hour = 0
        if hour > 23:
            hour = minute = second = 0
    return _build(year, month, day, hour, minute, second)


def find_text_dates(text: str, prefer_dmy: bool = True) -> list[tuple[int, datetime]]:
    """All plausible day-precise dates written in ``text``, with their offsets."""
    found: list[tuple[int, datetime]] = []
    for m in TEXT_DATE.finditer(text):
        value = _from_match(m, text, prefer_dmy)
        if value is not None:
            found.append((m.start(), value))
    return found


def parse_date(value: object, prefer_dmy: bool = True) -> datetime | None:
    """Parse a date given by metadata (a string or a number); ``None`` when implausible.

    Tried in order: ISO 8601, Unix timestamps, RFC 2822 (``Tue, 05 Jan 2020 10:00:00
    GMT``), then the numeric and spelled-out forms of :data:`TEXT_DATE`.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    text = value.strip()[:200]
    if len(text) < 6:
        return None
    parsed = parse_iso(text) or parse_timestamp(text)
    if parsed is not None:
        return parsed
    if "," in text[:5] or text[:1].isdigit() and ":" in text:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
        if parsed is not None:
            return plausible(parsed)
    m = TEXT_DATE.search(text)
    return _from_match(m, text, prefer_dmy) if m is not None else None


def url_date(url: str | None) -> datetime | None:
    """The day a URL's path gives (``/2020/01/05/``, ``/2020-01-05-title``, ``/20200105/``).

    Wayback Machine prefixes are skipped; the host and query string are not searched.
    """
    if not url:
        return None
    url = _WAYBACK.sub("", url)
    path = url.split("://", 1)[-1]
    slash = path.find("/")
    if slash < 0:
        return None
    path = path[slash:].split("?", 1)[0].split("#", 1)[0]
    for m in _URL_DATE.finditer(path):
        if not m["s"] and (path[m.start() - 1:m.start()] not in ("/", "-", "_")):
            continue
        after = path[m.end():m.end() + 1]
        if m["s"] == "/" and after not in ("/", "", ".", "_") and len(m["d"]) == 1:
            continue  # "/2023/10/3-questions": a month archive, then a title
        value = _build(int(m["y"]), int(m["m"]), int(m["d"]))
        if value is not None:
            return value
    return _url_dmy(path)


def _url_dmy(path: str) -> datetime | None:
    """A day-month-year date in a URL path (``/news/29-10-2021``)."""
    m = _URL_DMY.search(path)
    return _build(int(m["y"]), int(m["m"]), int(m["d"])) if m else None


def url_month(url: str | None) -> tuple[int, int] | None:
    """The (year, month) a URL's path gives, as in ``/2020/01/slug``."""
    if not url:
        return None
    m = _URL_MONTH.search(_WAYBACK.sub("", url))
    return (int(m["y"]), int(m["m"])) if m else None
