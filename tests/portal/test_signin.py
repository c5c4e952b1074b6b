"""Failed sign-ins are counted per account on every way in; a locked account waits (longer
each time), its owner reads why in Chinese, and office staff release it in the admin."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.utils import timezone

from portal import signin
from portal.models import Event, User
from tests.factories import PASSWORD, UserFactory

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGNIN_LOCKOUT_MINUTES = 5
    settings.SIGNIN_LOCKOUT_MAX_HOURS = 24


def _fail(client, path, username, n):
    """One wrong password for ``username`` from its own address ``10.8.0.n``."""
    return client.post(
        path, {"username": username, "password": f"wrong-{n}"}, REMOTE_ADDR=f"10.8.0.{n + 1}"
    )


def _age_failures(username, minutes):
    """Move ``username``'s recorded failures ``minutes`` into the past (time passing)."""
    earlier = timezone.now() - timedelta(minutes=minutes)
    AccessAttempt.objects.filter(username=username).update(attempt_time=earlier)
    AccessFailureLog.objects.filter(username=username).update(attempt_time=earlier)


def test_lockout_per_account_holds_across_addresses_on_the_token(client, world):
    statuses = [_fail(client, TOKEN, "m_county", n).status_code for n in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    right = client.post(
        TOKEN, {"username": "m_county", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert right.status_code == 429
    body = right.json()
    assert body["code"] == "account_locked"
    assert "锁定" in body["detail"] and "分钟" in body["detail"]
    assert "token" not in body


def test_failures_add_up_across_the_ways_in(client, world):
    _fail(client, TOKEN, "m_county", 0)
    _fail(client, TOKEN, "m_county", 1)
    _fail(client, LOGIN, "m_county", 2)
    _fail(client, LOGIN, "m_county", 3)
    _fail(client, ADMIN_LOGIN, "m_county", 4)
    for path in (LOGIN, ADMIN_LOGIN):
        response = client.post(
            path, {"username": "m_county", "password": PASSWORD}, REMOTE_ADDR="10.7.7.7"
        )
        assert response.status_code == 429, path
        assert "_auth_user_id" not in client.session


def test_a_locked_owner_reads_a_clear_chinese_message_on_the_sign_in_page(client, world):
    for n in range(5):
        _fail(client, LOGIN, "m_county", n)
    response = client.post(LOGIN, {"username": "m_county", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "该账号" in page and "锁定" in page and "分钟后再试" in page
    assert 'name="username"' in page  # still the sign-in form, with the reason beside it
    assert "/accounts/password/reset/" in page


def test_a_wrong_password_below_the_limit_is_the_ordinary_error(client, world):
    response = _fail(client, LOGIN, "m_county", 0)
    assert response.status_code == 200
    assert "锁定" not in response.content.decode()


def test_tries_during_the_wait_do_not_restart_it(client, world):
    for n in range(5):
        _fail(client, TOKEN, "m_county", n)
    _age_failures("m_county", 4)
    for n in range(5, 15):  # an impatient owner or a guesser keeps trying
        assert _fail(client, TOKEN, "m_county", n).status_code == 429
    _age_failures("m_county", 6)  # the first wait (5 minutes) is over
    response = client.post(TOKEN, {"username": "m_county", "password": PASSWORD})
    assert response.status_code == 200


def test_the_wait_grows_with_every_lockout_within_a_day(client, world):
    for n in range(5):
        _fail(client, TOKEN, "m_county", n)
    first = signin.locked_until("m_county") - timezone.now()
    assert timedelta(minutes=4) < first <= timedelta(minutes=5)
    _age_failures("m_county", 6)
    for n in range(5):
        _fail(client, TOKEN, "m_county", n)
    second = signin.locked_until("m_county") - timezone.now()
    assert timedelta(minutes=9) < second <= timedelta(minutes=10)
    assert signin.wait_for(30) == timedelta(hours=24)  # bounded


def test_unknown_usernames_lock_the_same_way_and_reveal_nothing(client, world):
    known = [_fail(client, TOKEN, "m_county", n).json() for n in range(5)]
    unknown = [_fail(client, TOKEN, "no_such_user", n).json() for n in range(5)]
    assert [sorted(b) for b in known] == [sorted(b) for b in unknown]


def test_a_success_clears_the_count(client, world):
    for n in range(4):
        _fail(client, TOKEN, "m_county", n)
    ok = client.post(TOKEN, {"username": "m_county", "password": PASSWORD})
    assert ok.status_code == 200
    assert _fail(client, TOKEN, "m_county", 9).status_code == 400


# --- office staff see failures in their jurisdiction and release accounts ---------------


def _lock(client, username):
    for n in range(5):
        _fail(client, TOKEN, username, n)


@pytest.fixture
def locked(client, world):
    """m_township (under the county) and a user of the county's sibling, both locked."""
    sibling = UserFactory(username="m_sibling", region=world.regions["countyB"])
    _lock(client, "m_township")
    _lock(client, sibling.username)
    _lock(client, "m_city")
    return sibling


def test_staff_see_failures_of_their_own_region_and_below_only(client, world, locked):
    client.force_login(world.users["county"])
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "m_township" in page
    assert "m_sibling" not in page and "m_city" not in page
    log = client.get("/admin/axes/accessfailurelog/").content.decode()
    assert "m_township" in log and "m_sibling" not in log and "m_city" not in log


def test_city_staff_see_the_whole_city(client, world, locked):
    client.force_login(world.users["city"])
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "m_township" in page
    assert "m_sibling" in page  # countyB is in the same city


def test_township_staff_do_not_see_their_parents_failures(client, world, locked):
    _lock(client, "m_county")
    client.force_login(world.users["township"])
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "m_county" not in page


@pytest.mark.parametrize("role", ["deputy", "handler", "viewer"])
def test_people_who_manage_no_accounts_have_no_such_page(client, world, locked, role):
    client.force_login(world.users[role])
    assert client.get("/admin/axes/accessattempt/").status_code in (302, 403, 404)


def test_staff_release_an_account_and_it_is_audited(client, world, locked):
    staff = world.users["county"]
    client.force_login(staff)
    ids = list(AccessAttempt.objects.filter(username="m_township").values_list("pk", flat=True))
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "release_accounts", "_selected_action": ids},
        follow=True,
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="m_township").exists()
    township = User.objects.get(username="m_township")
    assert Event.objects.filter(action="signin_release", actor=staff, target_id=township.pk)
    client.logout()
    ok = client.post(TOKEN, {"username": "m_township", "password": PASSWORD})
    assert ok.status_code == 200


def test_staff_cannot_release_an_account_outside_their_jurisdiction(client, world, locked):
    client.force_login(world.users["county"])
    ids = list(AccessAttempt.objects.filter(username="m_sibling").values_list("pk", flat=True))
    client.post(
        "/admin/axes/accessattempt/", {"action": "release_accounts", "_selected_action": ids}
    )
    assert AccessAttempt.objects.filter(username="m_sibling").exists()
    assert not Event.objects.filter(action="signin_release").exists()


def _list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    return len(captured.captured_queries), page.content.decode()


def test_the_lock_list_costs_the_same_queries_for_one_or_many_accounts(client, world):
    from django.utils.timezone import localtime

    _lock(client, "m_township")
    client.force_login(world.users["city"])
    few, page = _list_queries(client)
    until = signin.locked_until("m_township")
    assert localtime(until).strftime("%Y-%m-%d %H:%M") in page  # the lock's end is shown
    client.logout()
    for n in range(6):
        UserFactory(username=f"m_many{n}", region=world.regions["townA1"])
        _lock(client, f"m_many{n}")
    client.force_login(world.users["city"])
    many, page = _list_queries(client)
    assert "m_many5" in page
    assert many == few
