"""Photos attached by citizens: accepted by content, never kept as uploaded.

A photo is opened with Pillow only as JPEG, PNG or WebP, whatever its name or declared type
says; its pixel count is checked before any pixel is decoded (a small file can unpack into
gigabytes); then it is turned upright, flattened to RGB, scaled down to ``MAX_SIDE`` and
written out as a fresh JPEG. Nothing of the original file survives: no EXIF (location),
no comments or colour profiles, no bytes appended after the image.
"""

from __future__ import annotations

import io
import logging
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 8 * 1024 * 1024
# A JPEG is decoded at a reduced scale (``draft``); PNG and WebP are decoded in full, so
# they get a lower cap (24 million pixels are about 100 MB of RGBA while being decoded).
MAX_PIXELS = 50_000_000
MAX_PIXELS_FULL_DECODE = 24_000_000
MAX_SIDE = 2000
log = logging.getLogger(__name__)
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85


class PhotoError(ValueError):
    """A photo that cannot be accepted; ``message`` is shown to the citizen."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _not_a_photo() -> PhotoError:
    return PhotoError(_("Only JPEG, PNG or WebP photos can be attached."))


def _open(data: bytes) -> Image.Image:
    """Return the image in ``data`` with only its header read, or raise ``PhotoError``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_a_photo() from None
    if image.format not in ACCEPTED_FORMATS:
        raise _not_a_photo()
    width, height = image.size
    cap = MAX_PIXELS if image.format == "JPEG" else MAX_PIXELS_FULL_DECODE
    if width < 1 or height < 1 or width * height > cap:
        raise _too_many_pixels(cap)
    return image


def _too_many_pixels(cap: int = MAX_PIXELS) -> PhotoError:
    return PhotoError(
        _("The photo has too many pixels (at most %(millions)d million).")
        % {"millions": cap // 1_000_000}
    )


def _upright(image: Image.Image) -> Image.Image:
    """Return ``image`` turned as its EXIF orientation says (before EXIF is dropped)."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # malformed EXIF: keep the photo as it is, unrotated
        log.info("photo with unreadable EXIF orientation kept unrotated")
        return image


def _flatten(image: Image.Image) -> Image.Image:
    """Return ``image`` as RGB, with any transparency laid on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        ground = Image.new("RGB", rgba.size, (255, 255, 255))
        ground.paste(rgba, mask=rgba.getchannel("A"))
        return ground
    return image.convert("RGB")


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """Return ``data`` re-encoded as a clean JPEG with its width and height.

    Raise ``PhotoError`` with a message for the citizen when ``data`` is too large, not a
    JPEG/PNG/WebP image, damaged, or has more than ``MAX_PIXELS`` pixels.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(
            _("Each photo may be at most %(mb)d MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    if not data:
        raise _not_a_photo()
    image = _open(data)
    try:
        image.verify()  # checks the structure (PNG chunk CRCs); the object is spent after it
        image = _open(data)
        if image.format == "JPEG":
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode big JPEGs at a reduced scale
        image.seek(0)  # the first frame of an animated PNG or WebP
        image.load()
        image = _upright(image)
        image = _flatten(image)
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise PhotoError(_("The photo is damaged or incomplete.")) from None
    image.info = {}  # no comment, profile or EXIF is carried over into the new file
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), image.width, image.height
