"""The check code (验证码) of the citizens' forms: signed, single use, with the same salt and
cache keys as before it moved into the core, so no open form loses its token."""

import io

import pytest
from django.core import signing
from django.urls import reverse
from PIL import Image

from portal import captcha


def test_a_token_signed_before_the_move_still_checks():
    """The salt is part of every token on an open form and of every claim in the cache."""
    assert captcha.SALT == "petitions.captcha"
    token = signing.dumps("nonce-from-an-open-form", salt="petitions.captcha", compress=False)
    assert captcha.is_valid_token(token)
    assert captcha.check(token, captcha.answer_for(token), "form-1")


def test_a_check_code_is_single_use_and_claimed_under_the_same_cache_key():
    from django.core.cache import cache

    token = captcha.issue()
    nonce = signing.loads(token, salt=captcha.SALT)
    assert captcha.check(token, captcha.answer_for(token), "form-1")
    assert cache.get(f"petitions.captcha:used:{nonce}") == "form-1"
    assert not captcha.check(token, captcha.answer_for(token), "form-2")


def test_a_forged_or_expired_token_fails_and_draws_no_image(monkeypatch):
    assert not captcha.is_valid_token("forged")
    assert captcha.render_png("forged") is None
    token = captcha.issue()
    assert captcha.render_png(token).startswith(b"\x89PNG")
    monkeypatch.setattr(captcha, "MAX_AGE", -1)
    assert not captcha.check(token, captcha.answer_for(token), "form-1")


def test_full_width_digits_and_spaces_are_read_as_typed_digits():
    assert captcha.normalize(" １２ 34 ") == "1234"


def test_the_captcha_image_is_a_png_and_a_new_token_is_json(client, db):
    token = captcha.issue()
    assert reverse("petitions:captcha") == "/petitions/captcha/"  # the public address stays
    response = client.get(reverse("petitions:captcha"), {"t": token})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).format == "PNG"
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("petitions:captcha"), {"t": "forged"}).status_code == 404
    fresh = client.get(reverse("petitions:captcha"), {"new": "1"}).json()
    assert captcha.is_valid_token(fresh["token"])
    assert fresh["image"] == f"/petitions/captcha/?t={fresh['token']}"
    assert captcha.answer_for(token) not in response.content.decode("latin-1")


@pytest.mark.redis
def test_a_check_code_on_redis_is_single_use_but_a_retry_of_the_same_form_passes(redis_cache):
    token = captcha.issue()
    right = captcha.answer_for(token)
    assert captcha.check(token, right, "form-1")
    assert captcha.check(token, right, "form-1")  # the same submission again
    assert not captcha.check(token, right, "form-2")
    wrong = captcha.issue()
    assert not captcha.check(wrong, "0", "form-3")
    assert not captcha.check(wrong, captcha.answer_for(wrong), "form-3")  # burnt
