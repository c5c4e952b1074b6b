"""What makes the public submission cheap keeps every guarantee: the shared blank form (fresh
tokens each time, never a signed-in user's page), the receipt in a signed cookie (no session
row), the place checked in one query, and a rate-limit hit in one Redis round trip."""

import html
import re
import time
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse

from petitions import public_form
from petitions.models import Petition
from portal import captcha, ratelimit
from tests.factories import UserFactory
from tests.petitions.test_public import NEW_URL, errors_of, form_data, nothing_stored, text

HIDDEN_RE = r'name="{name}" value="([^"]*)"'


def hidden(page: str, name: str) -> str:
    return html.unescape(re.search(HIDDEN_RE.format(name=name), page).group(1))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- the shared blank form -----------------------------------------------------------


def test_a_new_visitor_gets_the_cached_form_with_fresh_tokens(pworld, django_assert_num_queries):
    station = pworld.stations["a1v"]
    url = f"{NEW_URL}?station={station.pk}"
    first = Client(enforce_csrf_checks=True).get(url)
    browser = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        second = browser.get(url)
    pages = [first.content.decode(), second.content.decode()]
    for name in ("csrfmiddlewaretoken", "client_token", "captcha_token"):
        assert hidden(pages[0], name) != hidden(pages[1], name)
    token = hidden(pages[1], "captcha_token")
    assert captcha.is_valid_token(token)
    assert public_form._captcha_image(token) in pages[1]
    assert uuid.UUID(hidden(pages[1], "client_token")).version == 4
    assert station.name in pages[1]
    village = pworld.base.regions["villageA1"].pk
    assert f'<option value="{village}" selected>' in pages[1]
    assert "no-store" in second["Cache-Control"]
    # the page's tokens work: the CSRF cookie came with it, the check code is solvable
    data = form_data(pworld, captcha_token=token, captcha=captcha.answer_for(token))
    data |= {
        "csrfmiddlewaretoken": hidden(pages[1], "csrfmiddlewaretoken"),
        "client_token": hidden(pages[1], "client_token"),
        "station_id": hidden(pages[1], "station_id"),
    }
    assert browser.post(NEW_URL, data).status_code == 302
    assert Petition.objects.get().station == station


def test_each_station_has_its_own_cached_page(client, pworld):
    one, other = pworld.stations["a1v"], pworld.stations["a1"]
    for _round in range(2):
        pages = {s.pk: text(Client().get(f"{NEW_URL}?station={s.pk}")) for s in (one, other)}
        assert one.name in pages[one.pk] and one.name not in pages[other.pk]
        assert other.name in pages[other.pk]


def test_made_up_stations_share_the_page_without_a_station(pworld):
    from django.core.cache import cache

    for made_up in ("999999", "123456789012", "abc"):
        response = Client().get(f"{NEW_URL}?station={made_up}")
        page = text(response)
        assert response.status_code == 200 and 'name="station_id" value="' not in page
    assert cache.get(public_form._page_key(0)) is not None
    assert cache.get(public_form._page_key(999999)) is None
    assert cache.get(public_form._page_key(123456789012)) is None
    closed = pworld.stations["a1"]
    closed.is_active = False
    closed.save()
    page = text(Client().get(f"{NEW_URL}?station={closed.pk}"))
    assert closed.name not in page and cache.get(public_form._page_key(closed.pk)) is None


def test_a_signed_in_user_is_never_served_or_the_source_of_the_shared_page(pworld):
    staff = Client()
    staff.force_login(UserFactory(username="office"))
    signed_in = text(staff.get(NEW_URL))
    assert reverse("logout") in signed_in
    anonymous = text(Client().get(NEW_URL))
    assert reverse("logout") not in anonymous and reverse("login") in anonymous
    assert reverse("logout") in text(staff.get(NEW_URL))  # and not the anonymous page now


def test_a_page_whose_tokens_are_not_found_once_is_not_shared():
    context = {
        "csrf_value": "C" * 64,
        "client_token": str(uuid.uuid4()),
        "captcha_token": "tok:en",
        "captcha_image": public_form._captcha_image("tok:en"),
    }
    page = f"{context['csrf_value']} {context['client_token']} tok:en {context['captcha_image']}"
    shared = public_form._as_shared_page(page, context)
    assert shared is not None and "tok:en" not in shared and "C" * 64 not in shared
    assert public_form._as_shared_page(page + context["client_token"], context) is None


# --- the submission ------------------------------------------------------------------


def test_a_submission_costs_a_fixed_number_of_queries_and_no_session(
    client, pworld, django_assert_max_num_queries
):
    data = form_data(pworld, station_id=str(pworld.stations["a1v"].pk))
    # token look-up, station, place; the transaction: insert, savepoint, event, message
    with django_assert_max_num_queries(11):
        response = client.post(NEW_URL, data)
    assert response.status_code == 302
    assert not Session.objects.exists()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "township", ["99999999999999999999999", "-1", "0", "１２", " ", "1e3"], ids=repr
)
def test_a_township_that_cannot_be_an_id_is_a_form_error(client, pworld, _media, township):
    response = client.post(NEW_URL, form_data(pworld, township=township, village=""))
    assert response.status_code == 200
    assert set(errors_of(response)) == {"township"}
    assert nothing_stored(_media)


def test_a_village_alone_without_its_township_is_refused(client, pworld, _media):
    regions = pworld.base.regions
    data = form_data(pworld, township=str(regions["townA2"].pk))  # villageA1 is in townA1
    assert set(errors_of(client.post(NEW_URL, data))) == {"village"}
    data = form_data(pworld, township=str(regions["villageA1"].pk), village="")
    assert set(errors_of(client.post(NEW_URL, data))) == {"township"}
    assert nothing_stored(_media)


def test_a_form_with_errors_shows_the_place_lists_again(client, pworld):
    response = client.post(NEW_URL, form_data(pworld, consent=None))
    page = text(response)
    regions = pworld.base.regions
    assert '<optgroup label="甲县">' in page
    assert f'<option value="{regions["villageA1"].pk}" selected>' in page


# --- the receipt cookie --------------------------------------------------------------


def test_the_receipt_cookie_is_signed_http_only_and_scoped_to_the_petition_pages(client, pworld):
    response = client.post(NEW_URL, form_data(pworld))
    cookie = response.cookies[public_form.RECEIPT_COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/petitions/"
    assert cookie["samesite"] == "Lax" and int(cookie["max-age"]) == public_form.RECEIPT_SECONDS
    code = Petition.objects.get().tracking_code
    assert client.get(response["Location"]).status_code == 200
    forged = signing.get_cookie_signer(salt=public_form.RECEIPT_COOKIE + "other").sign(
        f"{code}.{int(time.time())}"
    )
    client.cookies[public_form.RECEIPT_COOKIE] = forged
    assert client.get(response["Location"]).status_code == 404
    client.cookies[public_form.RECEIPT_COOKIE] = f"{code}.{int(time.time())}"  # unsigned
    assert client.get(response["Location"]).status_code == 404


def test_the_receipt_cookie_keeps_the_latest_five_and_forgets_old_ones(client, pworld, monkeypatch):
    locations = []
    for number in range(6):
        data = form_data(pworld, citizen_phone=f"1380000{number:04d}")
        locations.append(client.post(NEW_URL, data)["Location"])
    assert client.get(locations[0]).status_code == 404  # pushed out by the sixth
    assert all(client.get(location).status_code == 200 for location in locations[1:])
    later = time.time() + public_form.RECEIPT_SECONDS + 1
    monkeypatch.setattr(public_form.time, "time", lambda: later)
    assert client.get(locations[-1]).status_code == 404


def test_a_double_click_gets_the_receipt_again_without_counting_against_the_limit(
    client, pworld, settings
):
    settings.RATE_LIMITS = dict(settings.RATE_LIMITS, petition_ip=(1, 3600))
    data = form_data(pworld)
    first = client.post(NEW_URL, data)
    second = client.post(NEW_URL, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] and Petition.objects.count() == 1
    assert client.post(NEW_URL, form_data(pworld)).status_code == 429  # a new one is counted


# --- rate limits on Redis ------------------------------------------------------------


@pytest.mark.redis
def test_a_redis_rate_limit_hit_is_one_round_trip_with_an_expiry(redis_cache, settings):
    backend, client = redis_cache
    settings.RATE_LIMITS = dict(settings.RATE_LIMITS, petition_ip=(3, 60))
    sent = []
    connection = client.connection_pool.get_connection()
    original = type(connection).send_packed_command
    client.connection_pool.release(connection)

    def counting(self, command, *args, **kwargs):
        sent.append(command)
        return original(self, command, *args, **kwargs)

    type(connection).send_packed_command = counting
    try:
        results = [ratelimit.hit("petition_ip", "10.9.8.7") for _n in range(5)]
    finally:
        type(connection).send_packed_command = original
    assert results == [True, True, True, False, False]
    assert len(sent) == 5  # one MULTI/SET/INCR/EXEC write per hit
    key = backend.make_and_validate_key("ratelimit:petition_ip:10.9.8.7")
    assert 0 < client.ttl(key) <= 60 and int(client.get(key)) == 5
    ratelimit.reset("petition_ip", "10.9.8.7")
    assert ratelimit.hit("petition_ip", "10.9.8.7")


@pytest.mark.redis
def test_a_redis_claim_is_an_add_that_the_cache_reads(redis_cache):
    from django.core.cache import cache

    assert ratelimit.claim("claim-test", "owner-1", 60)
    assert not ratelimit.claim("claim-test", "owner-2", 60)
    assert cache.get("claim-test") == "owner-1"
