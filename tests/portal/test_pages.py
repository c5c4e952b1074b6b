"""Public pages, sign-in, the desk and the health probes."""

import pytest
from django.test import override_settings

from tests.factories import PASSWORD


def test_home_is_chinese_and_public(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "人大代表履职服务平台" in html and "反映问题" in html
    assert 'name="viewport"' in html
    assert "http://" not in html and "https://" not in html


def test_desk_needs_sign_in(client):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_in_leads_to_the_desk_with_the_jurisdiction(client, world):
    response = client.post("/accounts/login/", {"username": "m_county", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    desk = client.get("/desk/").content.decode()
    assert "甲县 · 工作人员" in desk
    assert "进入管理后台" in desk


def test_deputy_desk_has_no_administration_link(client, world):
    client.force_login(world.users["deputy"])
    desk = client.get("/desk/").content.decode()
    assert "人大代表" in desk and "进入管理后台" not in desk


def test_wrong_password_is_a_form_error(client, world):
    response = client.post("/accounts/login/", {"username": "m_county", "password": "nope"})
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_sign_in_is_rate_limited(client, world, url):
    for n in range(10):  # other accounts each time: the address's limit, not a lockout
        client.post(url, {"username": f"nobody{n}", "password": "nope"})
    response = client.post(url, {"username": "m_county", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录尝试次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_is_in_chinese(client, world):
    client.force_login(world.users["county"])
    html = client.get("/admin/").content.decode()
    assert "人大代表履职服务平台 · 管理后台" in html
    assert "承办单位" in html


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_database(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_is_503_when_the_broker_is_down(client, db):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "error"}


@pytest.mark.redis
def test_readyz_with_redis_up(client, db, settings):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_is_503_when_the_database_is_down(client, db, monkeypatch):
    from portal import views

    monkeypatch.setattr(views, "_check_database", lambda: "OperationalError")
    assert client.get("/readyz").status_code == 503
