"""A self-hosted image check code (验证码) for the citizens' public forms (issues, project
proposals).

Stateless and signed: a token is a random nonce signed with ``django.core.signing`` (with a
timestamp, so it expires); the four digits are derived from the nonce with a keyed HMAC, so
neither the token nor anything else sent to the browser reveals them. The image view draws
them with Pillow (digits only: the server has no CJK font and a phone shows a number pad).

A token is single use: the first check claims it in the cache, right or wrong. A retry of
the very same submission (same ``client_token``, e.g. a double click) may present it again,
which lets the duplicate reach the workflow and find the issue the first request created.
"""

from __future__ import annotations

import io
import secrets

from django.core import signing
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from portal import ratelimit

# The signing salt and the prefix of the cache keys that claim a token. Its value names the
# app the check code was first written for; it stays so, because changing it would void
# every token on an open form and every claim in the cache.
SALT = "petitions.captcha"
MAX_AGE = 60 * 60  # seconds a citizen has to fill in the form
LENGTH = 4
DIGITS = "23456789"  # no 0/1: they look like O/I/l/7 in a distorted image
WIDTH, HEIGHT = 168, 64
_BURNT = "\x00burnt"


def issue() -> str:
    """Return a new signed check-code token."""
    return signing.dumps(secrets.token_urlsafe(12), salt=SALT, compress=False)


def _nonce(token: str, *, expires: bool = True) -> str | None:
    try:
        nonce = signing.loads(token or "", salt=SALT, max_age=MAX_AGE if expires else None)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return nonce if isinstance(nonce, str) else None


def _digits(nonce: str) -> str:
    digest = salted_hmac(SALT, nonce).digest()
    return "".join(DIGITS[byte % len(DIGITS)] for byte in digest[:LENGTH])


def is_valid_token(token: str) -> bool:
    """Return True when ``token`` is ours and has not expired."""
    return _nonce(token) is not None


def normalize(answer: str) -> str:
    """Return the typed answer without spaces; full-width digits become ASCII."""
    text = "".join((answer or "").split())
    return text.translate({0xFF10 + i: ord("0") + i for i in range(10)})[:16]


def check(token: str, answer: str, owner: str) -> bool:
    """Return True when ``answer`` solves ``token``; claim the token either way.

    ``owner`` is the submission's ``client_token``: the same submission presenting the same
    right answer again is accepted (it is a retry); anything else after the first check is
    refused.
    """
    nonce = _nonce(token)
    if nonce is None:
        return False
    right = constant_time_compare(_digits(nonce), normalize(answer))
    claim = owner if right and owner else _BURNT
    if ratelimit.claim(f"{SALT}:used:{nonce}", claim, MAX_AGE + 60):
        return right
    return right and bool(owner) and ratelimit.cache_get(f"{SALT}:used:{nonce}") == owner


def answer_for(token: str) -> str:
    """Return the digits of ``token`` (for tests; the page never needs them)."""
    nonce = _nonce(token, expires=False)
    if nonce is None:
        raise ValueError("not a check-code token")
    return _digits(nonce)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError, TypeError):  # Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def render_png(token: str) -> bytes | None:
    """Return the PNG image of ``token``'s digits, or None for a bad or expired token."""
    nonce = _nonce(token)
    if nonce is None:
        return None
    rng = secrets.SystemRandom()
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 244, 241))
    draw = ImageDraw.Draw(image)
    for _line in range(5):
        points = [(rng.randint(0, WIDTH), rng.randint(0, HEIGHT)) for _p in range(2)]
        draw.line(points, fill=(rng.randint(120, 200),) * 3, width=1)
    font = _font(40)
    step = (WIDTH - 16) // LENGTH
    for index, digit in enumerate(_digits(nonce)):
        glyph = Image.new("L", (step + 10, HEIGHT), 0)
        ImageDraw.Draw(glyph).text((6, 4), digit, fill=255, font=font)
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
        colour = (rng.randint(20, 120), rng.randint(10, 60), rng.randint(10, 60))
        image.paste(colour, (8 + index * step + rng.randint(-3, 3), rng.randint(-4, 4)), glyph)
    for _dot in range(120):
        draw.point((rng.randrange(WIDTH), rng.randrange(HEIGHT)), fill=(rng.randint(90, 200),) * 3)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@require_safe
def image_view(request):
    """Serve the check-code image of ``?t=<token>``; ``?new=1`` gives a new token as JSON,
    with its image at this same address (each app that shows a form routes it)."""
    if not ratelimit.hit("captcha_ip", ratelimit.client_ip(request)):
        return HttpResponse(_("Too many requests."), status=429, content_type="text/plain")
    if request.GET.get("new"):
        token = issue()
        response = JsonResponse({"token": token, "image": f"{request.path}?t={token}"})
    else:
        png = render_png(request.GET.get("t", "")[:200])
        if png is None:
            raise Http404(_("The check code has expired."))
        response = HttpResponse(png, content_type="image/png")
    add_never_cache_headers(response)
    return response
