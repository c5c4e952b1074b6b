"""Printable station posters: a QR code that opens the issue form for one station.

One layout, computed in millimetres on an A4 page from the top left, is drawn twice: as SVG
text (for print shops and browsers) and as a PDF through reportlab's built-in CID font
``STSong-Light``, so neither needs a font file on the server. The PNG is the QR code alone.

The CID font is not embedded in the PDF: the reader's viewer supplies a Chinese font (every
PDF viewer on a Chinese-language system does; Adobe Reader elsewhere asks for its Asian font
pack). The SVG names common CJK fonts and falls back to the system's sans-serif.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from stations.models import Station

CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "png": "image/png",
}

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4 in mm
MARGIN = 15.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
BAND_HEIGHT = 48.0
QR_SIZE = 100.0  # the printed code, quiet zone included
QR_BORDER = 4  # modules of quiet zone, as the QR standard asks
PNG_SCALE = 10
RED, WHITE, INK, GREY = "#b71c1c", "#ffffff", "#1f2328", "#5f6670"
PDF_FONT = "STSong-Light"
SVG_FONTS = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
    "'WenQuanYi Micro Hei', 'SimHei', sans-serif"
)

# Characters that XML 1.0 refuses even when escaped.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A run of printable ASCII without spaces (a word, a number, a URL), or one other character.
_TOKEN = re.compile(r"[!-~]+|\s+|.")

Measure = Callable[[str, float], float]


def petition_url(request, station: Station) -> str:
    """Return the absolute URL of the issue form for ``station`` (what the QR code holds)."""
    return request.build_absolute_uri(f"/petitions/new/?station={station.pk}")


def make_qr(url: str) -> segno.QRCode:
    """Return the QR code for ``url`` (a regular QR code, never a Micro QR)."""
    return segno.make(url, micro=False)


# --- content and layout ------------------------------------------------------------


@dataclass(frozen=True)
class Poster:
    """The texts of one station's poster and the URL its QR code holds."""

    heading: str
    name: str
    address: str
    opening_hours: str
    caption: str
    url: str


@dataclass(frozen=True)
class Band:
    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True)
class Line:
    """One centred line of text; ``y`` is its baseline."""

    text: str
    y: float
    size: float
    color: str = INK
    bold: bool = False


@dataclass(frozen=True)
class QrBox:
    x: float
    y: float
    size: float


Element = Band | Line | QrBox


def poster_for(station: Station, url: str) -> Poster:
    """Return the poster texts of ``station`` in the active language."""
    return Poster(
        heading=_("Deputies are here for you"),
        name=_clean(station.name),
        address=_clean(station.address),
        opening_hours=_clean(station.opening_hours),
        caption=_("Scan to report an issue to the deputies"),
        url=url,
    )


def _clean(text: str) -> str:
    return " ".join(_XML_INVALID.sub("", text or "").split())


def layout(poster: Poster, measure: Measure) -> list[Element]:
    """Place the poster's parts on an A4 page; ``measure(text, size)`` gives a text width."""
    heading_size = fit_size(poster.heading, TEXT_WIDTH, 20.0, measure)
    elements: list[Element] = [
        Band(0, 0, PAGE_WIDTH, BAND_HEIGHT, RED),
        Line(poster.heading, BAND_HEIGHT / 2 + heading_size * 0.35, heading_size, WHITE, True),
    ]
    y = BAND_HEIGHT + 8
    name_lines = wrap(poster.name, TEXT_WIDTH, 10.0, measure, max_lines=3)
    y = _add_lines(elements, name_lines, y, 10.0, bold=True)
    qr_top = y + 4
    elements.append(QrBox((PAGE_WIDTH - QR_SIZE) / 2, qr_top, QR_SIZE))
    caption_size = fit_size(poster.caption, TEXT_WIDTH, 9.0, measure)
    y = _add_lines(elements, [poster.caption], qr_top + QR_SIZE + 4, caption_size, bold=True)
    for text in _details(poster):
        y = _add_lines(elements, wrap(text, TEXT_WIDTH, 5.5, measure, max_lines=2), y + 2, 5.5)
    url_size = fit_size(poster.url, TEXT_WIDTH, 3.5, measure)
    elements.append(Line(poster.url, PAGE_HEIGHT - 9, url_size, GREY))
    return elements


def _details(poster: Poster) -> Iterator[str]:
    if poster.address:
        yield _("Address: %(address)s") % {"address": poster.address}
    if poster.opening_hours:
        yield _("Opening hours: %(hours)s") % {"hours": poster.opening_hours}


def _add_lines(elements: list[Element], lines: list[str], top: float, size: float, bold=False):
    """Append ``lines`` below ``top``; return the y just under the last one."""
    baseline = top
    for text in lines:
        baseline += size * 1.35 if baseline > top else size
        elements.append(Line(text, baseline, size, bold=bold))
    return baseline + size * 0.4


def fit_size(text: str, width: float, size: float, measure: Measure) -> float:
    """Return ``size``, or the smaller size at which ``text`` fits on one line of ``width``."""
    natural = measure(text, size)
    return size if natural <= width else size * width / natural


def wrap(text: str, width: float, size: float, measure: Measure, *, max_lines: int) -> list[str]:
    """Break ``text`` into lines of at most ``width``; end with … when it needs more lines."""
    lines = [""]
    for token in _tokens(text, width, size, measure):
        if lines[-1] and measure(lines[-1] + token, size) > width:
            lines.append(token.lstrip())
        else:
            lines[-1] += token
    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and measure(last + "…", size) > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last + "…"]


def _tokens(text: str, width: float, size: float, measure: Measure) -> Iterator[str]:
    """Yield words and CJK characters; a word too long for a line is split into characters."""
    for token in _TOKEN.findall(text):
        if measure(token, size) <= width:
            yield token
        else:
            yield from token


# --- SVG ---------------------------------------------------------------------------


def svg_width(text: str, size: float) -> float:
    """Estimate the width of ``text`` in a sans-serif font: CJK is 1 em, the rest about ½."""
    return size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def build_svg(poster: Poster) -> bytes:
    """Return the poster as a standalone SVG document with the A4 page's proportions."""
    qr = make_qr(poster.url)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        f'viewBox="0 0 {PAGE_WIDTH:g} {PAGE_HEIGHT:g}">',
        f"<title>{escape(poster.name)}</title>",
        f"<style>text {{ font-family: {SVG_FONTS}; }}</style>",
        f'<rect width="{PAGE_WIDTH:g}" height="{PAGE_HEIGHT:g}" fill="{WHITE}"/>',
    ]
    parts += [_svg_element(element, qr) for element in layout(poster, svg_width)]
    parts.append("</svg>\n")
    return "".join(parts).encode("utf-8")


def _svg_element(element: Element, qr: segno.QRCode) -> str:
    if isinstance(element, Band):
        return (
            f'<rect x="{element.x:g}" y="{element.y:g}" width="{element.width:g}" '
            f'height="{element.height:g}" fill="{element.color}"/>'
        )
    if isinstance(element, QrBox):
        # segno's own paths, scaled into the box by a nested viewport.
        inner = qr.svg_inline(
            scale=1, border=QR_BORDER, omitsize=True, svgclass=None, lineclass=None,
            dark="#000", light="#fff",
        )  # fmt: skip
        return (
            f'<svg x="{element.x:g}" y="{element.y:g}" width="{element.size:g}" '
            f'height="{element.size:g}" shape-rendering="crispEdges">{inner}</svg>'
        )
    weight = ' font-weight="bold"' if element.bold else ""
    return (
        f'<text x="{PAGE_WIDTH / 2:g}" y="{element.y:.2f}" font-size="{element.size:.2f}" '
        f'fill="{element.color}" text-anchor="middle"{weight}>{escape(element.text)}</text>'
    )


# --- PDF ---------------------------------------------------------------------------


@functools.cache
def _register_pdf_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def pdf_width(text: str, size: float) -> float:
    """Return the width of ``text`` in the PDF's CID font (in the unit of ``size``)."""
    return pdfmetrics.stringWidth(text, _register_pdf_font(), size)


def build_pdf(poster: Poster) -> bytes:
    """Return the poster as a one-page A4 PDF."""
    font = _register_pdf_font()
    qr = make_qr(poster.url)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(poster.name)
    pdf.setSubject(poster.url)
    for element in layout(poster, pdf_width):
        if isinstance(element, Band):
            _pdf_rect(pdf, element.x, element.y, element.width, element.height, element.color)
        elif isinstance(element, QrBox):
            _pdf_qr(pdf, qr, element)
        else:
            pdf.setFillColor(element.color)
            pdf.setFont(font, element.size * mm)
            pdf.drawCentredString(PAGE_WIDTH / 2 * mm, (PAGE_HEIGHT - element.y) * mm, element.text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _pdf_rect(pdf, x: float, y: float, width: float, height: float, color: str | None) -> None:
    """Fill a rectangle given in millimetres from the page's top left."""
    if color is not None:
        pdf.setFillColor(color)
    pdf.rect(x * mm, (PAGE_HEIGHT - y - height) * mm, width * mm, height * mm, fill=1, stroke=0)


def _pdf_qr(pdf, qr: segno.QRCode, box: QrBox) -> None:
    """Draw the QR code's dark modules as filled rectangles, one per horizontal run."""
    _pdf_rect(pdf, box.x, box.y, box.size, box.size, WHITE)
    module = box.size / (len(qr.matrix) + 2 * QR_BORDER)
    # Rows overlap by a hair so that anti-aliasing viewers draw no light seams between them.
    seam = module * 0.02
    pdf.setFillColor("#000000")
    for row, start, length in dark_runs(qr.matrix):
        x = box.x + (start + QR_BORDER) * module
        y = box.y + (row + QR_BORDER) * module
        _pdf_rect(pdf, x, y, length * module, module + seam, None)


def dark_runs(matrix) -> Iterator[tuple[int, int, int]]:
    """Yield (row, first column, length) of every horizontal run of dark modules."""
    for row, values in enumerate(matrix):
        start = None
        for column, dark in enumerate([*values, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                yield row, start, column - start
                start = None


# --- PNG ---------------------------------------------------------------------------


def build_png(poster: Poster) -> bytes:
    """Return the QR code alone as a PNG, for embedding in other printed material.

    The PNG carries no text: drawing Chinese into a bitmap needs a CJK font file, which the
    server may not have. Use the SVG or PDF poster for a complete sign.
    """
    buffer = io.BytesIO()
    make_qr(poster.url).save(buffer, kind="png", scale=PNG_SCALE, border=QR_BORDER)
    return buffer.getvalue()


BUILDERS: dict[str, Callable[[Poster], bytes]] = {
    "svg": build_svg,
    "pdf": build_pdf,
    "png": build_png,
}


def build(fmt: str, poster: Poster) -> bytes:
    """Return the poster in ``fmt`` (one of ``CONTENT_TYPES``)."""
    return BUILDERS[fmt](poster)


def filename(station: Station, fmt: str) -> str:
    return f"station-{station.pk}-poster.{fmt}"


def content_disposition(station: Station, fmt: str) -> str:
    return f'inline; filename="{filename(station, fmt)}"'
