"""Receipt files: what an upload is (by its content, never its name or declared type) and the
cleaned bytes worth keeping (dashboard/receipts/storage.py writes them to the receipts directory).

Only JPEG, PNG, WebP and PDF are accepted. Images are decoded and re-encoded from their pixels
alone, which drops EXIF (GPS), ICC and text chunks and anything appended to or smuggled in the
file (polyglots). PDFs are parsed strictly, refused if encrypted or active (JavaScript, launch
and submit actions, embedded files) and rewritten page by page by pypdf, so the stored bytes are
exactly what was checked: no prefix, nothing after %%EOF, no earlier revisions, no unreferenced
objects and no document metadata. No Flask or Dash here: dashboard/receipts/stored.py and
download.py wire it up.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

NOT_ALLOWED = "That file is not a JPEG, PNG, WebP or PDF."
NOT_INTACT = "The file did not arrive intact. Choose it again."
EMPTY = "That file is empty."
TOO_MANY_PIXELS = "That image is too large (over 40 megapixels). Upload a smaller picture."
PDF_ENCRYPTED = "That PDF is password-protected. Upload a copy without a password."
PDF_ACTIVE = "That PDF contains scripts, actions or attached files, which a receipt may not have."
PDF_TOO_COMPLEX = "That PDF is too complex to check. Upload a simpler copy."
# Pillow's own limit (89 MP, an error from 179 MP) is process-wide and warns before it refuses;
# this check refuses sooner, at open time, before any pixel is decoded, in any thread.
MAX_PIXELS = 40_000_000
MAX_PDF_PAGES = 50
# Every object a PDF reaches is inspected; past this many the file is refused, not walked.
MAX_PDF_OBJECTS = 100_000
DISPLAY_NAME_MAX = 255
FALLBACK_NAME = "receipt"
# Names (dictionary keys, or values such as an action's /S) that make a PDF active: scripts,
# actions that open files, programs or other documents, send data, or carry embedded files.
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia"}
PDF_ACTIVE_NAMES = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
    "/EmbeddedFile", "/FileAttachment", "/RichMedia", "/Rendition",
}  # fmt: skip
# Numbers and strings cannot be active: only these are walked (and count towards the cap).
WALKED = (IndirectObject, DictionaryObject, ArrayObject, NameObject)


class ReceiptRefused(ValueError):
    """The upload is not an acceptable receipt; str(error) is the message for a person."""


@dataclass(frozen=True)
class FileKind:
    """An accepted type: its Pillow format (None for PDF), content type and extension."""

    pillow_format: str | None
    content_type: str
    extension: str


JPEG = FileKind("JPEG", "image/jpeg", "jpg")
PNG = FileKind("PNG", "image/png", "png")
WEBP = FileKind("WEBP", "image/webp", "webp")
PDF = FileKind(None, "application/pdf", "pdf")
KINDS = (JPEG, PNG, WEBP, PDF)
EXTENSION_BY_CONTENT_TYPE = {kind.content_type: kind.extension for kind in KINDS}
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}


@dataclass(frozen=True)
class CleanReceipt:
    """What is stored: the cleaned bytes, their type, digest and the name shown to the user."""

    data: bytes
    kind: FileKind
    sha256: str
    display_name: str

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def human_size(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def too_large_message(max_bytes: int) -> str:
    return f"That file is larger than {human_size(max_bytes)}. Upload a smaller one."


def encoded_length(size: int) -> int:
    """The length of `size` bytes in base64."""
    return -(-size // 3) * 4


def decode_upload(contents: object, max_bytes: int) -> bytes:
    """The bytes of dcc.Upload's data URL, strictly decoded; its declared type is ignored.
    The size is checked on the base64 text first, so an oversize upload is never decoded."""
    if not isinstance(contents, str) or not contents.startswith("data:"):
        raise ReceiptRefused(NOT_INTACT)
    header, comma, encoded = contents.partition(",")
    if not comma or not header.endswith(";base64"):
        raise ReceiptRefused(NOT_INTACT)
    if len(encoded) > encoded_length(max_bytes):
        raise ReceiptRefused(too_large_message(max_bytes))
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ReceiptRefused(NOT_INTACT) from None
    if not data:
        raise ReceiptRefused(EMPTY)
    if len(data) > max_bytes:
        raise ReceiptRefused(too_large_message(max_bytes))
    return data


def display_name(filename: object) -> str:
    """The uploaded name as shown to the user, never used for storage: the last path component,
    without control, format (bidi overrides) or separator characters, at most 255 long."""
    name = filename if isinstance(filename, str) else ""
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char)[0] not in "CZ" or char == " "
    )
    name = name[:DISPLAY_NAME_MAX].strip()
    return name if name.strip(".") else FALLBACK_NAME


def sniff(data: bytes) -> FileKind | None:
    """The accepted type these bytes start with, by magic number only."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def clean_receipt(contents: object, filename: object, max_bytes: int) -> CleanReceipt:
    """Decode, identify and clean an upload; raises ReceiptRefused with the reason."""
    data = decode_upload(contents, max_bytes)
    kind = sniff(data)
    if kind is None:
        raise ReceiptRefused(NOT_ALLOWED)
    cleaned = clean_pdf(data) if kind is PDF else clean_image(data, kind)
    digest = hashlib.sha256(cleaned).hexdigest()
    return CleanReceipt(cleaned, kind, digest, display_name(filename))


def clean_image(data: bytes, kind: FileKind) -> bytes:
    """The picture re-encoded from its pixels, upright, with no metadata and nothing else."""
    image_format = kind.pillow_format
    if image_format is None:  # a PDF: clean_pdf's job, never this function's
        raise ValueError(f"{kind.extension} files are not pictures")
    formats = [image_format]
    try:
        with Image.open(io.BytesIO(data), formats=formats) as probe:
            _check_pixels(probe.size)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()
            pixels = _pixels_only(ImageOps.exif_transpose(image), kind)
        out = io.BytesIO()
        pixels.save(out, image_format, **SAVE_OPTIONS[image_format])
    except ReceiptRefused:
        raise
    except Image.DecompressionBombError:
        raise ReceiptRefused(TOO_MANY_PIXELS) from None
    # Decoders of hostile input fail in many ways (OSError, SyntaxError, ValueError, ...);
    # whichever it is, the file is not a picture we keep.
    except Exception:  # noqa: BLE001
        raise ReceiptRefused(NOT_ALLOWED) from None
    return out.getvalue()


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise ReceiptRefused(TOO_MANY_PIXELS)


def _pixels_only(image: Image.Image, kind: FileKind) -> Image.Image:
    """A copy in a mode the format stores, without the source's info (EXIF, ICC, XMP, text).
    Pillow 13's encoders write none of it unless asked; older ones copied PNG's ICC profile
    from info, so this does not rely on their defaults."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if kind is JPEG:
        mode = "L" if image.mode in ("1", "L") else "RGB"
    elif kind is PNG and image.mode in ("1", "L", "LA", "RGB", "RGBA"):
        mode = image.mode
    else:
        mode = "RGBA" if has_alpha else "RGB"
    pixels = image.convert(mode)
    pixels.info = {}
    return pixels


def clean_pdf(data: bytes) -> bytes:
    """The PDF's pages rewritten by pypdf, after a strict parse and a check of everything the
    document reaches."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise ReceiptRefused(PDF_ENCRYPTED)
        page_count = len(reader.pages)
        if page_count == 0:
            raise ReceiptRefused(NOT_ALLOWED)
        if page_count > MAX_PDF_PAGES:
            raise ReceiptRefused(f"That PDF has more than {MAX_PDF_PAGES} pages.")
        _refuse_active_content(reader.trailer["/Root"])
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except ReceiptRefused:
        raise
    # As for images: any parser failure on hostile input means "not a PDF we keep".
    except Exception:  # noqa: BLE001
        raise ReceiptRefused(NOT_ALLOWED) from None
    return out.getvalue()


def _refuse_active_content(root: object) -> None:
    """Walk every object reachable from the catalog (pages, annotations, names, forms, outline)
    and refuse active content wherever it hides. Stream data is not decoded."""
    pending, seen, visited = [root], set(), 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ReceiptRefused(PDF_TOO_COMPLEX)
        if isinstance(item, DictionaryObject):
            _check_dictionary(item)
            pending.extend(value for value in item.values() if isinstance(value, WALKED))
        elif isinstance(item, ArrayObject):
            pending.extend(value for value in item if isinstance(value, WALKED))
        elif isinstance(item, NameObject) and item in PDF_ACTIVE_NAMES:
            raise ReceiptRefused(PDF_ACTIVE)


def _check_dictionary(item: DictionaryObject) -> None:
    if PDF_ACTIVE_KEYS.intersection(item.keys()):
        raise ReceiptRefused(PDF_ACTIVE)
    # An OpenAction may be a destination ("open at page 1"); an action dictionary runs code.
    if "/OpenAction" in item and isinstance(item["/OpenAction"], DictionaryObject):
        raise ReceiptRefused(PDF_ACTIVE)
