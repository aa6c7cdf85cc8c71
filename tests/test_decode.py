"""Decoding page bytes into text: BOMs, declarations, mis-declarations and guesses."""

from __future__ import annotations

import codecs

import pytest

from archive.extraction.decode import decode_html, guess_encoding, looks_binary

GERMAN = "Größere Änderungen für Bürger: Straße, Grüße und Übermaß im Jahr 2020. " * 3
FRENCH = "Les élèves ont étudié à l'école française ; déjà l'été arrive. « Où êtes-vous ? » " * 3
RUSSIAN = "Москва - столица России, крупнейший город страны. Здесь живут миллионы людей. " * 3
JAPANESE = "日本語のテキストです。東京は日本の首都であり、多くの人々が住んでいます。" * 3
CHINESE = "中华人民共和国是一个位于东亚的国家。北京是首都，上海是最大的城市。" * 3


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


def test_utf8_without_declaration() -> None:
    assert GERMAN in decode_html(page(GERMAN).encode("utf-8"))


def test_utf8_with_bom_drops_the_bom() -> None:
    text = decode_html(codecs.BOM_UTF8 + page(GERMAN).encode("utf-8"))
    assert GERMAN in text
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding: str) -> None:
    data = page(GERMAN).encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert not looks_binary(data)
    text = decode_html(data)
    assert GERMAN in text
    assert text.startswith("<html>")


def test_windows_1252_with_meta_charset() -> None:
    body = FRENCH + " “quotes” – 5 €"
    data = page(body, '<meta charset="windows-1252">').encode("cp1252")
    assert body in decode_html(data)


def test_latin1_declared_by_http_equiv() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    assert GERMAN in decode_html(page(GERMAN, head).encode("latin-1"))


def test_xml_declaration() -> None:
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + page(GERMAN)).encode("latin-1")
    assert GERMAN in decode_html(data)


def test_http_header_is_used_for_legacy_bytes() -> None:
    data = page(RUSSIAN).encode("cp1251")
    assert RUSSIAN in decode_html(data, "text/html; charset=windows-1251")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH + " “quotes” – 5 €", "cp1252"),
        (GERMAN, "latin-1"),
        (RUSSIAN, "koi8-r"),
        (RUSSIAN, "cp1251"),
        (JAPANESE, "shift_jis"),
        (JAPANESE, "euc-jp"),
        (CHINESE, "gb2312"),
    ],
)
def test_undeclared_legacy_encodings_are_guessed(text: str, encoding: str) -> None:
    assert text in decode_html(page(text).encode(encoding))


@pytest.mark.parametrize(("declared", "encoding", "garbage"), [
    ("iso-8859-1", "utf-8", "Ã"),  # declared latin-1, sent as UTF-8
    ("utf-8", "cp1252", "\ufffd"),  # declared UTF-8, sent as windows-1252
])
def test_the_bytes_win_over_a_wrong_meta_charset(declared: str, encoding: str,
                                                 garbage: str) -> None:
    text = decode_html(page(GERMAN, f'<meta charset="{declared}">').encode(encoding))
    assert GERMAN in text
    assert garbage not in text


def test_http_header_latin1_but_utf8_bytes() -> None:
    data = page(FRENCH).encode("utf-8")
    assert FRENCH in decode_html(data, "text/html; charset=ISO-8859-1")




def test_declared_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = page(GERMAN, '<meta charset="utf-8">').encode("utf-8").replace(b"2020", b"20\xff20")
    text = decode_html(data)
    assert "Größere Änderungen" in text
    assert text.count("\ufffd") == 3


def test_seven_bit_declared_encoding_is_respected() -> None:
    data = page(JAPANESE, '<meta charset="iso-2022-jp">').encode("iso2022_jp")
    assert JAPANESE in decode_html(data)


def test_empty_and_binary() -> None:
    assert decode_html(b"") == ""
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary(page(GERMAN).encode("utf-8"))


def test_guess_prefers_windows_1252_for_western_text() -> None:
    assert guess_encoding(page(FRENCH).encode("cp1252")) == "cp1252"
