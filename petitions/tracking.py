"""The citizen's own tracking link: the tracking code with a secret that opens the issue
without the phone's last 4 digits.

Code and digits are a short secret (10,000 digit guesses per code), so their look-ups are
limited per code, and a stranger's guesses can lock a code for a while. The link is the way
in that guesses cannot block: its token is an HMAC of the tracking code under the portal's
``SECRET_KEY`` (144 bits, compared in constant time, ``SECRET_KEY_FALLBACKS`` honoured), so
it cannot be guessed and needs no row of its own. The citizen gets it on the receipt page
and in every text message about the issue.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

LINK_SALT = "petitions.tracking.link"
TOKEN_CHARS = 24  # base64url: 144 bits


def _token(code: str, secret) -> str:
    mac = salted_hmac(LINK_SALT, code, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).decode()[:TOKEN_CHARS]


def link_token(code: str) -> str:
    """Return the secret of the tracking link of the issue with tracking ``code``."""
    return _token(code, settings.SECRET_KEY)


def token_matches(code: str, token: str) -> bool:
    """Return whether ``token`` is the link secret of ``code`` (no database query)."""
    if not isinstance(token, str) or len(token) != TOKEN_CHARS or not code:
        return False
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]
    return any(constant_time_compare(_token(code, secret), token) for secret in secrets)


def link_path(code: str) -> str:
    """Return the path of the tracking link of ``code``."""
    return reverse("petitions:track_link", args=[code, link_token(code)])


def link_url(code: str, request=None) -> str:
    """Return the tracking link of ``code``, absolute: on the portal's public address
    (``PORTAL_BASE_URL``) when it is set, else on the address ``request`` came to; the path
    alone without either."""
    path = link_path(code)
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    if base or request is None:
        return f"{base}{path}"
    return request.build_absolute_uri(path)
