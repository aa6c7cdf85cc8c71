"""Language codes: normalising declared ones, and a cheap guess from the text.

The guess needs no model: the writing system decides for most non-Latin scripts, and
counts of very frequent function words decide between Latin-script languages. It only
answers when the evidence is clear, and is meant for pages that declare nothing.
"""

from __future__ import annotations

import re
from collections import Counter

_CODE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{2,8})*\s*$")
# ISO 639-2/3 codes and English names that pages use in place of ISO 639-1 codes.
_ALIASES = {
    "eng": "en", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "spa": "es",
    "ita": "it", "por": "pt", "dut": "nl", "nld": "nl", "rus": "ru", "pol": "pl",
    "swe": "sv", "dan": "da", "nor": "no", "nob": "nb", "nno": "nn", "fin": "fi",
    "tur": "tr", "ces": "cs", "cze": "cs", "jpn": "ja", "zho": "zh", "chi": "zh",
    "kor": "ko", "ara": "ar", "heb": "he", "gre": "el", "ell": "el", "hun": "hu",
    "ron": "ro", "rum": "ro", "ukr": "uk", "cat": "ca",
    "english": "en", "german": "de", "deutsch": "de", "french": "fr", "français": "fr",
    "spanish": "es", "español": "es", "italian": "it", "italiano": "it",
    "portuguese": "pt", "português": "pt", "dutch": "nl", "nederlands": "nl",
    "russian": "ru", "polish": "pl", "polski": "pl", "swedish": "sv", "svenska": "sv",
    "danish": "da", "dansk": "da", "norwegian": "no", "norsk": "no", "finnish": "fi",
    "suomi": "fi", "turkish": "tr", "türkçe": "tr", "czech": "cs", "čeština": "cs",
    "japanese": "ja", "chinese": "zh", "korean": "ko", "arabic": "ar", "hebrew": "he",
    "greek": "el", "hungarian": "hu", "magyar": "hu", "romanian": "ro",
    "ukrainian": "uk", "catalan": "ca", "català": "ca",
}
# Old or non-standard two-letter codes still seen in pages.
_OLD = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv"}
# Not languages ("x-default", "zz", "xx", "mul", "und").
_NOT_LANGUAGES = {"xx", "zz", "un", "mul", "und", "zxx", "mis"}


def normalize_language(value: str | None) -> str | None:
    """An ISO 639-1 code for a declared language (``de-DE``, ``en_US``, ``deu``,
    ``German``...), or ``None`` when the value is not one."""
    if not value:
        return None
    value = value.strip().split(",")[0].strip().lower()
    if value in _ALIASES:
        return _ALIASES[value]
    m = _CODE.match(value)
    if m is None:
        return None
    code = m[1].lower()
    if len(code) == 3:
        return _ALIASES.get(code)
    code = _OLD.get(code, code)
    if code in _NOT_LANGUAGES or code.startswith("x"):
        return None
    return code


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to in is that for it with was on are as be this have "
                    "from by not but at they his her which you an were has been"),
    "de": _words("der die und das ist nicht zu den von mit sich des auf für im dem "
                    "ein eine auch es an als wird werden bei aus sie nach wie wir ich"),
    "fr": _words("le la les et des est que une dans pour pas qui sur au du avec "
                    "par sont ce il elle mais nous vous ont aux cette"),
    "es": _words("el la los las y que en del se por con una para es su al lo como "
                    "más pero sus le ha este entre cuando muy"),
    "it": _words("il di che la è per gli una sono della del non con nel alla anche "
                    "da le si ha questo dei delle più come lo"),
    "pt": _words("o a os as que de do da em um uma para com não é dos das se por "
                    "mais ao foi como mas na no são também"),
    "nl": _words("de het een en van is dat op te in voor niet met zijn er aan ook "
                    "als maar bij door wordt naar deze"),
    "sv": _words("och att det som är en på för med har till av inte den jag om "
                    "ett var från men vi kan de sig"),
    "da": _words("og at det er en på for med har til af ikke den som jeg om et var "
                    "fra men vi kan de sig vil"),
    "no": _words("og at det er en på for med har til av ikke den som jeg om et var "
                    "fra men vi kan de seg vil ble"),
    "pl": _words("i w na z że się nie do to jest jak po o co ale od za przez są "
                    "tak jego dla już"),
    "cs": _words("a se na je že v to s z do o jako ale by pro jsou jeho tak už "
                    "jsem nebo při jak"),
    "fi": _words("ja on ei että se oli mutta kun hän ovat myös tai niin kuin jos "
                    "sen ole vain"),
    "tr": _words("ve bir bu için ile de da olarak çok daha gibi ama en olan "
                    "kadar sonra değil"),
    "hu": _words("a az és hogy nem is egy meg de van volt már csak mint még "
                    "el ez azt"),
    "ro": _words("și în de la cu care pe nu este din o un că mai pentru se au "
                    "fost sau dar"),
    "id": _words("dan yang di ini itu dengan untuk dari tidak akan pada juga ke "
                    "karena ada dalam oleh"),
}
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
)
_UKRAINIAN = re.compile(r"[іїєґ]", re.IGNORECASE)
_PERSIAN = re.compile(r"[پچژگ]")


def guess_language(text: str) -> str | None:
    """A guess at the language of ``text`` (ISO 639-1), or ``None`` when unclear."""
    sample = text[:6000]
    letters = len(_LETTER.findall(sample))
    if letters < 40:
        return None
    for code, pattern in _SCRIPTS:
        count = len(pattern.findall(sample))
        if count > letters * 0.3:
            if code == "ru" and len(_UKRAINIAN.findall(sample)) > count * 0.01:
                return "uk"
            if code == "ar" and len(_PERSIAN.findall(sample)) > count * 0.01:
                return "fa"
            return code
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 15:
        return None
    counts = Counter(words)
    scores = {
        lang: sum(counts[w] for w in stop) for lang, stop in _STOPWORDS.items()
    }
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < max(5, len(words) * 0.08) or top < second * 1.3:
        return None
    return best
