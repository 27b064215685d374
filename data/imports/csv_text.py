"""A CSV upload's bytes -> text: which encoding the bank wrote, and is it text at all; and
the cleaning every cell shown to a person gets (clean_text).

UTF-8 (with or without a BOM) is tried first and strictly: a file that decodes as UTF-8 almost
certainly is UTF-8. Otherwise charset-normalizer picks the legacy code page German, French and
Dutch banks still write (cp1252, Latin-1). UTF-16 with a BOM is what Excel's "Unicode text"
export gives. Binary or random bytes are refused without quoting them.
"""

from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

from data.imports.statement import UnreadableFile

NOT_TEXT = "This file is not text: choose the CSV file your bank exported."
# Above this share of control characters the "text" is bytes a decoder forced into letters.
_MAX_CONTROL_SHARE = 0.02
# A stray escape or bell in a memo is a bank's bug, not a binary file.
_MAX_CONTROLS = 8
# What banks still write when not UTF-8: Western, Central and Eastern European, Baltic, Greek,
# Turkish, DOS and Mac code pages, and the East Asian multi-byte ones.
_CODE_PAGES = (
    "cp1252", "cp1250", "cp1251", "cp1257", "cp1253", "cp1254", "iso8859_15", "latin_1",
    "iso8859_2", "cp850", "mac_roman", "koi8_r", "shift_jis", "gb18030", "big5", "euc_kr",
)  # fmt: skip
_CHAOS_TIE = 0.001
# Enough text to judge what the file is; scanning the rest adds nothing.
_SAMPLE = 65536


def decode(content: bytes) -> tuple[str, str]:
    """Return (text, encoding name); newlines as "\\n"; raise UnreadableFile if it is not text."""
    if not content.strip():
        raise UnreadableFile("This file is empty.")
    text, encoding = _decoded(content)
    text = text.removeprefix("\ufeff")
    if _looks_binary(text):
        raise UnreadableFile(NOT_TEXT)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decoded(content: bytes) -> tuple[str, str]:
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if content.startswith(bom):
            try:
                return content[len(bom) :].decode(name), "utf-16"
            except UnicodeDecodeError:
                raise UnreadableFile(NOT_TEXT) from None
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # NUL bytes never occur in a single-byte text file; charset-normalizer might still
    # call them UTF-16 or UTF-32 without a BOM, which no bank writes.
    if b"\x00" in content:
        raise UnreadableFile(NOT_TEXT)
    encoding = _legacy_encoding(content)
    return content.decode(encoding), encoding


def _legacy_encoding(content: bytes) -> str:
    """The code page among those banks write whose text looks least like noise.

    On a short file charset-normalizer often finds several code pages equally plausible (an
    accented French cp1252 file scores the same as cp1250, where "è" is "č"): among the least
    chaotic, cp1252 wins when it decodes to the same text or scores the same.
    """
    matches = list(charset_normalizer.from_bytes(content, cp_isolation=list(_CODE_PAGES)))
    if not matches:
        raise UnreadableFile(NOT_TEXT)
    least = min(match.chaos for match in matches)
    tied = [match for match in matches if match.chaos <= least + _CHAOS_TIE]
    for match in tied:
        if "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return codecs.lookup(tied[0].encoding).name


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    if "\x00" in sample:
        return True
    controls = sum(
        1 for char in sample if char not in "\t\n\r" and unicodedata.category(char) == "Cc"
    )
    return controls > max(_MAX_CONTROLS, len(sample) * _MAX_CONTROL_SHARE)


def clean_text(text: str) -> str:
    """Control and format characters out, whitespace collapsed: what a payee or memo shows."""
    if text.isprintable():  # the common case, without a category lookup per character
        return " ".join(text.split())
    kept = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in text
    )
    return " ".join(kept.split())
