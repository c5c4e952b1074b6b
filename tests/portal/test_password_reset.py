"""Self-service password reset: a one-time link by SMS and email, limited, and the same
answer whether or not an account matched."""

import re

import pytest
from django.core import mail

from portal import sms, tasks
from portal.models import Event, User
from tests.factories import PASSWORD

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "Shipu-harbour-lights-77"


@pytest.fixture
def owner(world):
    user = User.objects.get(username="m_county")
    user.phone = "13800001111"
    user.email = "county@example.cn"
    user.save()
    return user


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    """Run the queued task in-process: the broker's part is tested elsewhere."""
    sms.outbox.clear()
    monkeypatch.setattr(
        tasks.send_password_reset,
        "apply_async",
        lambda args, **kwargs: tasks.send_password_reset.run(*args),
    )
    yield
    sms.outbox.clear()


def _ask(client, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET, {"account": account})


def _link(text):
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", text).group(0)


@pytest.mark.parametrize("account", ["m_county", "13800001111", "county@example.cn"])
def test_the_link_goes_to_the_accounts_phone_and_email(
    client, owner, account, django_capture_on_commit_callbacks
):
    response = _ask(client, account, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "请查看手机短信和电子邮箱" in response.content.decode()
    [(phone, text)] = sms.outbox
    assert phone == "13800001111" and "m_county" in text and "重设密码" in text
    [message] = mail.outbox
    assert message.to == ["county@example.cn"]
    assert _link(message.body) == _link(text)


def test_an_unknown_account_gets_the_same_answer_and_nothing_is_sent(
    client, owner, django_capture_on_commit_callbacks
):
    known = _ask(client, "m_county", django_capture_on_commit_callbacks)
    sms.outbox.clear()
    mail.outbox.clear()
    unknown = _ask(client, "no_such_person", django_capture_on_commit_callbacks)
    assert unknown.status_code == known.status_code == 200
    assert unknown.content == known.content
    assert sms.outbox == [] and mail.outbox == []


def test_the_link_sets_a_new_password_once_and_lifts_a_lock(
    client, owner, django_capture_on_commit_callbacks
):
    for n in range(5):  # the owner forgot the password and locked the account
        client.post("/accounts/login/", {"username": "m_county", "password": f"x{n}"})
    _ask(client, "m_county", django_capture_on_commit_callbacks)
    link = _link(sms.outbox[0][1])
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "密码已修改" in done.content.decode()
    signed_in = client.post("/accounts/login/", {"username": "m_county", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert Event.objects.filter(action="password_reset", target_id=owner.pk).exists()
    client.logout()
    again = client.get(link, follow=True)
    assert "链接已失效" in again.content.decode()


def test_a_weak_new_password_is_refused_beside_the_field(
    client, owner, django_capture_on_commit_callbacks
):
    _ask(client, "m_county", django_capture_on_commit_callbacks)
    form_page = client.get(_link(sms.outbox[0][1]), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_empty_input_is_a_form_error(client, owner, django_capture_on_commit_callbacks):
    response = _ask(client, "   ", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert sms.outbox == []


def test_one_account_gets_few_links_an_hour(client, owner, django_capture_on_commit_callbacks):
    for n in range(6):
        response = _ask(client, "m_county", django_capture_on_commit_callbacks)
        client.defaults["REMOTE_ADDR"] = f"10.3.0.{n}"  # a new address every time
        assert response.status_code == 200
    assert len(sms.outbox) == 3


def test_one_address_is_limited(client, owner, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}
    statuses = [
        _ask(client, f"someone{n}", django_capture_on_commit_callbacks).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_sign_in_pages_offer_the_reset(client, world):
    assert RESET in client.get("/accounts/login/").content.decode()
    admin_page = client.get("/admin/login/").content.decode()
    assert 'href="/admin/password_reset/"' in admin_page
    assert client.get("/admin/password_reset/").status_code == 200
