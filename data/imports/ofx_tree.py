"""An OFX file's element tree, read the way banks actually write OFX.

ofxtools' own reading refuses much of what banks send: its header parser wants all nine
OFX 1.x fields in order and knows three CHARSET values ("8859-1", a missing CHARSET, a header
after more than eight blank lines or inside an <!-- --> comment all fail), its tree builder
asserts on an empty unclosed SGML leaf (`<MEMO>` with no value) and on stray end tags, and its
`convert()` validates every element against the spec (a missing LEDGERBAL, a comma decimal,
an unknown tag are fatal there). So the header and the decoding are read here, and the body is
tokenized with ofxtools' own regex (`TreeBuilder.regex`) into a builder that repairs instead of
refusing. ofx.py walks the resulting tree; nothing here knows what a transaction is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ofxtools.Parser import TreeBuilder

from data.imports.statement import UnreadableFile

_OFX_START = re.compile(rb"<OFX\s*>", re.IGNORECASE)
_OFX_END = re.compile(rb"</OFX\s*>", re.IGNORECASE)
# OFX 1.x "CHARSET:1252" lines and OFX 2.x `<?OFX VERSION="211" ...?>` attributes alike.
_HEADER_FIELD = re.compile(r"([A-Z]+)\s*[:=]\s*\"?([\w.-]*)", re.IGNORECASE)
_XML_ENCODING = re.compile(r"<\?xml[^>]*encoding\s*=\s*[\"']([\w.-]+)", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<(/?)\s*([A-Za-z][A-Za-z0-9._]*)\s*(/?)>")
_CLOSE_TAG = re.compile(r"</([A-Z0-9._]+)>")

# Elements that hold other elements. An unclosed start tag without a value is an aggregate when
# named here (or closed later in the file), else an empty SGML leaf closed on the spot.
_AGGREGATES = frozenset(
    "OFX SIGNONMSGSRSV1 SONRS STATUS FI BANKMSGSRSV1 STMTTRNRS STMTRS BANKACCTFROM BANKACCTTO"
    " BANKTRANLIST STMTTRN PAYEE LEDGERBAL AVAILBAL BALLIST BAL CREDITCARDMSGSRSV1 CCSTMTTRNRS"
    " CCSTMTRS CCACCTFROM CCACCTTO CURRENCY ORIGCURRENCY INVSTMTMSGSRSV1 INVSTMTTRNRS"
    " INVSTMTRS".split()
)
# Leaves that are never aggregates even when another line of the file closes them.
_LEAVES = frozenset("NAME MEMO CHECKNUM REFNUM PAYEEID SIC FITID TRNAMT DTPOSTED DTUSER".split())


@dataclass(frozen=True)
class OfxDocument:
    """The body's tree (root <OFX>), the header's fields (upper-case names), and warnings."""

    root: ET.Element
    header: dict[str, str]
    warnings: tuple[str, ...]


def read_ofx_tree(content: bytes) -> OfxDocument:
    """Header, decoding and lenient tokenizing; UnreadableFile when there is no <OFX> body."""
    start = _OFX_START.search(content)
    if start is None:
        raise UnreadableFile("This is not an OFX file: it has no <OFX> section.")
    ends = [match.end() for match in _OFX_END.finditer(content, start.start())]
    head = content[: start.start()].decode("latin-1")
    body_bytes = content[start.start() : ends[-1] if ends else len(content)]
    header = {key.upper(): value for key, value in _HEADER_FIELD.findall(_COMMENT.sub("", head))}
    text, warnings = _decode(body_bytes, _codec(head, header))
    if "OFXHEADER" not in header:
        warnings.append("The file has no OFX header; its <OFX> section was read as is.")
    try:
        root = _tokenize(text)
    except (ET.ParseError, SyntaxError, AssertionError, IndexError) as error:
        raise UnreadableFile("The OFX file's structure could not be read.") from error
    return OfxDocument(root=root, header=header, warnings=tuple(warnings))


def _codec(head: str, header: dict[str, str]) -> str:
    """The codec the header names: OFX 2.x is XML (UTF-8 unless declared), OFX 1.x says
    ENCODING and CHARSET. ISO-8859-1 is read as cp1252, its superset for printable text, as
    browsers do: banks that say "8859-1" send Windows characters (€, curly quotes)."""
    declared = _XML_ENCODING.search(head)
    if declared:
        return declared.group(1)
    encoding = header.get("ENCODING", "").upper()
    charset = header.get("CHARSET", "").upper()
    if encoding in ("UTF-8", "UTF8", "UNICODE") or header.get("OFXHEADER", "").startswith("2"):
        return "utf-8"
    if charset in ("1252", "WINDOWS-1252", "CP1252") or "8859-1" in charset or "LATIN" in charset:
        return "cp1252"
    if "8859-15" in charset:
        return "iso8859_15"
    return "utf-8"  # CHARSET:NONE or missing: ASCII in theory, UTF-8 or cp1252 in practice


def _decode(body: bytes, codec: str) -> tuple[str, list[str]]:
    """The body's text in the declared codec, else UTF-8, cp1252, latin-1 (never fails)."""
    for attempt in (codec, "utf-8", "cp1252", "latin-1"):
        try:
            text = body.decode(attempt)
        except (UnicodeDecodeError, LookupError):
            continue
        if attempt == codec:
            return text, []
        return text, [
            "The file's characters are not in the encoding its header names (UTF-8 when it "
            f"names none); they were read as {attempt}."
        ]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _tokenize(text: str) -> ET.Element:
    """The body as a tree: comments dropped, tag names upper-cased, `<X/>` as `<X></X>`."""
    text = _COMMENT.sub("", text)
    text = _TAG.sub(_normal_tag, text)
    closed = frozenset(_CLOSE_TAG.findall(text)) - _LEAVES
    builder = _LenientBuilder(_AGGREGATES | closed)
    builder.feed(text)
    return builder.close()


def _normal_tag(match: re.Match[str]) -> str:
    slash, name, self_closing = match.groups()
    name = name.upper()
    return f"<{name}></{name}>" if self_closing else f"<{slash}{name}>"


class _LenientBuilder(TreeBuilder):
    """ofxtools' tokenizer into a builder that repairs: an end tag closes every element opened
    since its start tag (unclosed SGML leaves), a stray end tag is ignored, text after an end
    tag is dropped, an empty unclosed leaf is closed at once, all open elements close at EOF."""

    def __init__(self, aggregates: frozenset[str]) -> None:
        super().__init__()
        self._aggregates = aggregates
        self._open: list[str] = []

    def feed(self, data: str) -> None:
        for match in self.regex.finditer(data):
            groups = match.groupdict()
            tag = groups["tag"].strip()
            text = groups["cdata"] or self._groomstring(groups["text"])
            if tag.startswith("/"):
                self._close(tag[1:].strip())
            elif text or groups["closetag"] or tag in self._aggregates:
                self._start(tag, text, groups["closetag"])
            else:
                self._start(tag, None, tag)

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self._open.append(tag)
        return super().start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        self._open.pop()
        return super().end(tag)

    def _close(self, tag: str) -> None:
        if tag not in self._open:
            return
        while self._open[-1] != tag:
            self.end(self._open[-1])
        self.end(tag)

    def close(self) -> ET.Element:
        while self._open:
            self.end(self._open[-1])
        root = super().close()
        if root is None or root.tag != "OFX":
            raise ET.ParseError("no <OFX> root")
        return root
