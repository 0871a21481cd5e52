"""Is this file a certificate Lifelong may keep? Checked by its content, never by its name.

Pure (no Django): the web upload, the API and ``lifelong certificate read`` call
:func:`check_certificate_file` with their limits and get either a :class:`CheckedFile` or a
:class:`CertificateRefused` whose message says, in plain words, what is wrong.

- PDF (starts with ``%PDF-``): opened with pypdf; refused when encrypted (even with an empty
  password: it could not be read or checked), malformed or truncated, with no pages or more
  than the page limit, or with scripts or automatic actions anywhere in its objects
  (``/JS``, ``/JavaScript``, ``/AA``, ``/Launch``, an ``/OpenAction`` that runs either).
- PNG and JPEG (their magic bytes): the size in pixels is read from the header and checked
  against the pixel limit *before* anything is decoded (decompression bombs: a few kilobytes
  that decode to gigabytes), then Pillow verifies and decodes the image.
- A name or declared type that claims another kind of file (a PNG named ``.pdf``) is refused:
  the user should know the file is not what they think it is.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from typing import Any, Final

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

PDF: Final = "application/pdf"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
CONTENT_TYPES: Final = (PDF, PNG, JPEG)
TYPE_NAMES: Final = {PDF: "a PDF", PNG: "a PNG image", JPEG: "a JPEG image"}
EXTENSION_TYPES: Final = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "jpe": JPEG,
    "jfif": JPEG,
}

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
DEFAULT_MAX_PAGES: Final = 20
# 50 megapixels: a letter page scanned at 600 dpi is 34; a phone photo 12 to 48.
DEFAULT_MAX_PIXELS: Final = 50_000_000
# How many PDF objects the script search visits before giving up on the file.
MAX_PDF_OBJECTS: Final = 100_000

# Pillow's own guard: a warning above this many pixels and an error above twice as many. The
# check below refuses earlier, with a message; this is the net under it for any other caller.
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS

# Keys that make a PDF run something: scripts, and actions triggered by events.
SCRIPT_KEYS: Final = frozenset({"/JS", "/JavaScript", "/AA"})
SCRIPT_ACTIONS: Final = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})


class CertificateRefused(ValueError):
    """The file cannot be kept; ``message`` says why, ``code`` names the reason for tests."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class CheckedFile:
    content_type: str
    page_count: int | None = None  # PDFs
    width: int | None = None  # images
    height: int | None = None

    @property
    def is_pdf(self) -> bool:
        return self.content_type == PDF


def sniff(data: bytes) -> str | None:
    """The content type the first bytes announce, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _describe_unknown(data: bytes) -> str:
    """What an unsupported file seems to be, for the message."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive or Office document"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "a TIFF image"
    if head[4:8] == b"ftyp":
        return "a HEIC photo or video"
    if b"\x00" not in data[:1024]:
        return "a text file"
    return "a kind of file Lifelong does not keep"


def claimed_type(name: str, declared_type: str = "") -> str | None:
    """The content type a file's name (its extension) or declared type claims, if one of ours."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in EXTENSION_TYPES:
        return EXTENSION_TYPES[extension]
    declared = declared_type.split(";", 1)[0].strip().lower()
    if declared == "image/jpg":
        declared = JPEG
    return declared if declared in CONTENT_TYPES else None


def check_certificate_file(
    data: bytes,
    *,
    name: str = "",
    declared_type: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> CheckedFile:
    """Check a would-be certificate; raise :class:`CertificateRefused` with a reason."""
    if not data:
        raise CertificateRefused("empty", "The file is empty.")
    if len(data) > max_bytes:
        raise CertificateRefused(
            "too-big",
            f"The file is {_size(len(data))}; certificates may be at most {_size(max_bytes)}.",
        )
    actual = sniff(data)
    if actual is None:
        raise CertificateRefused(
            "unsupported",
            f"This is {_describe_unknown(data)}, not a PDF, PNG or JPEG file. Upload the "
            "certificate as a PDF, or a photo or scan of it as PNG or JPEG.",
        )
    claimed = claimed_type(name, declared_type)
    if claimed is not None and claimed != actual:
        raise CertificateRefused(
            "type-mismatch",
            f"The file is named as {TYPE_NAMES[claimed]} but its content is "
            f"{TYPE_NAMES[actual]}. Check that it is the file you meant, and give it the "
            "right extension.",
        )
    if actual == PDF:
        return _check_pdf(data, max_pages)
    return _check_image(data, actual, max_pixels)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    return f"{max(count // 1024, 1)} KB"


def open_pdf(data: bytes) -> PdfReader:
    """pypdf's reader, or CertificateRefused for a file it cannot parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about files it repairs
            return PdfReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, TypeError, KeyError, IndexError, OSError, RecursionError):
        raise _malformed() from None


def _malformed() -> CertificateRefused:
    return CertificateRefused(
        "malformed",
        "The PDF is damaged or incomplete and cannot be read. Download or export it again.",
    )


def _check_pdf(data: bytes, max_pages: int) -> CheckedFile:
    # A complete PDF ends with %%EOF (allowing some trailing bytes); a cut-off download does not.
    if b"%%EOF" not in data[-2048:]:
        raise _malformed()
    reader = open_pdf(data)
    if reader.is_encrypted:
        raise CertificateRefused(
            "encrypted",
            "The PDF is encrypted, so Lifelong cannot check or read it. Open it and print or "
            "save it as a new PDF without a password or restrictions, then upload that.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            page_count = len(reader.pages)
            script = _find_script(reader)
    except CertificateRefused:
        raise
    except Exception:  # pypdf raises many kinds of errors on broken files
        raise _malformed() from None
    if page_count == 0:
        raise CertificateRefused("no-pages", "The PDF has no pages.")
    if page_count > max_pages:
        raise CertificateRefused(
            "too-many-pages",
            f"The PDF has {page_count} pages; a certificate may have at most {max_pages}.",
        )
    if script is not None:
        raise CertificateRefused(
            "script",
            f"The PDF contains a script or automatic action ({script}), which certificates "
            "never need. Print or save it as a new PDF and upload that.",
        )
    return CheckedFile(PDF, page_count=page_count)


def _find_script(reader: PdfReader) -> str | None:
    """The first script key or script action reachable from the document's trailer, if any.

    Walks every object once (indirect references are followed, with a visited set and a cap on
    the number of objects), so scripts hidden in annotations, form fields, name trees or
    compressed object streams are found as well as a catalog's ``/OpenAction``.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise CertificateRefused(
                "too-complex", "The PDF has too many objects to be checked; it is not kept."
            )
        if isinstance(item, DictionaryObject):
            for name in item:
                if name in SCRIPT_KEYS:
                    return str(name)
            action = item.get("/S")
            if isinstance(action, NameObject) and action in SCRIPT_ACTIONS:
                return str(action)
            stack.extend(_children(item.values()))
        elif isinstance(item, ArrayObject):
            stack.extend(_children(item))
    return None


def _children(values: Any) -> list[PdfObject]:
    return [
        value
        for value in values
        if isinstance(value, IndirectObject | DictionaryObject | ArrayObject)
    ]


def header_size(data: bytes, content_type: str) -> tuple[int, int] | None:
    """An image's width and height read from its header, without Pillow and without decoding:
    PNG's IHDR chunk, or a JPEG's start-of-frame segment. None when not found."""
    if content_type == PNG:
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return width, height
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD9)):  # markers without a length
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in START_OF_FRAME and position + 9 <= len(data):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        if marker == 0xDA:  # start of scan: the frame header should have come first
            return None
        position += 2 + length
    return None


# JPEG start-of-frame markers (SOF0-SOF15 but DHT, JPG and DAC).
START_OF_FRAME: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _check_image(data: bytes, content_type: str, max_pixels: int) -> CheckedFile:
    what = TYPE_NAMES[content_type]
    damaged = CertificateRefused(
        "malformed", f"The file starts like {what} but is damaged or incomplete."
    )
    size = header_size(data, content_type)
    if size is None:
        raise damaged
    width, height = size
    if width * height > max_pixels:
        raise _too_many_pixels(width, height, max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
                image_format = image.format
                if width * height > max_pixels:
                    raise _too_many_pixels(width, height, max_pixels)
                image.verify()
            with Image.open(io.BytesIO(data)) as image:  # verify() leaves it unusable
                image.load()
    except CertificateRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(width, height, max_pixels) from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on broken files
        raise damaged from None
    expected_format = {PNG: "PNG", JPEG: "JPEG"}[content_type]
    if image_format != expected_format:
        raise damaged
    return CheckedFile(content_type, width=width, height=height)


def _too_many_pixels(width: int, height: int, max_pixels: int) -> CertificateRefused:
    size = f"{width:,} x {height:,} pixels" if width and height else "too many pixels"
    return CertificateRefused(
        "too-many-pixels",
        f"The image is {size}; at most {max_pixels / 1_000_000:g} "
        "million pixels are accepted. Scan or photograph the certificate again at a lower "
        "resolution (300 dpi is plenty).",
    )
