"""Documents attached to replies and evaluations: accepted by content, stored under a
generated name, served only as downloads.

What a file is comes from its bytes, never from its name or the type the browser declared:
a PDF starts with ``%PDF-``; a Word, Excel or PowerPoint file of today (OOXML) is a zip that
holds ``[Content_Types].xml`` and its ``word/``, ``xl/`` or ``ppt/`` main part; an older one
(and a WPS file) is an OLE compound file; a JPEG or PNG is opened by Pillow. The extension
must name the same kind. Nothing is decompressed or decoded beyond what that check needs.

``validate_document`` is a Django validator: a form's or a DRF serializer's ``FileField``
takes it in ``validators=[...]`` and shows its message on the field (a 400 in the API).
Workflow functions call ``check_document`` again before storing, under ``stored_name``.
Serve a stored document with ``portal.views.private_file(..., download=True)``: always as
an attachment, with ``X-Content-Type-Options: nosniff``, never inline.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
# OOXML: the extension, the main part that must be in the zip.
OOXML_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
# Old Office files: an OLE stream name (UTF-16LE in the directory) that the format has.
OLE_STREAMS = {
    ".doc": ("WordDocument",),
    ".xls": ("Workbook", "Book"),
    ".ppt": ("PowerPoint Document",),
}
# WPS Office's own formats are OLE compound files too; their streams are not checked.
WPS_EXTENSIONS = {".wps", ".et", ".dps"}
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
EXTENSIONS = {".pdf"} | set(OOXML_PARTS) | set(OLE_STREAMS) | WPS_EXTENSIONS | set(IMAGE_FORMATS)


@dataclass(frozen=True)
class Document:
    """A checked upload: its lower-case extension and size in bytes."""

    extension: str
    size: int


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "Attach a PDF, a Word, Excel or PowerPoint document (also WPS), or a JPEG or "
            "PNG image; the file's content must match its extension."
        ),
        code="document_type",
    )


def _read(upload) -> bytes:
    """Return the whole upload (its size has been checked) and rewind it."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _is_pdf(data: bytes) -> bool:
    return data.startswith(PDF_MAGIC)


def _is_ooxml(data: bytes, part: str) -> bool:
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    if "[Content_Types].xml" not in names:
        return False
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return False  # macros: a .docm renamed .docx
    return any(name.startswith(part) and not name.endswith("/") for name in names)


def _is_ole(data: bytes, streams: tuple[str, ...] = ()) -> bool:
    if not data.startswith(OLE_MAGIC):
        return False
    return not streams or any(name.encode("utf-16-le") in data for name in streams)


def _is_image(data: bytes, image_format: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=(image_format,)) as image:
                if image.format != image_format:
                    return False
                image.verify()  # structure only: no pixels are decoded
    except (
        UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
        Image.DecompressionBombError, Image.DecompressionBombWarning,
    ):  # fmt: skip
        return False
    return True


def _content_matches(data: bytes, extension: str) -> bool:
    if extension == ".pdf":
        return _is_pdf(data)
    if extension in OOXML_PARTS:
        return _is_ooxml(data, OOXML_PARTS[extension])
    if extension in OLE_STREAMS:
        return _is_ole(data, OLE_STREAMS[extension])
    if extension in WPS_EXTENSIONS:
        return _is_ole(data)
    if extension in IMAGE_FORMATS:
        return _is_image(data, IMAGE_FORMATS[extension])
    return False


def check_document(upload) -> Document:
    """Return what ``upload`` is, or raise ``ValidationError`` with a message for the person
    when it is empty, too large, of a type a reply does not take, or its content is not
    what its extension says."""
    size = upload.size
    if size is None or size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            code="document_size",
        )
    if not size:
        raise ValidationError(_("The file is empty."), code="document_empty")
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in EXTENSIONS or not _content_matches(_read(upload), extension):
        raise _refused()
    return Document(extension=extension, size=size)


def validate_document(upload) -> None:
    """Django validator for a form or serializer ``FileField`` taking a document."""
    if upload:
        check_document(upload)


def stored_name(prefix: str, document: Document) -> str:
    """Return a safe file name to store ``document`` under: ``prefix``, a random part and the
    checked extension; nothing of the name the uploader chose."""
    safe = "".join(c for c in prefix if c.isascii() and (c.isalnum() or c in "-_")) or "file"
    extension = ".jpg" if document.extension == ".jpeg" else document.extension
    return f"{safe}-{secrets.token_hex(8)}{extension}"
