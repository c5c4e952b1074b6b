"""Photos are accepted by content and always re-encoded: no EXIF, no payload, no bombs."""

import io
import struct
import zlib

import pytest
from django.utils import translation
from PIL import Image

from portal import images


@pytest.fixture(autouse=True)
def _english():
    """Compare messages with their English msgids, whatever the translation says."""
    with translation.override("en"):
        yield


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def png_header_bomb(width: int, height: int) -> bytes:
    """Return a tiny, well-formed PNG that claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def jpeg_with_exif(size=(60, 40), orientation=1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"  # Make
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (29.0, 52.0, 1.0)}  # GPS IFD: where the photo was taken
    return encoded(Image.new("RGB", size, (200, 30, 30)), "JPEG", exif=exif.tobytes())


def reopened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_jpeg_loses_its_exif_and_is_turned_upright():
    data, width, height = images.reencode(jpeg_with_exif((60, 40), orientation=6))
    image = reopened(data)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert (width, height) == image.size == (40, 60)  # orientation 6: rotated a quarter turn
    assert not image.getexif() and "exif" not in image.info
    assert b"Exif" not in data and b"SecretCamMaker" not in data


def test_png_with_transparency_becomes_a_white_backed_jpeg():
    data, width, height = images.reencode(encoded(Image.new("RGBA", (30, 20), (0, 0, 0, 0)), "PNG"))
    image = reopened(data)
    assert (image.format, image.mode, (width, height)) == ("JPEG", "RGB", (30, 20))
    assert image.getpixel((10, 10)) >= (250, 250, 250)


def test_webp_is_accepted_and_only_its_first_frame_kept():
    frames = [Image.new("RGB", (30, 20), colour) for colour in ("red", "blue")]
    data = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    out, width, height = images.reencode(data)
    assert reopened(out).format == "JPEG" and (width, height) == (30, 20)


def test_a_big_photo_is_scaled_down_to_2000_on_the_long_side():
    data, width, height = images.reencode(encoded(Image.new("RGB", (4000, 1000), "green"), "JPEG"))
    assert (width, height) == (2000, 500) == reopened(data).size


def test_a_payload_after_the_image_and_its_comment_are_dropped():
    marker = b"PAYLOAD-<?php system($_GET['c']); ?>"
    original = encoded(Image.new("RGB", (40, 40), "white"), "JPEG", comment=b"HIDDEN-COMMENT")
    data, _width, _height = images.reencode(original + marker)
    assert marker not in data and b"HIDDEN-COMMENT" not in data


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, named photo.jpg",
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        encoded(Image.new("RGB", (10, 10)), "GIF"),
        encoded(Image.new("RGB", (10, 10)), "BMP"),
    ],
    ids=["text", "empty", "svg", "gif", "bmp"],
)
def test_anything_but_jpeg_png_webp_is_refused(data):
    with pytest.raises(images.PhotoError) as raised:
        images.reencode(data)
    assert "JPEG, PNG or WebP" in raised.value.message


@pytest.mark.parametrize("size", [(30000, 30000), (10000, 6000)], ids=["pillow-bomb", "over-cap"])
def test_an_image_bomb_is_refused_before_decoding(size):
    bomb = png_header_bomb(*size)
    assert len(bomb) < 1000
    with pytest.raises(images.PhotoError) as raised:
        images.reencode(bomb)
    assert "too many pixels" in raised.value.message


def test_a_damaged_photo_is_refused():
    whole = encoded(Image.effect_noise((200, 200), 60).convert("RGB"), "PNG")
    with pytest.raises(images.PhotoError) as raised:
        images.reencode(whole[: len(whole) // 2])
    assert "damaged" in raised.value.message


def test_a_photo_over_8_mb_is_refused():
    with pytest.raises(images.PhotoError) as raised:
        images.reencode(b"\xff\xd8" + b"\0" * images.MAX_PHOTO_BYTES)
    assert "8 MB" in raised.value.message
