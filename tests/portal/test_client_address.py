"""One answer to "who is asking": X-Forwarded-For counts only as far as the trusted proxies,
and no endpoint's limit can be dodged by sending a new X-Forwarded-For with every request."""

import pytest
from django.test import RequestFactory

from portal import ratelimit
from tests.factories import PASSWORD


def _request(remote="203.0.113.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(_request(forwarded="1.2.3.4")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(remote="127.0.0.1", forwarded="6.6.6.6, 198.51.100.7")
    assert ratelimit.client_ip(request) == "198.51.100.7"


def test_behind_two_proxies_the_second_hop_from_the_right_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(remote="10.0.0.2", forwarded="6.6.6.6, 198.51.100.7, 10.0.0.1")
    assert ratelimit.client_ip(request) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "   ,  "])
def test_a_missing_or_garbled_chain_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(_request(remote="127.0.0.1", forwarded=forwarded)) == "127.0.0.1"


def test_a_chain_shorter_than_the_proxies_is_not_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(remote="127.0.0.1", forwarded="6.6.6.6")
    assert ratelimit.client_ip(request) == "127.0.0.1"


def test_ipv6_addresses_are_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(remote="::1", forwarded="2001:DB8:0:0::1")
    assert ratelimit.client_ip(request) == "2001:db8::1"


# --- every limited endpoint, with a new X-Forwarded-For on every request -------------------

LIMIT = 3


def _token(client, n):
    # a different account each time: the address limit, not the account lockout, answers
    return client.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"})


def _login(client, n):
    return client.post("/accounts/login/", {"username": f"nobody{n}", "password": "x"})


def _admin_login(client, n):
    return client.post("/admin/login/", {"username": f"nobody{n}", "password": "x"})


def _password_reset(client, n):
    return client.post("/accounts/password/reset/", {"account": f"nobody{n}"})


def _petition(client, n):
    return client.post("/petitions/new/", {"title": "路灯坏了"})


def _track(client, n):
    return client.post("/petitions/track/", {"code": "ABCDEFGH23", "digits": "1234"})


def _captcha(client, n):
    return client.get("/petitions/captcha/", {"new": "1"})


def _proposal(client, n):
    return client.post("/voting/propose/", {"title": "修路"})


def _receipt(client, n):
    return client.post("/voting/receipt/", {"code": "ABCD-EFGH-JKLM"})


ENDPOINTS = {
    "token": ("token", _token),
    "login": ("login", _login),
    "admin_login": ("login", _admin_login),
    "password_reset": ("password_reset", _password_reset),
    "petition": ("petition_ip", _petition),
    "track": ("track_ip", _track),
    "captcha": ("captcha_ip", _captcha),
    "proposal": ("petition_ip", _proposal),
    "receipt": ("track_ip", _receipt),
}


@pytest.mark.parametrize("proxies", [0, 1])
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_rotating_forwarded_for_does_not_escape_the_limit(client, settings, world, name, proxies):
    scope, send = ENDPOINTS[name]
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: (LIMIT, 600)}
    statuses = []
    for n in range(LIMIT + 2):
        spoofed = f"198.18.{n // 250}.{n % 250 + 1}"
        # Behind one proxy the proxy appends the one real address after the caller's lie.
        forwarded = f"{spoofed}, 192.0.2.50" if proxies else spoofed
        client.defaults.update(HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
        statuses.append(send(client, n).status_code)
    assert 429 not in statuses[:LIMIT], statuses
    assert statuses[-1] == 429, statuses


def test_the_token_limit_is_per_address_behind_the_proxy(client, settings, world):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": (LIMIT, 600)}
    for n in range(LIMIT + 1):
        client.defaults.update(HTTP_X_FORWARDED_FOR="192.0.2.50", REMOTE_ADDR="127.0.0.1")
        _token(client, n)
    # another real client behind the same proxy is not held back by the first one
    client.defaults.update(HTTP_X_FORWARDED_FOR="192.0.2.51", REMOTE_ADDR="127.0.0.1")
    response = client.post("/api/v1/auth/token/", {"username": "m_county", "password": PASSWORD})
    assert response.status_code == 200
