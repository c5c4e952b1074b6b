"""Station posters: SVG and PDF signs, the PNG QR code, what the code holds, rate limit."""

import io
import xml.etree.ElementTree as ET

import pytest
import segno
from django.test import RequestFactory
from PIL import Image

from stations import posters
from stations.models import Station

SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def poster_url(station, fmt: str) -> str:
    return f"/stations/{station.pk}/poster.{fmt}"


def expected_payload(station) -> str:
    return f"http://testserver/petitions/new/?station={station.pk}"


def svg_texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    assert root.tag == f"{SVG_NS}svg"
    return [element.text or "" for element in root.iter(f"{SVG_NS}text")]


def png_matrix(image: Image.Image, modules: int) -> list[list[int]]:
    """Read the dark modules back from the PNG (scale 10, quiet zone of 4)."""
    gray = image.convert("L")
    scale = posters.PNG_SCALE
    centre = [(posters.QR_BORDER + n) * scale + scale // 2 for n in range(modules)]
    return [[int(gray.getpixel((x, y)) < 128) for x in centre] for y in centre]


@pytest.fixture
def station(sworld):
    station = sworld.stations["a1"]
    station.opening_hours = "每周三 9:00-11:30"
    station.save()
    return station


# --- what the QR code holds --------------------------------------------------------


def test_qr_payload_is_the_issue_form_of_the_station(station):
    request = RequestFactory().get("/")
    url = posters.petition_url(request, station)
    assert url == expected_payload(station)
    assert posters.make_qr(url).matrix == segno.make(expected_payload(station)).matrix


def test_qr_payload_follows_the_host_the_poster_was_asked_from(station):
    request = RequestFactory().get("/", HTTP_HOST="localhost", secure=True)
    assert posters.petition_url(request, station) == (
        f"https://localhost/petitions/new/?station={station.pk}"
    )


# --- SVG ---------------------------------------------------------------------------


def test_svg_poster_is_a_printable_sign(client, station):
    response = client.get(poster_url(station, "svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == f'inline; filename="station-{station.pk}-poster.svg"'
    root = ET.fromstring(response.content)
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert height / width == pytest.approx(297 / 210)
    texts = svg_texts(response.content)
    assert "甲一镇中心联络站" in texts
    assert any("甲一镇人民路1号" in text for text in texts)
    assert any("每周三 9:00-11:30" in text for text in texts)
    assert expected_payload(station) in texts


def test_svg_poster_embeds_the_expected_qr_code(client, station):
    body = client.get(poster_url(station, "svg")).content.decode()
    expected = segno.make(expected_payload(station))
    # segno draws the dark modules as one path; the same path must be in the poster.
    path = expected.svg_inline(scale=1, border=posters.QR_BORDER, svgclass=None, lineclass=None)
    d = ET.fromstring(path).find("path").get("d")
    assert f'd="{d}"' in body


def test_svg_poster_escapes_the_station_texts(client, sworld):
    station = sworld.stations["a2"]
    station.name = '<script>alert("x")</script> & 站\x01'
    station.address = "a]]><b>"
    station.save()
    response = client.get(poster_url(station, "svg"))
    texts = svg_texts(response.content)  # parses: nothing broke out of the text
    assert '<script>alert("x")</script> & 站' in texts
    assert b"<script>" not in response.content
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_poster_texts_are_in_the_svg(client, station):
    texts = svg_texts(client.get(poster_url(station, "svg")).content)
    assert posters.poster_for(station, "").heading in texts
    assert posters.poster_for(station, "").caption in texts


# --- PNG and PDF -------------------------------------------------------------------


def test_png_is_the_qr_code_alone(client, station):
    response = client.get(poster_url(station, "png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="station-{station.pk}-poster.png"'
    assert response.content.startswith(PNG_SIGNATURE)
    expected = segno.make(expected_payload(station))
    modules = len(expected.matrix)
    image = Image.open(io.BytesIO(response.content))
    side = (modules + 2 * posters.QR_BORDER) * posters.PNG_SCALE
    assert image.size == (side, side)
    assert 200 <= side <= 1000
    assert png_matrix(image, modules) == [list(row) for row in expected.matrix]


def test_pdf_poster(client, station):
    response = client.get(poster_url(station, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="station-{station.pk}-poster.pdf"'
    assert response.content.startswith(b"%PDF")
    assert b"STSong-Light" in response.content
    assert response.content.rstrip().endswith(b"%%EOF")


# --- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gif", "SVG", "svgz", "pdf.exe", ""])
def test_unknown_format_is_404(client, station, fmt):
    assert client.get(f"/stations/{station.pk}/poster.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_poster_of_a_closed_station_is_404(client, sworld, fmt):
    station = sworld.stations["a2"]
    Station.objects.filter(pk=station.pk).update(is_active=False)
    assert client.get(poster_url(station, fmt)).status_code == 404


def test_poster_of_an_unknown_station_is_404(client, sworld):
    assert client.get("/stations/999999/poster.svg").status_code == 404


def test_posters_are_rate_limited_per_client_address(client, station, settings):
    # A private cache: the default file cache under var/ is shared with other test runs.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "poster",
        }
    }
    for _ in range(30):
        assert client.get(poster_url(station, "png")).status_code == 200
    response = client.get(poster_url(station, "png"))
    assert response.status_code == 429
    assert "image" not in response["Content-Type"]
    other = client.get(poster_url(station, "png"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


# --- layout ------------------------------------------------------------------------


def test_long_texts_are_wrapped_and_stay_on_the_page(sworld):
    station = sworld.stations["a2"]
    station.name = "很长的站名" * 20
    station.address = "Very long address road number 123456789 " * 5
    station.opening_hours = "工作日" * 60
    poster = posters.poster_for(station, "https://renda.example.cn/petitions/new/?station=1")
    for measure in (posters.svg_width, posters.pdf_width):
        elements = posters.layout(poster, measure)
        lines = [e for e in elements if isinstance(e, posters.Line)]
        assert all(0 < line.y < posters.PAGE_HEIGHT for line in lines)
        assert all(measure(line.text, line.size) <= posters.TEXT_WIDTH + 0.01 for line in lines)
        assert lines[1].text.startswith("很长的站名")
        assert lines[3].text.endswith("…")  # the name keeps at most three lines
        box = next(e for e in elements if isinstance(e, posters.QrBox))
        below = [line for line in lines if line.y > box.y]
        assert below and all(line.y > box.y + box.size for line in below)


def test_wrap_keeps_words_together():
    lines = posters.wrap("abc defgh ij", 6, 1, lambda text, size: len(text) * size, max_lines=5)
    assert lines == ["abc", "defgh", "ij"]


def test_dark_runs_cover_every_dark_module():
    matrix = [(1, 1, 0, 1), (0, 0, 0, 0), (1, 0, 1, 1)]
    assert list(posters.dark_runs(matrix)) == [(0, 0, 2), (0, 3, 1), (2, 0, 1), (2, 2, 2)]
