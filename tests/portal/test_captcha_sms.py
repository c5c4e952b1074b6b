"""The check code by text message (portal/captcha_sms.py): the alternative to the picture,
bound to the phone and the picture token, single use, void after five wrong tries, expiring
after ten minutes, stored only as a hash in the cache, and rate-limited per phone and per
client address."""

import pickle
import re

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import captcha, captcha_sms, sms

PHONE, OTHER_PHONE = "13800001234", "13900005678"


@pytest.fixture(autouse=True)
def console_sms(settings):
    settings.SMS_BACKEND = "portal.sms.ConsoleBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def request_from(address="10.0.0.1"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def last_code(phone=PHONE) -> str:
    sent_to, text = sms.outbox[-1]
    assert sent_to == phone
    return re.search(r"\b(\d{6})\b", text).group(1)


def send(token, phone=PHONE, address="10.0.0.1") -> captcha_sms.Outcome:
    return captcha_sms.send(request_from(address), token, phone)


class FailingGateway:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_a_code_goes_to_the_phone_and_only_its_hash_is_kept_in_the_cache():
    token = captcha.issue()
    outcome = send(token, phone="138 0000 1234")
    assert outcome.sent and outcome.status == 200
    assert outcome.message == _("A code was sent to %(phone)s.") % {"phone": "138****1234"}
    code = last_code()
    assert captcha_sms.pending(token)
    stored = repr([pickle.loads(value) for value in cache._cache.values()])  # local memory
    assert code not in stored and PHONE not in stored


def test_the_right_code_passes_once_and_only_for_the_same_submission():
    token = captcha.issue()
    send(token)
    code = last_code()
    assert captcha_sms.check(token, code, PHONE, "form-1")
    assert captcha_sms.check(token, code, PHONE, "form-1")  # a retry of the same submission
    assert not captcha_sms.check(token, code, PHONE, "form-2")


def test_a_code_is_bound_to_the_phone_and_to_the_picture_token():
    token, other_token = captcha.issue(), captcha.issue()
    send(token)
    code = last_code()
    send(other_token, phone=OTHER_PHONE)
    other_code = last_code(OTHER_PHONE)
    assert not captcha_sms.check(token, code, OTHER_PHONE, "form-1")
    assert not captcha_sms.check(other_token, code, PHONE, "form-1")
    assert not captcha_sms.check(token, other_code, OTHER_PHONE, "form-1")
    assert captcha_sms.check(token, code, PHONE, "form-1")


def test_five_wrong_tries_void_the_code():
    token = captcha.issue()
    send(token)
    code = last_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _try in range(captcha_sms.MAX_TRIES):
        assert not captcha_sms.check(token, wrong, PHONE, "form-1")
    assert not captcha_sms.pending(token)
    assert not captcha_sms.check(token, code, PHONE, "form-1")


def test_four_wrong_tries_still_leave_the_right_code_usable():
    token = captcha.issue()
    send(token)
    code = last_code()
    for _try in range(captcha_sms.MAX_TRIES - 1):
        assert not captcha_sms.check(token, "000000" if code != "000000" else "111111", PHONE, "f")
    assert captcha_sms.check(token, code, PHONE, "f")


def test_a_code_expires_after_ten_minutes(monkeypatch):
    token = captcha.issue()
    send(token)
    code = last_code()
    now = captcha_sms._now()
    monkeypatch.setattr(captcha_sms, "_now", lambda: now + captcha_sms.CODE_SECONDS + 1)
    assert not captcha_sms.pending(token)
    assert not captcha_sms.check(token, code, PHONE, "form-1")


def test_a_new_code_replaces_the_old_one():
    token = captcha.issue()
    send(token)
    first = last_code()
    cache.delete(f"ratelimit:captcha_sms_phone:{PHONE}")  # a minute later
    send(token)
    second = last_code()
    if first != second:
        assert not captcha_sms.check(token, first, PHONE, "form-1")
    assert captcha_sms.check(token, second, PHONE, "form-1")


def test_no_code_without_a_mobile_number_or_for_a_forged_token():
    token = captcha.issue()
    missing = send(token, phone="")
    assert not missing.sent and missing.message == _(
        "Enter your mobile phone number in the form first."
    )
    landline = send(token, phone="0571-87654321")
    assert not landline.sent and landline.message == _(
        "A code can be sent only to a mobile number of 11 digits."
    )
    forged = send("forged")
    assert not forged.sent and forged.message == _("The page has expired. Ask for the code again.")
    assert sms.outbox == []


def test_one_code_a_minute_and_five_a_day_per_phone(settings):
    token = captcha.issue()
    assert send(token).sent
    again = send(token, address="10.0.0.2")
    assert again.status == 429 and not again.sent
    assert again.message == _("A code was sent to this number less than a minute ago. Please wait.")
    assert len(sms.outbox) == 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "captcha_sms_phone": (100, 60)}
    for number in range(2, 6):
        assert send(captcha.issue(), address=f"10.0.1.{number}").sent
    sixth = send(captcha.issue(), address="10.0.2.1")
    assert sixth.status == 429
    assert sixth.message == _("Too many codes were sent to this number today. Please try tomorrow.")
    assert len(sms.outbox) == 5


def test_ten_codes_an_hour_per_client_address():
    for number in range(10):
        assert send(captcha.issue(), phone=f"1380000{number:04d}").sent
    refused = send(captcha.issue(), phone="13900009999")
    assert refused.status == 429
    assert refused.message == _(
        "Too many codes were asked for from your network. Please try again later."
    )
    assert send(captcha.issue(), phone="13900009999", address="10.9.9.9").sent


def test_a_failing_gateway_is_a_message_and_keeps_no_code(settings):
    settings.SMS_BACKEND = f"{__name__}.FailingGateway"
    token = captcha.issue()
    outcome = send(token)
    assert outcome.status == 503 and not outcome.sent
    assert outcome.message == _("The text message could not be sent. Please try again later.")
    assert not captcha_sms.pending(token)


@pytest.mark.parametrize("app", ["petitions", "voting"])
def test_the_script_endpoint_answers_json_and_429_when_limited(client, app):
    url = reverse(f"{app}:captcha_sms")
    token = captcha.issue()
    response = client.post(url, {"captcha_token": token, "phone": PHONE})
    assert response.status_code == 200
    assert response.json() == {
        "sent": True,
        "message": _("A code was sent to %(phone)s.") % {"phone": "138****1234"},
    }
    assert client.post(url, {"captcha_token": token, "phone": PHONE}).status_code == 429
    assert client.get(url).status_code == 405
    assert len(sms.outbox) == 1
