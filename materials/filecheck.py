"""What an uploaded file is, checked by reading it as that, not by its first bytes or its name.

check_content(data, content_type)
    The bytes to store for a file whose first bytes say it is a PDF, a JPEG or a PNG, or UserFacingError:

    PDF   parsed with pypdf (every object reachable from the trailer is read); refused when it cannot be parsed,
          has no page, is password-protected, or carries active content or other files: JavaScript (/JavaScript,
          /JS), launch or other dangerous actions (/Launch, /GoToE, /ImportData, /RichMediaExecute), additional
          actions (/AA), an /OpenAction that is such an action, embedded files (/EmbeddedFiles, /EF, /EmbeddedFile,
          file attachment annotations), rich media (/RichMedia) or XFA forms (/XFA, which carry scripts).
          Anything after the last %%EOF but PDF whitespace is refused. A clean PDF is stored as sent.
    JPEG, PNG
          the structure is walked to the end marker (JPEG's EOI FFD9, PNG's IEND chunk): anything after it is
          refused. Then decoded with Pillow (at most settings.MAX_UPLOAD_IMAGE_PIXELS pixels, default 40 million)
          and re-encoded without metadata (EXIF, XMP, ICC, text chunks), after turning it upright by its EXIF
          orientation; the re-encoded bytes are what is stored.

download_name(name, content_type)
    A file name safe to store and to send: no folder part, no control or formatting characters (such as the
    right-to-left override), no characters Windows refuses, at most 255 characters, and the extension of the type
    the content was recognised as (“报告.exe” that is a PDF becomes “报告.pdf”).
"""

from __future__ import annotations

import io
import logging
import re
import struct
import time
import unicodedata
import warnings

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import UserFacingError

from .choices import ACCEPTED_TYPES

logger = logging.getLogger(__name__)

DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
PDF_CHECK_SECONDS = 10  # reading a PDF's objects stops there; a PDF that needs longer is refused
PDF_MAX_OBJECTS = 200_000
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
MAX_NAME_LENGTH = 255

# Action types that run something or open another file; as /S of an action anywhere in the PDF.
DANGEROUS_ACTIONS = frozenset({"/JavaScript", "/Launch", "/GoToE", "/ImportData", "/RichMediaExecute"})
# Keys whose mere presence means active content or files inside the PDF.
DANGEROUS_KEYS = frozenset({"/JavaScript", "/JS", "/AA", "/EmbeddedFiles", "/EF", "/RichMedia", "/Launch", "/XFA"})
DANGEROUS_TYPES = frozenset({"/EmbeddedFile"})  # as /Type
DANGEROUS_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia"})  # annotations, as /Subtype


def max_image_pixels() -> int:
    return int(getattr(settings, "MAX_UPLOAD_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def check_content(data: bytes, content_type: str) -> bytes:
    """The bytes to store for this content of the sniffed type; UserFacingError if it is not what it claims."""
    if content_type == "application/pdf":
        check_pdf(data)
        return data
    if content_type in ("image/jpeg", "image/png"):
        return reencode_image(data, content_type)
    raise UserFacingError(
        _("File type not supported: only PDF, JPG and PNG files are accepted (recognised by their content).")
    )


# ---------------------------------------------------------------- PDF


def _unreadable_pdf() -> UserFacingError:
    return UserFacingError(_("The PDF file cannot be read; it may be damaged. Save or scan it again and upload that."))


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that does not parse, has data after its end or carries active content or embedded files."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise _unreadable_pdf()
    if data[end + len(b"%%EOF") :].strip(PDF_WHITESPACE):
        raise UserFacingError(_("The PDF file has extra data after its end; save it again as PDF and upload that."))

    from pypdf import PdfReader  # imported when needed: it is not small

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UserFacingError(
                _("Password-protected PDF files are not accepted; remove the password and upload the file again.")
            )
        if len(reader.pages) < 1:
            raise _unreadable_pdf()
        found = _active_content(reader)
    except UserFacingError:
        raise
    except Exception:  # pypdf raises its own errors and plain ones (KeyError, ValueError…) for broken files
        logger.info("Refused an unreadable PDF upload", exc_info=True)
        raise _unreadable_pdf() from None
    if found:
        logger.info("Refused a PDF upload with %s", found)
        raise UserFacingError(
            _(
                "The PDF file contains scripts, actions or embedded files, which are not accepted; "
                "print it to PDF or scan it again and upload that."
            )
        )


def _active_content(reader) -> str | None:
    """The first sign of active content or embedded files among the objects reachable from the trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    deadline = time.monotonic() + PDF_CHECK_SECONDS
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS or time.monotonic() > deadline:
            raise ValueError("too many objects to check")
        if isinstance(obj, DictionaryObject):  # a stream object is one too
            for key in obj:
                if key in DANGEROUS_KEYS:
                    return key
            if obj.get("/S") in DANGEROUS_ACTIONS:
                return str(obj["/S"])
            if obj.get("/Type") in DANGEROUS_TYPES or obj.get("/Subtype") in DANGEROUS_SUBTYPES:
                return str(obj.get("/Type") if obj.get("/Type") in DANGEROUS_TYPES else obj["/Subtype"])
            stack.extend(value for key, value in obj.items() if key != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


# ---------------------------------------------------------------- images


def _undecodable_image() -> UserFacingError:
    return UserFacingError(
        _("The image cannot be read; it may be damaged. Save it again as JPG or PNG and upload that.")
    )


def _trailing_image_data() -> UserFacingError:
    return UserFacingError(
        _("The image has extra data after its end; save it again as a plain JPG or PNG and upload that.")
    )


def png_end(data: bytes) -> int:
    """Where the PNG's IEND chunk ends; ValueError if the chunks do not lead there."""
    pos = 8
    while True:
        if pos + 12 > len(data):
            raise ValueError("PNG ends before IEND")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        pos += 12 + length
        if pos > len(data):
            raise ValueError("PNG chunk runs past the end")
        if chunk_type == b"IEND":
            return pos


# JPEG markers standing alone, without a length: TEM, RST0-7, SOI
_STANDALONE = {0x01, *range(0xD0, 0xD8), 0xD8}


def jpeg_end(data: bytes) -> int:
    """Where the JPEG's EOI marker (FFD9) ends, walking its segments and entropy-coded scans; ValueError if the
    structure does not lead there."""
    pos = 2  # after SOI
    size = len(data)
    while True:
        if pos >= size or data[pos] != 0xFF:
            raise ValueError("JPEG marker expected")
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            raise ValueError("JPEG ends in a marker")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return pos
        if marker in _STANDALONE:
            continue
        if pos + 2 > size:
            raise ValueError("JPEG segment length missing")
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2:
            raise ValueError("JPEG segment length invalid")
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker that is not RSTn
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= size:
                    raise ValueError("JPEG scan runs past the end")
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                elif following == 0xFF:
                    pos += 1
                else:
                    break


def reencode_image(data: bytes, content_type: str) -> bytes:
    """The image decoded and encoded again, upright, without metadata; refused if it does not decode, is larger
    than max_image_pixels() or has data after its end marker."""
    from PIL import Image, ImageOps

    try:
        end = jpeg_end(data) if content_type == "image/jpeg" else png_end(data)
    except ValueError:
        raise _undecodable_image() from None
    if data[end:]:
        raise _trailing_image_data()

    expected = "JPEG" if content_type == "image/jpeg" else "PNG"
    limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                width, height = image.size
                if width * height > limit:
                    raise UserFacingError(
                        _("The image is too large: at most %(limit)s million pixels are accepted.")
                        % {"limit": f"{limit / 1_000_000:g}"}
                    )
                image.load()
                transparency = image.info.get("transparency")
                image = ImageOps.exif_transpose(image)
                image.info = {}  # no EXIF, XMP, ICC profile, comments or text chunks are carried over
                out = io.BytesIO()
                if expected == "JPEG":
                    if image.mode not in ("L", "RGB"):
                        image = image.convert("RGB")
                    image.save(out, "JPEG", quality=90)
                else:
                    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                        image = image.convert("RGBA")
                    params = {} if transparency is None else {"transparency": transparency}
                    image.save(out, "PNG", **params)
    except UserFacingError:
        raise
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError… for what does not decode
        logger.info("Refused an undecodable image upload", exc_info=True)
        raise _undecodable_image() from None
    return out.getvalue()


# ---------------------------------------------------------------- names

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_WINDOWS_RESERVED = re.compile(r'[<>:"/\\|?*]')


def download_name(name: str | None, content_type: str) -> str:
    """The name to store and send for a file of this (sniffed) type; see the module doc."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in name)
    name = _WINDOWS_RESERVED.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem = _EXTENSION.sub("", name).strip(" .") or "file"
    extension = ACCEPTED_TYPES.get(content_type, "")
    return stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .") + extension
