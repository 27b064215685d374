"""Which parser reads an uploaded file: by its content first, its name only to tell QFX.

`detect_format` looks at the file's first 64 KB: OFX header or `<OFX>` → "ofx" ("qfx" when the
name ends .qfx or Intuit's INTU. tags appear), `!Type:`/`!Account`/`!Option` → "qif", XML
with a camt.053 namespace → "camt053". Files that are clearly something else (PDF, ZIP/XLSX,
old Excel, images, HTML, other XML, binary) are refused with a message naming what the file
seems to be and what is accepted. Anything else is "csv": csv_reader.py decides whether it
really is one. `read_statement` runs the parser; CSV needs a column mapping first, so it
raises `NeedsCsvMapping` instead.
"""

from __future__ import annotations

import re

from data.imports.camt import CAMT053_NAMESPACES, read_camt053
from data.imports.ofx import read_ofx
from data.imports.qif import read_qif
from data.imports.statement import Statement, UnreadableFile

MAX_IMPORT_BYTES = 20 * 1024 * 1024
_HEAD_BYTES = 64 * 1024
ACCEPTED = "Import accepts CSV, OFX/QFX, QIF and CAMT.053 (XML) statements from your bank."

# Leading bytes of formats people upload by mistake, and what to call them.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an Excel/OpenDocument spreadsheet (XLSX, ODS)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word document (XLS, DOC)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)
_OFX = re.compile(r"OFXHEADER|<\?OFX|<OFX\s*>", re.IGNORECASE)
_QIF = re.compile(r"!(Type:|Account|Option:|Clear:)", re.IGNORECASE)
_HTML = re.compile(r"<(!DOCTYPE\s+html|html[\s>])", re.IGNORECASE)


class NeedsCsvMapping(Exception):
    """The file is (probably) CSV: read it with data/imports/csv_reader.py and a mapping.
    Not an UnreadableFile: it is the caller's signal to ask for the columns."""


def detect_format(content: bytes, file_name: str = "") -> str:
    """ "csv", "ofx", "qfx", "qif" or "camt053"; UnreadableFile for empty, oversized and
    clearly-not-a-statement files. The message never quotes the file."""
    if not content.strip():
        raise UnreadableFile("The file is empty.")
    if len(content) > MAX_IMPORT_BYTES:
        raise UnreadableFile(
            f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB, the most an "
            "import accepts. Export a shorter period."
        )
    head = _head_text(content)
    text = head.lstrip()
    if _OFX.search(head):
        intuit = "<INTU." in head.upper() or file_name.lower().endswith(".qfx")
        return "qfx" if intuit else "ofx"
    if _QIF.match(text):
        return "qif"
    if text.startswith("<"):
        return _xml_format(text)
    return "csv"


def read_statement(content: bytes, file_name: str = "") -> Statement:
    """The file's Statement, by the format `detect_format` finds; NeedsCsvMapping for CSV."""
    found = detect_format(content, file_name)
    if found == "csv":
        raise NeedsCsvMapping("The file is CSV: its columns need a mapping.")
    if found == "camt053":
        return read_camt053(content)
    if found == "qif":
        return read_qif(content)
    return read_ofx(content, qfx=found == "qfx")


def _head_text(content: bytes) -> str:
    """The first 64 KB as text for sniffing (Latin-1 keeps every byte); UnreadableFile for
    known binary formats and for NUL bytes outside UTF-16."""
    head = content[:_HEAD_BYTES]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFile(f"This looks like {what}, not a bank statement. {ACCEPTED}")
    if head[4:8] == b"ftyp":
        raise UnreadableFile(f"This looks like a photo or video, not a bank statement. {ACCEPTED}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if b"\x00" in head:
        raise UnreadableFile(f"This looks like a binary file, not a bank statement. {ACCEPTED}")
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def _xml_format(text: str) -> str:
    """ "camt053" for a CAMT.053 document; UnreadableFile for HTML and any other XML."""
    if _HTML.search(text[:2048]):
        raise UnreadableFile(
            "This looks like a web page (HTML), which some banks save under an .xls name, not "
            f"a bank statement. {ACCEPTED}"
        )
    if any(namespace in text for namespace in CAMT053_NAMESPACES):
        return "camt053"
    for kind in ("camt.052", "camt.054"):
        if f":{kind}." in text:
            raise UnreadableFile(
                f"This is a {kind.upper()} file, not a CAMT.053 statement; ask your bank for "
                "the CAMT.053 end-of-day statement."
            )
    raise UnreadableFile(f"This is an XML file that is not a CAMT.053 statement. {ACCEPTED}")
