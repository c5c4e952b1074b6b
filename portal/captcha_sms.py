"""The check code by text message: the alternative to the picture (``captcha``) for citizens
who cannot read or see it, as strong as the picture.

A citizen who typed a mobile number asks for a code; six digits go to that number through
the SMS adapter. The code is bound to the number and to the form's picture token (it is
stored under the token, hashed together with both), valid ``CODE_SECONDS``, single use (a
retry of the very same submission, same ``client_token``, may present it again, as with the
picture), and void after ``MAX_TRIES`` wrong answers. Only its keyed hash is kept, in the
cache; the database never sees it.

Sending is limited per number (one a minute, a few a day) and per client address, so the
form cannot be used to flood a phone, and a code costs more than a look at the picture:
a phone that receives it, and six digits with five tries instead of four with one.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass

from django import forms
from django.http import JsonResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import captcha, ratelimit, sms
from portal.phones import normalize_phone

log = logging.getLogger(__name__)

SALT = "portal.captcha_sms"
LENGTH = 6
CODE_SECONDS = 10 * 60
MAX_TRIES = 5
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")  # a landline receives no text message
_BURNT = "\x00burnt"


def _now() -> float:
    return time.time()


def _hit(scope: str, key: str) -> bool:
    return ratelimit.hit(scope, key)  # scopes captcha_sms_* in settings.RATE_LIMITS


def _key(token: str) -> str:
    return f"{SALT}:{salted_hmac(SALT, token).hexdigest()[:32]}"


def _digest(token: str, phone: str, code: str) -> str:
    return salted_hmac(SALT, f"{token}\x00{normalize_phone(phone)}\x00{code}").hexdigest()


def mask(phone: str) -> str:
    """Return ``phone`` with its middle digits hidden: 138****1234."""
    return f"{phone[:3]}****{phone[-4:]}"


@dataclass(frozen=True)
class Outcome:
    """What became of a request for a code: the message to show and the HTTP status."""

    sent: bool
    message: str
    status: int = 200


def send(request, token: str, raw_phone: str) -> Outcome:
    """Send a new code for the picture ``token`` to the mobile number ``raw_phone``."""
    if not captcha.is_valid_token(token):
        return Outcome(False, _("The page has expired. Ask for the code again."))
    phone = normalize_phone(raw_phone)[:30]
    if not phone:
        return Outcome(False, _("Enter your mobile phone number in the form first."))
    if not MOBILE_RE.match(phone):
        return Outcome(False, _("A code can be sent only to a mobile number of 11 digits."))
    if not _hit("captcha_sms_ip", ratelimit.client_ip(request)):
        message = _("Too many codes were asked for from your network. Please try again later.")
        return Outcome(False, message, 429)
    if not _hit("captcha_sms_phone", phone):
        message = _("A code was sent to this number less than a minute ago. Please wait.")
        return Outcome(False, message, 429)
    if not _hit("captcha_sms_phone_day", phone):
        message = _("Too many codes were sent to this number today. Please try tomorrow.")
        return Outcome(False, message, 429)
    code = f"{secrets.randbelow(10**LENGTH):0{LENGTH}d}"
    entry = {"id": secrets.token_hex(8), "hash": _digest(token, phone, code)}
    entry["expires"] = _now() + CODE_SECONDS
    text = _("Your check code is %(code)s, valid for 10 minutes. Do not tell it to anyone.")
    try:
        sms.send(phone, text % {"code": code})
    except Exception:  # any gateway failure is a clear message, never a 500
        log.exception("check code text message to %s failed", mask(phone))
        message = _("The text message could not be sent. Please try again later.")
        return Outcome(False, message, 503)
    _store(_key(token), entry)
    return Outcome(True, _("A code was sent to %(phone)s.") % {"phone": mask(phone)})


def _store(key: str, entry: dict) -> None:
    ratelimit.cache_set(key, entry, CODE_SECONDS)


def _void(key: str) -> None:
    ratelimit.cache_delete(key)


def _entry(token: str) -> dict | None:
    entry = ratelimit.cache_get(_key(token))
    if not isinstance(entry, dict) or entry.get("expires", 0) <= _now():
        return None
    return entry


def pending(token: str) -> bool:
    """Return True when a code was sent for ``token`` and may still be typed."""
    return captcha.is_valid_token(token) and _entry(token) is not None


def kept_token(token) -> str:
    """Return ``token`` when a form shown again must keep it (a code is bound to it)."""
    token = str(token or "")[:200]
    return token if token and pending(token) else ""


def check(token: str, answer: str, phone: str, owner: str) -> bool:
    """Return True when ``answer`` is the code sent to ``phone`` for ``token``.

    A right code is claimed by ``owner`` (the submission's ``client_token``); only that
    submission may present it again. Each answer counts as a try; the last wrong one voids
    the code.
    """
    if not captcha.is_valid_token(token):
        return False
    entry = _entry(token)
    if entry is None:
        return False
    key = _key(token)
    tries = ratelimit.count(f"{key}:tries:{entry['id']}", CODE_SECONDS)
    if tries > MAX_TRIES:
        _void(key)
        return False
    right = constant_time_compare(entry["hash"], _digest(token, phone, captcha.normalize(answer)))
    if not right:
        if tries >= MAX_TRIES:
            _void(key)
        return False
    used = f"{key}:used:{entry['id']}"
    if ratelimit.claim(used, owner or _BURNT, CODE_SECONDS + 60):
        return True
    return bool(owner) and ratelimit.cache_get(used) == owner


def validate(token: str, answer: str, *, phone: str, owner: str) -> None:
    """Raise the form error when ``answer`` is neither the picture's digits nor the code
    sent by text message for ``token``."""
    if not captcha.is_valid_token(token):
        raise forms.ValidationError(_("The check code has expired. Type the new one."))
    if len(captcha.normalize(answer)) == LENGTH and pending(token):
        if not check(token, answer, phone, owner):
            raise forms.ValidationError(
                _(
                    "The code from the text message is wrong or no longer valid. Check the "
                    "phone number, or ask for a new code."
                )
            )
        return
    if not captcha.check(token, answer, owner):
        raise forms.ValidationError(_("The check code is wrong. Type the new one."))


@require_POST
def send_view(request):
    """Send a code for ``captcha_token`` to ``phone`` and answer with the message as JSON
    (the page's script; without it the form's own button does the same)."""
    outcome = send(request, request.POST.get("captcha_token", ""), request.POST.get("phone", ""))
    return JsonResponse({"sent": outcome.sent, "message": outcome.message}, status=outcome.status)
